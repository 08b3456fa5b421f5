"""``dropyard worker``: run background tasks (django-tasks-db's ``db_worker`` under our name).

Every ``db_worker`` option works: ``--queue-name``, ``--exclude-queues``, ``--interval``,
``--batch``, ``--max-tasks``, ``--worker-id``, ``--backend``, ``--no-startup-delay``,
``--reload``. Run as many workers as you like, on as many machines as share the database.

Recovery: a task whose worker died while running it (killed, machine lost) stays RUNNING in
django-tasks-db for ever. On start, ``dropyard worker`` puts RUNNING tasks that started more
than ``--recover-running-after`` seconds ago (default 600) back to READY, so they run again.
Tasks are idempotent (house style), so a task that was in fact still running elsewhere is
safe to run twice; keep the threshold above your longest task.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.models import DBTaskResult

RECOVER_RUNNING_AFTER_SECONDS = 600


def requeue_stale_running(*, older_than: timedelta) -> int:
    """Put RUNNING task rows started more than ``older_than`` ago back to READY; the count."""
    cutoff = timezone.now() - older_than
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lte=cutoff)
        .update(status="READY", started_at=None)
    )


class Command(DbWorkerCommand):
    help = (
        "Run background tasks from the database queue until stopped (SIGINT/SIGTERM finish the "
        "current task first). Options are those of django-tasks-db's db_worker."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-running-after",
            type=float,
            default=RECOVER_RUNNING_AFTER_SECONDS,
            help="On start, re-queue tasks left RUNNING for more than this many seconds by a "
            "worker that died (default: %(default)s).",
        )

    def handle(self, *args, recover_running_after: float, **options):
        requeued = requeue_stale_running(older_than=timedelta(seconds=recover_running_after))
        if requeued:
            self.stdout.write(f"Re-queued {requeued} task(s) left running by a stopped worker.")
        return super().handle(*args, **options)
