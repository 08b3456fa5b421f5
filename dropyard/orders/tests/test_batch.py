"""The batch intake path: per-item results, duplicates, no N+1, atomic per item."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.orders import services
from dropyard.orders.models import Order, OrderEvent, OrderLine, Parcel, ParcelLine
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_order_world()


def test_batch_reports_each_item_and_creates_only_good_ones(merchant, owner, world):
    services.order_create(
        merchant=merchant, actor=owner, **order_item((world.red, 1), number="OLD")
    )
    items = [
        order_item((world.red, 1), number="B-1"),
        order_item((world.red, 1), number="OLD"),  # taken already
        order_item((world.blue, 2), number="B-2"),
        order_item((world.red, 1), number="B-1"),  # twice in the batch
        order_item((world.red, 1), number="B-3", shipping_zip="x"),
        {**order_item(number="B-4"), "lines": [{"vid": "404", "quantity": 1}]},
        "not an object",
    ]

    results = services.orders_create_batch(merchant=merchant, actor=owner, items=items)

    assert [(r.index, r.ok) for r in results] == [
        (0, True),
        (1, False),
        (2, True),
        (3, False),
        (4, False),
        (5, False),
        (6, False),
    ]
    assert [r.error.code for r in results if r.error] == [
        1603003,
        1603003,
        1603000,
        1602000,
        1603000,
    ]
    assert results[0].order.order_number == "B-1"
    assert results[2].created.code.startswith("DY")
    assert set(Order.objects.values_list("order_number", flat=True)) == {"OLD", "B-1", "B-2"}
    b2 = Order.objects.get(order_number="B-2")
    assert b2.postage_amount_minor == 650  # 800 g on CJPacket
    assert b2.lines.get().quantity == 2
    assert ParcelLine.objects.filter(parcel__orders=b2).get().quantity == 2
    assert OrderEvent.objects.filter(order=b2, kind="created").count() == 1
    audit = AuditEvent.objects.filter(action=AuditAction.ORDERS_IMPORTED).get()
    assert (audit.details["created"], audit.details["refused"]) == (2, 5)


def test_batch_query_count_does_not_grow_with_orders(merchant, owner, world):
    def run(n, prefix):
        items = [
            order_item((world.red, 1), (world.blue, 1), number=f"{prefix}{i}") for i in range(n)
        ]
        with CaptureQueriesContext(connection) as ctx:
            results = services.orders_create_batch(merchant=merchant, actor=owner, items=items)
        assert all(r.ok for r in results)
        return len(ctx.captured_queries)

    assert run(5, "S") == run(60, "L")
    assert Order.objects.count() == 65
    assert OrderLine.objects.count() == 130
    assert Parcel.objects.count() == 65


def test_batch_chunks(merchant, owner, world):
    items = [order_item((world.red, 1), number=f"C{i}") for i in range(7)]
    results = services.orders_create_batch(
        merchant=merchant, actor=owner, items=items, chunk_size=3
    )
    assert [r.index for r in results] == list(range(7))
    assert Order.objects.count() == 7
