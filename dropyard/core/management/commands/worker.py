"""``dropyard worker``: run background tasks on the configured queue (DROPYARD_TASK_BACKEND).

- ``db`` (default): django-tasks-db's worker loop on the database queue. Options:
  ``--queue-name``, ``--exclude-queues``, ``--interval``, ``--batch``, ``--max-tasks``,
  ``--worker-id``, ``--backend``, ``--no-startup-delay``, ``--reload``.
- ``rq``: an RQ worker on Redis (``core.rq_worker``). ``--queue-name``, ``--batch`` (RQ's burst
  mode), ``--max-tasks`` and ``--worker-id`` apply; the others are ignored.

Beside the task loop a thread (``core.worker_upkeep``) keeps the worker known to be alive every
DROPYARD_WORKER_HEARTBEAT_SECONDS, also during a long task, and gives the tasks of workers
silent for DROPYARD_WORKER_DEAD_AFTER_SECONDS (killed, machine lost) back to the queue, so a
live worker runs them again within about 46 s by default, however long ago the dead one started.
The same thread runs the scheduler of periodic jobs (``core.scheduler``) unless
``--no-scheduler`` or ``--batch``. Run as many workers as you like, on as many machines as
share the database (and Redis).
"""

import logging
import os
from argparse import ArgumentTypeError
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.management.commands.db_worker import (
    valid_backend_name,
    valid_interval,
    valid_max_tasks,
    validate_worker_id,
)

from dropyard.core import scheduler, task_recovery
from dropyard.core.worker_upkeep import Step, Upkeep

TASK_LOGGERS = ("django.tasks", "django_tasks_db")


class Command(BaseCommand):
    help = (
        "Run background tasks until stopped (SIGINT/SIGTERM finish the current task first), "
        "recovering the tasks of dead workers and enqueueing periodic jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name",
            default=DEFAULT_TASK_QUEUE_NAME,
            help="Queues to run, comma-separated; '*' for all (database queue only) "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--exclude-queues", default="", help="With --queue-name '*': queues to leave out."
        )
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="Seconds between two looks at an empty database queue (default: %(default)s).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then exit."
        )
        parser.add_argument(
            "--max-tasks", type=valid_max_tasks, default=None, help="Exit after this many tasks."
        )
        parser.add_argument(
            "--worker-id",
            type=validate_worker_id,
            default=None,
            help="This worker's id, unique among running workers (default: random).",
        )
        parser.add_argument(
            "--backend",
            dest="backend_name",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            help="The TASKS alias to run (database queue only; default: %(default)s).",
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="Do not wait a random moment before the first look at the queue.",
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            default=None,
            help="Restart on code changes (database queue; default: DEBUG).",
        )
        parser.add_argument("--no-reload", action="store_false", dest="reload")
        parser.add_argument(
            "--no-scheduler",
            action="store_false",
            dest="scheduler",
            help="Do not enqueue periodic jobs from this worker (others still do).",
        )

    def handle(self, *args, **options) -> None:
        worker_id = options["worker_id"] or get_random_string(32)
        # A --batch worker drains the queue and exits: it enqueues no periodic jobs.
        schedule = options["scheduler"] and not options["batch"]
        steps = [scheduler.scheduler_step()] if schedule else []
        heartbeat = settings.DROPYARD_WORKER_HEARTBEAT_SECONDS
        dead_after = settings.DROPYARD_WORKER_DEAD_AFTER_SECONDS
        if heartbeat <= 0 or dead_after <= heartbeat:
            raise CommandError(
                "DROPYARD_WORKER_DEAD_AFTER_SECONDS must be larger than "
                "DROPYARD_WORKER_HEARTBEAT_SECONDS (and both positive)"
            )
        if dead_after < settings.DROPYARD_WEBHOOK_LEASE_SECONDS + heartbeat:
            self.stderr.write(
                "warning: DROPYARD_WORKER_DEAD_AFTER_SECONDS is below the webhook lease plus one "
                "heartbeat: a recovered delivery will wait for its lease to expire"
            )
        if settings.DROPYARD_TASK_BACKEND == "rq":
            self._run_rq(options, worker_id=worker_id, steps=steps)
        else:
            self._run_db(options, worker_id=worker_id, steps=steps)

    def _say(self, line: str) -> None:
        self.stdout.write(line)

    def _run_db(self, options: dict, *, worker_id: str, steps: list[Step]) -> None:
        try:
            backend_name = valid_backend_name(options["backend_name"])
        except ArgumentTypeError as exc:  # not checked by argparse: the default is a string
            raise CommandError(str(exc)) from exc
        self._configure_task_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name='*'")
        reload = settings.DEBUG if options["reload"] is None else options["reload"]
        reload = reload and not options["batch"]
        worker = DbWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=backend_name,
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        # Under --reload this process only watches files and restarts a child that does the
        # work; the upkeep thread belongs in the child. An in-memory SQLite database (the test
        # suite's) is private to this process: no other worker can take over its tasks, and its
        # shared cache cannot take a second thread's writes while a task writes.
        upkeep = None
        private_db = connection.vendor == "sqlite" and connection.is_in_memory_db()
        if not private_db and (not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"):
            dead_after = timedelta(seconds=settings.DROPYARD_WORKER_DEAD_AFTER_SECONDS)
            upkeep = Upkeep(
                steps=[
                    *task_recovery.database_queue_steps(worker_id=worker_id, dead_after=dead_after),
                    *steps,
                ],
                interval=settings.DROPYARD_WORKER_HEARTBEAT_SECONDS,
                say=self._say,
            )
            upkeep.start()
            worker.configure_signals()
        try:
            if reload:
                run_with_reloader(worker.run)
            else:
                worker.run()
        finally:
            if upkeep is not None:
                upkeep.stop()
                task_recovery.worker_retire(worker_id=worker_id)

    def _run_rq(self, options: dict, *, worker_id: str, steps: list[Step]) -> None:
        # rq and django-tasks-rq are an optional extra: import them only when they are the
        # configured backend (no import cycle is involved).
        from dropyard.core.rq_worker import rq_worker_run

        rq_worker_run(
            queue_names=options["queue_name"].split(","),
            worker_id=worker_id,
            burst=options["batch"],
            max_jobs=options["max_tasks"],
            heartbeat=settings.DROPYARD_WORKER_HEARTBEAT_SECONDS,
            dead_after=settings.DROPYARD_WORKER_DEAD_AFTER_SECONDS,
            extra_steps=steps,
            say=self._say,
        )

    def _configure_task_logging(self, verbosity: int) -> None:
        level = {0: logging.CRITICAL, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in TASK_LOGGERS:
            task_logger = logging.getLogger(name)
            task_logger.setLevel(level)
            if not task_logger.hasHandlers():
                task_logger.addHandler(logging.StreamHandler(self.stdout))
