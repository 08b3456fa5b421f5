"""Who hears about tracking status changes: an explicit listener list, not Django signals.

Other apps register from their ``AppConfig.ready()``::

    from dropyard.logistics import tracking_hooks
    tracking_hooks.register(my_listener)

After a transaction that changed a tracking's status commits, every listener is called once for
that change as ``fn(tracking_id=…, old_status=…, new_status=…)`` (statuses are contract codes
0–14). A rolled-back write calls nobody. Each listener runs in its own on-commit callback:
one that raises is logged and does not stop the others (the tracking write is committed by
then); a listener that must not lose work should enqueue a task of its own.
"""

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

Listener = Callable[..., None]
_listeners: list[Listener] = []


def register(fn: Listener) -> Listener:
    """Add ``fn`` once (registering it again is a no-op); returns ``fn``, so it decorates."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def unregister(fn: Listener) -> None:
    """Remove ``fn`` if registered (tests use it to clean up)."""
    if fn in _listeners:
        _listeners.remove(fn)


def listeners() -> tuple[Listener, ...]:
    return tuple(_listeners)


def status_changed_on_commit(*, tracking_id: int, old_status: int, new_status: int) -> None:
    """Schedule every listener for one status change, to run after the current commit."""
    for fn in _listeners:
        transaction.on_commit(
            partial(fn, tracking_id=tracking_id, old_status=old_status, new_status=new_status),
            robust=True,
        )
