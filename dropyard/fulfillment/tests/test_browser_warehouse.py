"""Browser test: a warehouse clerk picks, packs and ships a parcel in a real Chromium.

The clerk opens the warehouse queue from the navigation, ticks a parcel and starts picking (the
pick list opens), packs it with the weight from the scale, and ships it with a typed tracking
number after the confirmation step. Also checks the queue fits a 360 px wide phone screen.
"""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator
from dropyard.fulfillment.tests.factories import make_carrier_serving, make_parcel, make_variants
from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.orders.choices import OrderStatus, ParcelStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def floor(db):
    merchant = make_merchant(business_name="Browser Warehouse Shop")
    warehouse = WarehouseFactory(code="SZ09", name="Shenzhen 9")
    (variant,) = make_variants(1, weight_g=250)
    parcel = make_parcel(merchant=merchant, warehouse=warehouse, items=[(variant, 2)], on_hand=5)
    carrier = make_carrier_serving(warehouse, name="Yun Express")
    clerk = make_operator(role="warehouse")
    return clerk, parcel, carrier, variant


def test_pick_pack_and_ship_a_parcel(browser, live_server, floor):
    clerk, parcel, carrier, variant = floor
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", clerk.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/"))

    # The queue, from the navigation.
    page.get_by_test_id("main-nav").get_by_role("link", name="Warehouse work", exact=True).click()
    page.get_by_role("link", name="SZ09", exact=True).click()
    assert page.get_by_test_id("count-ready").inner_text() == "1"
    row = page.get_by_test_id("queue-row")
    assert parcel.code in row.inner_text()

    # Start picking: the pick list follows.
    row.get_by_role("checkbox").check()
    page.get_by_test_id("start-picking").click()
    page.wait_for_url(re.compile(r"/pick-list/"))
    assert page.get_by_test_id("pick-qty").inner_text() == "2"
    assert variant.sku in page.get_by_test_id("pick-list").inner_text()

    # Pack with the scale's weight.
    page.get_by_role("link", name="Back to the queue").click()
    page.get_by_test_id("queue-row").get_by_role("link", name="Pack", exact=True).click()
    page.fill("input[name=measured_weight_g]", "540")
    page.get_by_role("button", name="Packed", exact=True).click()
    page.wait_for_url(re.compile(r"tab=packed"))

    # Ship: review, then confirm.
    page.get_by_test_id("queue-row").get_by_role("link", name="Ship", exact=True).click()
    page.locator("select[name=carrier]").select_option(label="Yun Express")
    page.fill("input[name=tracking_number]", "YT2412345678")
    page.get_by_test_id("review-ship").click()
    assert "YT2412345678" in page.get_by_test_id("ship-confirm").inner_text()
    page.get_by_test_id("confirm-ship").click()
    page.wait_for_url(re.compile(rf"/parcels/{parcel.public_id}/$"))
    assert page.get_by_test_id("parcel-status").inner_text() == "Shipped"
    assert page.get_by_test_id("tracking-number").inner_text() == "YT2412345678"

    parcel.refresh_from_db()
    stock = Stock.objects.get(variant=variant, warehouse=parcel.warehouse)
    assert (parcel.status, parcel.carrier, parcel.measured_weight_g) == (
        ParcelStatus.SHIPPED,
        carrier,
        540,
    )
    assert (stock.on_hand, stock.reserved) == (3, 0)
    assert parcel.orders.get().status == OrderStatus.SHIPPED

    # The queue on a phone.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    phone_page = phone.new_page()
    phone_page.context.add_cookies(page.context.cookies())
    phone_page.goto(f"{live_server.url}/ops/fulfillment/warehouses/{parcel.warehouse.public_id}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
