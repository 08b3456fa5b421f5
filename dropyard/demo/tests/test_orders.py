"""Demo orders (``demo.orders``), loaded by ``demo.loader.demo_load``."""

from collections import Counter

import pytest

from dropyard.core.models import AuditEvent
from dropyard.demo import loader as demo
from dropyard.demo.orders import DEMO_ORDER_PREFIX, DEMO_STATUS_COUNTS
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Stock, StockMovement
from dropyard.inventory.selectors import open_reservations
from dropyard.logistics import services as logistics_services
from dropyard.logistics.choices import TrackingStatus
from dropyard.logistics.models import Tracking, TrackingEvent
from dropyard.orders import services
from dropyard.orders.choices import OrderStatus, OrderSubStatus, OrderType, ParcelStatus
from dropyard.orders.models import Order, OrderEvent, Parcel

pytestmark = pytest.mark.django_db

TICK = "dropyard.logistics.tasks.sandbox_carrier_tick"


@pytest.fixture(autouse=True)
def small_demo(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv(demo.DEMO_PRODUCTS_ENV, "10")


@pytest.fixture
def load(django_capture_on_commit_callbacks):
    """``demo_load`` as ``dropyard demo`` runs it: committed, so the tracking hooks run."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return demo.demo_load(**kwargs)

    return run


def demo_orders():
    return Order.objects.filter(order_number__startswith=DEMO_ORDER_PREFIX)


def test_demo_orders_cover_every_status(load):
    merchant = load().merchant

    # The after-sales demo resends one of them (demo.aftersales): the resend order, numbered
    # after its original, waits in the warehouse queue; it is not one of the planned orders.
    [resend] = demo_orders().filter(order_type=OrderType.RESEND)
    assert (resend.status, resend.sub_status) == (OrderStatus.UNSHIPPED, OrderSubStatus.PENDING)
    assert resend.order_number.startswith(f"{resend.original_order.order_number}-RS")
    assert resend.is_sandbox
    orders = demo_orders().exclude(order_type=OrderType.RESEND)
    assert all(o.merchant_id == merchant.pk and o.is_sandbox for o in orders)
    assert Counter(orders.values_list("status", flat=True)) == DEMO_STATUS_COUNTS
    assert Counter(
        orders.filter(status=OrderStatus.UNSHIPPED).values_list("sub_status", flat=True)
    ) == {OrderSubStatus.PENDING: 4, OrderSubStatus.PROCESSING: 3}
    assert orders.count() == 36
    # Every order has its history; the delivered ones went the whole way.
    delivered = orders.filter(status=OrderStatus.DELIVERED)
    for order in delivered:
        statuses = order.events.exclude(to_status="").order_by("pk")
        path = list(statuses.values_list("to_status", flat=True))
        path = [s for i, s in enumerate(path) if i == 0 or path[i - 1] != s]  # sub-status rows
        assert path == [
            OrderStatus.CREATED,
            OrderStatus.IN_CART,
            OrderStatus.UNPAID,
            OrderStatus.UNSHIPPED,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
        ], order.code


def test_demo_parcels_trackings_and_stock(load):
    load()
    orders = demo_orders()

    shipped = Parcel.objects.filter(orders__status=OrderStatus.SHIPPED, orders__in=orders)
    delivered = Parcel.objects.filter(orders__status=OrderStatus.DELIVERED, orders__in=orders)
    assert set(shipped.values_list("status", flat=True)) == {ParcelStatus.SHIPPED}
    assert set(delivered.values_list("status", flat=True)) == {ParcelStatus.DELIVERED}
    numbers = list(delivered.values_list("tracking_number", flat=True))
    trackings = Tracking.objects.filter(tracking_number__in=numbers)
    assert trackings.count() == len(numbers) >= 8
    assert set(trackings.values_list("status", flat=True)) == {TrackingStatus.DELIVERED}
    in_transit = Tracking.objects.filter(
        tracking_number__in=shipped.values_list("tracking_number", flat=True)
    )
    assert in_transit.count() >= 5
    for tracking in in_transit:
        assert tracking.events.count() == 3
        assert tracking.status not in (TrackingStatus.DELIVERED, TrackingStatus.EXCEPTION)
    processing = Parcel.objects.filter(orders__sub_status=OrderSubStatus.PROCESSING)
    assert set(processing.values_list("status", flat=True)) == {ParcelStatus.PICKING}
    # Reserved stock is exactly the open reservations: confirmed, paid, not yet shipped.
    open_refs = open_reservations(
        Parcel.objects.filter(orders__in=orders).values_list("reservation_reference", flat=True)
    )
    # (Platform warehouses: the demo supplier's own holds the supplier-routed demo orders.)
    platform = Stock.objects.filter(warehouse__kind=WarehouseKind.PLATFORM)
    assert sum(open_refs.values()) == sum(platform.values_list("reserved", flat=True)) > 0
    # The cancelled orders released what they had reserved.
    cancelled = orders.filter(status=OrderStatus.CANCELLED)
    assert set(Parcel.objects.filter(orders__in=cancelled).values_list("status", flat=True)) == {
        ParcelStatus.CANCELLED
    }


def test_demo_has_a_merge_pair_and_a_logistics_miss(load):
    merchant = load().merchant

    groups = services.merge_candidates(merchant=merchant)
    assert [[o.shipping_customer_name for o in g.orders] for g in groups] == [
        ["Bart Simpson", "Bart Simpson"]
    ]
    [miss] = demo_orders().filter(logistics_miss=True)
    assert (miss.status, miss.shipping_country_code) == (OrderStatus.CREATED, "IS")
    assert miss.intercept_reasons


def test_second_demo_run_creates_no_orders(load):
    load()
    before = (
        demo_orders().count(),
        OrderEvent.objects.count(),
        StockMovement.objects.count(),
        TrackingEvent.objects.count(),
        AuditEvent.objects.count(),
        list(Stock.objects.order_by("pk").values_list("on_hand", "reserved")),
    )

    result = load()

    assert not [c for c in result.created if "demo orders" in c]
    after = (
        demo_orders().count(),
        OrderEvent.objects.count(),
        StockMovement.objects.count(),
        TrackingEvent.objects.count(),
        AuditEvent.objects.count(),
        list(Stock.objects.order_by("pk").values_list("on_hand", "reserved")),
    )
    assert after == before


def test_no_demo_orders_without_a_catalog(load):
    load(products=0)

    assert not demo_orders().exists()


def test_shipped_demo_parcels_stay_in_transit_when_the_worker_ticks(load):
    load()
    shipped = Parcel.objects.filter(
        orders__status=OrderStatus.SHIPPED, orders__order_number__startswith=DEMO_ORDER_PREFIX
    )
    trackings = Tracking.objects.filter(tracking_number__in=shipped.values_list("tracking_number"))
    events = TrackingEvent.objects.count()

    # The tick each shipment enqueued (step 0) finds its step recorded and schedules nothing.
    for tracking in trackings:
        assert logistics_services.sandbox_tracking_advance(tracking_id=tracking.pk, step=0) is None

    assert TrackingEvent.objects.count() == events
    assert set(shipped.values_list("status", flat=True)) == {ParcelStatus.SHIPPED}


def test_shipped_demo_parcels_progress_for_every_destination_while_the_worker_runs(
    load, tasks, django_capture_on_commit_callbacks
):
    load()
    shipped = Parcel.objects.filter(
        orders__status=OrderStatus.SHIPPED, orders__order_number__startswith=DEMO_ORDER_PREFIX
    )
    trackings = list(
        Tracking.objects.filter(tracking_number__in=shipped.values_list("tracking_number"))
    )
    assert {t.status for t in trackings} == {TrackingStatus.FORWARDER_OUTBOUND}

    # The worker: run every Sandbox tick enqueued so far (and those they enqueue), 4 rounds.
    for _ in range(4):
        pending = [r for r in tasks.results if r.task.module_path == TICK]
        tasks.clear()
        for result in pending:
            with django_capture_on_commit_callbacks(execute=True):
                result.task.call(**result.kwargs)

    for tracking in trackings:
        tracking.refresh_from_db()
    assert {t.dest_country: t.status > TrackingStatus.FORWARDER_OUTBOUND for t in trackings} == {
        t.dest_country: True for t in trackings
    }
