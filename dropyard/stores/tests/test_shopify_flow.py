"""End to end against the fake Shopify, through HTTP both ways: connect with the merchant's own
app (client credentials) → list a product (productSet) → a shopper's order arrives as a signed
``orders/create`` webhook at the receiver → imported once (its replay is a duplicate) → paid
from the wallet → shipped with the Sandbox carrier → the fulfillment pushed back with that
tracking through the order's fulfillment orders. Also: uninstall, the GDPR topics, forgery."""

import pytest
from django.conf import settings

from dropyard.checkout import services as checkout_services
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.fulfillment import services as fulfillment_services
from dropyard.fulfillment.tests.factories import sandbox_carrier
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderSource, OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.adapters.shopify import auth
from dropyard.stores.choices import ReceivedVia, StoreOrderStatus, StoreStatus
from dropyard.stores.models import StoreOrder, StoreVariant, StoreWebhookReceipt, TrackingPush
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = pytest.mark.django_db

PRICE = 1999


@pytest.fixture
def connected(merchant, fake):
    creds = auth.client_credentials(
        shop=fake.shop, client_id=fake.client_id, client_secret=fake.client_secret
    )
    return services.shopify_store_connect(
        merchant=merchant, actor=merchant.owner, shop=fake.shop, credentials=creds
    )


@pytest.fixture
def listed(merchant, connected):
    world = make_order_world()
    services.store_listing_push(
        store=connected, variants=[world.red], prices={world.red.pk: PRICE}, actor=merchant.owner
    )
    return world


def _post(client, delivery):
    path = delivery.url.removeprefix(settings.SITE_URL)
    return client.post(
        path, delivery.body, content_type="application/json", headers=delivery.headers
    )


def _shopify_variant(store, world) -> int:
    return int(StoreVariant.objects.get(store=store, sku=world.red.sku).platform_variant_id)


def _pay_and_ship(merchant, order: Order) -> Order:
    """The merchant pays the imported order from the wallet; the warehouse ships it with the
    Sandbox carrier. The checkout and fulfillment services, not a second path."""
    owner = merchant.owner
    order_services.cart_add(merchant=merchant, orders=[order], actor=owner)
    result = order_services.cart_confirm(merchant=merchant, orders=[order], actor=owner)
    order_services.parent_order_generate(merchant=merchant, shipments_id=result.shipments_id)
    fund(merchant, owner, 100_00)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    parcel = order.parcels.get()
    fulfillment_services.parcel_start_picking(parcels=[parcel], actor=None)
    parcel.refresh_from_db()
    fulfillment_services.parcel_pack(
        parcel=parcel,
        measured_weight_g=fulfillment_services.parcel_computed_weight_g(parcel),
        actor=None,
        confirm_weight=True,
    )
    parcel.refresh_from_db()
    carrier = sandbox_carrier()
    parcel.warehouse.carriers.add(carrier)  # the Sandbox carrier serves the world's warehouse
    fulfillment_services.parcel_ship(
        parcel=parcel, actor=None, carrier=carrier, tracking_number="SBX0000000042"
    )
    order.refresh_from_db()
    return order


def push_tracking(store, order: Order) -> list[str]:
    """The tracking push-back as the worker runs it after the shipment's commit
    (``DROPYARD_STORE_PARCEL_TASKS`` → ``tracking_push_parcel``), with the store's own tracking
    URL template."""
    services.store_settings_update(
        store=store,
        merchant=store.merchant,
        actor=None,
        tracking_url_template="https://dropyard.example/track/{number}/",
    )
    return services.tracking_push_parcel(parcel_id=order.parcels.get().pk)


def test_connecting_records_the_shop_and_subscribes_its_webhooks(merchant, fake, connected):
    credentials = connected.credentials_get()

    assert (connected.platform, connected.domain, connected.currency) == (
        "shopify",
        "dropyard-test.myshopify.com",
        "USD",
    )
    assert (connected.name, connected.status, connected.last_error) == (
        "Dropyard Test Shop",
        StoreStatus.AUTHORIZED,
        "",
    )
    assert credentials["mode"] == "client_credentials"
    assert credentials["access_token"] in fake.tokens
    url = f"{settings.SITE_URL}/stores/webhooks/{connected.public_id}/"
    assert fake.subscriptions == {
        "ORDERS_CREATE": url,
        "ORDERS_UPDATED": url,
        "ORDERS_CANCELLED": url,
        "APP_UNINSTALLED": url,
    }


def test_a_shopify_order_goes_from_webhook_to_fulfillment_with_tracking_exactly_once(
    client, merchant, fake, connected, listed
):
    (product,) = fake.products.values()
    assert product["title"] == listed.red.product.name
    assert [fake.variants[i]["price"] for i in product["variant_ids"]] == ["19.99"]

    placed = fake.order_place([(_shopify_variant(connected, listed), 2)])
    (delivery,) = fake.outbox
    first = _post(client, delivery)
    replay = _post(client, delivery)

    assert (first.status_code, first.json()) == (200, {"received": True, "outcome": "ingested"})
    assert replay.json() == {"received": True, "outcome": "duplicate"}
    row = StoreOrder.objects.get()
    order = Order.objects.get()
    assert (row.status, row.received_via, row.platform_order_id) == (
        StoreOrderStatus.IMPORTED,
        ReceivedVia.WEBHOOK,
        str(placed["id"]),
    )
    assert (order.source, order.platform, order.shop_amount_minor) == (
        OrderSource.STORE,
        "shopify",
        2 * PRICE,
    )
    assert [(line.variant.sku, line.quantity) for line in order.lines.all()] == [
        (listed.red.sku, 2)
    ]
    services.store_poll(store_id=connected.pk)  # the poll sees it again: nothing new
    assert (Order.objects.count(), StoreOrder.objects.get().received_via) == (
        1,
        ReceivedVia.WEBHOOK,
    )

    shipped = _pay_and_ship(merchant, order)
    first_push = push_tracking(connected, shipped)
    again = push_tracking(connected, shipped)

    assert shipped.status == OrderStatus.SHIPPED
    assert (first_push, again) == (["pushed"], [])  # pushed once; nothing due after
    (fulfillment,) = fake.orders[placed["id"]]["fulfillments"]
    push = TrackingPush.objects.get(store_order=row)
    assert push.platform_fulfillment_id == str(fulfillment["id"])
    assert fulfillment["tracking"] == {
        "number": "SBX0000000042",
        "company": "Sandbox",
        "url": "https://dropyard.example/track/SBX0000000042/",
    }
    assert fulfillment["lines"] == [(placed["line_items"][0]["id"], 2)]
    assert fake.orders[placed["id"]]["fulfillment_orders"][0]["status"] == "CLOSED"


def test_a_lost_webhook_is_picked_up_by_polling_once(merchant, fake, connected, listed):
    fake.order_place([(_shopify_variant(connected, listed), 1)])
    fake.outbox.clear()  # the delivery was lost

    first = services.store_poll(store_id=connected.pk)
    second = services.store_poll(store_id=connected.pk)

    assert (first, second) == (1, 0)
    assert StoreOrder.objects.get().received_via == ReceivedVia.POLL
    assert Order.objects.count() == 1


def test_a_cancellation_webhook_cancels_the_unpaid_dropyard_order(
    client, merchant, fake, connected, listed
):
    placed = fake.order_place([(_shopify_variant(connected, listed), 1)])
    created = fake.deliveries_send(client)

    fake.order_cancel(placed["id"])
    cancelled = fake.deliveries_send(client)

    assert (created, cancelled, fake.outbox) == ([200], [200], [])
    assert StoreOrder.objects.get().status == StoreOrderStatus.CANCELLED
    assert Order.objects.get().status == OrderStatus.CANCELLED


def test_a_forged_or_re_serialised_webhook_changes_nothing(client, fake, connected, listed):
    fake.order_place([(_shopify_variant(connected, listed), 1)])
    (delivery,) = fake.outbox
    reserialised = delivery.body.replace(b'", "', b'","')
    forged = {**delivery.headers, "X-Shopify-Hmac-Sha256": auth.webhook_hmac("x", delivery.body)}

    responses = [
        client.post(
            delivery.url.removeprefix(settings.SITE_URL),
            body,
            content_type="application/json",
            headers=headers,
        )
        for body, headers in [(reserialised, delivery.headers), (delivery.body, forged)]
    ]

    assert reserialised != delivery.body
    assert [r.status_code for r in responses] == [401, 401]
    assert (StoreOrder.objects.count(), StoreWebhookReceipt.objects.count()) == (0, 0)


def test_app_uninstalled_asks_for_re_authorization_and_stops_polling(client, fake, connected):
    fake.app_uninstall()

    response = _post(client, fake.outbox.pop())

    connected.refresh_from_db()
    assert response.json() == {"received": True, "outcome": "uninstalled"}
    assert (connected.status, connected.status_reason) == (
        StoreStatus.REAUTHORIZE,
        "the app was uninstalled from the store",
    )
    assert services.store_poll(store_id=connected.pk) == 0
    event = AuditEvent.objects.get(action=AuditAction.STORE_REAUTHORIZE)
    assert event.details == {"reason": "the app was uninstalled from the store"}


@pytest.mark.parametrize("topic", ["customers/data_request", "customers/redact", "shop/redact"])
def test_the_gdpr_topics_are_answered_200_and_audited(client, fake, connected, topic):
    url = f"{settings.SITE_URL}/stores/webhooks/{connected.public_id}/"
    fake.privacy_request(topic, url)
    delivery = fake.outbox.pop()

    response = _post(client, delivery)

    assert (response.status_code, response.json()) == (
        200,
        {"received": True, "outcome": "privacy"},
    )
    event = AuditEvent.objects.get(action=AuditAction.STORE_PRIVACY_REQUEST)
    assert event.details == {
        "topic": topic,
        "delivery_id": delivery.headers["X-Shopify-Webhook-Id"],
    }
    assert "shopper@example.com" not in str(event.details)


def test_a_gdpr_webhook_after_the_uninstall_is_still_verified_and_answered(client, fake, connected):
    fake.app_uninstall()
    fake.privacy_request(
        "shop/redact", f"{settings.SITE_URL}/stores/webhooks/{connected.public_id}/"
    )

    statuses = fake.deliveries_send(client)

    connected.refresh_from_db()
    assert statuses == [200, 200]
    assert connected.status == StoreStatus.REAUTHORIZE
    assert AuditEvent.objects.filter(action=AuditAction.STORE_PRIVACY_REQUEST).count() == 1


def test_connecting_again_after_the_uninstall_re_authorizes_the_same_store(
    client, merchant, fake, connected
):
    fake.app_uninstall()
    fake.deliveries_send(client)
    fake.subscriptions.clear()  # Shopify drops an uninstalled app's subscriptions

    again = services.shopify_store_connect_own_app(
        merchant=merchant,
        actor=merchant.owner,
        shop=fake.shop,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
    )

    assert again.pk == connected.pk
    assert (again.status, again.status_reason) == (StoreStatus.AUTHORIZED, "")
    assert again.credentials_get()["access_token"] in fake.tokens
    assert sorted(fake.subscriptions) == [
        "APP_UNINSTALLED",
        "ORDERS_CANCELLED",
        "ORDERS_CREATE",
        "ORDERS_UPDATED",
    ]
    event = AuditEvent.objects.filter(action=AuditAction.STORE_CONNECTED).latest("pk")
    assert event.details == {
        "platform": "shopify",
        "domain": "dropyard-test.myshopify.com",
        "reauthorized": True,
    }
