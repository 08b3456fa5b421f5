"""Browser test: a merchant connects a Sandbox store, adds a pricing rule (watching the live
preview), lists a catalog product with the wizard, follows the job's progress bar, sees the
listing as listed on the store's Listings tab and the product on the storefront at the rule's
price. Screenshots of every page at 1440 px and 390 px go to /tmp/listing-*.png for review;
no page scrolls sideways on a phone."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.accounts.tests.factories import make_merchant
from dropyard.catalog import services as catalog_services
from dropyard.catalog.tests.factories import png_bytes
from dropyard.core.models import Job
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import tasks as stores_tasks
from dropyard.stores.choices import ConnectionHow, ListingStatus
from dropyard.stores.models import Listing, ProductConnection
from dropyard.stores.tests.browser_steps import merchant_page, screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    screenshots(page, f"listing-{name}")


def test_list_a_product_with_a_pricing_rule_on_a_sandbox_store(browser, live_server, settings):
    settings.SITE_URL = live_server.url  # the listed image URLs point at the served media
    merchant = make_merchant(business_name="Browser Listing Shop")
    shop = make_order_world()
    product = shop.red.product  # one variant, cost $10.00
    for color in ("red", "navy"):
        catalog_services.product_image_add(
            product=product,
            upload=SimpleUploadedFile(f"{color}.png", png_bytes(color=color), "image/png"),
            actor=None,
        )
    page = merchant_page(browser, live_server, merchant.owner)

    page.goto(f"{live_server.url}/stores/")
    page.get_by_role("link", name="Connect a Sandbox store").click()
    page.fill("input[name=name]", "Sandy Shop")
    page.get_by_role("button", name="Create and connect").click()
    page.wait_for_url(re.compile(r"/sandbox/listing/$"))

    # A pricing rule: ×2.5 + $1.50, up to .99; the preview follows the typed terms.
    page.goto(f"{live_server.url}/stores/")
    page.get_by_test_id("pricing-link").click()
    page.get_by_test_id("rules-empty").wait_for()
    _shoot(page, "rules-empty")
    page.get_by_test_id("rule-new").click()
    page.fill("input[name=multiplier]", "2.5")
    page.fill("input[name=add]", "1.50")
    preview = page.get_by_test_id("pricing-preview")
    page.wait_for_function(
        # A function, not an expression: Playwright evals expressions, which the CSP forbids.
        "() => document.querySelector('#pricing-preview').innerText.includes('$22.99')"
    )
    assert "$8.40\t$22.99" in preview.inner_text()
    _shoot(page, "rule-form")
    page.get_by_role("button", name="Save the rule").click()
    page.get_by_test_id("rule-table").wait_for()
    rule_row = page.get_by_test_id("rule-row").inner_text()
    assert "×2.5 + $1.50" in rule_row
    assert "Up to .99" in rule_row
    _shoot(page, "rules")

    # The wizard: choose the product, see the rule's price, list it on Sandy Shop.
    page.get_by_role("link", name="List a product").first.click()
    page.fill("main input[name=q]", shop.red.sku)  # the top bar has its own search box
    page.get_by_role("button", name="Filter").click()
    page.get_by_test_id("result-count").filter(has_text="1 product").wait_for()
    _shoot(page, "choose")
    page.get_by_test_id(f"choose-{product.sku}").click()
    row = page.get_by_test_id(f"variant-row-{shop.red.sku}")
    assert row.get_by_test_id("rule-price").inner_text() == "$26.99"  # 10.00 × 2.5 + 1.50
    page.fill("input[name=title]", "Red tee, browser edition")
    _shoot(page, "wizard")
    page.get_by_test_id("listing-submit").click()
    page.wait_for_url(re.compile(r"/stores/listing/progress/"))
    assert "Waiting for the worker" in page.get_by_test_id("listing-progress").inner_text()

    # The worker runs the job (the test task backend only records it); the page polls.
    job = Job.objects.get(kind="store_listing")
    assert stores_tasks.store_listing_run.call(job_id=job.pk) == "succeeded"
    page.get_by_test_id("job-status").filter(has_text="Succeeded").wait_for()
    assert "1 of 1 variants" in page.get_by_test_id("listing-progress").inner_text()
    _shoot(page, "progress")

    listing = Listing.objects.get()
    assert listing.status == ListingStatus.LISTED
    assert ProductConnection.objects.get(variant=shop.red).how == ConnectionHow.LISTED
    page.get_by_test_id("store-listings-link").click()
    page.wait_for_url(re.compile(r"/listings/$"))
    assert page.get_by_test_id("listing-status").inner_text() == "Listed"
    _shoot(page, "listings")

    page.goto(f"{live_server.url}/stores/{listing.store.public_id}/sandbox/listing/")
    storefront = page.get_by_test_id("storefront-link").get_attribute("href")
    page.goto(f"{live_server.url}{storefront}")
    assert page.get_by_test_id("product-price").inner_text() == "26.99 USD"
    assert "Red tee, browser edition" in page.get_by_test_id("storefront-product").inner_text()
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)", timeout=5000
    )
    _shoot(page, "storefront")
