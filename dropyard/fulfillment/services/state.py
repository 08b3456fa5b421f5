"""The parcel state machine's table and the helpers every warehouse step shares: lock the
rows, check a move, re-derive the parcels' orders."""

from collections.abc import Iterable

from dropyard.accounts.models import User
from dropyard.logistics.models import ShippingLine
from dropyard.orders import services as order_services
from dropyard.orders.models import Order

from ..choices import ParcelStatus
from ..exceptions import ParcelNotFound, ParcelRefused
from ..models import Parcel

PS = ParcelStatus
# The warehouse steps and the carrier's outcomes. CANCELLED is reached only through the orders
# app's cancellation (before SHIPPED); PLANNED → READY belongs to ``planning``.
PARCEL_TRANSITIONS: dict[str, frozenset[str]] = {
    PS.PLANNED: frozenset({PS.READY, PS.CANCELLED}),
    PS.READY: frozenset({PS.PICKING, PS.CANCELLED}),
    PS.PICKING: frozenset({PS.PACKED, PS.CANCELLED}),
    PS.PACKED: frozenset({PS.SHIPPED, PS.CANCELLED}),
    PS.SHIPPED: frozenset({PS.DELIVERED, PS.EXCEPTION, PS.RETURNED}),
    PS.EXCEPTION: frozenset({PS.SHIPPED, PS.DELIVERED, PS.RETURNED}),
    PS.DELIVERED: frozenset({PS.RETURNED}),
    PS.RETURNED: frozenset(),
    PS.CANCELLED: frozenset(),
}
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


def check_move(parcel: Parcel, to: str) -> None:
    if to not in PARCEL_TRANSITIONS.get(parcel.status, frozenset()):
        raise ParcelRefused(
            f"parcel {parcel.code} is {parcel.get_status_display().lower()} and cannot go to "
            f"{PS(to).label.lower()}"
        )


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
