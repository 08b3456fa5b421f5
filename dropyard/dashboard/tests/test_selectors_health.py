"""The admin's system health: live workers, due tasks, recent failures, failed webhooks."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.utils import utcformat

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


def _rq_job(queue, *, status_key=None, score=None, ended_at=None):
    job = queue.enqueue("dropyard.core.testing.tasks.DB_TASKS.copy")
    if status_key is not None:  # moved off the queue into a registry
        queue.connection.lrem(queue.key, 0, job.id)
        queue.connection.zadd(status_key, {f"{job.id}:execution": score})
    if ended_at is not None:
        queue.connection.hset(job.key, "ended_at", utcformat(ended_at))
    return job


def test_rq_backend_reads_workers_and_queue_from_redis(rq_redis):
    queue = Queue("default", connection=rq_redis)
    now = timezone.now()
    waiting = [_rq_job(queue), _rq_job(queue)]
    started = StartedJobRegistry(queue=queue).key
    _rq_job(queue, status_key=started, score=now.timestamp() + 30)  # a live claim
    _rq_job(queue, status_key=started, score=now.timestamp() - 1)  # abandoned: not running
    failed = FailedJobRegistry(queue=queue).key
    _rq_job(queue, status_key=failed, score=now.timestamp() + 1e6, ended_at=now)
    _rq_job(queue, status_key=failed, score=now.timestamp() + 1e6, ended_at=now - timedelta(days=2))
    worker = Worker([queue], connection=rq_redis, name="rq-health-test")
    worker.register_birth()
    Worker([queue], connection=rq_redis, name="gone").register_birth()
    rq_redis.delete(Worker.redis_worker_namespace_prefix + "gone")  # its key expired

    health = system_health(now=now)

    assert (health.backend, health.backend_unreachable) == ("rq", False)
    assert (health.workers_alive, health.last_seen) == (1, worker.last_heartbeat)
    assert (health.queue_ready, health.queue_running, health.tasks_failed) == (2, 1, 1)
    assert health.queue_oldest == queue.fetch_job(waiting[0].id).enqueued_at
    assert (health.worker_ok, health.ok) == (True, False)  # a job failed today
    assert rq_redis.zcard(started) == 2  # read only: RQ's cleanup did not run


def test_rq_backend_without_workers_is_not_ok(rq_redis):
    health = system_health()

    assert (health.workers_alive, health.queue_ready, health.tasks_failed) == (0, 0, 0)
    assert (health.worker_ok, health.ok) == (False, False)


def test_unreachable_redis_is_not_ok(settings):
    settings.DROPYARD_TASK_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens

    health = system_health()

    assert health.backend_unreachable is True
    assert (health.workers_alive, health.queue_ready, health.tasks_failed) == (None, None, None)
    assert (health.worker_ok, health.ok) == (False, False)


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
