"""An order an operator put on hold (``orders.services.order_hold``) is not picked: the ready
queue leaves its parcels out and starting to pick them is refused until it is released."""

import pytest

from dropyard.accounts.tests.factories import make_operator
from dropyard.fulfillment import selectors, services
from dropyard.fulfillment.tests.factories import make_parcel
from dropyard.orders import services as order_services
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel

pytestmark = pytest.mark.django_db

PS = ParcelStatus


@pytest.fixture
def worker(db):
    return make_operator(role="warehouse")


def test_picking_a_held_orders_parcel_is_refused_for_the_whole_batch(merchant, worker, support):
    held = make_parcel(merchant=merchant)
    other = make_parcel(merchant=merchant, warehouse=held.warehouse)
    order = held.orders.get()
    order_services.order_hold(order=order, actor=support, reason="fraud check")

    with pytest.raises(ParcelRefused, match=f"order {order.code} is on hold"):
        services.parcel_start_picking(parcels=[held, other], actor=worker)

    assert list(
        Parcel.objects.filter(pk__in=[held.pk, other.pk]).values_list("status", flat=True)
    ) == [
        PS.READY,
        PS.READY,
    ]


def test_released_order_can_be_picked(merchant, worker, support):
    parcel = make_parcel(merchant=merchant)
    order = parcel.orders.get()
    order_services.order_hold(order=order, actor=support, reason="fraud check")
    order_services.order_release(order=order, actor=support)

    services.parcel_start_picking(parcels=[parcel], actor=worker)

    parcel.refresh_from_db()
    assert parcel.status == PS.PICKING


def test_ready_queue_and_its_count_leave_held_orders_out(merchant, support):
    held = make_parcel(merchant=merchant)
    free = make_parcel(merchant=merchant, warehouse=held.warehouse)
    order_services.order_hold(order=held.orders.get(), actor=support, reason="fraud check")

    ready = list(selectors.parcel_queue(warehouse=held.warehouse, status=PS.READY))
    counts = selectors.parcel_queue_counts(warehouse=held.warehouse)
    [queue] = [q for q in selectors.warehouse_queue_list() if q.warehouse == held.warehouse]

    assert [p.pk for p in ready] == [free.pk]
    assert counts[PS.READY] == 1
    assert queue.ready == 1
