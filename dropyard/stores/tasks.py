"""Stores background tasks: the order-sync safety net (polling).

Tasks take ids (or nothing), call one service and are safe to run twice.
"""

from django.tasks import task

from . import selectors
from .services.sync import store_poll


@task()
def store_poll_run(store_id: int) -> int:
    """Poll one store for orders changed since its cursor; how many were ingested. Running it
    twice ingests nothing twice (``services.store_poll``)."""
    return store_poll(store_id=store_id)


@task()
def stores_poll_all() -> int:
    """Periodic job (``DROPYARD_PERIODIC_JOBS``, "stores-poll"): enqueue a poll of every
    authorized store with order sync on; how many were enqueued."""
    store_ids = list(selectors.stores_to_poll().values_list("pk", flat=True))
    for store_id in store_ids:
        store_poll_run.enqueue(store_id=store_id)
    return len(store_ids)
