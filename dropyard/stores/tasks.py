"""Stores background tasks: the order-sync safety net (polling).

Tasks take ids (or nothing), call one service and are safe to run twice.
"""

from django.tasks import task

from . import selectors
from .services.shopify import shopify_credentials_renew
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
def shopify_credentials_renew_run(store_id: int) -> bool:
    """Renew one Shopify store's token if it expires soon (``services.shopify_credentials_renew``;
    a token far from expiry is left alone, so running it twice renews once)."""
    return shopify_credentials_renew(store_id=store_id)


@task()
def shopify_credentials_renew_all() -> int:
    """Periodic job ("stores-shopify-renew"): enqueue a renewal check of every authorized
    Shopify store; how many were enqueued."""
    store_ids = list(selectors.stores_with_expiring_tokens().values_list("pk", flat=True))
    for store_id in store_ids:
        shopify_credentials_renew_run.enqueue(store_id=store_id)
    return len(store_ids)
