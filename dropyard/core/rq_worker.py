"""``dropyard worker`` on the RQ backend (DROPYARD_TASK_BACKEND=rq): RQ's worker, made to recover.

RQ keeps each running job in a "started" registry whose entry expires unless the worker renews
it; a job whose entry expired was abandoned (its worker died). Out of the box RQ renews every
30 s with 60 s to spare, looks for abandoned jobs every 10 minutes and then moves them to the
failed registry. Here:

- the worker runs jobs in its own process (``SimpleWorker``: no fork, so SIGKILL of the worker
  is the death of its job too, as on the database queue), and the upkeep thread renews the
  running job's entry every DROPYARD_WORKER_HEARTBEAT_SECONDS; the entry expires
  DROPYARD_WORKER_DEAD_AFTER_SECONDS after the last renewal;
- every live worker looks for expired entries on each beat (under RQ's own per-queue
  maintenance lock, so one worker handles an abandoned job once), and
- an abandoned job is put back on its queue instead of failed (``requeue_abandoned``), up to
  ``ABANDONED_REQUEUE_LIMIT`` times (a job that kills every worker that runs it then fails).

Jobs that wait for a time (``run_after``) are moved to the queue by RQ's scheduler, which the
workers run (``with_scheduler``); if the worker holding the scheduler lock dies, another takes
over once the lock expires (about 60 s).
"""

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

import django_rq
from django_tasks_rq import Job
from rq import Queue, SimpleWorker
from rq.exceptions import AbandonedJobError
from rq.job import JobStatus
from rq.registry import StartedJobRegistry
from rq.timeouts import TimerDeathPenalty

from dropyard.core.text import counted

from .worker_upkeep import Step, Upkeep

logger = logging.getLogger(__name__)

ABANDONED_REQUEUE_LIMIT = 5
ABANDONED_META_KEY = "dropyard_abandoned"


def requeue_abandoned(
    job: Any, exc_type: type[BaseException], exc_value: BaseException, tb: TracebackType | Any
) -> bool:
    """RQ exception handler: give an abandoned job one more run instead of failing it.

    RQ calls handlers for every failed job; only ``AbandonedJobError`` (its worker died) is
    handled here, by granting one retry with no delay, which RQ's registry cleanup then uses
    to put the job back on its queue. Returns True so other handlers still run.
    """
    if not (isinstance(exc_type, type) and issubclass(exc_type, AbandonedJobError)):
        return True
    count = int(job.meta.get(ABANDONED_META_KEY, 0)) + 1
    job.meta[ABANDONED_META_KEY] = count
    if count > ABANDONED_REQUEUE_LIMIT:
        logger.error("Job %s abandoned %d times; leaving it failed", job.id, count)
        return True
    job.retries_left = 1
    job.retry_intervals = [0]
    logger.warning("Job %s was abandoned by a dead worker; re-queued (%d)", job.id, count)
    return True


class DropyardRQWorker(SimpleWorker):
    """RQ's in-process worker whose running job stays claimed only while the worker beats."""

    def __init__(self, *args: Any, dead_after: float, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.dead_after = max(1, int(dead_after))
        self.running_job: Any = None

    def get_heartbeat_ttl(self, job: Any) -> int:
        return self.dead_after

    def execute_job(self, job: Any, queue: Queue) -> None:
        self.running_job = job
        try:
            super().execute_job(job, queue)
        finally:
            self.running_job = None

    def renew_running_job(self) -> str:
        """Extend the running job's claim by ``dead_after`` (upkeep step, another thread).

        The main thread may end the job meanwhile: the values are read once, and RQ's
        registry update only touches an entry that still exists (``xx``).
        """
        job, execution = self.running_job, self.execution
        if job is None or execution is None:
            return ""
        with self.connection.pipeline() as pipeline:
            self.heartbeat(self.dead_after + self.job_monitoring_interval, pipeline=pipeline)
            execution.heartbeat(job.started_job_registry, self.dead_after, pipeline=pipeline)
            pipeline.execute()
        return ""


def _was_requeued(queue: Queue, job_id: str) -> bool:
    """True unless the cleanup failed the job (or it is gone).

    A live worker may take a re-queued job at once, so by the time this looks it can be
    started or even finished already; only FAILED means it was not put back.
    """
    job = queue.fetch_job(job_id)
    return job is not None and job.get_status() != JobStatus.FAILED


def rq_requeue_abandoned(queues: list[Queue]) -> list[str]:
    """Put the jobs abandoned by dead workers back on their queues; return their ids."""
    requeued: list[str] = []
    for queue in queues:
        if not queue.acquire_maintenance_lock():
            continue  # another worker is cleaning this queue right now
        try:
            # Runs in the upkeep thread: RQ's default time limit uses SIGALRM, which only the
            # main thread may set, so the failure callbacks get the timer-based one.
            registry = StartedJobRegistry(
                queue=queue, job_class=queue.job_class, death_penalty_class=TimerDeathPenalty
            )
            expired = registry.get_expired_job_ids()
            registry.cleanup(exception_handlers=[requeue_abandoned])
            requeued += [job_id for job_id in expired if _was_requeued(queue, job_id)]
        finally:
            queue.release_maintenance_lock()
    return requeued


def rq_worker_run(
    *,
    queue_names: list[str],
    worker_id: str,
    burst: bool,
    max_jobs: int | None,
    heartbeat: float,
    dead_after: float,
    extra_steps: list[Step],
    say: Callable[[str], None],
) -> None:
    """Run an RQ worker on ``queue_names`` until stopped, with the upkeep thread beside it."""
    queues = [django_rq.get_queue(name, job_class=Job) for name in queue_names]
    worker = DropyardRQWorker(
        queues,
        name=worker_id,
        connection=queues[0].connection,
        job_class=Job,
        exception_handlers=[requeue_abandoned],
        job_monitoring_interval=max(1, int(heartbeat)),
        dead_after=dead_after,
    )

    def recover() -> str:
        ids = rq_requeue_abandoned(queues)
        return f"Re-queued {counted(len(ids), 'job')} abandoned by a dead worker." if ids else ""

    steps = [Step("renew", worker.renew_running_job), Step("recover", recover), *extra_steps]
    upkeep = Upkeep(steps=steps, interval=heartbeat, say=say)
    upkeep.start()
    try:
        worker.work(burst=burst, max_jobs=max_jobs, with_scheduler=True, logging_level="INFO")
    finally:
        upkeep.stop()
