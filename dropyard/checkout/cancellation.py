"""Cancelling what was paid: an order before it ships, or the unshipped remainder of a partial
shipment, each with its wallet refund in the same transaction.

The cancel itself belongs to the app that owns the rows (``orders.services.order_cancel``,
``fulfillment.services.parcel_remainder_cancel``); neither knows the wallet, so the refund is
added here, above them, and every page or endpoint that cancels calls these two.
"""

from dataclasses import replace
from typing import Any

from django.db import transaction

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import User
from dropyard.fulfillment import services as fulfillment_services
from dropyard.fulfillment.services import RemainderCancel
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order, Parcel
from dropyard.wallet.models import Payment
from dropyard.wallet.refunds import refund_for_cancelled_order, refund_issue, refunded_minor


@transaction.atomic
def order_cancel(
    *, order: Order, actor: Actor = None, reason: str = "", actor_label: str = ""
) -> Order:
    """Cancel an order until the warehouse ships it (``orders.services.order_cancel``: its
    rules, refusals and effects) and, when it was paid (UNSHIPPED), refund it in full in the
    same transaction (``wallet.refunds.refund_for_cancelled_order``: key ``cancel:<public id>``,
    to the configured destination). A refusal changes nothing, the refund included."""
    # The status before the cancel decides the refund; the row lock (the one orders' cancel
    # takes first anyway) keeps it from changing in between.
    previous = (
        Order.objects.select_for_update(of=("self",))
        .values_list("status", flat=True)
        .get(pk=order.pk)
    )
    cancelled = order_services.order_cancel(
        order=order, actor=actor, reason=reason, actor_label=actor_label
    )
    if previous == OrderStatus.UNSHIPPED:
        refund_for_cancelled_order(order=cancelled, actor=actor, actor_label=actor_label)
    return cancelled


@transaction.atomic
def parcel_remainder_cancel(
    *,
    order: Order,
    parcel: Parcel,
    actor: User | None,
    reason: str = "",
    actor_label: str = "",
) -> RemainderCancel:
    """Cancel the unshipped remainder of a partly shipped order
    (``fulfillment.services.parcel_remainder_cancel``: its rules, refusals and effects) and
    refund it in the same transaction.

    When the order was paid from the wallet, ``wallet.refunds.refund_issue`` gives back the
    cancelled lines' value — each line's unit price snapshot × the parcel's quantity — capped at
    what is left of the payment (a wallet discount makes the payment smaller than the list
    price), key ``remainder:<parcel public id>``; the result carries it as ``refund``. Freight
    is not refunded: the order's postage was charged for the shipment that did leave. A
    sandbox-paid order has no wallet payment: nothing to refund.
    """
    result = fulfillment_services.parcel_remainder_cancel(
        order=order, parcel=parcel, actor=actor, reason=reason, actor_label=actor_label
    )
    refund = _refund_remainder(
        result.order, result.parcel, result.amount_minor, actor=actor, reason=reason
    )
    if refund is None:
        return result
    result.order.refresh_from_db()
    return replace(result, refund=refund)


def _refund_remainder(
    order: Order, parcel: Parcel, amount_minor: int, *, actor: User | None, reason: str
) -> Any:
    """The wallet refund for a cancelled remainder (None: not paid from the wallet, or nothing
    is left of the payment)."""
    payment = Payment.objects.filter(order_id=order.pk).first()
    if payment is None:
        return None
    amount = min(amount_minor, payment.net_minor - refunded_minor(payment))
    if amount <= 0:
        return None
    return refund_issue(
        merchant=order.merchant,
        order=order,
        amount_minor=amount,
        reason=(
            f"items not shipped cancelled (parcel {parcel.code})"
            + (f": {reason.strip()}" if reason.strip() else "")
        )[:300],
        actor=actor,
        idempotency_key=f"remainder:{parcel.public_id}",
    )
