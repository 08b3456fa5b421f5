"""Browser test: support finds an order in the back-office list and puts it on hold after the
confirmation step; finance refunds part of it from the refunds queue; support moves a paid
order to another shipping line on a phone. The pages fit a phone.

With ``DROPYARD_SCREENSHOTS=<dir>`` the pages are also saved there at 1440 and 390 px wide.
"""

import os
import re
from pathlib import Path

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator
from dropyard.checkout import services as checkout_services
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.models import Refund
from dropyard.wallet.tests.payment_helpers import confirmed, fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1440, 390)


@pytest.fixture
def shop(db):
    merchant = make_merchant(business_name="Browser Ops Shop")
    owner = merchant.owner
    fund(merchant, owner, 10_000)
    world = make_order_world()
    _, orders = confirmed(merchant, owner, world, 1, 2, 3)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders[:2], actor=owner)
    return merchant, orders


def _login(browser, live_server, user, width=1440):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/"))
    return page


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _shoot(page, name: str) -> None:
    folder = os.environ.get("DROPYARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def test_support_holds_an_order_from_the_list(browser, live_server, shop):
    _merchant, orders = shop
    target = orders[0]
    page = _login(browser, live_server, make_operator(role="support"))

    page.get_by_test_id("main-nav").get_by_role("link", name="Orders", exact=True).click()
    assert page.get_by_test_id("ops-order-row").count() == 3
    page.fill("main input[name=q]", target.code)  # the top bar has its own search box
    page.get_by_role("button", name="Filter").click()
    # The filter swaps the results in place (htmx): wait for the one matching row.
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=ops-order-row]').length === 1"
    )
    assert page.get_by_test_id("ops-order-row").count() == 1
    page.get_by_role("link", name=target.code).click()
    page.get_by_role("link", name="Hold…").click()
    page.fill("textarea[name=reason]", "address needs checking")
    page.get_by_test_id("ops-action-submit").click()

    assert "address needs checking" in page.get_by_test_id("order-on-hold").inner_text()
    assert Order.objects.get(pk=target.pk).on_hold is True


def test_finance_refunds_part_of_an_order_from_the_queue(browser, live_server, shop):
    _merchant, orders = shop
    target = orders[1]
    page = _login(browser, live_server, make_operator(role="finance"))

    page.goto(f"{live_server.url}/ops/wallet/refunds/")
    page.fill("input[name=order]", target.code)
    page.get_by_role("button", name="Open refund form").click()
    page.fill("input[name=amount]", "4.00")
    page.fill("textarea[name=reason]", "one unit damaged")
    page.get_by_role("button", name="Issue the refund").click()
    page.wait_for_url(re.compile(rf"/ops/orders/{target.public_id}/$"))

    assert page.get_by_test_id("refunded").inner_text() == "$4.00"
    assert list(Refund.objects.values_list("amount_minor", flat=True)) == [400]


@pytest.mark.parametrize("width", WIDTHS)
def test_list_detail_and_refund_form_fit_the_screen(browser, live_server, shop, width):
    _merchant, orders = shop
    admin = make_operator(role="admin")
    page = _login(browser, live_server, admin, width)

    for name, path in (
        ("ops-order-list", "/ops/orders/"),
        ("ops-order-detail", f"/ops/orders/{orders[1].public_id}/"),
        ("ops-order-refund", f"/ops/orders/{orders[1].public_id}/refund/"),
        ("ops-order-hold", f"/ops/orders/{orders[0].public_id}/hold/"),
    ):
        page.goto(f"{live_server.url}{path}")
        _shoot(page, name)
        assert _fits(page), f"{name} scrolls sideways at {width} px"


def test_support_changes_the_line_of_a_paid_order_on_a_phone(browser, live_server, shop):
    merchant, orders = shop
    target = orders[0]  # paid: 1 red at CN on CJPacket (freight 5.00)
    page = _login(browser, live_server, make_operator(role="support"), 390)

    page.goto(f"{live_server.url}/ops/orders/{target.public_id}/")
    page.get_by_test_id("replan-link").click()
    page.wait_for_url(re.compile(r"/replan/"))  # the page is being replaced until then
    _shoot(page, "ops-order-replan")
    assert _fits(page), "the options scroll sideways at 390 px"
    page.get_by_test_id("replan-option").filter(has_text="DHL").click()
    page.fill("textarea[name=reason]", "buyer pays for express")
    page.get_by_test_id("replan-review").click()
    assert "$5.00 is charged" in page.get_by_test_id("replan-money").inner_text()
    _shoot(page, "ops-order-replan-confirm")
    assert _fits(page), "the confirmation scrolls sideways at 390 px"
    page.get_by_test_id("replan-apply").click()
    page.wait_for_url(re.compile(rf"/ops/orders/{target.public_id}/$"))

    assert "now ships from" in page.get_by_test_id("messages").inner_text()
    assert Order.objects.get(pk=target.pk).postage_amount_minor == 1000
