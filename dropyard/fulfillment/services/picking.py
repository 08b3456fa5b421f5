"""Start picking ready parcels and print their pick list."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.accounts.models import User
from dropyard.catalog.models import Variant
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel, ParcelLine

from .state import PS, lock_parcels, parcels_transition, refuse_held, sync_orders


@transaction.atomic
def parcel_start_picking(*, parcels: Iterable[Parcel], actor: User | None) -> list[Parcel]:
    """READY → PICKING for a batch of parcels; their orders become UNSHIPPED / PROCESSING.

    All or nothing: one parcel that is not READY, or of an order an operator put on hold
    (``orders.services.order_hold``), refuses the whole batch. An empty batch is refused too.
    """
    parcels = list(parcels)
    if not parcels:
        raise ParcelRefused(_("select at least one parcel to pick"))
    locked = lock_parcels(parcels)
    refuse_held(locked, before="picking")
    parcels_transition(parcels=locked, to=PS.PICKING, actor=actor)
    sync_orders(locked, actor=actor)
    return locked


@dataclass
class PickRow:
    """One line of a pick list: a variant and how many units to take for which parcels."""

    variant: Variant
    quantity: int
    parcel_codes: list[str] = field(default_factory=list)

    @property
    def sku(self) -> str:
        return self.variant.sku


def pick_list(*, parcels: Iterable[Parcel]) -> list[PickRow]:
    """The units to pick for ``parcels``, one row per variant, sorted by SKU.

    Quantities sum the parcels' lines (several orders may want the same variant); each row
    names the parcels it is for, so the picker can sort the units into boxes.
    """
    lines = (
        ParcelLine.objects.filter(parcel__in=[p.pk for p in parcels])
        .select_related("parcel", "order_line__variant__product", "order_line__variant__image")
        .prefetch_related("order_line__variant__product__images")  # the picker sees each item
        .order_by("order_line__variant__sku", "parcel__code")
    )
    rows: dict[int, PickRow] = {}
    for line in lines:
        variant = line.order_line.variant
        row = rows.setdefault(variant.pk, PickRow(variant=variant, quantity=0))
        row.quantity += line.quantity
        if line.parcel.code not in row.parcel_codes:
            row.parcel_codes.append(line.parcel.code)
    return sorted(rows.values(), key=lambda row: row.sku)
