"""Periodic jobs: the one scheduler, run inside every ``dropyard worker`` on either task backend.

The jobs are declared in one place, the ``DROPYARD_PERIODIC_JOBS`` setting: a name, the dotted
path of a task that takes no arguments, and a period. Each job has a ``PeriodicJob`` row holding
when it is due next. On every beat each worker calls ``scheduler_tick``: for a due job it moves
``due_at`` one period forward with a compare-and-set update on the value it read, and only the
worker whose update won enqueues the task. So N workers never enqueue a period twice; a worker
that dies between winning and enqueuing skips that one period (the next one runs as usual).
Tasks are enqueued with ``.enqueue()``, so this works the same on the database queue and on RQ.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicJob
from .worker_upkeep import Step

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """One declared periodic job: enqueue ``task_path`` every ``every``."""

    name: str
    task_path: str
    every: timedelta


def periodic_jobs() -> list[Periodic]:
    """The periodic jobs declared in ``DROPYARD_PERIODIC_JOBS``, in declaration order."""
    return [
        Periodic(name=name, task_path=spec["task"], every=timedelta(seconds=spec["every_seconds"]))
        for name, spec in settings.DROPYARD_PERIODIC_JOBS.items()
    ]


def periodic_claim(*, job: Periodic, now: datetime) -> bool:
    """Take the current period of ``job`` if it is due; True for the one caller that took it.

    Invariant: ``due_at`` only moves forward, by compare-and-set on the value read, so at most
    one caller wins a period. A job never seen before is due now. After downtime the next period
    starts from now: missed periods are not enqueued one after another.
    """
    row, _ = PeriodicJob.objects.get_or_create(name=job.name, defaults={"due_at": now})
    if row.due_at > now:
        return False
    next_due = row.due_at + job.every
    if next_due <= now:
        next_due = now + job.every
    return bool(
        PeriodicJob.objects.filter(pk=row.pk, due_at=row.due_at).update(
            due_at=next_due, last_enqueued_at=now
        )
    )


def scheduler_tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose period this caller won; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs():
        if periodic_claim(job=job, now=now):
            import_string(job.task_path).enqueue()
            enqueued.append(job.name)
            logger.info("Enqueued periodic job %s", job.name)
    return enqueued


def scheduler_step() -> Step:
    """The upkeep step that runs the scheduler on every beat (it logs what it enqueues)."""

    def tick() -> str:
        scheduler_tick()
        return ""

    return Step("schedule", tick)
