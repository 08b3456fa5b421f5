"""The Sandbox carrier's clock on the real django-tasks-db backend (as `dropyard worker`)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from dropyard.core.testing.tasks import DB_TASKS
from dropyard.logistics import services
from dropyard.logistics.tests.factories import make_tracking

pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=StringIO()
    )


def test_worker_plays_a_sandbox_journey_to_its_end(
    settings, merchant, restore_signals, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    settings.DROPYARD_SANDBOX_CARRIER_STEP_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        tracking = make_tracking(merchant, number="SBX0000000018")
    journey = services.sandbox_tracking_journey(tracking)

    _run_worker()

    tracking.refresh_from_db()
    assert list(tracking.events.order_by("event_time", "pk").values_list("status", flat=True)) == [
        s.status for s in journey
    ]
    assert tracking.status == journey[-1].status
    assert tracking.delivered_at is not None
    statuses = list(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL"] * len(journey)
