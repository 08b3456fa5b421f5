"""Browser test: a merchant creates a manual order with the product picker, in a real Chromium.

The merchant types part of a product name in "Find a product", the htmx search lists the
matching variants with their pictures, a click adds one as a line (its picture and name show
beside the SKU), and the order is created; its detail page shows the line with its picture. The
pictures really load (the browser picked a srcset copy), and the page fits a 390 px phone.
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.catalog import services as catalog_services
from dropyard.catalog.tests.factories import make_product
from dropyard.inventory.tests.factories import make_stock
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _loaded(locator) -> str:
    """The file name of the srcset copy the browser downloaded and decoded ("" if none)."""
    locator.scroll_into_view_if_needed()
    url = locator.evaluate("img => img.complete && img.naturalWidth > 0 ? img.currentSrc : ''")
    return url.rsplit("/", 1)[-1]


def test_manual_order_through_the_picker(browser, live_server):
    merchant = make_merchant(business_name="Picker Shop")
    shop = make_order_world(stock=0)
    product = make_product(variants=2, name="Walnut Desk Lamp")
    amber, jade = product.variants.order_by("position")
    out = io.BytesIO()
    Image.new("RGB", (800, 800), "orange").save(out, format="PNG")
    catalog_services.product_image_add(
        product=product,
        upload=SimpleUploadedFile("lamp.png", out.getvalue(), content_type="image/png"),
        actor=None,
    )
    make_stock(variant=jade, warehouse=shop.cn, on_hand=12)

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", merchant.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))
    page.goto(f"{live_server.url}/orders/new/")
    page.fill("input[name=order_number]", "PICKED-1")
    page.fill("input[name=shipping_customer_name]", "Jane Doe")
    page.fill("input[name=shipping_phone]", "+1 213 555 0100")
    page.locator("select[name=shipping_country_code]").select_option("US", force=True)
    page.fill("input[name=shipping_province]", "CA")
    page.fill("input[name=shipping_city]", "Los Angeles")
    page.fill("input[name=shipping_zip]", "90001")
    page.fill("input[name=shipping_address]", "1 Main Street")

    page.get_by_label("Find a product").press_sequentially("walnut la", delay=30)
    results = page.get_by_test_id("picker-result")
    results.first.wait_for()

    assert results.count() == 2
    assert "12 in stock" in results.nth(1).inner_text()
    # A 48 px box on a 1x screen: the 64 px copy, not the 640 px one.
    assert _loaded(results.nth(1).get_by_test_id("product-picture")).endswith("_w64.jpg")
    results.nth(1).click()  # Jade
    page.get_by_test_id("line-picked").wait_for()

    assert page.locator("input[name=lines-0-variant]").input_value() == jade.sku
    assert page.locator("input[name=lines-0-quantity]").input_value() == "1"
    assert page.get_by_test_id("line-picked").inner_text().startswith("Walnut Desk Lamp")
    assert page.locator("input[name=order_number]").input_value() == "PICKED-1"
    assert _loaded(page.get_by_test_id("line-picked").get_by_test_id("product-picture")).endswith(
        "_w64.jpg"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.get_by_role("button", name="Create order").click()
    page.get_by_test_id("order-line").wait_for()

    order = Order.objects.get(merchant=merchant, order_number="PICKED-1")
    assert [(line.variant_id, line.quantity) for line in order.lines.all()] == [(jade.pk, 1)]
    line = page.get_by_test_id("order-line")
    assert line.count() == 1
    assert line.inner_text().count("Walnut Desk Lamp") == 1
    assert _loaded(line.get_by_test_id("product-picture")).endswith("_w64.jpg")
    assert amber.sku not in page.content()
