from datetime import UTC, datetime

import pytest

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.orders.choices import OrderSource, OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import StoreOrderStatus
from dropyard.stores.exceptions import StoreDisconnected
from dropyard.stores.models import StoreOrder, StoreWebhookReceipt
from dropyard.stores.tests.factories import (
    connect,
    import_variants,
    make_store,
    platform_order,
    us_address,
)


@pytest.fixture
def shop(merchant):
    """A store whose V1 / V2 are connected to the world's red / blue variants."""
    world = make_order_world()
    store = make_store(merchant=merchant, name="Acme Shop")
    v1, v2 = import_variants(store, ("V1", world.red.sku), ("V2", world.blue.sku))
    connect(store, v1, world.red)
    connect(store, v2, world.blue)
    store.world = world
    return store


def _ingest(store, order, via="webhook"):
    return services.store_order_ingest(store=store, order=order, via=via)


def _recorded():
    return AuditEvent.objects.filter(action=AuditAction.STORE_ORDER_RECORDED).count()


@pytest.mark.django_db
def test_a_fully_connected_order_is_imported_with_its_store_fields(shop):
    row = _ingest(
        shop, platform_order("5001", ("V1", 2), ("V2", 1), name="#1001", total_minor=5997)
    )

    order = Order.objects.get()
    assert (row.status, row.order, row.hold_reason) == (StoreOrderStatus.IMPORTED, order, "")
    assert order.order_number == f"S{shop.pk}-#1001"
    assert (order.source, order.platform, order.store_name) == (
        OrderSource.STORE,
        "shopify",
        "Acme Shop",
    )
    assert order.store_order_id == "5001"
    assert order.store_created_at == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    assert order.shop_amount_minor == 5997
    assert order.status == OrderStatus.CREATED
    lines = sorted(
        (line.variant.sku, line.quantity, line.store_line_item_id) for line in order.lines.all()
    )
    assert lines == sorted(
        [(shop.world.red.sku, 2, "L5001-0"), (shop.world.blue.sku, 1, "L5001-1")]
    )
    assert (order.shipping_city, order.shipping_customer_name) == ("Los Angeles", "Jane Doe")
    assert row.payload == {"id": "5001"}
    assert len(row.payload_digest) == 64


@pytest.mark.django_db
def test_a_replay_or_a_poll_of_the_same_order_makes_no_second_order(shop):
    first = _ingest(shop, platform_order("5002", ("V1", 1)))
    recorded = _recorded()

    again = _ingest(shop, platform_order("5002", ("V1", 1)), via="poll")
    third = _ingest(shop, platform_order("5002", ("V1", 1)), via="api")

    assert first.pk == again.pk == third.pk
    assert Order.objects.count() == 1
    assert StoreOrder.objects.count() == 1
    assert StoreOrder.objects.get().received_via == "webhook"
    assert _recorded() == recorded


@pytest.mark.django_db
def test_an_order_with_an_unconnected_line_is_held_naming_it(shop):
    row = _ingest(shop, platform_order("5003", ("V1", 1), ("V9", 1)))

    assert row.status == StoreOrderStatus.HELD
    assert row.hold_reason == "not connected: SKU-V9 (V9)"
    assert row.order is None
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_an_order_the_order_service_refuses_is_held_with_its_message(shop):
    row = _ingest(shop, platform_order("5004", ("V1", 1), address=us_address(shipping_city="")))

    assert row.status == StoreOrderStatus.HELD
    assert row.hold_reason.startswith("refused: ")
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_an_unpaid_order_is_ignored_until_it_is_seen_paid(shop):
    unpaid = _ingest(shop, platform_order("5005", ("V1", 1), paid=False))
    assert (unpaid.status, unpaid.hold_reason) == (StoreOrderStatus.IGNORED, "not paid yet")
    assert Order.objects.count() == 0

    paid = _ingest(shop, platform_order("5005", ("V1", 1), paid=True), via="poll")

    assert paid.pk == unpaid.pk
    assert (paid.status, paid.hold_reason) == (StoreOrderStatus.IMPORTED, "")
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_unpaid_orders_are_imported_when_the_store_allows_it(shop):
    services.store_settings_update(
        store=shop, merchant=shop.merchant, actor=None, paid_orders_only=False
    )

    row = _ingest(shop, platform_order("5006", ("V1", 1), paid=False))

    assert row.status == StoreOrderStatus.IMPORTED


@pytest.mark.django_db
def test_order_sync_off_ignores_orders(shop):
    services.store_settings_update(store=shop, merchant=shop.merchant, actor=None, order_sync=False)

    row = _ingest(shop, platform_order("5007", ("V1", 1)))

    assert (row.status, row.hold_reason) == (StoreOrderStatus.IGNORED, "order sync is off")
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_cancelled_on_the_store_before_import_makes_no_order(shop):
    row = _ingest(shop, platform_order("5008", ("V1", 1), cancelled=True))

    assert (row.status, row.order) == (StoreOrderStatus.CANCELLED, None)
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_cancelled_on_the_store_before_payment_cancels_the_order(shop):
    _ingest(shop, platform_order("5009", ("V1", 1)))

    row = _ingest(shop, platform_order("5009", ("V1", 1), cancelled=True))

    assert row.status == StoreOrderStatus.CANCELLED
    assert row.order.status == OrderStatus.CANCELLED
    assert row.flagged == ""
    assert Order.objects.get().status == OrderStatus.CANCELLED


@pytest.mark.django_db
def test_changes_after_payment_are_flagged_and_the_order_left_alone(shop):
    row = _ingest(shop, platform_order("5010", ("V1", 1)))
    # Payment itself is the checkout's business; only the status matters to intake.
    Order.objects.filter(pk=row.order_id).update(status=OrderStatus.UNSHIPPED)

    again = _ingest(shop, platform_order("5010", ("V1", 3), cancelled=True))

    assert again.flagged == "after payment: cancelled on the store, lines changed"
    assert again.status == StoreOrderStatus.IMPORTED
    order = Order.objects.get()
    assert order.status == OrderStatus.UNSHIPPED
    assert order.lines.get().quantity == 1


@pytest.mark.django_db
def test_an_address_change_before_payment_updates_the_order(shop):
    _ingest(shop, platform_order("5011", ("V1", 1)))

    row = _ingest(
        shop,
        platform_order("5011", ("V1", 1), address=us_address(shipping_city="San Diego")),
    )

    assert (row.status, row.flagged) == (StoreOrderStatus.IMPORTED, "")
    assert Order.objects.get().shipping_city == "San Diego"


@pytest.mark.django_db
def test_a_line_change_before_payment_is_flagged(shop):
    _ingest(shop, platform_order("5012", ("V1", 1)))

    row = _ingest(shop, platform_order("5012", ("V1", 2)))

    assert row.flagged == "before payment: lines changed"
    assert Order.objects.get().lines.get().quantity == 1


@pytest.mark.django_db
def test_a_disconnected_store_refuses_intake(shop):
    services.store_disconnect(store=shop, merchant=shop.merchant, actor=None)

    with pytest.raises(StoreDisconnected):
        _ingest(shop, platform_order("5013", ("V1", 1)))

    assert StoreOrder.objects.count() == 0


@pytest.mark.django_db
def test_webhook_receipts_dedupe_per_store(merchant):
    store, other = make_store(merchant=merchant), make_store(merchant=merchant)

    first = services.webhook_receipt_seen(store=store, delivery_id="d-1", topic="orders/create")
    again = services.webhook_receipt_seen(store=store, delivery_id="d-1", topic="orders/create")
    elsewhere = services.webhook_receipt_seen(store=other, delivery_id="d-1")

    assert (first, again, elsewhere) == (False, True, False)
    assert StoreWebhookReceipt.objects.count() == 2
