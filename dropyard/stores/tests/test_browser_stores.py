"""Browser test: a merchant with a store opens Stores from the navigation, the store's
connections page, connects the held order's variant by hand and sees the order leave the held
list. Screenshots of the stores and connections pages at 1440 px and 390 px are written to
/tmp/stores-*.png for review; neither page scrolls sideways on a phone."""

import re
from contextlib import contextmanager

import pytest
from django.db import transaction

from dropyard.accounts.tests.factories import make_merchant
from dropyard.fulfillment.tests.factories import make_carrier_serving
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.adapters.base import AdapterError
from dropyard.stores.choices import ReceivedVia, StoreOrderStatus
from dropyard.stores.models import SandboxShopOrder, StoreOrder, TrackingPush
from dropyard.stores.sandbox.tasks import sandbox_webhook_send
from dropyard.stores.tasks import tracking_push_run
from dropyard.stores.tests.browser_steps import (
    WIDTHS,
    merchant_page,
    screenshots,
    shopper_checkout,
)
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order
from dropyard.stores.tests.push_world import FakeAdapter, ship_row
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    screenshots(page, f"stores-{name}")


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

    page = merchant_page(browser, live_server, merchant.owner)

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
    page = merchant_page(browser, live_server, merchant.owner)

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
    shopper_checkout(page)
    assert page.get_by_test_id("order-status").inner_text() == "Paid, awaiting shipment"
    _shoot(page, "storefront-order")


@contextmanager
def _on_commit_runs():
    """One atomic block: its on-commit callbacks (the enqueues) run when it commits."""
    with transaction.atomic():
        yield


def _shoot_push(page, name: str) -> None:
    screenshots(page, f"push-{name}")


def test_a_sandbox_order_goes_round_the_loop_and_its_tracking_reaches_the_storefront(
    browser, live_server, tasks
):
    """Connect a Sandbox store, list a product at its pricing rule's price, buy it as a shopper,
    see the order arrive, pay it from the wallet, ship it, push the tracking, and see it on the
    shopper's order page."""
    merchant = make_merchant(business_name="Browser Loop Shop")
    # The merchant's pricing rule: cost × 2.5 + 1.50, ending in .99 (10.00 → 26.50 → 26.99).
    services.pricing_rule_create(
        merchant=merchant, actor=merchant.owner, multiplier_bp=25_000, add_minor=150
    )
    shop = make_order_world()
    fund(merchant, merchant.owner, 50_000)
    carrier = make_carrier_serving(
        shop.cn, name="Yun Express", tracking_url_template="https://yun.example/t/{number}"
    )
    page = merchant_page(browser, live_server, merchant.owner)
    page.on("dialog", lambda dialog: dialog.accept())

    # The merchant connects a Sandbox store and lists a variant on it at the rule's price.
    page.goto(f"{live_server.url}/stores/")
    page.get_by_role("link", name="Connect a Sandbox store").click()
    page.fill("input[name=name]", "Loop Shop")
    page.get_by_role("button", name="Create and connect").click()
    page.wait_for_url(re.compile(r"/sandbox/listing/$"))
    page.fill("textarea[name=lines]", shop.red.sku)  # no price: the pricing rules give it
    page.get_by_role("button", name="List on Loop Shop").click()
    page.get_by_test_id("messages").wait_for()
    storefront = page.get_by_test_id("storefront-link").get_attribute("href")

    # A shopper buys it on the storefront (another browser session).
    shopper = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}).new_page()
    shopper.goto(f"{live_server.url}{storefront}")
    assert shopper.get_by_test_id("product-price").inner_text() == "26.99 USD"
    shopper.get_by_test_id("storefront-product").first.click()
    shopper.get_by_role("button", name="Add to cart").click()
    shopper_checkout(shopper)
    shopper_order_url = shopper.url
    assert shopper.get_by_test_id("tracking-pending").is_visible()

    # The shop's webhook (a worker's job; the live server's thread keeps its own task backend,
    # so the test runs the job) brings the order into Dropyard.
    shop_order = SandboxShopOrder.objects.get(shop__name="Loop Shop")
    assert sandbox_webhook_send.call(order_id=shop_order.pk, topic="orders/create") == 200
    row = StoreOrder.objects.get(store__name="Loop Shop")
    order = row.order
    assert order is not None

    # The merchant finds it, confirms it and pays it from the wallet.
    page.goto(f"{live_server.url}/orders/{order.public_id}/")
    assert "Loop Shop" in page.locator("h1 + div").inner_text()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_test_id("pay-wallet").click()
    page.get_by_test_id("pay-confirm").click()
    page.wait_for_url(re.compile(r"/wallet/"))
    assert "Paid 1 order from your wallet" in page.get_by_test_id("messages").inner_text()

    # The warehouse ships it (the fulfillment services, as its pages do), and the worker runs
    # the tracking push the shipment enqueued.
    tasks.clear()
    row.refresh_from_db()
    with _on_commit_runs():
        parcel = ship_row(row, carrier, "YT2400000042")
    assert [(r.task.module_path, r.kwargs) for r in tasks.results] == [
        ("dropyard.stores.tasks.tracking_push_parcel", {"parcel_id": parcel.pk})
    ]
    # The first try meets a refusal (a store that does not know the carrier, say)...
    refusing = FakeAdapter(failures=[AdapterError("carrier Yun Express is not accepted")])
    assert services.tracking_push_parcel(parcel_id=parcel.pk, adapter=refusing) == ["failed"]

    page.goto(f"{live_server.url}/orders/{order.public_id}/")
    status = page.get_by_test_id(f"push-{parcel.code}")
    status.wait_for()
    assert status.get_by_test_id("push-status").inner_text() == "Failed"
    assert "carrier Yun Express is not accepted" in status.inner_text()
    _shoot_push(page, "order-detail-failed")

    # ...the merchant clicks "Retry now", and the worker's next run pushes it to the shop.
    status.get_by_test_id("push-retry").click()
    page.get_by_test_id("push-message").wait_for()
    status = page.get_by_test_id(f"push-{parcel.code}")
    assert status.get_by_test_id("push-status").inner_text() == "Pending"
    push = TrackingPush.objects.get(parcel=parcel)
    assert tracking_push_run.call(push_id=push.pk) == "pushed"

    page.goto(f"{live_server.url}/orders/{order.public_id}/")
    status = page.get_by_test_id(f"push-{parcel.code}")
    status.wait_for()
    assert status.get_by_test_id("push-status").inner_text() == "Pushed"
    assert "Yun Express" in status.inner_text()
    _shoot_push(page, "order-detail")

    shopper.goto(shopper_order_url)
    assert shopper.get_by_test_id("order-status").inner_text() == "Shipped"
    link = shopper.get_by_test_id("tracking-number")
    assert link.inner_text() == "YT2400000042"
    assert link.get_attribute("href") == "https://yun.example/t/YT2400000042"
    assert shopper.get_by_test_id("carrier").inner_text() == "Yun Express"
    _shoot_push(shopper, "storefront-order")

    page.goto(f"{live_server.url}/stores/{row.store.public_id}/")
    assert page.get_by_test_id("failed-push-count").inner_text() == "0"
    _shoot_push(page, "store-detail")
