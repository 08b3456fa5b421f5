"""Stores background tasks: the order-sync safety net (polling), automatic payment, listing
jobs, listings following catalog changes, the tracking push-back, inventory sync, and Shopify
token renewal.

Tasks take ids (or nothing), call one service and are safe to run twice.
"""

from django.tasks import task

from dropyard.core import services as core_services

from . import selectors, selectors_listing
from .services import tracking
from .services.autopay import store_order_autopay
from .services.inventory import store_inventory_sync
from .services.listing import listing_run
from .services.listing_follow import listing_reprice, listings_mark_out_of_date
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


@task()
def store_listing_run(*, job_id: int) -> str:
    """Run the listing job ``job_id`` (``services.listing_run``); the job's status afterwards
    ('' when there is no such job). Running it twice lists the product once.

    A crash still ends the visible job (failed, with a log line) before the backend records it.
    """
    try:
        job = listing_run(job_id=job_id)
    except Exception as exc:  # the merchant must see the job end; the backend still gets it
        core_services.job_finish(
            job_id=job_id,
            succeeded=False,
            log_line=f"Failed ({type(exc).__name__}); see the worker log for details",
        )
        raise
    if job is None:
        return ""
    job.refresh_from_db()
    return str(job.status)


@task()
def store_listing_reprice(listing_id: int) -> str:
    """Re-price one out-of-date listing (``services.listing_reprice``); its status after."""
    return listing_reprice(listing_id=listing_id)


@task()
def listings_follow() -> int:
    """Periodic job (``DROPYARD_PERIODIC_JOBS``, "stores-listings-follow"): mark listings out
    of date after catalog cost or availability changes, then enqueue a re-price of each
    out-of-date listing whose store re-prices on change; how many were enqueued."""
    listings_mark_out_of_date()
    ids = list(selectors_listing.listings_to_reprice().values_list("pk", flat=True))
    for listing_id in ids:
        store_listing_reprice.enqueue(listing_id=listing_id)
    return len(ids)


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


@task()
def store_inventory_sync_run(store_id: int) -> int:
    """Push the changed available quantities of one store's connected variants
    (``services.inventory.store_inventory_sync``); safe to run twice (a quantity is set)."""
    return store_inventory_sync(store_id=store_id)


@task()
def stores_inventory_sync_all() -> int:
    """Periodic job ("stores-inventory-sync"): enqueue the inventory sync of every authorized
    store with inventory sync on; how many were enqueued."""
    store_ids = list(selectors.stores_to_sync_inventory().values_list("pk", flat=True))
    for store_id in store_ids:
        store_inventory_sync_run.enqueue(store_id=store_id)
    return len(store_ids)
