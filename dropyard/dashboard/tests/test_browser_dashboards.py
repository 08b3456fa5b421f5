"""Browser test: the merchant home draws its spend chart from the static script (no inline
script), and at 390 px nothing on the merchant or the admin home is wider than the window."""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator
from dropyard.checkout.services import pay_from_wallet
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.orders import services as order_services
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Elements whose right edge passes the viewport (a horizontal scroll bar on a phone).
WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.closest(".table-responsive, .navbar-collapse:not(.show)"))
    .map((el) => el.tagName.toLowerCase() + (el.dataset.testid ? "#" + el.dataset.testid : ""));
}"""


def _log_in(page, base_url, email, landing):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(landing))


def test_merchant_chart_renders_and_homes_fit_a_phone(browser, live_server):
    merchant = make_merchant(business_name="Browser Dashboard Shop With A Long Business Name")
    owner = merchant.members.get().user
    world = make_order_world()
    fund(merchant, owner, 100_000)
    orders = [
        order_services.order_create(
            merchant=merchant, actor=owner, shop_amount_minor=4_000, **order_item((world.red, q))
        )
        for q in (1, 2)
    ]
    order_services.cart_add(merchant=merchant, orders=orders, actor=owner)
    order_services.cart_confirm(merchant=merchant, orders=orders, actor=owner)
    pay_from_wallet(merchant=merchant, orders=orders, actor=owner)

    desktop = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    errors: list[str] = []
    desktop.on("pageerror", lambda exc: errors.append(str(exc)))
    _log_in(desktop, live_server.url, owner.email, r"/home/$")
    canvas = desktop.get_by_test_id("spend-chart")
    canvas.wait_for()
    desktop.wait_for_function(
        "document.getElementById('chart-spend').dataset.chartReady === 'true'"
    )
    box = canvas.bounding_box()
    assert box is not None
    assert (box["width"] > 400, box["height"] > 150) == (True, True)
    # Chart.js painted something: the canvas holds non-transparent pixels.
    painted = desktop.evaluate(
        """() => {
          const c = document.getElementById('chart-spend');
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) return true; }
          return false;
        }"""
    )
    assert painted is True
    # The series names come from the canvas's translated data-label-* attributes.
    labels = desktop.evaluate(
        "Chart.getChart(document.getElementById('chart-spend')).data.datasets.map(d => d.label)"
    )
    assert labels == ["Paid (USD)", "Orders paid"]
    assert errors == []
    assert desktop.get_by_test_id("count-awaiting-shipment").inner_text() == "2"

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    _log_in(phone, live_server.url, owner.email, r"/home/$")
    phone.get_by_test_id("spend-chart").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(WIDER_THAN_VIEWPORT) == []

    admin = make_operator(role="admin")
    WarehouseFactory(code="CN-SZ-LONG-CODE-01")
    ops = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    _log_in(ops, live_server.url, admin.email, r"/ops/$")
    ops.get_by_test_id("card-health").wait_for()
    assert ops.evaluate("document.documentElement.scrollWidth") <= 390
    assert ops.evaluate(WIDER_THAN_VIEWPORT) == []
