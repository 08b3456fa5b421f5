"""Live delivery through the real database task backend and worker (in-process)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from dropyard.core.testing.tasks import DB_TASKS
from dropyard.webhooks import services
from dropyard.webhooks.choices import DeliveryStatus
from dropyard.webhooks.models import WebhookDelivery

from .conftest import set_endpoint
from .receiver import start_receiver

# The worker closes connections it finds inside a transaction, so no test transaction here.
pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command(
        "worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=StringIO()
    )


def test_worker_delivers_signed_messages_and_retries_a_failure(settings, merchant, restore_signals):
    settings.TASKS = DB_TASKS
    settings.DROPYARD_WEBHOOK_BACKOFF_SECONDS = 0
    receiver = start_receiver(merchant.open_id, fail_times=1)
    try:
        set_endpoint(merchant, "order", receiver.url)
        first = services.webhook_publish(
            merchant=merchant, type="ORDER", message_type="INSERT", params={"orderId": "A"}
        )
        second = services.webhook_publish(
            merchant=merchant, type="ORDER", message_type="UPDATE", params={"orderId": "B"}
        )
        _run_worker()
    finally:
        receiver.stop()

    assert sorted(receiver.accepted) == sorted([first.message_id, second.message_id])
    assert all(r.sign_ok for r in receiver.requests)
    assert len(receiver.requests) == 3  # one 500, then both delivered
    deliveries = WebhookDelivery.objects.order_by("pk")
    assert [d.status for d in deliveries] == [DeliveryStatus.DELIVERED] * 2
    assert [d.attempts_started for d in deliveries] == [2, 1]
    assert list(deliveries[0].attempts.values_list("number", "status_code")) == [
        (1, 500),
        (2, 200),
    ]
    # First run, its deferred retry, the second message: all finished.
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 3
