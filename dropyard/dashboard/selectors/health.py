"""System health for the admin's home: is a worker alive, how deep is the task queue, how many
webhook deliveries failed. Reads only (a handful of indexed counts, or RQ's keys in Redis)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dropyard.core.models import TaskWorker
from dropyard.webhooks.choices import DeliveryStatus
from dropyard.webhooks.models import WebhookDelivery, WebhookEndpoint

FAILED_WINDOW = timedelta(days=1)  # failed tasks counted over the last day
WEBHOOK_WINDOW = timedelta(days=7)  # failed deliveries counted over the last week


@dataclass(frozen=True)
class SystemHealth:
    """``workers_alive``: ``dropyard worker`` processes seen within
    DROPYARD_WORKER_DEAD_AFTER_SECONDS (``core.task_recovery``'s rule) on the database queue,
    or the workers RQ keeps registered in Redis (``core.rq_health``) on RQ; ``last_seen`` the
    latest beat of any. ``queue_ready``: tasks due now and not started; ``queue_oldest``: the
    longest-waiting one's due time (RQ: its enqueue time). ``tasks_failed``: failed within
    ``FAILED_WINDOW``. The task figures are ``None`` with ``backend_unreachable`` when Redis
    does not answer (then nothing runs: not ok). Webhooks: deliveries that gave up within
    ``WEBHOOK_WINDOW``, and endpoints paused after repeated failures."""

    backend: str
    workers_alive: int | None
    last_seen: datetime | None
    queue_ready: int | None
    queue_running: int | None
    queue_oldest: datetime | None
    tasks_failed: int | None
    webhooks_failed: int
    webhooks_failed_oldest: datetime | None
    endpoints_paused: int
    backend_unreachable: bool = False

    @property
    def worker_ok(self) -> bool:
        if self.backend_unreachable:
            return False
        return self.workers_alive is None or self.workers_alive > 0

    @property
    def ok(self) -> bool:
        return self.worker_ok and not self.tasks_failed and not self.webhooks_failed


def system_health(*, now: datetime | None = None) -> SystemHealth:
    """Five queries on the database queue; on RQ, three and a few Redis reads per queue."""
    now = now or timezone.now()
    backend = settings.DROPYARD_TASK_BACKEND
    workers_alive = last_seen = ready = running = oldest = failed = None
    if backend == "db":
        horizon = now - timedelta(seconds=settings.DROPYARD_WORKER_DEAD_AFTER_SECONDS)
        row = TaskWorker.objects.aggregate(
            alive=Count("pk", filter=Q(seen_at__gte=horizon)), last=Max("seen_at")
        )
        workers_alive, last_seen = row["alive"], row["last"]
        tasks = DBTaskResult.objects.order_by().aggregate(
            ready=Count("pk", filter=Q(status=TaskResultStatus.READY, run_after__lte=now)),
            running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
            oldest=Min("run_after", filter=Q(status=TaskResultStatus.READY, run_after__lte=now)),
            failed=Count(
                "pk",
                filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - FAILED_WINDOW),
            ),
        )
        ready, running, oldest, failed = (
            tasks["ready"],
            tasks["running"],
            tasks["oldest"],
            tasks["failed"],
        )
    unreachable = False
    if backend == "rq":
        # rq and redis are the optional `rq` extra: imported only on that backend.
        from dropyard.core import rq_health

        state = rq_health.rq_queue_state(
            queue_names=rq_health.task_queue_names(),
            failed_since=now - FAILED_WINDOW,
        )
        if state is None:
            unreachable = True
        else:
            workers_alive, last_seen = state.workers_alive, state.last_seen
            ready, running, oldest, failed = state.ready, state.running, state.oldest, state.failed
    deliveries = WebhookDelivery.objects.filter(
        status=DeliveryStatus.FAILED, updated_at__gte=now - WEBHOOK_WINDOW
    ).aggregate(n=Count("pk"), oldest=Min("updated_at"))
    return SystemHealth(
        backend=backend,
        workers_alive=workers_alive,
        last_seen=last_seen,
        queue_ready=ready,
        queue_running=running,
        queue_oldest=oldest,
        tasks_failed=failed,
        webhooks_failed=deliveries["n"],
        webhooks_failed_oldest=deliveries["oldest"],
        endpoints_paused=WebhookEndpoint.objects.filter(paused_at__isnull=False).count(),
        backend_unreachable=unreachable,
    )
