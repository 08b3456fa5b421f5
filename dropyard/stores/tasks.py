"""Stores background tasks: the order-sync safety net (polling) and automatic payment.

Tasks take ids (or nothing), call one service and are safe to run twice.
"""

from django.tasks import task

from . import selectors
from .services.autopay import store_order_autopay
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
def store_order_autopay_run(store_order_id: int) -> str:
    """Pay an imported store order from the wallet if its store pays automatically, within the
    daily cap (``services.autopay.store_order_autopay``); safe to run twice (paid once)."""
    return store_order_autopay(store_order_id=store_order_id)


@task()
def stores_autopay_sweep() -> int:
    """Periodic job ("stores-autopay"): enqueue the automatic payment of imported orders of
    auto-paying stores that are still unpaid and were never tried (an enqueue lost between the
    import's commit and the queue); how many were enqueued."""
    row_ids = list(selectors.store_orders_autopay_due().values_list("pk", flat=True))
    for row_id in row_ids:
        store_order_autopay_run.enqueue(store_order_id=row_id)
    return len(row_ids)
