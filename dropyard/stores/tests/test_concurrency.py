"""Two deliveries of one store order at once, and concurrent tracking push attempts (real
threads, one connection each)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import StoreOrderStatus, TrackingPushStatus
from dropyard.stores.models import Store, StoreOrder, TrackingPush
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order
from dropyard.stores.tests.push_world import FakeAdapter, make_push_world, ship, store_order_paid


class SlowAdapter(FakeAdapter):
    """Takes its time, so concurrent attempts overlap the platform call."""

    def fulfillment_push(self, fulfillment):
        time.sleep(0.3)
        return super().fulfillment_push(fulfillment)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_ingests_of_one_order_make_one_order_on_postgresql(merchant):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    world = make_order_world()
    store = make_store(merchant=merchant)
    (sv,) = import_variants(store, ("V1", world.red.sku))
    connect(store, sv, world.red)
    start = threading.Barrier(4)

    def ingest(i: int) -> int:
        try:
            start.wait(timeout=30)
            row = services.store_order_ingest(
                store=Store.objects.get(pk=store.pk),
                order=platform_order("7001", ("V1", 1)),
                via=("webhook", "poll")[i % 2],
            )
            return row.pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        rows = list(pool.map(ingest, range(4)))

    row = StoreOrder.objects.get()
    assert rows == [row.pk] * 4
    assert row.status == StoreOrderStatus.IMPORTED
    assert Order.objects.filter(merchant=merchant).count() == 1
    assert row.order == Order.objects.get()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_release_racing_an_ingest_imports_once_on_postgresql(merchant):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    world = make_order_world()
    store = make_store(merchant=merchant)
    (sv,) = import_variants(store, ("V1", world.red.sku))
    services.store_order_ingest(store=store, order=platform_order("7002", ("V1", 1)), via="poll")
    start = threading.Barrier(2)

    def connect_it() -> None:
        try:
            start.wait(timeout=30)
            connect(store, sv, world.red)
        finally:
            connection.close()

    def ingest_again() -> None:
        try:
            start.wait(timeout=30)
            services.store_order_ingest(
                store=store, order=platform_order("7002", ("V1", 1), name="#7002b"), via="webhook"
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(connect_it), pool.submit(ingest_again)]:
            future.result()
    services.store_orders_release(store=store)

    assert StoreOrder.objects.get().status == StoreOrderStatus.IMPORTED
    assert Order.objects.filter(merchant=merchant).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_and_sweeps_push_a_parcel_once_on_postgresql(merchant):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    pw = make_push_world(merchant)
    parcel = ship(pw, store_order_paid(pw))
    services.tracking_pushes_record(parcel_id=parcel.pk)
    push = TrackingPush.objects.get()
    adapter = SlowAdapter()
    start = threading.Barrier(4)

    def attempt(i: int) -> str:
        try:
            start.wait(timeout=30)
            if i % 2:
                return str(services.tracking_pushes_sweep(adapter=adapter).get("pushed", 0))
            return services.tracking_push_attempt(push_id=push.pk, adapter=adapter)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(attempt, range(4)))

    push.refresh_from_db()
    assert len(adapter.pushed) == 1
    assert push.status == TrackingPushStatus.PUSHED
    assert push.attempts == 0
    assert outcomes.count("pushed") + outcomes.count("1") == 1
