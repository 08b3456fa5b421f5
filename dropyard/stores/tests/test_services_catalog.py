import pytest

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import ConnectionHow, StoreOrderStatus
from dropyard.stores.exceptions import ConnectionInvalid, StoreDisconnected, StoreNotFound
from dropyard.stores.models import ProductConnection, StoreOrder, StoreVariant
from dropyard.stores.tests.factories import (
    import_variants,
    make_store,
    platform_order,
    platform_variant,
)


@pytest.mark.django_db
def test_catalog_import_upserts_by_platform_variant_id(merchant):
    store = make_store(merchant=merchant, currency="EUR")
    services.store_catalog_import(
        store=store, variants=[platform_variant("V1", "A"), platform_variant("V2", "B")]
    )

    created, updated = services.store_catalog_import(
        store=store,
        variants=[
            platform_variant("V1", "A", price_minor=2500),
            platform_variant("V2", "B"),
            platform_variant("V3", "C", currency="usd"),
        ],
    )

    assert (created, updated) == (1, 1)
    rows = StoreVariant.objects.filter(store=store).order_by("platform_variant_id")
    assert [(r.platform_variant_id, r.sku, r.price_minor, r.currency) for r in rows] == [
        ("V1", "A", 2500, "EUR"),
        ("V2", "B", 0, "EUR"),
        ("V3", "C", 0, "USD"),
    ]


@pytest.mark.django_db
def test_auto_connect_by_sku_connects_only_on_sale_exact_matches(merchant):
    world = make_order_world()
    world.blue.is_on_sale = False
    world.blue.save()
    store = make_store(merchant=merchant)
    import_variants(store, ("V1", world.red.sku), ("V2", world.blue.sku), ("V3", "NOPE"))

    made = services.connections_auto_by_sku(store=store)

    assert [(c.store_variant.platform_variant_id, c.variant, c.how) for c in made] == [
        ("V1", world.red, ConnectionHow.SKU)
    ]
    assert ProductConnection.objects.count() == 1
    assert services.connections_auto_by_sku(store=store) == []


@pytest.mark.django_db
def test_manual_connect_releases_held_orders_once_every_line_is_connected(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant)
    v1, v2 = import_variants(store, ("V1", "S1"), ("V2", "S2"))
    services.store_order_ingest(
        store=store, order=platform_order("1001", ("V1", 1), ("V2", 2)), via="webhook"
    )

    services.connection_create(merchant=merchant, store_variant=v1, variant=world.red, actor=None)
    still_held = StoreOrder.objects.get()
    services.connection_create(merchant=merchant, store_variant=v2, variant=world.blue, actor=None)

    assert still_held.status == StoreOrderStatus.HELD
    assert still_held.hold_reason == "not connected: SKU-V2 (V2)"
    row = StoreOrder.objects.get()
    assert row.status == StoreOrderStatus.IMPORTED
    assert row.hold_reason == ""
    lines = sorted((line.variant.sku, line.quantity) for line in row.order.lines.all())
    assert lines == sorted([(world.red.sku, 1), (world.blue.sku, 2)])
    assert merchant.orders.count() == 1
    services.store_orders_release(store=store)
    assert merchant.orders.count() == 1


@pytest.mark.django_db
def test_connect_refuses_an_off_sale_variant_and_a_second_connection(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant)
    (sv,) = import_variants(store, ("V1", "S1"))
    services.connection_create(merchant=merchant, store_variant=sv, variant=world.red, actor=None)
    world.blue.is_on_sale = False
    world.blue.save()

    with pytest.raises(ConnectionInvalid, match="already connected"):
        services.connection_create(
            merchant=merchant, store_variant=sv, variant=world.red, actor=None
        )
    (sv2,) = import_variants(store, ("V2", "S2"))
    with pytest.raises(ConnectionInvalid, match="not on sale"):
        services.connection_create(
            merchant=merchant, store_variant=sv2, variant=world.blue, actor=None
        )

    assert list(ProductConnection.objects.values_list("store_variant__sku", flat=True)) == ["S1"]


@pytest.mark.django_db
def test_another_merchants_store_variant_and_connection_are_not_found(merchant, other_merchant):
    world = make_order_world()
    theirs = make_store(merchant=other_merchant)
    (sv,) = import_variants(theirs, ("V1", "S1"))
    services.connection_create(
        merchant=other_merchant, store_variant=sv, variant=world.red, actor=None
    )
    (sv2,) = import_variants(theirs, ("V2", "S2"))
    before = AuditEvent.objects.filter(action=AuditAction.STORE_CONNECTION_CHANGED).count()

    with pytest.raises(StoreNotFound):
        services.connection_create(
            merchant=merchant, store_variant=sv2, variant=world.blue, actor=merchant.owner
        )
    with pytest.raises(StoreNotFound):
        services.connection_delete(
            merchant=merchant, connection=ProductConnection.objects.get(), actor=merchant.owner
        )

    assert ProductConnection.objects.count() == 1
    after = AuditEvent.objects.filter(action=AuditAction.STORE_CONNECTION_CHANGED).count()
    assert after == before


@pytest.mark.django_db
def test_deleting_a_connection_holds_later_orders(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant)
    (sv,) = import_variants(store, ("V1", "S1"))
    connection = services.connection_create(
        merchant=merchant, store_variant=sv, variant=world.red, actor=None
    )

    services.connection_delete(merchant=merchant, connection=connection, actor=merchant.owner)
    row = services.store_order_ingest(
        store=store, order=platform_order("1002", ("V1", 1)), via="poll"
    )

    assert ProductConnection.objects.count() == 0
    assert (row.status, row.order) == (StoreOrderStatus.HELD, None)


@pytest.mark.django_db
def test_a_disconnected_store_neither_imports_nor_connects(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant)
    (sv,) = import_variants(store, ("V1", world.red.sku))
    services.store_disconnect(store=store, merchant=merchant, actor=None)

    with pytest.raises(StoreDisconnected):
        services.store_catalog_import(store=store, variants=[platform_variant("V9", "X")])
    with pytest.raises(StoreDisconnected):
        services.connections_auto_by_sku(store=store)
    with pytest.raises(StoreDisconnected):
        services.connection_create(
            merchant=merchant, store_variant=sv, variant=world.red, actor=None
        )

    assert StoreVariant.objects.count() == 1
    assert ProductConnection.objects.count() == 0
