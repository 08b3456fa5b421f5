"""Inventory sync: the available stock of connected variants pushed to their stores, when the
store's "Push stock of connected variants to the store" setting is on.

Stock lives in ``inventory``, below stores, so a change is found by comparison, not by a
signal: each run reads what every connected variant can sell now (``available_by_variant``)
and pushes the ones that differ from what the store last accepted
(``ProductConnection.pushed_available``), a batch at a time. The periodic job
"stores-inventory-sync" runs it for every store with the setting on.
"""

import logging

from django.utils import timezone

from ..adapters import adapter_for
from ..adapters.base import AdapterError, AuthorizationLost, StoreAdapter
from ..choices import StoreStatus
from ..models import ProductConnection, Store
from ..selectors import available_by_variant
from .setup import store_reauthorize_needed

logger = logging.getLogger(__name__)

BATCH = 200  # pushes per store per run; the next run continues


def store_inventory_sync(*, store_id: int, adapter: StoreAdapter | None = None) -> int:
    """Push the available quantity of each connected variant of the store whose quantity
    changed since the store last accepted one (or was never pushed), at most ``BATCH``; how
    many were pushed.

    Only authorized stores with inventory sync on (else 0). The platform is called outside
    any transaction, one variant at a time; ``pushed_available`` moves only after the platform
    answered, so a failed or interrupted run pushes the same quantities again next time (a
    quantity is a "set", safe to repeat). A platform error stops the run and is kept in the
    store's ``last_error``; lost authorization marks the store as needing re-authorization.
    Sync bookkeeping, not audited (like the polling cursor).
    """
    store = Store.objects.select_related("merchant").get(pk=store_id)
    if store.status != StoreStatus.AUTHORIZED or not store.inventory_sync:
        return 0
    connections = list(
        ProductConnection.objects.filter(store=store)
        .select_related("store_variant")
        .order_by("pk")
        .only("pk", "variant_id", "pushed_available", "store_variant__platform_variant_id")
    )
    available = available_by_variant(
        merchant=store.merchant, variant_ids=sorted({c.variant_id for c in connections})
    )
    due = [c for c in connections if c.pushed_available != available[c.variant_id]][:BATCH]
    if not due:
        return 0
    adapter = adapter or adapter_for(store)
    pushed = 0
    for connection in due:
        quantity = available[connection.variant_id]
        try:
            adapter.price_inventory_update(
                platform_variant_id=connection.store_variant.platform_variant_id,
                price_minor=None,
                available=quantity,
            )
        except AdapterError as exc:
            logger.warning("inventory sync of store %s failed: %s", store.public_id, exc)
            Store.objects.filter(pk=store.pk).update(
                last_error=f"inventory sync failed: {exc}"[:2000], updated_at=timezone.now()
            )
            if isinstance(exc, AuthorizationLost):
                store_reauthorize_needed(store=store, reason=f"authorization lost: {exc}")
            return pushed
        ProductConnection.objects.filter(pk=connection.pk).update(
            pushed_available=quantity, available_pushed_at=timezone.now()
        )
        pushed += 1
    return pushed
