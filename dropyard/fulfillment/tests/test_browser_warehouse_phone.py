"""Browser test: a warehouse clerk picks, packs and ships a parcel on a 390 px wide phone.

Each page is opened by its address (a phone has the pages bookmarked; the navigation is not
what this checks). The clerk scans the SKU on the pack page, types the scale's weight and
presses Enter, then types the tracking number, presses Enter and confirms. No page may be
wider than the screen, and the main button of each step must be on screen horizontally.
"""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD
from dropyard.fulfillment.tests.test_browser_warehouse import floor  # noqa: F401 (fixture)
from dropyard.inventory.models import Stock
from dropyard.orders.choices import OrderStatus, ParcelStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _on_screen(page, locator) -> bool:
    """The element is inside the viewport's width (no sideways scrolling needed to reach it)."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_a_clerk_ships_a_parcel_from_a_phone(browser, live_server, floor):  # noqa: F811
    clerk, parcel, carrier, variant = floor
    page = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", clerk.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/"))
    base = f"{live_server.url}/ops/fulfillment"

    # Pick: tick the parcel in the Ready tab and start; the pick list opens.
    page.goto(f"{base}/warehouses/{parcel.warehouse.public_id}/?tab=ready")
    page.locator(f"input[name=parcel][value='{parcel.public_id}']").check()
    page.get_by_test_id("start-picking").click()
    page.wait_for_url(re.compile(r"/pick-list/"))
    assert page.get_by_test_id("pick-qty").inner_text() == "2"
    assert variant.sku in page.get_by_test_id("pick-row").inner_text()
    tick = page.get_by_role("checkbox", name=f"{variant.sku} picked")
    tick.check()
    assert tick.is_checked()
    assert page.evaluate(FITS)

    # Pack: the scanner field has the focus; two scans of the SKU check the line, and the
    # focus moves on to the weight, which Enter sends.
    page.goto(f"{base}/parcels/{parcel.public_id}/pack/")
    assert page.evaluate("document.activeElement.id") == "scan-sku"
    assert page.evaluate(FITS)
    page.keyboard.type("NOT-HERE")
    page.keyboard.press("Enter")
    assert page.get_by_test_id("scan-status").inner_text() == "Not in this parcel: NOT-HERE"
    for _ in range(2):
        page.keyboard.type(variant.sku.lower())  # scanners and thumbs differ in case
        page.keyboard.press("Enter")
    assert page.get_by_test_id("line-checked").inner_text() == "2"
    assert page.get_by_test_id("scan-status").inner_text() == (
        "Every unit is checked: weigh the parcel."
    )
    assert page.evaluate("document.activeElement.name") == "measured_weight_g"
    assert _on_screen(page, page.get_by_role("button", name="Packed", exact=True))
    page.keyboard.type("540")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"tab=packed"))
    parcel.refresh_from_db()
    assert (parcel.status, parcel.measured_weight_g) == (ParcelStatus.PACKED, 540)

    # Ship: the tracking field has the focus; Enter shows the summary, then confirm.
    page.goto(f"{base}/parcels/{parcel.public_id}/ship/")
    assert page.evaluate("document.activeElement.name") == "tracking_number"
    assert page.evaluate(FITS)
    assert _on_screen(page, page.get_by_test_id("review-ship"))
    page.locator("select[name=carrier]").select_option(label="Yun Express")
    page.locator("input[name=tracking_number]").focus()
    page.keyboard.type("YT2412345678")
    page.keyboard.press("Enter")
    confirm = page.get_by_test_id("ship-confirm")
    assert "YT2412345678" in confirm.inner_text()
    assert page.evaluate(FITS)
    assert _on_screen(page, page.get_by_test_id("confirm-ship"))
    page.get_by_test_id("confirm-ship").click()
    page.wait_for_url(re.compile(rf"/parcels/{parcel.public_id}/$"))
    assert page.get_by_test_id("parcel-status").inner_text() == "Shipped"
    assert page.evaluate(FITS)

    parcel.refresh_from_db()
    stock = Stock.objects.get(variant=variant, warehouse=parcel.warehouse)
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == (
        ParcelStatus.SHIPPED,
        carrier,
        "YT2412345678",
    )
    assert (stock.on_hand, stock.reserved) == (3, 0)
    assert parcel.orders.get().status == OrderStatus.SHIPPED
