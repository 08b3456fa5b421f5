"""Warehouse feedback: an order's status derived from its parcels (``status_from_parcels``,
pure) and applied by ``order_sync_from_parcels``, which the warehouse calls after a parcel
moves; a bulk purchase's goods enter the merchant's private stock when it is delivered."""

from collections.abc import Iterable

from django.db import transaction

from dropyard.accounts.actors import Actor
from dropyard.inventory import services as inventory_services
from dropyard.inventory.models import StockMovement

from ..choices import OrderSubStatus, OrderType, ParcelStatus
from ..models import Order, Parcel
from .lifecycle import S, _lock, _sync_instance, _user, order_transition
from .upcalls import _order_changed

_SHIPPED_OR_LATER = frozenset(
    {ParcelStatus.SHIPPED, ParcelStatus.DELIVERED, ParcelStatus.EXCEPTION, ParcelStatus.RETURNED}
)
_WORK_STARTED = frozenset({ParcelStatus.PICKING, ParcelStatus.PACKED}) | _SHIPPED_OR_LATER


def status_from_parcels(parcel_statuses: Iterable[str]) -> tuple[str, str] | None:
    """The (status, sub-status) an order's parcels imply; None without live parcels. Pure.

    Cancelled parcels are ignored. All DELIVERED → DELIVERED; all shipped or later
    (SHIPPED / DELIVERED / EXCEPTION / RETURNED) → SHIPPED; any work started (PICKING, PACKED,
    or some parcels shipped) → UNSHIPPED/PROCESSING; else UNSHIPPED/PENDING.
    """
    live = [s for s in parcel_statuses if s != ParcelStatus.CANCELLED]
    if not live:
        return None
    if all(s == ParcelStatus.DELIVERED for s in live):
        return (S.DELIVERED, OrderSubStatus.NONE)
    if all(s in _SHIPPED_OR_LATER for s in live):
        return (S.SHIPPED, OrderSubStatus.NONE)
    if any(s in _WORK_STARTED for s in live):
        return (S.UNSHIPPED, OrderSubStatus.PROCESSING)
    return (S.UNSHIPPED, OrderSubStatus.PENDING)


_RANK: dict[str, int] = {S.UNSHIPPED: 0, S.SHIPPED: 1, S.DELIVERED: 2}


@transaction.atomic
def order_sync_from_parcels(*, order: Order, actor: Actor = None, actor_label: str = "") -> Order:
    """Derive a paid order's status from its parcels (the warehouse calls this after a parcel
    moves): UNSHIPPED/PENDING → PROCESSING when work starts, → SHIPPED when every live parcel
    has shipped, → DELIVERED when every one is delivered (SHIPPED first if needed, so the
    history shows both steps). Only moves forward; orders before payment or CANCELLED are left
    alone. A bulk order reaching DELIVERED receives its lines into the merchant's private stock
    in its ``requested_warehouse`` (once: reference ``order:<public_id>:bulk``). Publishes the
    ORDER webhook when something changed. Returns the order (the caller's instance, updated).
    """
    locked = _lock(order)
    if locked.status not in _RANK:
        return _sync_instance(order, locked)
    derived = status_from_parcels(
        Parcel.objects.filter(orders=locked).values_list("status", flat=True)
    )
    if derived is None:
        return _sync_instance(order, locked)
    target, sub = derived
    changed = False
    if _RANK[target] > _RANK[locked.status]:
        if locked.status == S.UNSHIPPED:
            order_transition(
                locked,
                to=S.SHIPPED,
                actor=actor,
                actor_label=actor_label or "warehouse",
                note="parcels shipped",
            )
            changed = True
        if target == S.DELIVERED:
            order_transition(
                locked,
                to=S.DELIVERED,
                actor=actor,
                actor_label=actor_label or "carrier",
                note="parcels delivered",
            )
            changed = True
            if locked.order_type == OrderType.BULK and locked.requested_warehouse_id:
                _bulk_receive(locked, actor)
    elif (
        target == S.UNSHIPPED
        and locked.status == S.UNSHIPPED
        and sub == OrderSubStatus.PROCESSING
        and locked.sub_status == OrderSubStatus.PENDING
    ):
        order_transition(
            locked,
            to=S.UNSHIPPED,
            sub_status=sub,
            actor=actor,
            actor_label=actor_label or "warehouse",
            note="warehouse started work",
        )
        changed = True
    if changed:
        _order_changed(locked)
    return _sync_instance(order, locked)


def _bulk_receive(order: Order, actor: Actor) -> None:
    reference = f"order:{order.public_id}:bulk"
    if StockMovement.objects.filter(reference=reference).exists():
        return
    warehouse = order.requested_warehouse
    if warehouse is None:  # the caller receives only into a requested warehouse
        return
    for line in order.lines.select_related("variant"):
        inventory_services.stock_receive(
            variant=line.variant,
            warehouse=warehouse,
            quantity=line.quantity,
            actor=_user(actor),
            reason=f"bulk purchase {order.code} arrived",
            merchant=order.merchant,
            reference=reference,
        )
