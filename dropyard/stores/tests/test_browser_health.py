"""Browser test: the connection-health page's tables and the listing wizard's product choice
on the generic list — a sort link swaps only its own table (htmx), the product search filters
in place, and neither page scrolls sideways at 390 px. Screenshots at 1440 px and 390 px go to
/tmp/health-*.png and /tmp/choose-*.png for review."""

import re

import pytest

from dropyard.accounts.tests.factories import make_merchant
from dropyard.catalog.models import Variant
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import ReceivedVia
from dropyard.stores.tests.browser_steps import merchant_page, screenshots
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order
from dropyard.stores.tests.listing_helpers import make_listable_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_health_tables_sort_in_place_and_fit_a_phone(browser, live_server):
    merchant = make_merchant(business_name="Browser Health Shop")
    world = make_order_world()
    store = make_store(merchant=merchant, name="A store with a rather long name for a phone")
    pairs = [(f"VARIANT-{n}", f"SKU-LONG-{n}") for n in range(3)]
    *waiting, replaced = import_variants(store, *pairs)
    for n in range(len(waiting)):
        services.store_order_ingest(
            store=store,
            order=platform_order(f"100{n}", *[(v.platform_variant_id, 1) for v in waiting[n:]]),
            via=ReceivedVia.WEBHOOK,
        )
    connect(store, replaced, world.red)
    Variant.objects.filter(pk=world.red.pk).update(is_on_sale=False)
    page = merchant_page(browser, live_server, merchant.owner)

    page.goto(f"{live_server.url}/stores/health/")
    rows = page.get_by_test_id("held-orders").locator("tbody tr")
    assert rows.count() == 2
    page.locator("#held").get_by_role("link", name="Store order").click()
    page.wait_for_url(re.compile(r"hsort=order"))
    page.locator("#held .is-sorted").wait_for()
    assert [rows.nth(i).get_attribute("data-testid") for i in range(2)] == [
        "held-1000",
        "held-1001",
    ]
    assert page.get_by_test_id("offsale-VARIANT-2").is_visible()
    screenshots(page, "health")

    page.goto(f"{live_server.url}/stores/health/?store={store.public_id}")
    page.get_by_test_id("unconnected-table").wait_for()
    screenshots(page, "health-store")


def test_product_choice_filters_in_place_and_fits_a_phone(browser, live_server):
    merchant = make_merchant(business_name="Browser Choice Shop")
    products = [make_listable_product(costs=(500 + n,), images=0) for n in range(3)]
    page = merchant_page(browser, live_server, merchant.owner)

    page.goto(f"{live_server.url}/stores/listing/new/")
    assert page.get_by_test_id("product-choices").locator("tbody tr").count() == 3
    page.fill("main input[name=q]", products[1].sku)
    page.get_by_role("button", name="Filter").click()
    page.get_by_test_id("result-count").filter(has_text="1 product").wait_for()
    assert page.get_by_test_id(f"choose-{products[1].sku}").is_visible()
    page.goto(f"{live_server.url}/stores/listing/new/")
    screenshots(page, "choose")
