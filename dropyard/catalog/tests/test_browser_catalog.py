"""Browser test: a real Chromium (Playwright) drives a running Dropyard server.

A merchant searches the catalog, opens a product, gets a freight quote to Germany, adds the
product to My Products and sets a default shipping line for Germany. Also checks that the
catalog and shipping pages fit a 360 px wide phone screen.
"""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.catalog.models import MyProduct
from dropyard.catalog.search import search_index_rebuild
from dropyard.catalog.tests.factories import CategoryFactory, make_product
from dropyard.inventory.services import stock_receive
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.logistics.choices import FallbackPolicy
from dropyard.logistics.models import DefaultShippingLine
from dropyard.logistics.tests.factories import RateCardFactory, ShippingLineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db):
    """A merchant, a stocked product in Shenzhen, and lines with and without a rate to DE."""
    merchant = make_merchant(business_name="Browser Catalog Shop")
    top = CategoryFactory(name="Home & Garden", parent=None)
    leaf = CategoryFactory(name="Desk", parent=CategoryFactory(name="Office", parent=top))
    product = make_product(name="Bamboo Desk Organizer", variants=2, category=leaf)
    make_product(name="Steel Water Bottle", variants=1, category=leaf)
    warehouse = WarehouseFactory(code="SZ01", name="Shenzhen 1", country="CN")
    for variant in product.variants.all():
        stock_receive(variant=variant, warehouse=warehouse, quantity=20, actor=None, reason="t")
    RateCardFactory(
        line__name="Euro Express", origin_country="CN", dest_country="DE", min_days=6, max_days=9
    )
    ShippingLineFactory(name="Sea Freight")  # no rate to DE: listed as unavailable
    search_index_rebuild()
    return merchant, product


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_search_quote_save_and_set_default_line(browser, live_server, shop):
    merchant, product = shop
    base = live_server.url
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", merchant.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))

    # Search the catalog from the navigation; results update as the keyword is typed.
    page.get_by_test_id("main-nav").get_by_role("link", name="Catalog").click()
    page.fill("main input[name=q]", "bamboo")  # the top bar has its own search box
    cards = page.get_by_test_id("product-card")
    cards.filter(has_text="Steel Water Bottle").wait_for(state="detached")
    assert cards.count() == 1
    assert "$12.50" in cards.first.inner_text()
    assert "In stock" in cards.first.inner_text()

    # Open the product.
    cards.first.get_by_role("link", name="Bamboo Desk Organizer").click()
    page.wait_for_url(re.compile(rf"/catalog/products/{product.public_id}/$"))
    assert page.get_by_test_id("product-name").inner_text() == "Bamboo Desk Organizer"

    # Freight quote to Germany.
    form = page.get_by_test_id("freight-form")
    form.locator("select[name=dest_country]").select_option("DE")
    form.get_by_role("button", name="Quote").click()
    line = page.get_by_test_id("quote-line").first
    line.wait_for()
    assert "Euro Express" in line.inner_text()
    assert "$5.00" in line.inner_text()
    assert "6–9 days" in line.inner_text()
    unavailable = page.get_by_test_id("quote-unavailable")
    unavailable.locator("summary").click()
    assert "Sea Freight" in unavailable.inner_text()
    assert "No rate from this origin to this destination" in unavailable.inner_text()

    # Add to My Products (htmx swaps the button), then find it on the My Products page.
    page.get_by_role("button", name="Add to My Products").click()
    page.get_by_test_id("in-my-products").wait_for()
    assert list(
        MyProduct.objects.filter(merchant=merchant).values_list("product_id", flat=True)
    ) == [product.pk]
    page.get_by_test_id("main-nav").get_by_role("link", name="My Products").click()
    # The row, not the table: under load the table's head can be parsed before its rows.
    page.get_by_test_id("my-product-row").first.wait_for()
    assert "Bamboo Desk Organizer" in page.get_by_test_id("my-products-table").inner_text()

    # Set a default shipping line for Germany.
    page.get_by_test_id("main-nav").get_by_role("link", name="Shipping").click()
    default_form = page.get_by_test_id("default-line-form")
    default_form.locator("select[name=dest_country]").select_option("DE")
    default_form.locator("select[name=line]").select_option(label="Euro Express")
    default_form.locator("select[name=fallback]").select_option(FallbackPolicy.FASTEST)
    default_form.get_by_role("button", name="Save default").click()
    page.get_by_test_id("default-line-DE").wait_for()
    assert "Euro Express" in page.get_by_test_id("default-line-DE").inner_text()
    saved = DefaultShippingLine.objects.get(merchant=merchant)
    assert (saved.dest_country, saved.line.name, saved.fallback) == (
        "DE",
        "Euro Express",
        FallbackPolicy.FASTEST,
    )

    # The pages fit a phone screen.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    phone.add_cookies(page.context.cookies())
    phone_page = phone.new_page()
    for path in (
        "/catalog/?q=bamboo",
        f"/catalog/products/{product.public_id}/",
        "/catalog/my-products/",
        "/shipping/freight/",
        "/shipping/defaults/",
        "/shipping/defaults/cannot-ship/",
    ):
        phone_page.goto(base + path)
        assert _no_horizontal_overflow(phone_page), path
