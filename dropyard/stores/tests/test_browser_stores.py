"""Browser test: a merchant with a store opens Stores from the navigation, the store's
connections page, connects the held order's variant by hand and sees the order leave the held
list. Screenshots of the stores and connections pages at 1440 px and 390 px are written to
/tmp/stores-*.png for review; neither page scrolls sideways on a phone."""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import ReceivedVia, StoreOrderStatus
from dropyard.stores.models import StoreOrder
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1440, "phone": 390}


def _wait_no_horizontal_overflow(page) -> None:
    """Fails (timeout) unless the page stops scrolling sideways once the resize has settled."""
    page.wait_for_function(
        "document.documentElement.scrollWidth <= window.innerWidth + 1", timeout=5000
    )


def _shoot(page, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        _wait_no_horizontal_overflow(page)
        page.screenshot(path=f"/tmp/stores-{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def test_stores_and_connections_pages(browser, live_server):
    merchant = make_merchant(business_name="Browser Stores Shop")
    shop = make_order_world()
    store = make_store(merchant=merchant, name="Tee Shop", domain="tee-shop.myshopify.com")
    make_store(merchant=merchant, name="Medusa Outlet", platform="medusa", domain="shop.example")
    red, _blue, _other = import_variants(
        store, ("V1", shop.red.sku), ("V2", "TEE-BLUE-M"), ("V3", "TEE-GREEN-L")
    )
    connect(store, red, shop.red)
    services.store_order_ingest(
        store=store, order=platform_order("1001", ("V2", 1)), via=ReceivedVia.WEBHOOK
    )

    page = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", merchant.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))

    page.get_by_test_id("main-nav").get_by_role("link", name="Stores").click()
    page.wait_for_url(re.compile(r"/stores/$"))
    row = page.get_by_test_id(f"store-{store.public_id}")
    assert "Tee Shop" in row.inner_text()
    assert page.get_by_test_id("platform-cards").locator("h3").all_inner_texts() == [
        "Sandbox store",
        "Shopify",
        "Medusa",
    ]
    _shoot(page, "list")

    row.get_by_role("link", name="1", exact=True).first.click()
    page.wait_for_url(re.compile(r"/connections/$"))
    assert page.get_by_test_id("connection-summary").inner_text() == "1 of 3 connected"
    _shoot(page, "connections")

    blue_row = page.get_by_test_id("variant-V2")
    blue_row.get_by_placeholder("SKU or id").fill(shop.blue.sku)
    blue_row.get_by_role("button", name="Connect").click()
    page.get_by_test_id("messages").wait_for()
    assert f"is connected to {shop.blue.sku}" in page.get_by_test_id("messages").inner_text()
    assert page.get_by_test_id("connection-summary").inner_text() == "2 of 3 connected"
    assert StoreOrder.objects.get(platform_order_id="1001").status == StoreOrderStatus.IMPORTED

    page.get_by_role("link", name="Held orders").click()
    page.get_by_test_id("empty-state").wait_for()


def test_connect_a_sandbox_store_list_a_variant_and_buy_it_on_the_storefront(browser, live_server):
    merchant = make_merchant(business_name="Browser Sandbox Shop")
    shop = make_order_world()
    page = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", merchant.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))

    page.goto(f"{live_server.url}/stores/")
    page.get_by_role("link", name="Connect a Sandbox store").click()
    page.fill("input[name=name]", "Sandy Shop")
    page.get_by_role("button", name="Create and connect").click()
    page.wait_for_url(re.compile(r"/sandbox/listing/$"))
    page.fill("textarea[name=lines]", f"{shop.red.sku} 19.99")
    page.get_by_role("button", name="List on Sandy Shop").click()
    page.get_by_test_id("messages").wait_for()
    assert "1 variant listed on Sandy Shop." in page.get_by_test_id("messages").inner_text()
    assert shop.red.sku in page.get_by_test_id("listed-table").inner_text()
    _shoot(page, "sandbox-listing")

    storefront = page.get_by_test_id("storefront-link").get_attribute("href")
    page.goto(f"{live_server.url}{storefront}")
    assert page.get_by_test_id("product-price").inner_text() == "19.99 USD"
    _shoot(page, "storefront")
    page.get_by_test_id("storefront-product").first.click()
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_test_id("checkout-form").wait_for()
    for name, value in {
        "email": "shopper@example.com",
        "customer_name": "Sam Shopper",
        "address": "12 Ocean Ave",
        "city": "Santa Monica",
        "province": "CA",
        "zip": "90401",
        "country_code": "US",
        "phone": "+1 310 555 0199",
    }.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_test_id("pay").click()
    page.get_by_test_id("order-status").wait_for()
    assert page.get_by_test_id("order-status").inner_text() == "Paid, awaiting shipment"
    _shoot(page, "storefront-order")
