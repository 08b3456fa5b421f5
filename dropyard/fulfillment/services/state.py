"""The helpers every warehouse step shares: lock the rows, check and make a move (the door and
its table live in ``orders.parcel_transitions``, re-exported here), re-derive the parcels'
orders."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

from ..exceptions import OrderOnHold, ParcelNotFound

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
    "refuse_held",
    "sync_orders",
]

PS = ParcelStatus
# Parcels in the warehouse's hands (the work queue).
OPEN_STATUSES = (PS.READY, PS.PICKING, PS.PACKED)
# ``refuse_held``'s step names, as its message says them.
_STEPS = {
    "picking": gettext_lazy("picking"),
    "packing": gettext_lazy("packing"),
    "shipping": gettext_lazy("shipping"),
}


def lock_parcels(parcels: Iterable[Parcel]) -> list[Parcel]:
    """The parcels' rows locked and re-read, in primary-key order (no deadlock between batches)."""
    pks = sorted({parcel.pk for parcel in parcels})
    locked = list(
        Parcel.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise ParcelNotFound(_("a parcel no longer exists"))
    return locked


def refuse_held(parcels: Iterable[Parcel], *, before: str) -> None:
    """Refuse (``OrderOnHold``, nothing changed) when an order of ``parcels`` is on hold.

    The one check every warehouse step makes (picking, packing, shipping; ``before`` names the
    step in the message). The orders' rows are locked (the lock ``order_hold`` takes), so a
    hold committed while the step waited is seen, and one that comes later waits for the step
    to commit. Call it with the parcels already locked.
    """
    held = list(
        Order.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=Order.objects.filter(parcels__in=[p.pk for p in parcels]).values("pk"))
        .order_by("pk")
        .values_list("code", "on_hold", "hold_reason")
    )
    holds = [{"code": code, "reason": reason} for code, on_hold, reason in held if on_hold]
    if holds:
        which = "; ".join(_("order %(code)s is on hold (%(reason)s)") % h for h in holds)
        raise OrderOnHold(
            _("%(holds)s: release it before %(step)s")
            % {"holds": which, "step": _STEPS.get(before, before)},
            extra={"holds": holds},
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
        raise ParcelRefused(_("parcel %(code)s belongs to no order") % {"code": parcel.code})
    return order
