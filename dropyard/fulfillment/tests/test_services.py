import json

import pytest
from django.utils import timezone

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.fulfillment import services
from dropyard.fulfillment.exceptions import WeightImplausible
from dropyard.fulfillment.services import events
from dropyard.fulfillment.tasks import tracking_changes_follow
from dropyard.fulfillment.tests.factories import (
    make_carrier_serving,
    make_order,
    make_parcel,
    make_variants,
    sandbox_carrier,
)
from dropyard.inventory import services as inventory_services
from dropyard.inventory.choices import MovementKind
from dropyard.inventory.models import Stock, StockMovement
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.logistics import carriers
from dropyard.logistics import services as logistics_services
from dropyard.logistics.models import Tracking
from dropyard.logistics.tests.factories import CarrierFactory, ShippingLineFactory
from dropyard.orders.choices import OrderSource, OrderStatus, OrderSubStatus, ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Order, OrderLine, Parcel, ParcelLine
from dropyard.webhooks.models import WebhookEndpoint, WebhookMessage

PS = ParcelStatus


@pytest.fixture
def worker(db):
    return make_operator(role="warehouse")


def _stock(parcel, variant, *, private=False):
    return Stock.objects.get(
        variant=variant, warehouse=parcel.warehouse, merchant=parcel.merchant if private else None
    )


def _packed(parcel, worker, weight=None):
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    parcel.refresh_from_db()
    return services.parcel_pack(
        parcel=parcel,
        measured_weight_g=weight or services.parcel_computed_weight_g(parcel),
        actor=worker,
    )


def _snapshot(parcel):
    """Everything a refused step must leave untouched."""
    parcel.refresh_from_db()
    order = parcel.orders.get()
    return (
        parcel.status,
        parcel.tracking_number,
        parcel.measured_weight_g,
        list(parcel.lines.values_list("quantity", "shipped_quantity")),
        order.status,
        order.sub_status,
        Parcel.objects.count(),
        list(Stock.objects.order_by("pk").values_list("on_hand", "reserved")),
        StockMovement.objects.count(),
        AuditEvent.objects.filter(action__startswith="parcel.").count(),
    )


# --- Picking ------------------------------------------------------------------------------------


def test_start_picking_moves_the_batch_and_the_orders_to_processing(merchant, worker):
    first = make_parcel(merchant=merchant)
    second = make_parcel(merchant=merchant, warehouse=first.warehouse)

    services.parcel_start_picking(parcels=[first, second], actor=worker)

    for parcel in (first, second):
        parcel.refresh_from_db()
        order = parcel.orders.get()
        assert parcel.status == PS.PICKING
        assert (order.status, order.sub_status) == (
            OrderStatus.UNSHIPPED,
            OrderSubStatus.PROCESSING,
        )


def test_start_picking_refuses_the_whole_batch_when_one_parcel_is_not_ready(merchant, worker):
    ready = make_parcel(merchant=merchant)
    picking = make_parcel(merchant=merchant, warehouse=ready.warehouse)
    services.parcel_start_picking(parcels=[picking], actor=worker)
    before = _snapshot(ready)

    with pytest.raises(ParcelRefused, match="is picking and cannot go to picking"):
        services.parcel_start_picking(parcels=[ready, picking], actor=worker)

    assert _snapshot(ready) == before


def test_start_picking_refuses_an_empty_batch(db, worker):
    with pytest.raises(ParcelRefused, match="select at least one parcel"):
        services.parcel_start_picking(parcels=[], actor=worker)


def test_pick_list_sums_units_per_variant_sorted_by_sku(merchant):
    a, b = make_variants(2)
    a.sku, b.sku = "ZZ-LAST", "AA-FIRST"
    a.save(update_fields=["sku"])
    b.save(update_fields=["sku"])
    first = make_parcel(merchant=merchant, items=[(a, 2), (b, 1)])
    second = make_parcel(merchant=merchant, warehouse=first.warehouse, items=[(a, 3)])

    rows = services.pick_list(parcels=[first, second])

    assert [(row.sku, row.quantity, row.parcel_codes) for row in rows] == [
        ("AA-FIRST", 1, [first.code]),
        ("ZZ-LAST", 5, sorted([first.code, second.code])),
    ]


# --- Packing ------------------------------------------------------------------------------------


def test_pack_records_the_measured_weight_and_audits(merchant, worker):
    (variant,) = make_variants(1, weight_g=300)
    parcel = make_parcel(merchant=merchant, items=[(variant, 2)])
    services.parcel_start_picking(parcels=[parcel], actor=worker)

    services.parcel_pack(parcel=parcel, measured_weight_g=640, actor=worker)

    parcel.refresh_from_db()
    assert (parcel.status, parcel.measured_weight_g, parcel.packed_by) == (PS.PACKED, 640, worker)
    assert parcel.packed_at is not None
    event = AuditEvent.objects.get(action=AuditAction.PARCEL_PACKED)
    assert (event.target_id, event.merchant, event.actor) == (str(parcel.pk), merchant, worker)
    assert event.details == {
        "measured_weight_g": 640,
        "computed_weight_g": 600,
        "weight_confirmed": False,
    }


@pytest.mark.parametrize("weight", [0, -5, "600", True, 1.5, None, 70_001])
def test_pack_refuses_a_bad_weight_and_changes_nothing(merchant, worker, weight):
    parcel = make_parcel(merchant=merchant)
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    before = _snapshot(parcel)

    with pytest.raises(ParcelRefused):
        services.parcel_pack(parcel=parcel, measured_weight_g=weight, actor=worker)

    assert _snapshot(parcel) == before


@pytest.mark.parametrize(
    ("measured", "accepted"), [(300, True), (299, False), (900, True), (901, False)]
)
def test_pack_weight_must_be_within_half_of_the_computed_weight(
    merchant, worker, measured, accepted
):
    (variant,) = make_variants(1, weight_g=200)
    parcel = make_parcel(merchant=merchant, items=[(variant, 3)])  # 600 g
    services.parcel_start_picking(parcels=[parcel], actor=worker)

    if accepted:
        services.parcel_pack(parcel=parcel, measured_weight_g=measured, actor=worker)
    else:
        with pytest.raises(WeightImplausible, match="should weigh about 600 g"):
            services.parcel_pack(parcel=parcel, measured_weight_g=measured, actor=worker)
        services.parcel_pack(
            parcel=parcel, measured_weight_g=measured, actor=worker, confirm_weight=True
        )

    parcel.refresh_from_db()
    assert (parcel.status, parcel.measured_weight_g) == (PS.PACKED, measured)


def test_pack_is_refused_before_picking(merchant, worker):
    parcel = make_parcel(merchant=merchant)
    before = _snapshot(parcel)

    with pytest.raises(ParcelRefused, match="ready to pick and cannot go to packed"):
        services.parcel_pack(parcel=parcel, measured_weight_g=400, actor=worker)

    assert _snapshot(parcel) == before


# --- Shipping -----------------------------------------------------------------------------------


def test_ship_consumes_the_reserved_stock_and_ships_the_order(merchant, worker):
    a, b = make_variants(2)
    parcel = make_parcel(merchant=merchant, items=[(a, 2), (b, 3)], on_hand=10)
    carrier = make_carrier_serving(
        parcel.warehouse, tracking_url_template="https://t.test/{number}"
    )
    _packed(parcel, worker)

    shipment = services.parcel_ship(
        parcel=parcel, actor=worker, carrier=carrier, tracking_number=" lp1234 5678cn "
    )

    parcel.refresh_from_db()
    order = parcel.orders.get()
    assert shipment.remainder is None
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == (
        PS.SHIPPED,
        carrier,
        "LP12345678CN",
    )
    assert parcel.shipped_at is not None
    assert list(parcel.lines.values_list("quantity", "shipped_quantity")) == [(2, 2), (3, 3)]
    assert (_stock(parcel, a).on_hand, _stock(parcel, a).reserved) == (8, 0)
    assert (_stock(parcel, b).on_hand, _stock(parcel, b).reserved) == (7, 0)
    shipments = StockMovement.objects.filter(kind=MovementKind.SHIPMENT).order_by("stock__variant")
    assert [
        (m.stock.variant, m.on_hand_delta, m.reserved_delta, m.reference) for m in shipments
    ] == [
        (a, -2, -2, parcel.reservation_reference),
        (b, -3, -3, parcel.reservation_reference),
    ]
    assert order.status == OrderStatus.SHIPPED
    event = AuditEvent.objects.get(action=AuditAction.PARCEL_SHIPPED)
    assert event.details == {
        "carrier": carrier.code,
        "tracking_number": "LP12345678CN",
        "short": [],
        "remainder": "",
    }


@pytest.mark.parametrize(
    ("source", "setting", "enqueued"),
    [
        (OrderSource.STORE, ["x.y.follow"], ["x.y.follow"]),
        (OrderSource.STORE, [], []),
        (OrderSource.API, ["x.y.follow"], []),
    ],
)
def test_shipping_enqueues_the_store_parcel_tasks_only_for_store_orders(
    merchant, worker, settings, monkeypatch, source, setting, enqueued
):
    settings.DROPYARD_STORE_PARCEL_TASKS = setting
    calls = []
    monkeypatch.setattr(
        events, "on_commit_enqueue", lambda path, **kwargs: calls.append((path, kwargs))
    )
    parcel = make_parcel(merchant=merchant)
    Order.objects.filter(parcels=parcel).update(source=source)
    carrier = make_carrier_serving(parcel.warehouse)
    _packed(parcel, worker)

    services.parcel_ship(parcel=parcel, actor=worker, carrier=carrier, tracking_number="LP1234")

    assert calls == [(path, {"parcel_id": parcel.pk}) for path in enqueued]


def test_ship_with_a_carrier_adapter_issues_the_tracking_number(merchant, worker):
    sandbox = sandbox_carrier()
    parcel = make_parcel(merchant=merchant, line=ShippingLineFactory(carrier=sandbox))
    _packed(parcel, worker)

    services.parcel_ship(parcel=parcel, actor=worker)

    parcel.refresh_from_db()
    assert parcel.carrier == sandbox
    assert carriers.sandbox_number_valid(parcel.tracking_number)


def test_ship_without_number_on_a_manual_carrier_is_refused(merchant, worker):
    parcel = make_parcel(merchant=merchant)
    _packed(parcel, worker)
    before = _snapshot(parcel)

    with pytest.raises(ParcelRefused, match="type the number from its label"):
        services.parcel_ship(parcel=parcel, actor=worker)

    assert _snapshot(parcel) == before


def test_ship_refuses_a_carrier_that_does_not_serve_the_warehouse(merchant, worker):
    parcel = make_parcel(merchant=merchant)
    elsewhere = make_carrier_serving(WarehouseFactory())
    _packed(parcel, worker)
    before = _snapshot(parcel)

    with pytest.raises(ParcelRefused, match="does not serve"):
        services.parcel_ship(
            parcel=parcel, actor=worker, carrier=elsewhere, tracking_number="LP000111"
        )

    assert _snapshot(parcel) == before


@pytest.mark.parametrize("number", ["ab", "has space inside?", "x" * 65, "LP#1234"])
def test_ship_refuses_a_malformed_tracking_number(merchant, worker, number):
    parcel = make_parcel(merchant=merchant)
    _packed(parcel, worker)
    before = _snapshot(parcel)

    with pytest.raises(ParcelRefused, match="4 to 64 letters"):
        services.parcel_ship(parcel=parcel, actor=worker, tracking_number=number)

    assert _snapshot(parcel) == before


def test_ship_refuses_a_number_another_merchant_uses(merchant, other_merchant, worker):
    theirs = make_parcel(merchant=other_merchant)
    _packed(theirs, worker)
    services.parcel_ship(parcel=theirs, actor=worker, tracking_number="LP999888")
    mine = make_parcel(merchant=merchant, line=theirs.line)
    _packed(mine, worker)
    before = _snapshot(mine)

    with pytest.raises(ParcelRefused, match="already used"):
        services.parcel_ship(parcel=mine, actor=worker, tracking_number="lp999888")

    assert _snapshot(mine) == before


def test_ship_is_refused_unless_packed(merchant, worker):
    parcel = make_parcel(merchant=merchant)
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    before = _snapshot(parcel)

    with pytest.raises(ParcelRefused, match="picking and cannot go to shipped"):
        services.parcel_ship(parcel=parcel, actor=worker, tracking_number="LP123456")

    assert _snapshot(parcel) == before


def test_ship_from_private_stock_consumes_the_merchants_stock(merchant, worker):
    (variant,) = make_variants(1)
    parcel = make_parcel(merchant=merchant, items=[(variant, 4)], uses_private_stock=True)
    _packed(parcel, worker)

    services.parcel_ship(parcel=parcel, actor=worker, tracking_number="LP555666")

    stock = _stock(parcel, variant, private=True)
    assert (stock.on_hand, stock.reserved) == (6, 0)
    assert not Stock.objects.filter(variant=variant, merchant__isnull=True).exists()


# --- Partial shipment ---------------------------------------------------------------------------


def _reference_balance(reference):
    """Units still reserved under ``reference``: reservations − shipments − releases."""
    rows = StockMovement.objects.filter(reference=reference)
    return sum(m.reserved_delta for m in rows)


def test_partial_shipment_leaves_a_remainder_parcel_with_its_own_reservation(merchant, worker):
    a, b = make_variants(2)
    parcel = make_parcel(merchant=merchant, items=[(a, 3), (b, 2)], on_hand=10)
    line_a, line_b = parcel.lines.order_by("pk")
    _packed(parcel, worker)

    shipment = services.parcel_ship(
        parcel=parcel,
        actor=worker,
        tracking_number="LP100200",
        shipped_quantities={line_a.pk: 1, line_b.pk: 0},
    )

    parcel.refresh_from_db()
    remainder = shipment.remainder
    order = parcel.orders.get()
    # What shipped: one unit of A; B's line left the shipped parcel entirely.
    assert list(parcel.lines.values_list("order_line", "quantity", "shipped_quantity")) == [
        (line_a.order_line_id, 1, 1)
    ]
    # What waits: the remainder, READY in the same warehouse on the same line, keeping its place.
    assert (remainder.status, remainder.warehouse, remainder.line, remainder.split_from) == (
        PS.READY,
        parcel.warehouse,
        parcel.line,
        parcel,
    )
    assert remainder.ready_at == parcel.ready_at
    assert list(remainder.orders.all()) == [order]
    assert list(
        remainder.lines.order_by("pk").values_list("order_line", "quantity", "shipped_quantity")
    ) == [(line_a.order_line_id, 2, 0), (line_b.order_line_id, 2, 0)]
    assert remainder.reservation_reference == f"order:{order.public_id}:{remainder.code}"
    # Stock: only the shipped unit left; the rest is still reserved, now for the remainder.
    assert (_stock(parcel, a).on_hand, _stock(parcel, a).reserved) == (9, 2)
    assert (_stock(parcel, b).on_hand, _stock(parcel, b).reserved) == (10, 2)
    assert _reference_balance(parcel.reservation_reference) == 0
    assert _reference_balance(remainder.reservation_reference) == 4
    # The order waits for the remainder.
    assert (order.status, order.sub_status) == (OrderStatus.UNSHIPPED, OrderSubStatus.PROCESSING)
    assert AuditEvent.objects.get(action=AuditAction.PARCEL_SHIPPED).details["short"] == [
        {"sku": a.sku, "planned": 3, "shipped": 1},
        {"sku": b.sku, "planned": 2, "shipped": 0},
    ]

    _packed(remainder, worker)
    services.parcel_ship(parcel=remainder, actor=worker, tracking_number="LP100201")

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert (_stock(parcel, a).on_hand, _stock(parcel, a).reserved) == (7, 0)
    assert (_stock(parcel, b).on_hand, _stock(parcel, b).reserved) == (8, 0)
    assert _reference_balance(remainder.reservation_reference) == 0
    # Each order line's quantities over its parcels still sum to the order line's quantity.
    for order_line in order.lines.all():
        assert (
            sum(ParcelLine.objects.filter(order_line=order_line).values_list("quantity", flat=True))
            == order_line.quantity
        )


@pytest.mark.parametrize(
    ("quantities", "message"),
    [
        ({"first": 0, "second": 0}, "nothing to ship"),
        ({"first": 4}, "must be 0 to 3"),
        ({"first": -1}, "must be 0 to 3"),
        ({"first": "two"}, "must be 0 to 3"),
        ({"stranger": 1}, "not in this parcel"),
    ],
)
def test_partial_shipment_refuses_bad_quantities(merchant, worker, quantities, message):
    a, b = make_variants(2)
    parcel = make_parcel(merchant=merchant, items=[(a, 3), (b, 2)])
    first, second = parcel.lines.order_by("pk")
    keys = {"first": first.pk, "second": second.pk, "stranger": 999_999}
    _packed(parcel, worker)
    before = _snapshot(parcel)

    with pytest.raises(ParcelRefused, match=message):
        services.parcel_ship(
            parcel=parcel,
            actor=worker,
            tracking_number="LP700800",
            shipped_quantities={keys[k]: v for k, v in quantities.items()},
        )

    assert _snapshot(parcel) == before


# --- Tracking outcomes --------------------------------------------------------------------------


def _shipped(merchant, worker, number="LP424242"):
    parcel = make_parcel(merchant=merchant)
    _packed(parcel, worker)
    services.parcel_ship(parcel=parcel, actor=worker, tracking_number=number)
    parcel.refresh_from_db()
    return parcel


@pytest.mark.parametrize(
    ("tracking_status", "parcel_status"),
    [(12, PS.DELIVERED), (13, PS.EXCEPTION), (14, PS.RETURNED), (5, PS.SHIPPED)],
)
def test_tracking_status_moves_the_parcel(merchant, worker, tracking_status, parcel_status):
    parcel = _shipped(merchant, worker)

    services.parcel_tracking_changed(
        tracking_number=parcel.tracking_number, new_status=tracking_status
    )

    parcel.refresh_from_db()
    assert parcel.status == parcel_status


def test_delivery_delivers_the_order(merchant, worker):
    parcel = _shipped(merchant, worker)

    moved = services.parcel_tracking_changed(tracking_number=parcel.tracking_number, new_status=12)

    parcel.refresh_from_db()
    order = parcel.orders.get()
    assert moved == [parcel]
    assert parcel.delivered_at is not None
    assert order.status == OrderStatus.DELIVERED


def test_a_late_transit_event_does_not_undo_a_delivery(merchant, worker):
    parcel = _shipped(merchant, worker)
    services.parcel_tracking_changed(tracking_number=parcel.tracking_number, new_status=12)

    moved = services.parcel_tracking_changed(tracking_number=parcel.tracking_number, new_status=10)

    parcel.refresh_from_db()
    assert moved == []
    assert parcel.status == PS.DELIVERED


def test_an_exception_resolved_goes_back_to_shipped(merchant, worker):
    parcel = _shipped(merchant, worker)
    services.parcel_tracking_changed(tracking_number=parcel.tracking_number, new_status=13)

    services.parcel_tracking_changed(tracking_number=parcel.tracking_number, new_status=10)

    parcel.refresh_from_db()
    assert parcel.status == PS.SHIPPED


def test_tracking_events_of_unknown_numbers_change_nothing(merchant, worker):
    parcel = _shipped(merchant, worker)

    assert services.parcel_tracking_changed(tracking_number="LP000000", new_status=12) == []

    parcel.refresh_from_db()
    assert parcel.status == PS.SHIPPED


# --- Sandbox ------------------------------------------------------------------------------------


def test_sandbox_ship_ships_every_open_parcel_with_sandbox_numbers(merchant, worker):
    sandbox_carrier()
    order = make_order(merchant=merchant, is_sandbox=True)
    first = make_parcel(merchant=merchant, order=order)
    second = make_parcel(merchant=merchant, order=order)

    services.sandbox_ship(order=order)

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    for parcel in (first, second):
        parcel.refresh_from_db()
        assert parcel.status == PS.SHIPPED
        assert parcel.carrier.code == "SANDBOX"
        assert carriers.sandbox_number_valid(parcel.tracking_number)


def test_sandbox_ship_with_a_given_number(merchant, worker):
    sandbox = sandbox_carrier()
    order = make_order(merchant=merchant, is_sandbox=True)
    parcel = make_parcel(merchant=merchant, order=order)

    services.sandbox_ship(order=order, tracking_number="SB-TEST-0001")

    parcel.refresh_from_db()
    # A typed number goes under the Sandbox carrier only: no real carrier's number is claimed.
    assert (parcel.status, parcel.tracking_number, parcel.carrier) == (
        PS.SHIPPED,
        "SB-TEST-0001",
        sandbox,
    )


def test_sandbox_ship_refuses_a_live_order(merchant):
    order = make_order(merchant=merchant, is_sandbox=False)
    parcel = make_parcel(merchant=merchant, order=order)
    before = _snapshot(parcel)

    with pytest.raises(ParcelRefused, match="not a sandbox order"):
        services.sandbox_ship(order=order)

    assert _snapshot(parcel) == before


# --- Integration with tracking and webhooks ----------------------------------------------------


def test_a_recorded_delivery_event_delivers_parcel_and_order_through_the_follow_task(
    merchant, worker, django_capture_on_commit_callbacks
):
    parcel = _shipped(merchant, worker, number="LP31415926")
    WebhookEndpoint.objects.create(
        merchant=merchant, topic="logistics", url="https://hooks.example.test/l", enabled=True
    )
    tracking = Tracking.objects.get(tracking_number="LP31415926")
    event = logistics_services.TrackingEventIn(
        status=12,
        activity="Delivered",
        event_time=timezone.now(),
        external_id="ev-1",
        city="Springfield",
        country="US",
    )

    with django_capture_on_commit_callbacks(execute=True):
        logistics_services.tracking_events_record(tracking=tracking, events=[event])
    parcel.refresh_from_db()
    assert parcel.status == PS.SHIPPED  # logistics records the change; it does not call up
    with django_capture_on_commit_callbacks(execute=True):
        assert tracking_changes_follow.call() == 1

    parcel.refresh_from_db()
    order = parcel.orders.get()
    assert (tracking.merchant, tracking.reference) == (merchant, parcel.code)
    assert parcel.status == PS.DELIVERED
    assert order.status == OrderStatus.DELIVERED
    assert list(order.events.values_list("from_status", "to_status")) == [
        (OrderStatus.UNSHIPPED, OrderStatus.UNSHIPPED),
        (OrderStatus.UNSHIPPED, OrderStatus.SHIPPED),
        (OrderStatus.SHIPPED, OrderStatus.DELIVERED),
    ]
    message = json.loads(WebhookMessage.objects.get(type="LOGISTIC").body)
    assert message["params"]["trackingStatus"] == 12
    assert json.loads(message["params"]["logisticsTrackEvents"]) == [
        {
            "status": 12,
            "activity": "Delivered",
            "location": "Springfield, US",
            "eventTime": event.event_time.strftime("%Y-%m-%d %H:%M:%S"),
            "statusDesc": "Delivered",
            "thirdActivity": "Delivered",
            "thirdLocation": "Springfield, US",
            "thirdEventTime": event.event_time.strftime("%Y-%m-%d %H:%M:%S"),
        }
    ]


def test_shipping_and_tracking_publish_logistic_messages(merchant, worker):
    WebhookEndpoint.objects.create(
        merchant=merchant, topic="logistics", url="https://hooks.example.test/l", enabled=True
    )
    parcel = _shipped(merchant, worker, number="LP27182818")
    order = parcel.orders.get()

    services.parcel_tracking_changed(
        tracking_number="LP27182818",
        new_status=12,
        events=[{"status": 12, "activity": "Delivered"}],
    )

    bodies = [
        json.loads(m.body) for m in WebhookMessage.objects.filter(type="LOGISTIC").order_by("pk")
    ]
    assert [(b["type"], b["messageType"]) for b in bodies] == [("LOGISTIC", "UPDATE")] * 2
    assert bodies[0]["params"] == {
        "orderId": order.public_id,
        "logisticName": parcel.line.name,
        "trackingNumber": "LP27182818",
        "trackingUrl": "",
        "trackingStatus": 1,
        "logisticsTrackEvents": "[]",
    }
    assert bodies[1]["params"]["trackingStatus"] == 12
    assert json.loads(bodies[1]["params"]["logisticsTrackEvents"]) == [
        {"status": 12, "activity": "Delivered"}
    ]


def test_a_merged_parcel_ships_every_order_in_it(merchant, worker):
    a, b = make_variants(2)
    first_order = make_order(merchant=merchant)
    parcel = make_parcel(merchant=merchant, order=first_order, items=[(a, 1)])
    second_order = make_order(merchant=merchant)
    order_line = OrderLine.objects.create(
        order=second_order, variant=b, quantity=2, unit_price_minor=b.price_minor
    )
    ParcelLine.objects.create(parcel=parcel, order_line=order_line, quantity=2)
    parcel.orders.add(second_order)
    inventory_services.stock_receive(
        variant=b, warehouse=parcel.warehouse, quantity=2, actor=None, reason="t"
    )
    inventory_services.stock_reserve(
        variant=b, warehouse=parcel.warehouse, quantity=2, reference=parcel.reservation_reference
    )
    _packed(parcel, worker)

    services.parcel_ship(parcel=parcel, actor=worker, tracking_number="LP20202020")

    for order in (first_order, second_order):
        order.refresh_from_db()
        assert order.status == OrderStatus.SHIPPED
    assert (_stock(parcel, b).on_hand, _stock(parcel, b).reserved) == (0, 0)


# --- Tracking numbers are unique per carrier (no squatting through the sandbox) ------------------


def test_a_sandbox_number_does_not_block_a_real_carriers_parcel(merchant, other_merchant, worker):
    # Another merchant's sandbox order "claimed" the number under the Sandbox carrier.
    sandbox = sandbox_carrier()
    squatter = make_parcel(merchant=other_merchant, is_sandbox=True)
    squatter_order = squatter.orders.get()
    services.sandbox_ship(order=squatter_order, tracking_number="1Z999AA10123456784")
    squatter.refresh_from_db()
    assert (squatter.carrier, squatter.tracking_number) == (sandbox, "1Z999AA10123456784")

    # The real carrier's parcel carrying that number ships.
    ups = CarrierFactory(code="UPS", name="UPS")
    parcel = make_parcel(merchant=merchant, line=ShippingLineFactory(carrier=ups))
    _packed(parcel, worker)
    services.parcel_ship(parcel=parcel, actor=worker, tracking_number="1Z999AA10123456784")

    parcel.refresh_from_db()
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == (
        PS.SHIPPED,
        ups,
        "1Z999AA10123456784",
    )


def test_the_same_number_at_the_same_carrier_is_still_refused(merchant, other_merchant, worker):
    ups = CarrierFactory(code="UPS", name="UPS")
    first = make_parcel(merchant=other_merchant, line=ShippingLineFactory(carrier=ups))
    _packed(first, worker)
    services.parcel_ship(parcel=first, actor=worker, tracking_number="1Z999AA10123456784")
    second = make_parcel(merchant=merchant, line=ShippingLineFactory(carrier=ups))
    _packed(second, worker)

    with pytest.raises(ParcelRefused, match="already used by another parcel"):
        services.parcel_ship(parcel=second, actor=worker, tracking_number="1Z999AA10123456784")

    second.refresh_from_db()
    assert second.status == PS.PACKED


def test_update_track_number_uses_the_sandbox_carrier_even_when_the_line_has_one(merchant):
    sandbox = sandbox_carrier()
    ups = CarrierFactory(code="UPS", name="UPS")
    parcel = make_parcel(merchant=merchant, is_sandbox=True, line=ShippingLineFactory(carrier=ups))

    services.sandbox_ship(order=parcel.orders.get(), tracking_number="1Z999AA10123456784")

    parcel.refresh_from_db()
    assert (parcel.carrier, parcel.tracking_number) == (sandbox, "1Z999AA10123456784")
