import pytest

from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import selectors, services
from dropyard.stores.exceptions import StoreNotFound
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order


@pytest.mark.django_db
def test_stores_are_listed_per_merchant_without_disconnected_ones(merchant, other_merchant):
    live = make_store(merchant=merchant, name="A")
    gone = make_store(merchant=merchant, name="B")
    make_store(merchant=other_merchant, name="C")
    services.store_disconnect(store=gone, merchant=merchant, actor=None)

    assert list(selectors.store_list(merchant=merchant)) == [live]
    assert list(selectors.store_list(merchant=merchant, include_disconnected=True)) == [live, gone]


@pytest.mark.django_db
def test_another_merchants_objects_are_not_found(merchant, other_merchant):
    world = make_order_world()
    theirs = make_store(merchant=other_merchant)
    (sv,) = import_variants(theirs, ("V1", "S1"))
    connect(theirs, sv, world.red)
    row = services.store_order_ingest(
        store=theirs, order=platform_order("1", ("V9", 1)), via="poll"
    )

    with pytest.raises(StoreNotFound):
        selectors.store_get(merchant=merchant, public_id=theirs.public_id)
    with pytest.raises(StoreNotFound):
        selectors.store_variant_get(merchant=merchant, pk=sv.pk)
    with pytest.raises(StoreNotFound):
        selectors.connection_get(merchant=merchant, pk=sv.connection.pk)
    with pytest.raises(StoreNotFound):
        selectors.store_order_get(merchant=merchant, pk=row.pk)
    assert list(selectors.store_order_held_list(merchant=merchant)) == []
    assert list(selectors.connection_list(merchant=merchant)) == []
    assert list(selectors.store_variant_list(merchant=merchant, store=theirs)) == []
    assert selectors.store_get(merchant=other_merchant, public_id=theirs.public_id) == theirs
    assert list(selectors.store_order_held_list(merchant=other_merchant)) == [row]


@pytest.mark.django_db
def test_unconnected_store_variants(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant)
    v1, v2 = import_variants(store, ("V1", "S1"), ("V2", "S2"))
    connect(store, v1, world.red)

    unconnected = selectors.store_variant_list(
        merchant=merchant, store=store, unconnected_only=True
    )

    assert list(unconnected) == [v2]
    assert [c.store_variant for c in selectors.connection_list(merchant=merchant, store=store)] == [
        v1
    ]


@pytest.mark.django_db
def test_store_counts_narrow_to_a_store_scope(merchant):
    a = make_store(merchant=merchant, name="A")
    b = make_store(merchant=merchant, name="B")
    import_variants(a, ("VA", "SA"))
    import_variants(b, ("VB", "SB"))
    for store, order_id, variant in ((a, "1", "VA"), (b, "2", "VB"), (b, "3", "VB")):
        services.store_order_ingest(
            store=store, order=platform_order(order_id, (variant, 1)), via="webhook"
        )

    assert selectors.store_counts(merchant=merchant) == {"stores": 2, "held": 3}
    assert selectors.store_counts(merchant=merchant, scope=frozenset({a.pk})) == {
        "stores": 1,
        "held": 1,
    }
    assert selectors.store_counts(merchant=merchant, scope=frozenset()) == {"stores": 0, "held": 0}
