"""Store order intake, exactly once: ``store_order_ingest`` (webhook, poll or API),
``store_orders_release`` (held orders whose lines are now all connected) and
``webhook_receipt_seen`` (delivery dedupe).

Exactly-once rests on the ``StoreOrder`` row: one per ``(store, platform_order_id)`` (unique
constraint), created or locked first, and the Dropyard order is created only while holding that
lock and only when the row has none yet.
"""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor, User
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.errors import DomainError
from dropyard.core.money import Money
from dropyard.orders.address import ADDRESS_FIELDS
from dropyard.orders.choices import OrderSource, OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.services import order_cancel, order_create, order_update_address
from dropyard.orders.services.upcalls import order_message_publish

from ..adapters.base import PlatformOrder
from ..choices import RULE_HOLD_PREFIX, ReceivedVia, StoreOrderStatus, StoreStatus
from ..exceptions import StoreDisconnected, StoreInvalid, StoreNotFound
from ..models import (
    ProductConnection,
    Store,
    StoreOrder,
    StoreShippingDefault,
    StoreWebhookReceipt,
)
from .autopay import autopay_on_commit

_PRE_PAYMENT = frozenset({OrderStatus.CREATED, OrderStatus.IN_CART, OrderStatus.UNPAID})


def _digest(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _label(store: Store) -> str:
    return f"store {store.name}"[:254]


def _lock_or_create(
    store: Store, order: PlatformOrder, via: str, data: dict[str, Any]
) -> tuple[StoreOrder, bool]:
    """The store order row, locked; created (not yet decided) when first seen.

    On PostgreSQL a concurrent insert of the same order blocks on the unique index until the
    other transaction ends, then fails here: the row is then read under lock instead.
    """
    rows = StoreOrder.objects.select_for_update(of=("self",), no_key=True)
    found = rows.filter(store=store, platform_order_id=order.platform_order_id).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return (
                StoreOrder.objects.create(
                    store=store,
                    platform_order_id=order.platform_order_id,
                    platform_order_name=order.name[:100],
                    currency=order.currency,
                    payload=dict(order.raw),
                    order_data=data,
                    payload_digest=_digest(data),
                    received_via=via,
                    status=StoreOrderStatus.HELD,
                ),
                True,
            )
    except IntegrityError:
        return rows.get(store=store, platform_order_id=order.platform_order_id), False


def _unconnected(store: Store, order: PlatformOrder) -> tuple[dict[str, str], list[str]]:
    """Dropyard variant public id per connected platform variant id, and the unconnected lines."""
    wanted = {line.platform_variant_id for line in order.lines}
    connected = dict(
        ProductConnection.objects.filter(
            store=store, store_variant__platform_variant_id__in=wanted
        ).values_list("store_variant__platform_variant_id", "variant__public_id")
    )
    missing = [
        f"{line.sku or line.title} ({line.platform_variant_id})"
        for line in order.lines
        if line.platform_variant_id not in connected
    ]
    return connected, missing


def _import(store: Store, row: StoreOrder, order: PlatformOrder) -> None:
    """Create the Dropyard order for ``row`` (locked, without one) or hold it with why not."""
    connected, missing = _unconnected(store, order)
    lines = [line for line in order.lines if line.quantity > 0]
    if missing:
        _hold(row, "not connected: " + ", ".join(missing))
        return
    if not lines:
        _hold(row, "the order has no lines to ship")
        return
    address = {k: v for k, v in vars(order.address).items() if v}
    line_default = (
        StoreShippingDefault.objects.filter(
            store=store, dest_country=order.address.shipping_country_code.upper()
        )
        .select_related("line")
        .first()
    )
    if line_default is not None:  # else the merchant's default lines and routing decide
        address["requested_logistic_name"] = line_default.line.name
    try:
        # English whoever clicked: a refusal becomes the stored hold reason.
        with translation.override("en"):
            created = order_create(
                merchant=store.merchant,
                actor=None,
                order_number=f"{store.order_prefix}{order.name or order.platform_order_id}"[:50],
                lines=[
                    {
                        "vid": connected[line.platform_variant_id],
                        "quantity": line.quantity,
                        "store_line_item_id": line.platform_line_id,
                    }
                    for line in lines
                ],
                source=OrderSource.STORE,
                platform=store.platform,
                store_name=store.name,
                store_order_id=order.platform_order_id,
                store_created_at=order.created_at,
                shop_amount_minor=order.total_minor,
                **address,
            )
    except DomainError as exc:
        # The order service refused (invalid address, off-sale variant, number taken): the
        # merchant fixes it and the order is released again.
        _hold(row, f"refused: {exc.message}")
        return
    row.order = created
    row.status, row.hold_reason = StoreOrderStatus.IMPORTED, ""


def _hold(row: StoreOrder, reason: str) -> None:
    row.status, row.hold_reason = StoreOrderStatus.HELD, reason


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    what = []
    if after["cancelled"] and not before.get("cancelled"):
        what.append("cancelled on the store")
    if after["lines"] != before.get("lines"):
        what.append("lines changed")
    if after["address"] != before.get("address"):
        what.append("address changed")
    return what


def _follow_imported(store: Store, row: StoreOrder, order: PlatformOrder, before: dict) -> None:
    """Apply store-side changes to an imported order: before payment a cancellation cancels it
    and an address change updates it; anything else (or anything after payment) is flagged."""
    assert row.order_id is not None  # the caller checked
    dropyard_order = Order.objects.get(pk=row.order_id)
    what = _changes(before, row.order_data)
    if not what or dropyard_order.status == OrderStatus.CANCELLED:
        if order.cancelled:
            row.status = StoreOrderStatus.CANCELLED
        return
    if dropyard_order.status not in _PRE_PAYMENT:
        row.flagged = f"after payment: {', '.join(what)}"[:2000]
        return
    if order.cancelled:
        order_cancel(
            order=dropyard_order,
            reason="cancelled on the store",
            actor_label=_label(store),
        )
        row.status = StoreOrderStatus.CANCELLED
        return
    unhandled = [w for w in what if w != "address changed"]
    if "address changed" in what:
        address = {k: v for k, v in vars(order.address).items() if k in ADDRESS_FIELDS}
        try:
            with translation.override("en"):  # a refusal is stored in ``flagged``
                order_update_address(order=dropyard_order, **address)
        except DomainError as exc:
            unhandled.append(f"new address refused ({exc.message})")
    if unhandled:
        row.flagged = f"before payment: {', '.join(unhandled)}"[:2000]


def _decide(store: Store, row: StoreOrder, order: PlatformOrder) -> None:
    """The status of a not yet imported row from the order as seen now."""
    if order.cancelled:
        row.status, row.hold_reason = StoreOrderStatus.CANCELLED, ""
    elif not store.order_sync:
        row.status, row.hold_reason = StoreOrderStatus.IGNORED, "order sync is off"
    elif store.paid_orders_only and not order.paid:
        row.status, row.hold_reason = StoreOrderStatus.IGNORED, "not paid yet"
    elif rule := _hold_rule(store, order):
        _hold(row, rule)
    else:
        _import(store, row, order)


def _hold_rule(store: Store, order: PlatformOrder) -> str:
    """Why a store rule holds this order for the merchant's review ('' when none does)."""
    if store.hold_for_review:
        return RULE_HOLD_PREFIX + "every new order waits for your review"
    total = order.total_minor or 0
    if store.hold_above_minor and total > store.hold_above_minor:
        shown = Money(total, order.currency).wire()
        limit = Money(store.hold_above_minor, order.currency).wire()
        return RULE_HOLD_PREFIX + f"total {shown} {order.currency} above {limit}"
    return ""


@transaction.atomic
def store_order_import_now(
    *, store_order: StoreOrder, merchant: MerchantAccount, actor: Actor
) -> StoreOrder:
    """Import a store order a hold rule held (the merchant reviewed it): the rule is skipped,
    nothing else is — unconnected lines or a refusal by the order service still hold it.

    Refused (``StoreInvalid``) for an order that is not held by a rule, and for another
    merchant's order (``StoreNotFound``). Audited STORE_ORDER_RECORDED (via "review").
    """
    row = (
        StoreOrder.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=store_order.pk, store__merchant=merchant)
        .first()
    )
    if row is None:
        raise StoreNotFound(_("store order %(id)s not found") % {"id": store_order.pk})
    if row.status != StoreOrderStatus.HELD or not row.hold_reason.startswith(RULE_HOLD_PREFIX):
        raise StoreInvalid(_("only an order held by the store's rule can be imported this way"))
    store = Store.objects.select_related("merchant").get(pk=row.store_id)
    if store.status == StoreStatus.DISCONNECTED:
        raise StoreDisconnected(_("store %(name)s is disconnected") % {"name": store.name})
    _import(store, row, PlatformOrder.from_data(row.order_data))
    row.save()
    audit_record(
        action=AuditAction.STORE_ORDER_RECORDED,
        actor=actor if isinstance(actor, User) else None,
        merchant=merchant,
        target=row,
        details={
            "store": store.public_id,
            "platform_order_id": row.platform_order_id,
            "status": row.status,
            "via": "review",
            "hold_reason": row.hold_reason[:300],
            "order": row.order.code if row.order is not None else "",
        },
    )
    autopay_on_commit(row, store)
    return row


@transaction.atomic
def store_order_ingest(*, store: Store, order: PlatformOrder, via: str) -> StoreOrder:
    """Record a store order as seen now and act on it, exactly once per platform order.

    First sight, or a not yet imported order seen again: imported as a Dropyard order (source
    "store", store fields filled, lines carrying the platform line ids) when every line's
    variant is connected; else HELD with the unconnected SKUs; IGNORED while unpaid under
    ``paid_orders_only`` or with order sync off; CANCELLED if cancelled on the store.
    An imported order seen again with changes: before payment, a store cancellation cancels
    the Dropyard order (``orders.order_cancel``) and an address change updates it; after
    payment (or for line changes) ``flagged`` says what changed and the order is left alone.
    A replay with the same content changes nothing. Concurrent ingests of one order serialise
    on its row: one ``StoreOrder`` and at most one Dropyard order. A disconnected store is
    refused (``StoreDisconnected``). Audited STORE_ORDER_RECORDED when the status or flag
    changes. An order imported now is paid automatically after the commit if the store says
    so (``autopay``).
    """
    if via not in ReceivedVia.values:
        raise ValueError(f"unknown intake channel {via!r}")
    store = Store.objects.select_related("merchant").get(pk=store.pk)
    if store.status == StoreStatus.DISCONNECTED:
        raise StoreDisconnected(_("store %(name)s is disconnected") % {"name": store.name})
    data = order.to_data()
    row, created = _lock_or_create(store, order, via, data)
    before = {"status": row.status, "flagged": row.flagged, "hold": row.hold_reason}
    previous = row.order_data
    if not created:
        if row.payload_digest == _digest(data) and row.status != StoreOrderStatus.IGNORED:
            return row  # a replay: same content, already decided
        row.order_data, row.payload_digest = data, _digest(data)
        row.payload = dict(order.raw)
        row.platform_order_name = order.name[:100]
    if row.order_id is not None:
        _follow_imported(store, row, order, previous)
    elif created or row.status in (StoreOrderStatus.HELD, StoreOrderStatus.IGNORED):
        _decide(store, row, order)
    row.save()
    after = {"status": row.status, "flagged": row.flagged, "hold": row.hold_reason}
    if created or after != before:
        _audit(store, row, via)
    if before["status"] != StoreOrderStatus.IMPORTED:
        autopay_on_commit(row, store)
    return row


def _audit(store: Store, row: StoreOrder, via: str) -> None:
    audit_record(
        action=AuditAction.STORE_ORDER_RECORDED,
        actor_label=_label(store),
        merchant=store.merchant,
        target=row,
        details={
            "store": store.public_id,
            "platform_order_id": row.platform_order_id,
            "status": row.status,
            "via": via,
            "hold_reason": row.hold_reason[:300],
            "flagged": row.flagged[:300],
            "order": row.order.code if row.order is not None else "",
        },
    )


@transaction.atomic
def store_orders_release(*, store: Store) -> list[StoreOrder]:
    """Import every HELD order of ``store`` that can now be imported (all lines connected):
    each is re-decided under its row lock, so a release racing an ingest imports once.
    Each imported one publishes an ORDER_CONNNECTED webhook message and, if the store says so,
    is paid automatically after the commit. Returns the orders imported now."""
    store = Store.objects.select_related("merchant").get(pk=store.pk)
    if store.status == StoreStatus.DISCONNECTED:
        return []
    released = []
    held = StoreOrder.objects.select_for_update(of=("self",), no_key=True).filter(
        store=store, status=StoreOrderStatus.HELD, order__isnull=True
    )
    for row in held.order_by("pk"):
        reason = row.hold_reason
        _decide(store, row, PlatformOrder.from_data(row.order_data))
        if row.status == StoreOrderStatus.HELD and row.hold_reason != reason:
            row.save(update_fields=["hold_reason", "updated_at"])  # fewer lines missing now
        elif row.status != StoreOrderStatus.HELD:
            row.save()
            _audit(store, row, row.received_via)
            if row.status == StoreOrderStatus.IMPORTED:
                released.append(row)
                _connected_message(row)
                autopay_on_commit(row, store)
    return released


def _connected_message(row: StoreOrder) -> None:
    """The ORDER webhook message with messageType ORDER_CONNNECTED (contract §4, CJ's
    spelling): a held store order became a Dropyard order once its variants were connected."""
    assert row.order is not None  # just imported
    order_message_publish(row.order, message_type="ORDER_CONNNECTED")


@transaction.atomic
def webhook_receipt_seen(*, store: Store, delivery_id: str, topic: str = "") -> bool:
    """Record a webhook delivery; True if it was already recorded (a redelivery to drop).
    Race-safe: the unique ``(store, delivery_id)`` decides."""
    if not delivery_id:
        raise ValueError("a webhook delivery needs its id")
    try:
        with transaction.atomic():
            StoreWebhookReceipt.objects.create(
                store=store, delivery_id=delivery_id[:200], topic=topic[:100]
            )
    except IntegrityError:
        return True
    return False
