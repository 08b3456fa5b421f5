"""The database queue's recovery: worker liveness rows, and the tasks dead workers left RUNNING.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: if that
worker dies (SIGKILL, OOM, machine lost) the row stays RUNNING for ever. Every ``dropyard worker``
therefore keeps a ``TaskWorker`` row fresh from a thread (``worker_beat``) and, on the same beat,
puts back to READY the RUNNING tasks whose worker has gone silent (``tasks_requeue_orphaned``),
so a live worker runs them again within DROPYARD_WORKER_DEAD_AFTER_SECONDS plus one beat.

An operator admin may also enqueue a FAILED task again (``task_retry``, from the back office's
failed-tasks page): a new run with the same arguments, the failed row kept as it was.

A task whose worker is alive is never re-queued, however long it runs. A worker cut off from the
database for longer than the dead-after time (while its process still runs) is taken for dead:
its task may then run twice, which the house rule (every task is safe to run twice) covers.
"""

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from dropyard.core.text import counted

from .audit import audit_record
from .choices import AuditAction
from .errors import Conflict, NotFound
from .models import AuditEvent, TaskWorker
from .worker_upkeep import Step

ABANDONED_REQUEUE_LIMIT = 5  # a task whose workers died this many times is failed instead


def worker_beat(*, worker_id: str, now: datetime | None = None) -> bool:
    """Record that worker ``worker_id`` is alive; False when it had no row (new, or presumed dead).

    Invariant: one row per worker id; ``seen_at`` only moves forward while the worker runs.
    """
    now = now or timezone.now()
    if TaskWorker.objects.filter(pk=worker_id).update(seen_at=now):
        return True
    TaskWorker.objects.create(
        worker_id=worker_id,
        hostname=socket.gethostname()[:255],
        pid=os.getpid(),
        started_at=now,
        seen_at=now,
    )
    return False


def worker_retire(*, worker_id: str) -> None:
    """Forget a worker that stops cleanly (it finished its task first)."""
    TaskWorker.objects.filter(pk=worker_id).delete()


@transaction.atomic
def tasks_requeue_orphaned(*, dead_after: timedelta) -> list[str]:
    """Put back to READY the RUNNING tasks whose worker is dead; return their ids.

    Dead: the task's last worker id has no ``TaskWorker`` row seen within ``dead_after`` (a
    plain ``db_worker``, which keeps no row, counts as dead once its task is that old). Each
    row moves with a compare-and-set on (RUNNING, ``started_at``), so workers recovering at the
    same time re-queue it once, and a task claimed again meanwhile is left alone. A task
    abandoned more than ``ABANDONED_REQUEUE_LIMIT`` times is marked FAILED instead (it kills
    every worker that runs it). The rows of dead workers are deleted. On SQLite the transaction
    holds the write lock, so the clock is read after it is taken.
    """
    horizon = timezone.now() - dead_after
    live = set(TaskWorker.objects.filter(seen_at__gte=horizon).values_list("pk", flat=True))
    stale = (
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=horizon)
        .order_by()
        .values_list("pk", "worker_ids", "started_at")
    )
    requeued = []
    for pk, worker_ids, started_at in stale:
        if worker_ids and worker_ids[-1] in live:
            continue
        claimed = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) > ABANDONED_REQUEUE_LIMIT:  # it kills every worker that runs it
            claimed.update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="dropyard.core.task_recovery.TaskAbandoned",
                traceback=f"Abandoned by {len(worker_ids)} workers that died running it",
            )
        elif claimed.update(status=TaskResultStatus.READY, started_at=None):
            requeued.append(str(pk))
    TaskWorker.objects.filter(seen_at__lt=horizon).delete()
    return requeued


@transaction.atomic
def tasks_requeue_own(*, worker_id: str, started_before: datetime) -> list[str]:
    """Put back to READY the RUNNING tasks that an earlier process with this worker id started
    (before ``started_before``, this process's start); return their ids.

    A worker restarted under the same id (``--worker-id %H-%i`` under systemd's
    ``Restart=always``) is back within seconds, so its liveness row never goes silent and
    ``tasks_requeue_orphaned`` would never see the dead process's task. A process that has just
    started runs nothing yet: any RUNNING task under its id that began earlier is the dead one's.
    Compare-and-set on (RUNNING, ``started_at``), as ``tasks_requeue_orphaned``.
    """
    running = (
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=started_before)
        .order_by()
        .values_list("pk", "worker_ids", "started_at")
    )
    requeued = []
    for pk, worker_ids, started_at in running:
        if not worker_ids or worker_ids[-1] != worker_id:
            continue
        if DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY, started_at=None):
            requeued.append(str(pk))
    return requeued


def database_queue_steps(*, worker_id: str, dead_after: timedelta) -> list[Step]:
    """The upkeep steps of a database-queue worker: beat (the first one also takes back what an
    earlier process under the same id left running), then recover dead workers' tasks."""
    seen = False
    process_started = timezone.now()

    def beat() -> str:
        nonlocal seen
        known = worker_beat(worker_id=worker_id)
        warning = ""
        if seen and not known:
            warning = (
                f"Worker {worker_id} was silent for over {dead_after.total_seconds():g} s and "
                "taken for dead: the task it was running may run twice."
            )
        if not seen:
            ids = tasks_requeue_own(worker_id=worker_id, started_before=process_started)
            if ids:
                tasks = counted(len(ids), "task")
                warning = f"Re-queued {tasks} an earlier worker {worker_id} left running."
        seen = True
        return warning

    def recover() -> str:
        ids = tasks_requeue_orphaned(dead_after=dead_after)
        return (
            f"Re-queued {counted(len(ids), 'task')} left running by a dead worker." if ids else ""
        )

    return [Step("beat", beat), Step("recover", recover)]


def _task_at(path: str) -> Task:
    try:
        found = import_string(path)
    except ImportError:
        found = None
    if not isinstance(found, Task):
        raise Conflict(_("%(path)s is no longer a task: it cannot run again") % {"path": path})
    return found


def task_retried_ids(result_ids: list[Any]) -> set[str]:
    """Which of the failed ``result_ids`` were enqueued again (``task_retry``'s audit rows)."""
    return set(
        AuditEvent.objects.filter(
            action=AuditAction.TASK_RETRIED,
            target_type=DBTaskResult._meta.label,
            target_id__in=[str(pk) for pk in result_ids],
        ).values_list("target_id", flat=True)
    )


@transaction.atomic
def task_retry(*, result_id: Any, actor: Any, request: HttpRequest | None = None) -> None:
    """Enqueue a FAILED task of the database queue again, with the same arguments, queue and
    priority (after commit). Audited as TASK_RETRIED on the failed row.

    Invariants: the failed row is left as it is (its traceback stays readable; the new run has
    its own row); a failed row is retried at most once (the audit row marks it, and the row is
    locked, so two clicks enqueue once); refused with ``NotFound`` (no such FAILED row) or
    ``Conflict`` (already retried, or its task no longer exists), nothing changed. Retrying is
    safe because every task may run twice (the house rule).
    """
    row = (
        DBTaskResult.objects.select_for_update()
        .filter(pk=result_id, status=TaskResultStatus.FAILED)
        .first()
    )
    if row is None:
        raise NotFound(_("no such failed task"))
    if task_retried_ids([row.pk]):
        raise Conflict(_("task %(id)s was already enqueued again") % {"id": row.pk})
    task = _task_at(row.task_path).using(queue_name=row.queue_name, priority=row.priority)
    args, kwargs = row.args_kwargs.get("args", []), row.args_kwargs.get("kwargs", {})
    audit_record(
        action=AuditAction.TASK_RETRIED,
        actor=actor,
        target=row,
        target_label=row.task_path,
        details={"task": row.task_path, "exception": row.exception_class_path},
        request=request,
    )
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
