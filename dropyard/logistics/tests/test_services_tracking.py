"""Tracking services: register, record events, manual events, the status-change outbox."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.logistics import selectors, services
from dropyard.logistics.choices import TrackingStatus
from dropyard.logistics.exceptions import TrackingInvalid
from dropyard.logistics.models import Tracking, TrackingEvent, TrackingStatusChange
from dropyard.logistics.services import TrackingEventIn
from dropyard.logistics.tests.factories import CarrierFactory, make_tracking, sandbox_carrier

S = TrackingStatus
TICK = "dropyard.logistics.tasks.sandbox_carrier_tick"


def _enqueued(tasks):
    return [(r.task.module_path, r.kwargs) for r in tasks.results]


def _register(merchant, carrier, number="SBX0000000018", **overrides):
    kwargs = {
        "merchant": merchant,
        "carrier": carrier,
        "tracking_number": number,
        "logistic_name": "Sandbox Packet",
        "reference": "P0001",
        "origin_country": "CN",
        "dest_country": "US",
        "dest_city": "Austin",
    } | overrides
    return services.tracking_register(**kwargs)


def _event(status, event_id, minutes_ago=0, **overrides):
    kwargs = {
        "status": status,
        "activity": f"status {status}",
        "event_time": timezone.now() - timedelta(minutes=minutes_ago),
        "external_id": event_id,
        "city": "Austin",
        "country": "US",
    } | overrides
    return TrackingEventIn(**kwargs)


def _changes(tracking):
    """The tracking's status-change outbox rows: (old, new, applied?), oldest first."""
    return [
        (change.old_status, change.new_status, change.applied_at is not None)
        for change in TrackingStatusChange.objects.filter(tracking=tracking).order_by("pk")
    ]


# --- tracking_register --------------------------------------------------------------------------


def test_register_stores_a_canonical_number_and_enqueues_the_first_sandbox_tick(
    merchant, tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tracking = _register(merchant, sandbox_carrier(), number=" sbx0000000018 ")

    assert tracking.tracking_number == "SBX0000000018"
    assert (tracking.status, tracking.status_text, tracking.merchant) == (
        0,
        "Not yet tracked",
        merchant,
    )
    assert (tracking.origin_country, tracking.dest_country, tracking.dest_city) == (
        "CN",
        "US",
        "Austin",
    )
    assert _enqueued(tasks) == [(TICK, {"tracking_id": tracking.pk, "step": 0})]


def test_register_again_returns_the_same_tracking_and_enqueues_nothing_more(
    merchant, tasks, django_capture_on_commit_callbacks
):
    first = _register(merchant, sandbox_carrier())
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = _register(merchant, sandbox_carrier(), reference="OTHER")

    assert again.pk == first.pk
    assert again.reference == "P0001"
    assert Tracking.objects.count() == 1
    assert tasks.results == []


def test_register_for_a_carrier_without_adapter_schedules_nothing(
    merchant, tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tracking = _register(merchant, CarrierFactory(code="dypost"), number="LX123456789CN")

    assert tracking.tracking_number == "LX123456789CN"
    assert tasks.results == []


def test_the_same_number_may_exist_at_two_carriers(merchant):
    a = _register(merchant, CarrierFactory(), number="ABC12345")
    b = _register(merchant, CarrierFactory(), number="ABC12345")

    assert a.pk != b.pk


def test_another_merchants_number_is_refused(merchant, other_merchant):
    _register(merchant, sandbox_carrier())

    with pytest.raises(TrackingInvalid, match="already used"):
        _register(other_merchant, sandbox_carrier())

    assert list(Tracking.objects.values_list("merchant_id", flat=True)) == [merchant.pk]


@pytest.mark.parametrize(
    "overrides",
    [
        {"number": "ab"},
        {"number": "SBX 12<3>"},
        {"origin_country": "XX"},
        {"dest_country": "USA"},
    ],
)
def test_bad_registration_is_refused_and_changes_nothing(merchant, tasks, overrides):
    with pytest.raises(TrackingInvalid):
        _register(merchant, sandbox_carrier(), **overrides)

    assert Tracking.objects.count() == 0
    assert tasks.results == []


# --- tracking_events_record ---------------------------------------------------------------------


def test_record_inserts_new_events_only_and_takes_the_latest_status(merchant):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")
    services.tracking_events_record(
        tracking=tracking, events=[_event(1, "a", 30), _event(2, "b", 20)]
    )

    new = services.tracking_events_record(
        tracking=tracking, events=[_event(2, "b", 20), _event("InTransit", "c", 10)]
    )

    assert new == 1
    assert list(tracking.events.order_by("event_time").values_list("status", flat=True)) == [
        1,
        2,
        5,
    ]
    assert (tracking.status, tracking.status_text) == (S.FIRST_LEG, "In transit")
    assert tracking.last_event_at == tracking.events.get(external_id="c").event_time


def test_recording_the_same_batch_twice_is_a_no_op(merchant):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")
    batch = [_event(1, "a", 30), _event(1, "a", 30)]  # also a duplicate inside one batch

    first = services.tracking_events_record(tracking=tracking, events=batch)
    second = services.tracking_events_record(tracking=tracking, events=batch)

    assert (first, second) == (1, 0)
    assert TrackingEvent.objects.count() == 1


def test_a_late_older_event_does_not_move_the_status_back(merchant):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")
    services.tracking_events_record(tracking=tracking, events=[_event(10, "out", 5)])

    services.tracking_events_record(tracking=tracking, events=[_event(5, "haul", 60)])

    assert tracking.status == S.OUT_FOR_DELIVERY
    assert tracking.events.count() == 2


def test_delivery_sets_delivered_at_from_the_delivered_event(merchant):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")
    delivered = _event(12, "d", 3)

    services.tracking_events_record(tracking=tracking, events=[_event(10, "o", 60), delivered])

    assert tracking.status == S.DELIVERED
    assert tracking.delivered_at == delivered.event_time
    assert tracking.is_delivered


@pytest.mark.parametrize(
    "bad",
    [
        {"activity": "  "},
        {"external_id": ""},
        {"external_id": "x" * 121},
        {"country": "ZZ"},
        {"event_time": timezone.now().replace(tzinfo=None)},
        {"source": "pigeon"},
    ],
)
def test_a_bad_event_refuses_the_whole_batch(merchant, bad):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")

    with pytest.raises(TrackingInvalid):
        services.tracking_events_record(
            tracking=tracking, events=[_event(1, "good", 5), _event(2, "bad", 1, **bad)]
        )

    tracking.refresh_from_db()
    assert tracking.events.count() == 0
    assert (tracking.status, tracking.last_event_at) == (0, None)


# --- The status-change outbox ------------------------------------------------------------------


def test_each_status_change_writes_one_pending_change_row_in_its_transaction(merchant):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")

    services.tracking_events_record(tracking=tracking, events=[_event(1, "a", 9)])
    services.tracking_events_record(tracking=tracking, events=[_event(1, "a", 9)])  # no-op
    services.tracking_events_record(tracking=tracking, events=[_event(1, "b", 8)])  # same 1
    services.tracking_events_record(tracking=tracking, events=[_event(12, "c", 1)])

    assert _changes(tracking) == [(0, 1, False), (1, 12, False)]
    assert selectors.tracking_changes_pending(limit=10) == [
        (change.pk, tracking.pk)
        for change in TrackingStatusChange.objects.filter(tracking=tracking).order_by("pk")
    ]
    assert len(selectors.tracking_changes_pending(limit=1)) == 1


def test_a_rolled_back_change_writes_no_change_row(merchant):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")

    try:
        with transaction.atomic():
            services.tracking_events_record(tracking=tracking, events=[_event(12, "d")])
            raise RuntimeError("the caller's transaction fails")
    except RuntimeError:
        pass

    assert TrackingStatusChange.objects.count() == 0
    assert TrackingEvent.objects.count() == 0


def test_a_change_marked_applied_is_claimed_no_more(merchant):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")
    services.tracking_events_record(tracking=tracking, events=[_event(1, "a")])
    (change_id, _tracking_id) = selectors.tracking_changes_pending(limit=10)[0]

    with transaction.atomic():
        change = services.tracking_change_claim(change_id=change_id)
        assert change is not None
        assert (change.tracking, change.old_status, change.new_status) == (tracking, 0, 1)
        services.tracking_change_mark_applied(change=change)

    assert services.tracking_change_claim(change_id=change_id) is None
    assert selectors.tracking_changes_pending(limit=10) == []
    assert _changes(tracking) == [(0, 1, True)]


# --- tracking_manual_event ----------------------------------------------------------------------


def test_manual_event_is_recorded_and_audited(merchant, operator_admin):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")

    event = services.tracking_manual_event(
        tracking=tracking,
        actor=operator_admin,
        status=13,
        activity="Carrier called: parcel damaged",
        city=" Austin ",
        country="us",
    )

    assert (event.status, event.source, event.actor) == (13, "manual", operator_admin)
    assert (event.location_city, event.location_country) == ("Austin", "US")
    assert event.external_id.startswith("manual:")
    assert tracking.status == S.EXCEPTION
    audit = AuditEvent.objects.get(action=AuditAction.TRACKING_CHANGED)
    assert (audit.actor, audit.merchant, audit.target_id) == (
        operator_admin,
        merchant,
        str(tracking.pk),
    )
    assert audit.details["old_status"] == 0
    assert audit.details["new_status"] == 13
    assert audit.details["activity"] == "Carrier called: parcel damaged"


@pytest.mark.parametrize(
    "bad",
    [
        {"status": 15},
        {"status": -1},
        {"status": "12"},
        {"activity": ""},
        {"country": "XX"},
        {"event_time": timezone.now() + timedelta(hours=1)},
    ],
)
def test_bad_manual_event_changes_nothing(merchant, operator_admin, bad):
    tracking = _register(merchant, CarrierFactory(), number="LX0001")
    kwargs = {"status": 12, "activity": "Delivered"} | bad

    with pytest.raises(TrackingInvalid):
        services.tracking_manual_event(tracking=tracking, actor=operator_admin, **kwargs)

    assert TrackingEvent.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.TRACKING_CHANGED).exists()
    tracking.refresh_from_db()
    assert tracking.status == 0


def test_make_tracking_helper_registers_a_sandbox_number(merchant):
    tracking = make_tracking(merchant)

    assert tracking.carrier.code == "SANDBOX"
    assert tracking.tracking_number.startswith("SBX")


# --- tracking_play_to_delivery -------------------------------------------------------------------


def test_play_to_delivery_stamps_after_an_event_a_tick_logged_later_than_now(merchant):
    # A carrier event stamped after "now" (a Sandbox tick that timed its event a moment later
    # than the caller read the clock): the delivery must still be the latest event.
    tracking = _register(merchant, CarrierFactory(code="plain-carrier"), number="PLAIN0001")
    later = timezone.now() + timedelta(seconds=5)
    services.tracking_events_record(
        tracking=tracking, events=[_event(S.FIRST_LEG, "tick-1", event_time=later)]
    )

    played = services.tracking_play_to_delivery(tracking=tracking, city="Austin")

    tracking.refresh_from_db()
    last = tracking.events.order_by("-event_time", "-pk").first()
    assert played is True
    assert (tracking.status, last.external_id, last.location_city) == (
        S.DELIVERED,
        "sandbox:updateStatus:600",
        "Austin",
    )
    assert last.event_time == later + timedelta(microseconds=1)
    assert _changes(tracking) == [(0, S.FIRST_LEG, False), (S.FIRST_LEG, S.DELIVERED, False)]


def test_play_to_delivery_of_a_delivered_tracking_records_nothing(merchant):
    tracking = _register(merchant, CarrierFactory(code="plain-carrier"), number="PLAIN0002")
    services.tracking_events_record(tracking=tracking, events=[_event(S.DELIVERED, "done")])

    played = services.tracking_play_to_delivery(tracking=tracking, city="Austin")

    assert played is False
    assert list(tracking.events.values_list("external_id", flat=True)) == ["done"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_play_to_delivery_waits_for_a_tick_holding_the_tracking_and_stamps_after_it():
    # The race the API benchmark hit: a Sandbox tick records an event while updateStatus 600
    # plays the journey. The tick times its event once it holds the row; the delivery must
    # be timed after that, not from a clock read before the tick committed.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    from dropyard.accounts.tests.factories import make_merchant  # noqa: PLC0415

    tracking = _register(make_merchant(), CarrierFactory(code="plain-carrier"), number="PLAIN9")
    holding, release = threading.Event(), threading.Event()

    def tick() -> None:
        try:
            with transaction.atomic():
                mine = Tracking.objects.select_for_update().get(pk=tracking.pk)
                holding.set()
                release.wait(timeout=10)
                services.tracking_events_record(
                    tracking=mine, events=[_event(S.FIRST_LEG, "tick-late")]
                )
        finally:
            connection.close()

    read_before = Tracking.objects.get(pk=tracking.pk)  # what the API read, unlocked
    ticker = threading.Thread(target=tick)
    ticker.start()
    assert holding.wait(timeout=10)
    # Let the tick go once this thread is (about to be) waiting on the row.
    threading.Timer(0.3, release.set).start()
    played = services.tracking_play_to_delivery(tracking=read_before, city="Austin")
    ticker.join(timeout=10)

    tracking.refresh_from_db()
    times = dict(tracking.events.values_list("external_id", "event_time"))
    assert played is True
    assert tracking.status == S.DELIVERED
    assert times["sandbox:updateStatus:600"] > times["tick-late"]
