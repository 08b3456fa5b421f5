"""Ship a sandbox order at once (the sandbox API's and the demo's shortcut)."""

from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.accounts.models import User
from dropyard.logistics import carriers as carrier_adapters
from dropyard.logistics.models import Carrier
from dropyard.orders.choices import OrderStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Order, Parcel

from .packing import parcel_computed_weight_g, parcel_pack
from .picking import parcel_start_picking
from .shipping import ship_locked
from .state import OPEN_STATUSES, PS, check_move, lock_parcels, parcel_line


@transaction.atomic
def sandbox_ship(*, order: Order, tracking_number: str = "", actor: User | None = None) -> Order:
    """Pick, pack and ship every open parcel of a sandbox order (``updateStatus`` 500,
    ``updateTrackNumber``).

    Each parcel is packed at its computed weight and shipped in full with ``tracking_number``
    (always under the Sandbox carrier) or, when empty, a number from the line's carrier adapter
    (the Sandbox carrier when it has none). Refused
    for a non-sandbox order, an order that is not UNSHIPPED, or one without open parcels.
    """
    if not order.in_sandbox:
        raise ParcelRefused(_("order %(code)s is not a sandbox order") % {"code": order.code})
    if order.status != OrderStatus.UNSHIPPED:
        raise ParcelRefused(
            _("order %(code)s is %(status)s, not awaiting shipment")
            % {"code": order.code, "status": order.status}
        )
    parcels = list(order.parcels.filter(status__in=OPEN_STATUSES).order_by("pk"))
    if not parcels:
        raise ParcelRefused(
            _("order %(code)s has no parcel waiting in a warehouse") % {"code": order.code}
        )
    label = "sandbox"
    ready = [p for p in parcels if p.status == PS.READY]
    if ready:
        parcel_start_picking(parcels=ready, actor=actor)
    for parcel in parcels:
        parcel.refresh_from_db()
        if parcel.status == PS.PICKING:
            parcel_pack(
                parcel=parcel,
                measured_weight_g=max(parcel_computed_weight_g(parcel), 1),
                actor=actor,
                confirm_weight=True,
            )
        (locked,) = lock_parcels([parcel])
        check_move(locked, PS.SHIPPED)
        ship_locked(
            locked,
            carrier=_sandbox_carrier(locked, typed=bool(tracking_number.strip())),
            tracking_number=tracking_number,
            shipped_quantities=None,
            actor=actor,
            actor_label=label,
        )
    order.refresh_from_db()
    return order


def _sandbox_carrier(parcel: Parcel, *, typed: bool) -> Carrier:
    """The Sandbox carrier for a typed number; else the line's carrier when it issues numbers,
    else the Sandbox one.

    A typed number (``updateTrackNumber``) is registered under the Sandbox carrier only, so a
    merchant cannot claim a real carrier's number (tracking numbers are unique per carrier).
    The sandbox simulates the warehouse, so the carrier need not serve the warehouse.
    """
    line = parcel_line(parcel)
    if not typed and line is not None and carrier_adapters.adapter_for(line.carrier):
        return line.carrier
    sandbox = Carrier.objects.filter(code__iexact=carrier_adapters.SANDBOX_CODE).first()
    if sandbox is None:
        raise ParcelRefused(_("no Sandbox carrier is configured"))
    return sandbox
