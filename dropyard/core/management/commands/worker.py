"""``dropyard worker``: run background tasks (django-tasks-db's ``db_worker`` under our name).

Every ``db_worker`` option works: ``--queue-name``, ``--exclude-queues``, ``--interval``,
``--batch``, ``--max-tasks``, ``--worker-id``, ``--backend``, ``--no-startup-delay``,
``--reload``. Run as many workers as you like, on as many machines as share the database.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = (
        "Run background tasks from the database queue until stopped (SIGINT/SIGTERM finish the "
        "current task first). Options are those of django-tasks-db's db_worker."
    )
