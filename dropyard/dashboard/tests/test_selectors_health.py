"""The admin's system health: live workers, due tasks, recent failures, failed webhooks."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dropyard.core.models import TaskWorker
from dropyard.dashboard.selectors import system_health
from dropyard.webhooks import services as webhook_services
from dropyard.webhooks.choices import DeliveryStatus
from dropyard.webhooks.models import WebhookDelivery, WebhookEndpoint
from dropyard.webhooks.services import CallbackSetting

pytestmark = pytest.mark.django_db


def _worker(worker_id, seen_seconds_ago, now):
    seen = now - timedelta(seconds=seen_seconds_ago)
    TaskWorker.objects.create(worker_id=worker_id, started_at=seen, seen_at=seen)


def _task(status, *, run_after, finished_at=None):
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="dropyard.core.tasks.noop",
        backend_name="default",
        queue_name="default",
        run_after=run_after,
        finished_at=finished_at,
    )


def test_health_counts_live_workers_due_tasks_and_recent_failures(settings):
    settings.DROPYARD_TASK_BACKEND = "db"
    settings.DROPYARD_WORKER_DEAD_AFTER_SECONDS = 40
    now = timezone.now()
    _worker("alive", 5, now)
    _worker("dead", 120, now)
    oldest = now - timedelta(minutes=7)
    _task(TaskResultStatus.READY, run_after=oldest)
    _task(TaskResultStatus.READY, run_after=now - timedelta(seconds=1))
    _task(TaskResultStatus.READY, run_after=now + timedelta(hours=1))  # not due: not a backlog
    _task(TaskResultStatus.RUNNING, run_after=oldest)
    _task(TaskResultStatus.FAILED, run_after=oldest, finished_at=now - timedelta(hours=2))
    _task(TaskResultStatus.FAILED, run_after=oldest, finished_at=now - timedelta(days=2))

    health = system_health(now=now)

    assert (health.workers_alive, health.last_seen) == (1, now - timedelta(seconds=5))
    assert (health.queue_ready, health.queue_running, health.tasks_failed) == (2, 1, 1)
    assert health.queue_oldest == oldest
    assert (health.worker_ok, health.ok) == (True, False)  # a task failed today


def test_no_live_worker_is_not_ok(settings):
    settings.DROPYARD_TASK_BACKEND = "db"
    now = timezone.now()
    _worker("gone", settings.DROPYARD_WORKER_DEAD_AFTER_SECONDS + 1, now)

    health = system_health(now=now)

    assert (health.workers_alive, health.worker_ok, health.ok) == (0, False, False)
    assert (health.queue_ready, health.tasks_failed, health.webhooks_failed) == (0, 0, 0)


def test_rq_backend_leaves_the_database_queue_out(settings):
    settings.DROPYARD_TASK_BACKEND = "rq"

    health = system_health()

    assert (health.workers_alive, health.queue_ready, health.tasks_failed) == (None, None, None)
    assert health.worker_ok is True


def test_failed_webhook_deliveries_of_the_last_week_and_paused_endpoints(merchant, settings):
    settings.DROPYARD_TASK_BACKEND = "db"
    webhook_services.webhook_set(
        merchant=merchant,
        actor=merchant.owner,
        settings_by_topic=[
            CallbackSetting(topic="order", action="ENABLE", urls=("https://hooks.example.com/",))
        ],
    )
    for n in range(3):
        webhook_services.webhook_publish(
            merchant=merchant, type="ORDER", message_type="UPDATE", params={"orderId": str(n)}
        )
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert len(deliveries) == 3
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=deliveries[0].pk).update(
        status=DeliveryStatus.FAILED, updated_at=now - timedelta(days=2)
    )
    WebhookDelivery.objects.filter(pk=deliveries[1].pk).update(
        status=DeliveryStatus.FAILED, updated_at=now - timedelta(days=9)
    )
    WebhookEndpoint.objects.filter(merchant=merchant).update(paused_at=now)

    health = system_health(now=now)

    assert (health.webhooks_failed, health.endpoints_paused) == (1, 1)
    assert health.webhooks_failed_oldest == now - timedelta(days=2)
    assert health.ok is False
