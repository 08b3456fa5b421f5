"""Enqueue background tasks only after the surrounding transaction commits.

This lives apart from ``core/tasks.py`` so that ``core/services.py`` can use it while
``core/tasks.py`` imports ``core/services.py`` (tasks import services, never the reverse).
``core.tasks.on_commit_enqueue`` re-exports it under the documented name.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.tasks import TaskResult
from django.utils.module_loading import import_string


def on_commit_enqueue(
    task_path: str,
    /,
    *,
    on_enqueued: Callable[[TaskResult], None] | None = None,
    **kwargs: Any,
) -> None:
    """Enqueue the task at ``task_path`` with ``kwargs`` once the current transaction commits.

    The dotted path is resolved at commit time so services never import ``tasks.py`` (tasks import
    services, not the other way round). Outside a transaction it enqueues immediately.
    ``on_enqueued`` receives the ``TaskResult`` returned by ``.enqueue()`` (e.g. to store its id on
    a ``Job`` row); it runs right after the enqueue, in the same commit callback.
    """

    def _enqueue() -> None:
        result = import_string(task_path).enqueue(**kwargs)
        if on_enqueued is not None:
            on_enqueued(result)

    transaction.on_commit(_enqueue)
