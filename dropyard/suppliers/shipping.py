"""The supplier-shipped queue: the parcels routed to a supplier's own warehouses, and the
supplier packing and shipping them through the warehouse's own door.

Scoping: every read and write goes through ``supplier_parcels`` / ``supplier_parcel_get``, which
only see parcels whose warehouse belongs to the supplier (``Warehouse.supplier``, kind SUPPLIER);
another supplier's parcel, or a platform warehouse's, is "not found" (404).

Packing and shipping are the fulfillment services (``parcel_start_picking`` + ``parcel_pack``,
``parcel_ship``): the same locks, status table, stock consumption, tracking registration, order
sync and LOGISTIC messages as the platform's warehouses. What this module adds is the money:
``supplier_parcel_ship`` calls ``wallet.supplier_ledger.supplier_earning_post`` in the SAME
database transaction as the shipment, so a parcel is shipped and its supplier credited together
or not at all. (Fulfillment and wallet are sibling layers and cannot call each other; this app
sits above both, so the workflow that needs both lives here — no signal, per the house style.)
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from dropyard.accounts.models import Supplier, User
from dropyard.core.errors import NotFound
from dropyard.fulfillment import services as fulfillment_services
from dropyard.inventory.choices import WarehouseKind
from dropyard.logistics.models import Carrier
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.models import Order, Parcel, ParcelLine
from dropyard.wallet import supplier_ledger
from dropyard.wallet.choices import LedgerKind, ReferenceType
from dropyard.wallet.models import LedgerTransaction

PS = ParcelStatus

# The queue's tabs: status groups of the supplier's parcels, in the order of the work.
QUEUE_TABS: dict[str, tuple[str, ...]] = {
    "to_pack": (PS.READY, PS.PICKING),
    "to_ship": (PS.PACKED,),
    "shipped": (PS.SHIPPED, PS.DELIVERED, PS.EXCEPTION, PS.RETURNED),
}


def supplier_parcels(*, supplier: Supplier, tab: str = "") -> QuerySet[Parcel]:
    """The parcels of the supplier's warehouses (one tab's statuses when ``tab`` is a key of
    ``QUEUE_TABS``, else every tab's), oldest ready first for open work and newest shipped
    first for the shipped tab, with their lines, variants, images and orders prefetched."""
    statuses = QUEUE_TABS.get(tab) or tuple(s for group in QUEUE_TABS.values() for s in group)
    rows = (
        Parcel.objects.filter(
            warehouse__supplier=supplier,
            warehouse__kind=WarehouseKind.SUPPLIER,
            status__in=statuses,
        )
        .select_related("warehouse", "carrier", "line__carrier")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ParcelLine.objects.select_related(
                    "order_line__variant__product", "order_line__variant__image"
                )
                .prefetch_related("order_line__variant__product__images")
                .order_by("pk"),
            ),
            Prefetch("orders", queryset=Order.objects.order_by("pk")),
        )
    )
    if tab == "shipped":
        return rows.order_by("-shipped_at", "-pk")
    return rows.order_by("ready_at", "pk")


def supplier_parcel_counts(*, supplier: Supplier) -> dict[str, int]:
    """How many parcels each tab holds (the tab badges)."""
    return {
        tab: Parcel.objects.filter(
            warehouse__supplier=supplier,
            warehouse__kind=WarehouseKind.SUPPLIER,
            status__in=statuses,
        ).count()
        for tab, statuses in QUEUE_TABS.items()
    }


def supplier_parcel_get(*, supplier: Supplier, public_id: str) -> Parcel:
    """One of the supplier's parcels; ``NotFound`` (404) for anyone else's."""
    parcel = supplier_parcels(supplier=supplier).filter(public_id=str(public_id)[:32]).first()
    if parcel is None:
        raise NotFound(_("No such parcel in your warehouses."))
    return parcel


@transaction.atomic
def supplier_parcel_pack(
    *,
    supplier: Supplier,
    parcel: Parcel,
    actor: User,
    measured_weight_g: int,
    confirm_weight: bool = False,
) -> Parcel:
    """Pack one of the supplier's parcels: READY → PICKING (the supplier picks its own shelf)
    → PACKED at the measured weight, through ``fulfillment.services`` (their refusals: holds,
    an implausible weight, a required photo). ``NotFound`` for another supplier's parcel."""
    parcel = supplier_parcel_get(supplier=supplier, public_id=parcel.public_id)
    if parcel.status == PS.READY:
        fulfillment_services.parcel_start_picking(parcels=[parcel], actor=actor)
        parcel.refresh_from_db()
    return fulfillment_services.parcel_pack(
        parcel=parcel,
        measured_weight_g=measured_weight_g,
        actor=actor,
        confirm_weight=confirm_weight,
    )


@dataclass
class SupplierShipment:
    """What ``supplier_parcel_ship`` did: the fulfillment shipment and the earning posted."""

    shipment: fulfillment_services.Shipment
    earning: LedgerTransaction | None


@transaction.atomic
def supplier_parcel_ship(
    *,
    supplier: Supplier,
    parcel: Parcel,
    actor: User,
    carrier: Carrier | None,
    tracking_number: str,
    shipped_quantities: Mapping[Any, Any] | None = None,
) -> SupplierShipment:
    """Ship one of the supplier's packed parcels with a carrier and tracking number
    (``fulfillment.services.parcel_ship``: its checks and refusals) and, in the same
    transaction, credit the supplier's payable with the parcel's earning
    (``wallet.supplier_ledger.supplier_earning_post``, idempotent per parcel). ``NotFound`` for
    another supplier's parcel; a refused shipment credits nothing."""
    parcel = supplier_parcel_get(supplier=supplier, public_id=parcel.public_id)
    shipment = fulfillment_services.parcel_ship(
        parcel=parcel,
        actor=actor,
        carrier=carrier,
        tracking_number=tracking_number,
        shipped_quantities=shipped_quantities,
    )
    earning = supplier_ledger.supplier_earning_post(parcel=shipment.parcel, actor=actor)
    return SupplierShipment(shipment=shipment, earning=earning)


def supplier_earnings_sweep(*, limit: int = 500) -> int:
    """Credit every shipped parcel of a supplier warehouse that has no earning yet (shipped by
    another door than the portal: the back office's warehouse pages, the sandbox). Idempotent
    (the earning's key is per parcel); returns how many were credited now."""
    credited_already = LedgerTransaction.objects.filter(
        kind=LedgerKind.SUPPLIER_EARNING,
        reference_type=ReferenceType.PARCEL,
        reference_id=OuterRef("code"),
    )
    pending = (
        Parcel.objects.filter(
            warehouse__kind=WarehouseKind.SUPPLIER,
            warehouse__supplier__isnull=False,
            status__in=supplier_ledger.EARNING_STATUSES,
        )
        .exclude(Exists(credited_already))
        .order_by("pk")[:limit]
    )
    credited = 0
    for parcel in pending:
        if supplier_ledger.supplier_earning_post(parcel=parcel) is not None:
            credited += 1
    return credited
