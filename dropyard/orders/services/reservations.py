"""Stock reservations of an order's parcels.

Invariant: an order's parcel lines are reserved (``inventory.stock_reserve``) exactly while the
order is UNPAID or UNSHIPPED, under the parcel's ``reservation_reference``
(``order:<public_id>:<parcel code>``, or ``merge:<public_id>:<parcel code>`` for a merge);
``_release`` gives back what the ledger (``inventory.selectors.open_reservations``) says is
still open under those references; shipment (warehouse side) consumes it with ``stock_ship``.
"""

from dropyard.accounts.actors import Actor
from dropyard.catalog.models import Variant
from dropyard.inventory import services as inventory_services
from dropyard.inventory.selectors import open_reservations

from .. import planning
from ..choices import ParcelStatus
from ..models import Order, Parcel
from .lifecycle import _user


def _reservation_reference(order: Order, parcel: Parcel) -> str:
    return f"order:{order.public_id}:{parcel.code}"


def _reserve(order: Order, actor: Actor, *, prefix: str = "") -> None:
    """Reserve every PLANNED parcel's lines (one movement per variant per parcel), private
    stock for private parcels, under ``<prefix>:<parcel code>`` (default prefix
    ``order:<public_id>``; merges use ``merge:<public_id>``). A parcel whose reference already
    holds an open reservation (a merged parcel reserved with a sibling order) is skipped.
    Raises ``InsufficientStock`` (1603102); the caller's transaction rolls back."""
    parcels = planning.parcels_of(order, statuses=[ParcelStatus.PLANNED])
    already = {ref for _stock, ref in open_reservations(p.reservation_reference for p in parcels)}
    for parcel in parcels:
        if parcel.reservation_reference in already:
            continue
        reference = parcel.reservation_reference or (
            f"{prefix}:{parcel.code}" if prefix else _reservation_reference(order, parcel)
        )
        wanted: dict[int, tuple[Variant, int]] = {}
        for pline in parcel.lines.all():
            variant = pline.order_line.variant
            _v, qty = wanted.get(variant.pk, (variant, 0))
            wanted[variant.pk] = (variant, qty + pline.quantity)
        for variant, quantity in wanted.values():
            inventory_services.stock_reserve(
                variant=variant,
                warehouse=parcel.warehouse,
                quantity=quantity,
                reference=reference,
                actor=_user(actor),
                merchant=order.merchant if parcel.uses_private_stock else None,
                reason=f"order {order.code}",
            )
        planning.parcels_set_reservation(parcel=parcel, reference=reference)


def _order_references(order: Order) -> list[str]:
    return list(
        Parcel.objects.filter(orders=order)
        .exclude(reservation_reference="")
        .values_list("reservation_reference", flat=True)
    )


def _release(order: Order, actor: Actor, reason: str) -> int:
    """Release every unit still reserved for the order's parcels (per the ledger); the number
    of units released."""
    return inventory_services.reservations_release(
        references=_order_references(order), actor=_user(actor), reason=reason
    )
