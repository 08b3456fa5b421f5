"""The RQ backend's failed jobs (DROPYARD_TASK_BACKEND=rq) for the back office: read them, put
one back on its queue, or delete it — each write audited.

RQ keeps a failed job in its queue's failed job registry (a sorted set of job ids, scored by
when the entry expires: the newest failure has the highest score), the job itself in its hash
(the task's dotted path, the arguments, ``meta``: django-tasks-rq's exception class paths) and
each run's outcome in the job's results stream (the traceback of a failed run). Reading here
never runs RQ's registry cleanup, as ``core.rq_health`` explains.

Imported only when the RQ backend is configured (rq and redis are the optional ``rq`` extra).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.results import Result

from .audit import audit_record
from .choices import AuditAction
from .errors import NotFound
from .rq_health import rq_connection

# The newest failed jobs read per queue for the list (RQ keeps a failed job a year).
FAILED_LIST_LIMIT = 1000
# django-tasks-rq records each failed run's exception class path in the job's meta.
EXCEPTIONS_META_KEY = "_django_tasks_rq_exceptions"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class RQFailedJob:
    """A job of an RQ failed job registry as the back office lists it. ``error`` (the last
    line of the latest run's traceback) and ``traceback`` are read per page
    (``rq_failed_job_errors``): one round trip for the page's jobs."""

    job_id: str
    queue: str
    task: str
    exception: str
    enqueued_at: datetime | None
    ended_at: datetime
    error: str = ""
    traceback: str = ""

    @property
    def pk(self) -> str:
        return self.job_id


def _task_path(job: Job) -> str:
    try:
        return job.func_name or ""
    except Exception:  # noqa: BLE001 - a payload that no longer unpickles still gets listed
        return ""


def _failed_job(job: Job, queue_name: str) -> RQFailedJob:
    exceptions = job.meta.get(EXCEPTIONS_META_KEY) or []
    return RQFailedJob(
        job_id=job.id,
        queue=queue_name,
        task=_task_path(job),
        exception=str(exceptions[-1]) if exceptions else "",
        enqueued_at=job.enqueued_at,
        ended_at=job.ended_at or job.enqueued_at or _EPOCH,
    )


def rq_failed_job_list(*, queue_names: Sequence[str]) -> list[RQFailedJob] | None:
    """The failed jobs of ``queue_names`` (the newest ``FAILED_LIST_LIMIT`` of each), latest
    failure first, or None when Redis does not answer. The list page's filter
    (``list_tables.RQFailedJobFilter``) searches them."""
    found: list[RQFailedJob] = []
    try:
        for name in queue_names:
            connection = rq_connection(name)
            registry = FailedJobRegistry(name, connection=connection)
            ids = [
                job_id.decode() if isinstance(job_id, bytes) else job_id
                for job_id in connection.zrange(registry.key, 0, FAILED_LIST_LIMIT - 1, desc=True)
            ]
            for job in Job.fetch_many(ids, connection=connection):
                if job is not None:  # its hash expired or was deleted: nothing to show
                    found.append(_failed_job(job, name))
    except redis.RedisError:  # refused, timed out, or not Redis: the page says so
        return None
    return sorted(found, key=lambda job: job.ended_at, reverse=True)


def rq_failed_job_errors(jobs: Sequence[RQFailedJob]) -> None:
    """Fill in each job's ``error`` and ``traceback`` from its latest result (a list page's
    hook: one pipelined round trip per queue). Left blank when Redis does not answer."""
    by_queue: dict[str, list[RQFailedJob]] = {}
    for job in jobs:
        by_queue.setdefault(job.queue, []).append(job)
    try:
        for name, queued in by_queue.items():
            connection = rq_connection(name)
            pipeline = connection.pipeline(transaction=False)
            for job in queued:
                pipeline.xrevrange(Result.get_key(job.job_id), "+", "-", count=1)
            for job, latest in zip(queued, pipeline.execute(), strict=True):
                if not latest:
                    continue
                result_id, payload = latest[0]
                result = Result.restore(
                    job.job_id, result_id.decode(), payload, connection=connection
                )
                job.traceback = result.exc_string or ""
                lines = [line for line in job.traceback.splitlines() if line.strip()]
                job.error = lines[-1].strip() if lines else ""
    except redis.RedisError:
        return


def _registered(job_id: str, queue_names: Sequence[str]) -> tuple[FailedJobRegistry, Job]:
    """The failed registry that holds ``job_id`` and the job; ``NotFound`` when none does."""
    for name in queue_names:
        connection = rq_connection(name)
        registry = FailedJobRegistry(name, connection=connection)
        if connection.zscore(registry.key, job_id) is None:
            continue
        try:
            return registry, Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            break
    raise NotFound(_("no failed job %(id)s") % {"id": job_id})


def _audit(action: AuditAction, job: Job, queue: str, actor: Any, request: Any) -> None:
    listed = _failed_job(job, queue)
    audit_record(
        action=action,
        actor=actor,
        target_label=f"{listed.task or job.id} (RQ job {job.id})",
        details={
            "backend": "rq",
            "job_id": job.id,
            "queue": queue,
            "task": listed.task,
            "exception": listed.exception,
        },
        request=request,
    )


@transaction.atomic
def rq_failed_job_requeue(
    *,
    job_id: str,
    queue_names: Sequence[str],
    actor: Any,
    request: HttpRequest | None = None,
) -> None:
    """Put a failed RQ job back on its queue (RQ's own ``requeue``: same job, same
    arguments), audited as TASK_RETRIED. Safe to run twice, as every task is.

    Invariants: the job must be in the failed registry of one of ``queue_names``, else
    ``NotFound`` and nothing changes; the audit row is written first and rolled back when Redis
    refuses, so a job requeued has its row (a Redis that accepted the requeue and a database
    that then failed to commit is the one gap).
    Raises ``redis.RedisError`` when Redis does not answer.
    """
    registry, job = _registered(job_id, queue_names)
    _audit(AuditAction.TASK_RETRIED, job, registry.name, actor, request)
    try:
        registry.requeue(job)
    except InvalidJobOperation as exc:  # another admin took it out of the registry meanwhile
        raise NotFound(_("no failed job %(id)s") % {"id": job_id}) from exc


@transaction.atomic
def rq_failed_job_delete(
    *,
    job_id: str,
    queue_names: Sequence[str],
    actor: Any,
    request: HttpRequest | None = None,
) -> None:
    """Delete a failed RQ job (its registry entry, its hash and its results, traceback
    included), audited as TASK_DELETED.

    Invariants: as ``rq_failed_job_requeue`` — a job outside the failed registries is
    ``NotFound``, nothing changed; the audit row is rolled back when Redis refuses.
    """
    registry, job = _registered(job_id, queue_names)
    _audit(AuditAction.TASK_DELETED, job, registry.name, actor, request)
    if not registry.connection.zrem(registry.key, job.id):  # another admin took it meanwhile
        raise NotFound(_("no failed job %(id)s") % {"id": job_id})
    job.delete()
