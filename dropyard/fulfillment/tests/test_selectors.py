from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.fulfillment import selectors, services
from dropyard.fulfillment.exceptions import ParcelNotFound
from dropyard.fulfillment.tests.factories import make_carrier_serving, make_order, make_parcel
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.models import Parcel

PS = ParcelStatus


@pytest.fixture
def worker(db):
    return make_operator(role="warehouse")


def _ship(parcel, worker, number):
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    parcel.refresh_from_db()
    services.parcel_pack(
        parcel=parcel, measured_weight_g=services.parcel_computed_weight_g(parcel), actor=worker
    )
    services.parcel_ship(parcel=parcel, actor=worker, tracking_number=number)


def test_queue_is_oldest_first_per_status_and_warehouse(merchant, worker):
    warehouse = WarehouseFactory()
    now = timezone.now()
    late = make_parcel(merchant=merchant, warehouse=warehouse, ready_at=now)
    early = make_parcel(merchant=merchant, warehouse=warehouse, ready_at=now - timedelta(days=1))
    picking = make_parcel(merchant=merchant, warehouse=warehouse)
    services.parcel_start_picking(parcels=[picking], actor=worker)
    make_parcel(merchant=merchant)  # another warehouse

    ready = selectors.parcel_queue(warehouse=warehouse, status=PS.READY)
    being_picked = selectors.parcel_queue(warehouse=warehouse, status=PS.PICKING)

    assert [p.code for p in ready] == [early.code, late.code]
    assert [p.code for p in being_picked] == [picking.code]
    assert [p.units for p in ready] == [2, 2]


def test_counts_and_shipped_today(merchant, worker):
    warehouse = WarehouseFactory()
    shipped = make_parcel(merchant=merchant, warehouse=warehouse)
    make_parcel(merchant=merchant, warehouse=warehouse)
    _ship(shipped, worker, "LP50505050")

    counts = selectors.parcel_queue_counts(warehouse=warehouse)
    today = selectors.parcel_queue(warehouse=warehouse, status=selectors.SHIPPED_TODAY)

    assert counts == {"ready": 1, "picking": 0, "packed": 0, "shipped_today": 1}
    assert [p.code for p in today] == [shipped.code]


def test_search_matches_codes_and_numbers_once_per_parcel(merchant):
    warehouse = WarehouseFactory()
    order = make_order(merchant=merchant, order_number="ETSY-1234")
    parcel = make_parcel(merchant=merchant, warehouse=warehouse, order=order)

    for term in (parcel.code, order.code, "etsy-12"):
        found = selectors.parcel_queue(warehouse=warehouse, search=term)
        assert [p.code for p in found] == [parcel.code]
    assert list(selectors.parcel_queue(warehouse=warehouse, search="nothing-like-it")) == []


def test_parcel_get_within_a_warehouse(merchant):
    parcel = make_parcel(merchant=merchant)

    assert selectors.parcel_get(public_id=parcel.public_id) == parcel
    with pytest.raises(ParcelNotFound):
        selectors.parcel_get(public_id=parcel.public_id, warehouse=WarehouseFactory())
    with pytest.raises(ParcelNotFound):
        selectors.parcel_get(public_id="nope")


def test_parcels_get_many_leaves_out_other_warehouses(merchant):
    mine = make_parcel(merchant=merchant)
    other = make_parcel(merchant=merchant)

    found = selectors.parcels_get_many(
        warehouse=mine.warehouse, public_ids=[mine.public_id, other.public_id, "junk"]
    )

    assert found == [mine]


def test_parcel_carriers_are_the_warehouses_and_the_lines(merchant):
    parcel = make_parcel(merchant=merchant)
    served = make_carrier_serving(parcel.warehouse, name="AAA Post")

    assert selectors.parcel_carriers(parcel=parcel) == sorted(
        [served, parcel.line.carrier], key=lambda c: c.name
    )


def test_warehouse_queue_list_counts_open_parcels(merchant, worker):
    parcel = make_parcel(merchant=merchant)
    make_parcel(merchant=merchant, warehouse=parcel.warehouse)
    services.parcel_start_picking(parcels=[parcel], actor=worker)

    rows = {row.warehouse.pk: row for row in selectors.warehouse_queue_list()}

    row = rows[parcel.warehouse_id]
    assert (row.ready, row.picking, row.packed, row.open) == (1, 1, 0, 2)


def test_history_has_the_warehouse_steps_and_order_events(merchant, worker):
    parcel = make_parcel(merchant=merchant)
    _ship(parcel, worker, "LP60606060")

    whats = [row.what for row in selectors.parcel_history(parcel=parcel)]

    order = parcel.orders.get()
    assert whats == [
        f"Order {order.code}: PENDING → PROCESSING",
        "Parcel packed",
        "Parcel shipped",
        f"Order {order.code}: UNSHIPPED → SHIPPED",
    ]


def test_history_keeps_audit_rows_written_when_parcels_were_a_fulfillment_model(merchant, worker):
    parcel = make_parcel(merchant=merchant)
    _ship(parcel, worker, "LP60606061")
    # Rows written before the model moved to orders carry the old label.
    relabelled = AuditEvent.objects.filter(
        target_type="orders.Parcel", target_id=str(parcel.pk), action=AuditAction.PARCEL_PACKED
    ).update(target_type="fulfillment.Parcel")

    whats = [row.what for row in selectors.parcel_history(parcel=parcel)]

    order = parcel.orders.get()
    assert relabelled == 1
    assert whats == [
        f"Order {order.code}: PENDING → PROCESSING",
        "Parcel packed",
        "Parcel shipped",
        f"Order {order.code}: UNSHIPPED → SHIPPED",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan checked is PostgreSQL's")
def test_open_parcel_count_reads_only_the_open_parcels_index(merchant):
    # One open parcel and 20,000 delivered ones (a warehouse's history): the sidebar badge's
    # COUNT must come from the partial index of open parcels, not the table or the full
    # status index.
    parcel = make_parcel(merchant=merchant)
    columns = [f.column for f in Parcel._meta.concrete_fields if f.column != "id"]
    copied = {
        "public_id": "'hist' || n",
        "code": "'H' || n",
        "status": "'delivered'",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO fulfillment_parcel ({', '.join(columns)}) "
            f"SELECT {', '.join(copied.get(c, c) for c in columns)} "
            "FROM fulfillment_parcel, generate_series(1, 20000) AS n WHERE id = %s",
            [parcel.pk],
        )
        cursor.execute("ANALYZE fulfillment_parcel")
        with CaptureQueriesContext(connection) as queries:
            count = selectors.parcel_open_count()
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert count == 1
    assert "parcel_open_status_idx" in plan, plan
    assert "Seq Scan" not in plan, plan
