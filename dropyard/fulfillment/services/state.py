"""The helpers every warehouse step shares: lock the rows, check and make a move (the door and
its table live in ``orders.parcel_transitions``, re-exported here), re-derive the parcels'
orders."""

from collections.abc import Iterable

from dropyard.accounts.models import User
from dropyard.logistics.models import ShippingLine
from dropyard.orders import services as order_services
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Order, Parcel
from dropyard.orders.parcel_transitions import (
    PARCEL_TRANSITIONS,
    check_move,
    parcel_transition,
    parcels_transition,
)

from ..exceptions import ParcelNotFound

__all__ = [
    "OPEN_STATUSES",
    "PARCEL_TRANSITIONS",
    "PS",
    "check_move",
    "lock_parcels",
    "parcel_line",
    "parcel_order",
    "parcel_transition",
    "parcels_transition",
    "sync_orders",
]

PS = ParcelStatus
# Parcels in the warehouse's hands (the work queue).
OPEN_STATUSES = (PS.READY, PS.PICKING, PS.PACKED)


def lock_parcels(parcels: Iterable[Parcel]) -> list[Parcel]:
    """The parcels' rows locked and re-read, in primary-key order (no deadlock between batches)."""
    pks = sorted({parcel.pk for parcel in parcels})
    locked = list(
        Parcel.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise ParcelNotFound("a parcel no longer exists")
    return locked


def sync_orders(parcels: Iterable[Parcel], *, actor: User | None, actor_label: str = "") -> None:
    """Re-derive the status of every order of ``parcels`` (once each, by primary key)."""
    orders = Order.objects.filter(parcels__in=[p.pk for p in parcels]).distinct().order_by("pk")
    for order in orders:
        order_services.order_sync_from_parcels(order=order, actor=actor, actor_label=actor_label)


def parcel_line(parcel: Parcel) -> ShippingLine | None:
    """The parcel's shipping line, or None (no query when it has none)."""
    return parcel.line if parcel.line_id else None


def parcel_order(parcel: Parcel) -> Order:
    """The order whose address the parcel goes to (merged orders share one address)."""
    order = parcel.orders.order_by("pk").first()
    if order is None:
        raise ParcelRefused(f"parcel {parcel.code} belongs to no order")
    return order
