"""Stores background tasks: the order-sync safety net (polling) and the tracking push-back.

Tasks take ids (or nothing), call one service and are safe to run twice.
"""

from django.tasks import task

from . import selectors
from .services import tracking
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


@task()
def tracking_push_parcel(parcel_id: int) -> list[str]:
    """Enqueued by fulfillment (``DROPYARD_STORE_PARCEL_TASKS``) after a store order's parcel
    ships or is delivered: record its push rows and attempt the due ones. Safe to run twice
    (``services.tracking``: rows are unique, attempts claim their row, PUSHED is final)."""
    return tracking.tracking_push_parcel(parcel_id=parcel_id)


@task()
def tracking_push_run(push_id: int) -> str:
    """Attempt one push row now if something is due on it (after a merchant's "Retry now",
    or the delivery mark right after a push). Safe to run twice."""
    return tracking.tracking_push_attempt(push_id=push_id)


@task()
def tracking_pushes_sweep() -> dict[str, int]:
    """Periodic job (``DROPYARD_PERIODIC_JOBS``, "stores-tracking-push"): rows for shipped
    parcels the fast path missed, delivered parcels to mark, and every due attempt (retries
    with backoff)."""
    return tracking.tracking_pushes_sweep()
