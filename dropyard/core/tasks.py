"""Enqueue background tasks only after the surrounding transaction commits."""

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def on_commit_enqueue(task_path: str, /, **kwargs: Any) -> None:
    """Enqueue the task at ``task_path`` with ``kwargs`` once the current transaction commits.

    The dotted path is resolved at commit time so services never import ``tasks.py`` (tasks import
    services, not the other way round). Outside a transaction it enqueues immediately.
    """

    def _enqueue() -> None:
        import_string(task_path).enqueue(**kwargs)

    transaction.on_commit(_enqueue)
