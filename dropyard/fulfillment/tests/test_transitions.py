"""The one door for parcel status (``parcel_transition``), its history, and delivery through the
retried ``tracking_changes_follow`` task."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from dropyard.accounts.tests.factories import make_operator
from dropyard.fulfillment import services
from dropyard.fulfillment.tasks import tracking_changes_follow
from dropyard.fulfillment.tests.factories import make_parcel
from dropyard.logistics import services as logistics_services
from dropyard.logistics.models import Tracking, TrackingStatusChange
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel, ParcelEvent

PS = ParcelStatus


@pytest.fixture
def worker(db):
    return make_operator(role="warehouse")


def _shipped(merchant, worker, number="LP27182818"):
    parcel = make_parcel(merchant=merchant)
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    parcel.refresh_from_db()
    services.parcel_pack(
        parcel=parcel, measured_weight_g=services.parcel_computed_weight_g(parcel), actor=worker
    )
    services.parcel_ship(parcel=parcel, actor=worker, tracking_number=number)
    parcel.refresh_from_db()
    return parcel


def _record(parcel, status, event_id):
    tracking = Tracking.objects.get(tracking_number=parcel.tracking_number)
    logistics_services.tracking_events_record(
        tracking=tracking,
        events=[
            logistics_services.TrackingEventIn(
                status=status,
                activity=f"status {status}",
                event_time=timezone.now(),
                external_id=event_id,
                city="Springfield",
                country="US",
            )
        ],
    )
    return tracking


def _history(parcel):
    return list(
        ParcelEvent.objects.filter(parcel=parcel)
        .order_by("pk")
        .values_list("from_status", "to_status", "actor_label")
    )


def test_a_ship_to_deliver_journey_leaves_one_event_per_change_in_order(merchant, worker):
    parcel = _shipped(merchant, worker)
    _record(parcel, 12, "ev-delivered")

    assert tracking_changes_follow.call() == 1

    parcel.refresh_from_db()
    assert parcel.status == PS.DELIVERED
    assert parcel.delivered_at is not None
    assert _history(parcel) == [
        (PS.READY, PS.PICKING, worker.email),
        (PS.PICKING, PS.PACKED, worker.email),
        (PS.PACKED, PS.SHIPPED, worker.email),
        (PS.SHIPPED, PS.DELIVERED, "carrier tracking"),
    ]
    assert list(ParcelEvent.objects.filter(parcel=parcel).values_list("actor", flat=True)) == [
        worker.pk,
        worker.pk,
        worker.pk,
        None,
    ]


def test_an_illegal_move_raises_and_writes_nothing(merchant, worker):
    parcel = make_parcel(merchant=merchant)
    before = (parcel.status, parcel.updated_at, parcel.shipped_at)

    with pytest.raises(ParcelRefused, match="cannot go to shipped"):
        services.parcel_transition(parcel=parcel, to=PS.SHIPPED, actor=worker)
    with pytest.raises(ParcelRefused, match="cannot go to delivered"):
        services.parcels_transition(parcels=[parcel], to=PS.DELIVERED, actor=worker)

    parcel.refresh_from_db()
    assert (parcel.status, parcel.updated_at, parcel.shipped_at) == before
    assert ParcelEvent.objects.count() == 0


def test_the_batch_door_is_all_or_nothing(merchant, worker):
    ready = make_parcel(merchant=merchant)
    picking = make_parcel(merchant=merchant)
    services.parcel_start_picking(parcels=[picking], actor=worker)
    picking.refresh_from_db()
    ParcelEvent.objects.all().delete()

    with pytest.raises(ParcelRefused):
        services.parcels_transition(parcels=[ready, picking], to=PS.PICKING, actor=None)

    assert sorted(Parcel.objects.values_list("status", flat=True)) == [PS.PICKING, PS.READY]
    assert ParcelEvent.objects.count() == 0


def test_a_failed_delivery_is_retried_by_the_next_run_exactly_once(merchant, worker, monkeypatch):
    parcel = _shipped(merchant, worker)
    order = parcel.orders.get()
    _record(parcel, 12, "ev-delivered")
    real_sync = order_services.order_sync_from_parcels
    calls = []

    def sync_failing_once(**kwargs):
        calls.append(kwargs["order"].pk)
        if len(calls) == 1:
            raise RuntimeError("deadlock detected")
        return real_sync(**kwargs)

    monkeypatch.setattr(order_services, "order_sync_from_parcels", sync_failing_once)

    with pytest.raises(services.TrackingFollowIncomplete):
        tracking_changes_follow.call()

    parcel.refresh_from_db()
    order.refresh_from_db()
    assert (parcel.status, order.status) == (PS.SHIPPED, OrderStatus.SHIPPED)
    assert ParcelEvent.objects.filter(parcel=parcel, to_status=PS.DELIVERED).count() == 0
    assert TrackingStatusChange.objects.get().applied_at is None

    assert tracking_changes_follow.call() == 1
    assert tracking_changes_follow.call() == 0  # nothing pending: the next run changes nothing

    parcel.refresh_from_db()
    order.refresh_from_db()
    assert (parcel.status, order.status) == (PS.DELIVERED, OrderStatus.DELIVERED)
    assert calls == [order.pk, order.pk]
    assert ParcelEvent.objects.filter(parcel=parcel, to_status=PS.DELIVERED).count() == 1
    assert order.events.filter(to_status=OrderStatus.DELIVERED).count() == 1
    assert TrackingStatusChange.objects.get().applied_at is not None


def test_replaying_an_applied_change_is_a_no_op(merchant, worker):
    parcel = _shipped(merchant, worker)
    order = parcel.orders.get()
    _record(parcel, 12, "ev-delivered")
    change = TrackingStatusChange.objects.get()
    assert services.tracking_change_apply(change_id=change.pk) is True
    events = ParcelEvent.objects.count()
    order_events = order.events.count()

    assert services.tracking_change_apply(change_id=change.pk) is False
    assert services.tracking_changes_follow() == 0

    assert ParcelEvent.objects.count() == events
    assert order.events.count() == order_events


def test_a_failed_change_holds_back_the_later_changes_of_its_tracking(
    merchant, worker, monkeypatch
):
    parcel = _shipped(merchant, worker)
    _record(parcel, 13, "ev-exception")
    _record(parcel, 12, "ev-delivered")
    real_sync = order_services.order_sync_from_parcels
    failures = iter([True])

    def sync_failing_once(**kwargs):
        if next(failures, False):
            raise RuntimeError("deadlock detected")
        return real_sync(**kwargs)

    monkeypatch.setattr(order_services, "order_sync_from_parcels", sync_failing_once)

    with pytest.raises(services.TrackingFollowIncomplete):
        services.tracking_changes_follow()
    assert TrackingStatusChange.objects.filter(applied_at__isnull=True).count() == 2

    assert services.tracking_changes_follow() == 2
    assert [(f, t) for f, t, _label in _history(parcel)][-2:] == [
        (PS.SHIPPED, PS.EXCEPTION),
        (PS.EXCEPTION, PS.DELIVERED),
    ]


def test_the_follow_task_is_a_declared_periodic_job():
    assert settings.DROPYARD_PERIODIC_JOBS["tracking-changes-follow"] == {
        "task": "dropyard.fulfillment.tasks.tracking_changes_follow",
        "every_seconds": 5,
    }


def test_recording_a_sandbox_delivery_enqueues_the_follow_task_after_commit(
    db, tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.tracking_changes_follow_soon()

    assert [r.task.module_path for r in tasks.results] == [
        "dropyard.fulfillment.tasks.tracking_changes_follow"
    ]


# --- Nothing else assigns Parcel.status --------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]  # dropyard/
DOOR = ROOT / "orders" / "parcel_transitions.py"
# Names that hold parcels: anywhere, and in fulfillment and orders' parcel planning (which moved
# there from fulfillment) also their short names for locked rows (the rest of the orders code
# calls its locked Order ``locked`` too, so that name is checked only there).
PARCEL_NAMES = {"parcel", "parcels", "remainder"}
FULFILLMENT_PARCEL_NAMES = PARCEL_NAMES | {"locked", "p", "row"}
PLANNING = ROOT / "orders" / "planning.py"


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path == DOOR:
            continue
        yield path, ast.parse(path.read_text(), filename=str(path))


def _parcel_modules():
    """Modules that work with parcels (they import the Parcel model or the fulfillment app)."""
    for path, tree in _sources():
        text = ast.unparse(tree)
        if "Parcel" in text or "fulfillment" in text:
            yield path, tree


def _status_writes(tree, names=FULFILLMENT_PARCEL_NAMES):
    """Lines that assign ``<parcel name>.status`` or call ``Parcel….update(status=…)``."""
    lines = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if (
                    isinstance(sub, ast.Attribute)
                    and sub.attr == "status"
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id in names
                ):
                    lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and any(k.arg == "status" for k in node.keywords)
            and "Parcel" in ast.unparse(node.func.value)
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) == "setattr"
            and len(node.args) >= 2
            and ast.unparse(node.args[1]) == "'status'"
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_door_assigns_parcel_status():
    offenders = {}
    for path, tree in _parcel_modules():
        in_fulfillment = path.relative_to(ROOT).parts[0] == "fulfillment" or path == PLANNING
        lines = _status_writes(tree, FULFILLMENT_PARCEL_NAMES if in_fulfillment else PARCEL_NAMES)
        if lines:
            offenders[str(path.relative_to(ROOT))] = lines

    assert offenders == {}


def test_the_status_check_finds_a_direct_write():
    tree = ast.parse(
        "parcel.status = 'shipped'\n"
        "Parcel.objects.filter(pk=1).update(status='ready')\n"
        "order.status = 'paid'\n"
        "Order.objects.filter(pk=1).update(status='paid')\n"
    )

    assert _status_writes(tree) == [1, 2]
    assert _status_writes(ast.parse("locked.status = 'unpaid'"), PARCEL_NAMES) == []
