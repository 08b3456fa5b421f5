"""Order creation and confirmation under real concurrency (PostgreSQL: one connection per
thread). The unique constraint decides duplicate order numbers; reservations never oversell."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dropyard.core.errors import DomainError
from dropyard.inventory.models import Stock
from dropyard.orders import services
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world, order_item


def _race(threads, work):
    start = threading.Barrier(threads)

    def run(i):
        try:
            start.wait(timeout=30)
            work(i)
        except DomainError as exc:
            return exc.code
        else:
            return "ok"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(threads)))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_order_numbers_on_postgresql(merchant, owner):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    world = make_order_world()
    item = order_item((world.red, 1), number="RACE-1")

    outcomes = _race(6, lambda i: services.order_create(merchant=merchant, actor=owner, **item))

    assert sorted(outcomes, key=str) == [1603003] * 5 + ["ok"]
    assert Order.objects.filter(order_number="RACE-1").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_never_oversell_on_postgresql(merchant, owner):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    world = make_order_world(stock=3)
    orders = [
        services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))
        for _ in range(6)
    ]

    outcomes = _race(6, lambda i: services.order_confirm(order=orders[i], actor=owner))

    # Losers are refused either at reservation or, when a winner committed first, already by
    # re-routing at confirmation (no stock left): both are the inventory failure 1603102.
    assert outcomes.count("ok") == 3
    assert set(outcomes) - {"ok"} <= {1603102}
    stock = Stock.objects.get(variant=world.red, warehouse=world.cn)
    assert (stock.on_hand, stock.reserved) == (3, 3)
    assert Order.objects.filter(status="UNPAID").count() == 3
