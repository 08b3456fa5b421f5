"""Cancel the unshipped remainder of a partial shipment: release, cancel, sync. The refund of a
wallet-paid remainder is the checkout's (``checkout.cancellation.parcel_remainder_cancel``)."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.accounts.models import User
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.inventory import services as inventory_services
from dropyard.orders import planning
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, OrderType
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Order, Parcel

from ..exceptions import ParcelNotFound
from .state import PS, lock_parcels, parcel_transition


@dataclass
class RemainderCancel:
    """What ``parcel_remainder_cancel`` did."""

    parcel: Parcel
    order: Order
    units_released: int
    amount_minor: int  # the cancelled lines' value (unit price snapshot × quantity)
    # The wallet Refund, set by ``checkout.cancellation.parcel_remainder_cancel`` (None: not paid
    # from the wallet, or cancelled here without the checkout).
    refund: Any = None


@transaction.atomic
def parcel_remainder_cancel(
    *,
    order: Order,
    parcel: Parcel,
    actor: User | None,
    reason: str = "",
    actor_label: str = "",
) -> RemainderCancel:
    """Cancel the unshipped remainder of a partly shipped order ("Cancel the items not shipped").

    ``parcel`` must be a READY parcel of ``order`` (same merchant) while the order is UNSHIPPED
    and at least one other parcel of it has shipped; it must serve this order only (a merged
    order's shared parcel cannot be cancelled per order) and the order must not be a bulk
    purchase (its delivery receives every line into private stock). Otherwise
    ``ParcelRefused`` / ``ParcelNotFound`` and nothing changes; a remainder the warehouse has
    started picking is refused too. Once the order is wholly unshipped, cancel the order.

    Effects, in one transaction: the units still reserved under the parcel's reference are
    released (per the ledger), the parcel goes CANCELLED, a "remainder_cancelled" history row
    and an ORDER_CHANGED audit record, then the order is re-derived from its parcels
    (``order_sync_from_parcels``: SHIPPED, or DELIVERED when the shipped parcels are delivered).
    ``amount_minor`` is the cancelled lines' value (each line's unit price snapshot × the
    parcel's quantity). Nothing is refunded here: fulfillment does not know the wallet.
    ``checkout.cancellation.parcel_remainder_cancel`` runs this and then refunds a
    wallet-paid order in the same transaction; call that one for any order that may be paid
    from the wallet.
    """
    locked_order = (
        Order.objects.select_for_update(of=("self",), no_key=True)
        .select_related("merchant")
        .get(pk=order.pk)
    )
    (locked,) = lock_parcels([parcel])
    if (
        locked.merchant_id != locked_order.merchant_id
        or not locked.orders.filter(pk=locked_order.pk).exists()
    ):
        raise ParcelNotFound(_("parcel not found"))
    if locked_order.status != OrderStatus.UNSHIPPED:
        raise ParcelRefused(
            _(
                "order %(code)s is %(status)s: only an order waiting for the rest of its "
                "shipment has items to cancel"
            )
            % {"code": locked_order.code, "status": locked_order.get_status_display().lower()}
        )
    if locked.status != PS.READY:
        raise ParcelRefused(
            _(
                "parcel %(code)s is %(status)s: only a parcel still waiting in the warehouse "
                "queue can be cancelled"
            )
            % {"code": locked.code, "status": locked.get_status_display().lower()}
        )
    if locked.orders.count() > 1:
        raise ParcelRefused(
            _("parcel %(code)s is shared by merged orders: it cannot be cancelled per order")
            % {"code": locked.code}
        )
    if locked_order.order_type == OrderType.BULK:
        raise ParcelRefused(_("the remainder of a bulk purchase cannot be cancelled here"))
    shipped = (
        Parcel.objects.filter(orders=locked_order, status__in=planning.SHIPPED_STATUSES)
        .exclude(pk=locked.pk)
        .exists()
    )
    if not shipped:
        raise ParcelRefused(
            _("nothing of order %(code)s has shipped yet: cancel the order instead")
            % {"code": locked_order.code}
        )
    lines = list(locked.lines.select_related("order_line__variant").order_by("pk"))
    amount = sum(line.order_line.unit_price_minor * line.quantity for line in lines)
    released = inventory_services.reservations_release(
        references=[locked.reservation_reference],
        actor=actor,
        reason=f"remainder {locked.code} of order {locked_order.code} cancelled",
    )
    parcel_transition(
        parcel=locked,
        to=PS.CANCELLED,
        actor=actor,
        actor_label=actor_label,
        note="items not shipped cancelled" + (f": {reason.strip()}" if reason.strip() else ""),
    )
    items = ", ".join(f"{line.order_line.variant.sku} × {line.quantity}" for line in lines)
    order_services.order_note(
        locked_order,
        kind="remainder_cancelled",
        note=f"items not shipped cancelled (parcel {locked.code}: {items})"
        + (f": {reason.strip()}" if reason.strip() else ""),
        actor=actor,
        actor_label=actor_label,
    )
    audit_record(
        action=AuditAction.ORDER_CHANGED,
        actor=actor,
        actor_label=actor_label,
        merchant=locked_order.merchant,
        target=locked_order,
        details={
            "what": "remainder_cancelled",
            "parcel": locked.code,
            "units_released": released,
            "amount_minor": amount,
            "reason": reason.strip()[:300],
        },
    )
    order_services.order_sync_from_parcels(
        order=locked_order, actor=actor, actor_label=actor_label or "items not shipped cancelled"
    )
    locked_order.refresh_from_db()
    return RemainderCancel(
        parcel=locked, order=locked_order, units_released=released, amount_minor=amount
    )
