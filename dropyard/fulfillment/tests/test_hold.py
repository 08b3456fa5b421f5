"""An order an operator put on hold (``orders.services.order_hold``) is not picked, packed or
shipped: the ready queue leaves its parcels out, and each warehouse step refuses them until the
order is released (also a parcel picked or packed before the hold)."""

import pytest

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.fulfillment import selectors, services
from dropyard.fulfillment.exceptions import OrderOnHold
from dropyard.fulfillment.tests.factories import make_carrier_serving, make_parcel
from dropyard.inventory.models import Stock, StockMovement
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


def _picked_then_held(merchant, worker, support):
    parcel = make_parcel(merchant=merchant)
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    parcel.refresh_from_db()
    order = parcel.orders.get()
    order_services.order_hold(order=order, actor=support, reason="buyer changed the address")
    return parcel, order


def test_packing_a_parcel_held_after_picking_is_refused(merchant, worker, support):
    parcel, order = _picked_then_held(merchant, worker, support)

    with pytest.raises(OrderOnHold) as refused:
        services.parcel_pack(parcel=parcel, measured_weight_g=200, actor=worker)

    parcel.refresh_from_db()
    assert refused.value.message == (
        f"order {order.code} is on hold (buyer changed the address): release it before packing"
    )
    assert refused.value.extra == {
        "holds": [{"code": order.code, "reason": "buyer changed the address"}]
    }
    assert (parcel.status, parcel.measured_weight_g) == (PS.PICKING, None)
    assert not AuditEvent.objects.filter(action=AuditAction.PARCEL_PACKED).exists()


def test_shipping_a_parcel_held_after_packing_is_refused(merchant, worker, support):
    parcel = make_parcel(merchant=merchant)
    carrier = make_carrier_serving(parcel.warehouse)
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    parcel.refresh_from_db()
    services.parcel_pack(parcel=parcel, measured_weight_g=200, actor=worker, confirm_weight=True)
    parcel.refresh_from_db()
    order = parcel.orders.get()
    order_services.order_hold(order=order, actor=support, reason="fraud check")
    stock_before = list(Stock.objects.order_by("pk").values_list("on_hand", "reserved"))
    movements_before = StockMovement.objects.count()

    with pytest.raises(OrderOnHold, match=f"order {order.code} is on hold .* before shipping"):
        services.parcel_ship(
            parcel=parcel, actor=worker, carrier=carrier, tracking_number="LP12345678"
        )

    parcel.refresh_from_db()
    assert (parcel.status, parcel.tracking_number) == (PS.PACKED, "")
    assert list(Stock.objects.order_by("pk").values_list("on_hand", "reserved")) == stock_before
    assert StockMovement.objects.count() == movements_before
    assert not AuditEvent.objects.filter(action=AuditAction.PARCEL_SHIPPED).exists()


def test_release_lets_a_held_picked_parcel_be_packed_and_shipped(merchant, worker, support):
    parcel, order = _picked_then_held(merchant, worker, support)
    carrier = make_carrier_serving(parcel.warehouse)
    order_services.order_release(order=order, actor=support, note="address confirmed")

    services.parcel_pack(parcel=parcel, measured_weight_g=200, actor=worker, confirm_weight=True)
    parcel.refresh_from_db()
    services.parcel_ship(parcel=parcel, actor=worker, carrier=carrier, tracking_number="LP1234567")

    parcel.refresh_from_db()
    assert (parcel.status, parcel.tracking_number) == (PS.SHIPPED, "LP1234567")


def test_held_orders_lists_only_the_orders_on_hold(merchant, worker, support):
    parcel, order = _picked_then_held(merchant, worker, support)
    free = make_parcel(merchant=merchant, warehouse=parcel.warehouse)

    assert [o.pk for o in parcel.held_orders] == [order.pk]
    assert free.held_orders == []
