"""The Sandbox carrier's clock: one event per tick, each tick scheduling the next once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from dropyard.logistics import services
from dropyard.logistics.carriers import sandbox_journey
from dropyard.logistics.choices import TrackingStatus
from dropyard.logistics.exceptions import TrackingInvalid
from dropyard.logistics.models import Tracking, TrackingStatusChange
from dropyard.logistics.tasks import sandbox_carrier_tick
from dropyard.logistics.tests.factories import CarrierFactory, make_tracking

S = TrackingStatus
TICK = "dropyard.logistics.tasks.sandbox_carrier_tick"


def _journey(tracking):
    return sandbox_journey(
        tracking_number=tracking.tracking_number,
        origin_country=tracking.origin_country,
        dest_country=tracking.dest_country,
        dest_city=tracking.dest_city,
    )


def _scheduled(tasks):
    return [(r.task.module_path, r.kwargs, r.task.run_after) for r in tasks.results]


def _tick(tracking, step, capture):
    with capture(execute=True):
        return sandbox_carrier_tick.call(tracking_id=tracking.pk, step=step)


@pytest.fixture
def tracking(merchant, tasks):
    created = make_tracking(merchant, number="SBX0000000018")
    tasks.clear()
    return created


def test_a_tick_records_its_step_and_schedules_the_next_after_the_interval(
    tracking, tasks, settings, django_capture_on_commit_callbacks
):
    settings.DROPYARD_SANDBOX_CARRIER_STEP_SECONDS = 45
    before = timezone.now()

    next_step = _tick(tracking, 0, django_capture_on_commit_callbacks)

    tracking.refresh_from_db()
    first = _journey(tracking)[0]
    event = tracking.events.get()
    assert next_step == 1
    assert (event.status, event.activity, event.location_city, event.location_country) == (
        first.status,
        first.activity,
        first.city,
        first.country,
    )
    assert (event.source, event.external_id) == ("sandbox", "sandbox:0")
    assert (tracking.status, tracking.sandbox_step) == (S.WAREHOUSE_OUTBOUND, 1)
    [(path, kwargs, run_after)] = _scheduled(tasks)
    assert (path, kwargs) == (TICK, {"tracking_id": tracking.pk, "step": 1})
    assert before + timedelta(seconds=45) <= run_after <= timezone.now() + timedelta(seconds=45)


def test_the_same_tick_twice_records_one_event_and_schedules_one_next_tick(
    tracking, tasks, django_capture_on_commit_callbacks
):
    first = _tick(tracking, 0, django_capture_on_commit_callbacks)
    second = _tick(tracking, 0, django_capture_on_commit_callbacks)

    assert (first, second) == (1, None)
    assert tracking.events.count() == 1
    assert [kwargs for _, kwargs, _ in _scheduled(tasks)] == [
        {"tracking_id": tracking.pk, "step": 1}
    ]


def test_ticks_play_the_whole_journey_and_stop_at_its_end(
    tracking, tasks, django_capture_on_commit_callbacks
):
    journey = _journey(tracking)
    step = 0
    while step is not None:
        step = _tick(tracking, step, django_capture_on_commit_callbacks)

    tracking.refresh_from_db()
    assert list(tracking.events.order_by("event_time", "pk").values_list("status", flat=True)) == [
        s.status for s in journey
    ]
    assert tracking.status == journey[-1].status
    assert len(tasks.results) == len(journey) - 1
    assert _tick(tracking, len(journey) - 1, django_capture_on_commit_callbacks) is None
    assert tracking.events.count() == len(journey)


def test_a_delivered_journey_sets_delivered_at(merchant, tasks, django_capture_on_commit_callbacks):
    tracking = make_tracking(merchant, number="SBX0000000026")
    assert _journey(tracking)[-1].status == S.DELIVERED
    step = 0
    while step is not None:
        step = _tick(tracking, step, django_capture_on_commit_callbacks)

    tracking.refresh_from_db()
    assert tracking.delivered_at == tracking.events.get(status=S.DELIVERED).event_time


def test_ticks_stop_after_an_operator_recorded_a_final_status(
    tracking, tasks, operator_admin, django_capture_on_commit_callbacks
):
    _tick(tracking, 0, django_capture_on_commit_callbacks)
    services.tracking_manual_event(
        tracking=tracking, actor=operator_admin, status=12, activity="Delivered"
    )
    tasks.clear()

    assert _tick(tracking, 1, django_capture_on_commit_callbacks) is None
    assert tracking.events.count() == 2
    assert tasks.results == []


@pytest.mark.parametrize("step", [-1, 99])
def test_a_step_outside_the_journey_does_nothing(
    tracking, tasks, step, django_capture_on_commit_callbacks
):
    assert _tick(tracking, step, django_capture_on_commit_callbacks) is None
    assert tracking.events.count() == 0
    assert tasks.results == []


def test_ticks_for_unknown_or_non_sandbox_trackings_do_nothing(
    merchant, tasks, django_capture_on_commit_callbacks
):
    manual = services.tracking_register(
        merchant=merchant,
        carrier=CarrierFactory(code="dypost"),
        tracking_number="LX123456789CN",
        logistic_name="Post",
        reference="P1",
        origin_country="CN",
        dest_country="US",
        dest_city="Austin",
    )

    assert _tick(manual, 0, django_capture_on_commit_callbacks) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_carrier_tick.call(tracking_id=999999, step=0) is None
    assert manual.events.count() == 0
    assert tasks.results == []


def test_every_status_change_of_the_journey_is_recorded_once(
    tracking, django_capture_on_commit_callbacks
):
    step = 0
    while step is not None:
        step = _tick(tracking, step, django_capture_on_commit_callbacks)
        if step is not None:
            _tick(tracking, step - 1, django_capture_on_commit_callbacks)  # a repeat

    heard = list(
        TrackingStatusChange.objects.filter(tracking=tracking)
        .order_by("pk")
        .values_list("new_status", flat=True)
    )
    statuses = [int(s.status) for s in _journey(tracking)]
    assert heard == [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]


# --- Finishing a journey now ------------------------------------------------------------------


def test_complete_plays_the_rest_of_the_journey_now(
    tracking, tasks, django_capture_on_commit_callbacks
):
    _tick(tracking, 0, django_capture_on_commit_callbacks)
    journey = _journey(tracking)
    tasks.clear()

    created = services.sandbox_tracking_complete(tracking=tracking)

    assert created == len(journey) - 1
    assert tracking.status == journey[-1].status
    assert list(tracking.events.order_by("event_time", "pk").values_list("status", flat=True)) == [
        s.status for s in journey
    ]
    # the tick scheduled before finishing now records nothing and schedules nothing
    assert _tick(tracking, 1, django_capture_on_commit_callbacks) is None
    assert tracking.events.count() == len(journey)
    assert tasks.results == []


def test_complete_twice_adds_nothing(tracking):
    services.sandbox_tracking_complete(tracking=tracking)

    assert services.sandbox_tracking_complete(tracking=tracking) == 0


def test_complete_refuses_other_carriers(merchant):
    manual = services.tracking_register(
        merchant=merchant,
        carrier=CarrierFactory(code="dypost"),
        tracking_number="LX123456789CN",
        logistic_name="Post",
        reference="P1",
        origin_country="CN",
        dest_country="US",
        dest_city="Austin",
    )

    with pytest.raises(TrackingInvalid):
        services.sandbox_tracking_complete(tracking=manual)
    assert manual.events.count() == 0


def test_command_completes_a_tracking_by_number(tracking, capsys):
    call_command("sandbox_tracking", "complete", tracking.tracking_number.lower())

    tracking.refresh_from_db()
    assert tracking.status == _journey(tracking)[-1].status
    assert f"{tracking.tracking_number}: " in capsys.readouterr().out


def test_command_resume_reschedules_stalled_trackings_once(
    tracking, merchant, tasks, django_capture_on_commit_callbacks
):
    _tick(tracking, 0, django_capture_on_commit_callbacks)  # step 1 scheduled…
    tasks.clear()  # …but the queue lost it
    Tracking.objects.filter(pk=tracking.pk).update(
        last_event_at=timezone.now() - timedelta(hours=1)
    )
    finished = make_tracking(merchant)
    services.sandbox_tracking_complete(tracking=finished)
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("sandbox_tracking", "resume")

    assert [r.kwargs for r in tasks.results] == [{"tracking_id": tracking.pk, "step": 1}]


@pytest.mark.parametrize(
    ("origin", "dest", "city"),
    [
        ("CN", "AU", "Sydney"),
        ("CN", "GB", "London"),
        ("CN", "CA", "Toronto"),
        ("CN", "FR", "Lyon"),
        ("CN", "DE", "Berlin"),
        ("US", "GB", "Leeds"),
        ("DE", "FR", "Lyon"),
        ("CN", "US", "Austin"),
    ],
)
def test_ticks_carry_a_parcel_to_the_end_of_its_journey_for_every_destination(
    merchant, tasks, django_capture_on_commit_callbacks, origin, dest, city
):
    tracking = make_tracking(merchant, origin=origin, dest=dest, dest_city=city)
    journey = _journey(tracking)
    step = 0
    while step is not None:
        step = _tick(tracking, step, django_capture_on_commit_callbacks)

    tracking.refresh_from_db()
    assert tracking.events.count() == len(journey)
    assert tracking.status == journey[-1].status
    assert tracking.status in (S.DELIVERED, S.EXCEPTION, S.RETURNED)
