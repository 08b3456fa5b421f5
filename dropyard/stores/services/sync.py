"""Order sync from the platforms: webhooks first (``store_webhook_receive``), polling as the
safety net (``store_poll``). Both end in ``store_order_ingest``, which is exactly-once per
platform order, so a webhook, its replay and a poll of the same order make one Dropyard order.
"""

import logging

from django.db import transaction
from django.utils import timezone

from ..adapters import adapter_for
from ..adapters.base import AdapterError, AuthorizationLost, StoreAdapter, WebhookEvent
from ..choices import ReceivedVia, StoreStatus
from ..models import Store
from .intake import store_order_ingest, webhook_receipt_seen
from .setup import store_reauthorize_needed
from .shopify import store_event_record

logger = logging.getLogger(__name__)

MAX_POLL_PAGES = 20  # per run; the next run resumes from the stored cursor


@transaction.atomic
def store_webhook_receive(*, store: Store, event: WebhookEvent) -> str:
    """Record a verified webhook delivery and ingest the order it carries, in one transaction:
    ``"duplicate"`` for a delivery id seen before (nothing else happens), ``"ingested"`` for an
    order event, ``"uninstalled"``/``"privacy"`` for the store-level events
    (``shopify.store_event_record``), ``"ignored"`` for another topic. If the ingest fails the
    receipt is rolled back too, so the platform's redelivery is processed (and the poll finds
    it anyway).
    Audited by ``store_order_ingest`` (STORE_ORDER_RECORDED)."""
    if webhook_receipt_seen(store=store, delivery_id=event.delivery_id, topic=event.topic):
        return "duplicate"
    if event.order is None:
        return store_event_record(store=store, event=event)
    store_order_ingest(store=store, order=event.order, via=ReceivedVia.WEBHOOK)
    return "ingested"


@transaction.atomic
def _poll_record(store: Store, *, cursor: str | None, error: str = "") -> None:
    locked = Store.objects.select_for_update().get(pk=store.pk)
    fields = ["last_error", "updated_at"]
    locked.last_error = error[:2000]
    if cursor is not None:
        locked.poll_cursor, locked.last_synced_at = cursor, timezone.now()
        fields += ["poll_cursor", "last_synced_at"]
    locked.save(update_fields=fields)


def store_poll(*, store_id: int, adapter: StoreAdapter | None = None) -> int:
    """Ingest (via "poll") every order the platform changed since the store's cursor, page by
    page, storing the cursor after each page; returns how many orders were ingested.

    Only authorized stores with order sync on are polled (else 0). The platform is called
    outside any transaction; each order is ingested in its own (``store_order_ingest``), so an
    order already received by webhook, or a poll run twice, changes nothing. A platform error
    stops the run and is kept in ``last_error`` (the cursor stays: the next run retries); lost
    authorization also marks the store as needing re-authorization. The
    cursor and sync time are sync bookkeeping, not audited; each order is.
    """
    store = Store.objects.get(pk=store_id)
    if store.status != StoreStatus.AUTHORIZED or not store.order_sync:
        return 0
    adapter = adapter or adapter_for(store)
    cursor, ingested = store.poll_cursor, 0
    for _page in range(MAX_POLL_PAGES):
        try:
            page = adapter.orders_since(cursor)
        except AdapterError as exc:
            logger.warning("polling store %s failed: %s", store.public_id, exc)
            _poll_record(store, cursor=None, error=f"polling failed: {exc}")
            if isinstance(exc, AuthorizationLost):
                store_reauthorize_needed(store=store, reason=f"authorization lost: {exc}")
            return ingested
        for order in page.items:
            store_order_ingest(store=store, order=order, via=ReceivedVia.POLL)
            ingested += 1
        _poll_record(store, cursor=page.next_cursor or cursor)
        if not page.items or not page.next_cursor or page.next_cursor == cursor:
            break
        cursor = page.next_cursor
    return ingested
