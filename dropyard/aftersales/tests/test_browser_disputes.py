"""Browser test: from a delivered order's page the merchant opens a dispute on one item
(review step with the caps, a photo), lands on the dispute with its photo, and finds it in
the AS service center's "Awaiting response" tab; at 1440 and 390 px, no page scrolling
sideways on a phone.

With ``DROPYARD_SCREENSHOTS=<dir>`` the pages are also saved there at both widths.
"""

import os
import re
from pathlib import Path

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_operator
from dropyard.aftersales import services
from dropyard.aftersales.choices import DisputeStatus
from dropyard.aftersales.models import Dispute
from dropyard.aftersales.tests.factories import delivered_order, make_shop
from dropyard.catalog.tests.factories import encoded, photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1440, 390)
LOADED = (
    "() => Array.from(document.querySelectorAll('[data-testid=dispute-evidence] img'))"
    ".every(img => img.complete && img.naturalWidth > 0)"
)


@pytest.fixture
def bench(private_files):
    shop = make_shop()
    return shop, delivered_order(shop)


def _login(browser, live_server, user, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _wide(page) -> list:
    return page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect()"
        ".right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )


def _check(page, name: str) -> None:
    folder = os.environ.get("DROPYARD_SCREENSHOTS")
    width = page.viewport_size["width"]
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    if width < 576:
        assert _fits(page), f"{name} scrolls sideways at {width} px: {_wide(page)}"


@pytest.mark.parametrize("width", WIDTHS)
def test_open_a_dispute_with_a_photo_and_find_it_in_the_center(
    browser, live_server, bench, tmp_path, width
):
    shop, order = bench
    red = order.lines.order_by("pk").first()
    picture = tmp_path / "damage.png"
    picture.write_bytes(encoded(photo(21, (640, 480)), "PNG"))
    page = _login(browser, live_server, shop.owner, width)

    page.goto(f"{live_server.url}/orders/{order.public_id}/")
    _check(page, "order-detail")
    page.get_by_test_id("dispute-button").click()
    page.wait_for_url(re.compile(r"/dispute/$"))
    assert page.get_by_test_id("delivered-guidance").is_visible()
    _check(page, "dispute-open")
    page.get_by_test_id(f"qty-{red.variant.sku}").fill("1")
    page.get_by_label("Reason").select_option(label="Product damaged")
    page.get_by_label("Refund", exact=True).check()
    page.get_by_label("Describe the problem").fill("The red one arrived cracked")
    page.get_by_test_id("dispute-review-submit").click()

    page.get_by_test_id("dispute-caps").wait_for()
    assert page.get_by_test_id("cap-products").inner_text() == "$10.00"
    _check(page, "dispute-review")
    page.get_by_label("Photos or videos").set_input_files([str(picture)])
    page.get_by_test_id("dispute-open-submit").click()

    page.wait_for_url(re.compile(r"/after-sales/disputes/\d+/$"))
    dispute = Dispute.objects.get()
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE
    assert page.get_by_test_id("dispute-status").inner_text() == "Awaiting response"
    assert page.get_by_test_id("dispute-evidence").locator("img").count() == 1
    page.get_by_test_id("dispute-evidence").locator("img").scroll_into_view_if_needed()
    page.wait_for_function(LOADED)
    _check(page, "dispute-detail")

    page.goto(f"{live_server.url}/orders/{order.public_id}/")
    assert page.get_by_test_id("order-dispute").count() == 1
    _check(page, "order-detail-disputed")

    page.goto(f"{live_server.url}/after-sales/")
    assert "Awaiting response" in page.get_by_test_id("tab-awaiting").inner_text()
    rows = page.get_by_test_id("dispute-row")
    assert rows.count() == 1
    assert order.code in rows.first.inner_text()
    _check(page, "dispute-center")

    services.dispute_request_evidence(
        dispute=dispute,
        actor=make_operator(role="support"),
        message="Please add a photo of the label",
    )
    page.goto(f"{live_server.url}/after-sales/disputes/{dispute.public_id}/")
    assert page.get_by_test_id("evidence-requested").is_visible()
    _check(page, "dispute-evidence-requested")
    page.goto(f"{live_server.url}/after-sales/disputes/{dispute.public_id}/cancel/")
    _check(page, "dispute-cancel")
    page.goto(f"{live_server.url}/after-sales/?tab=processed")
    _check(page, "dispute-center-empty")
    page.context.close()
