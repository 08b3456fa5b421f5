"""Test data for the supplier-shipped queue: READY parcels in a supplier's own warehouse, with
order lines at known prices, built on fulfillment's factories (real stock reservations)."""

from collections.abc import Sequence

from dropyard.accounts.models import MerchantAccount, Supplier
from dropyard.catalog.models import Variant
from dropyard.fulfillment import services as fulfillment_services
from dropyard.fulfillment.tests.factories import make_carrier_serving, make_parcel, make_variants
from dropyard.inventory.models import Warehouse
from dropyard.inventory.tests.factories import make_supplier_warehouse
from dropyard.logistics.models import Carrier
from dropyard.orders.models import Parcel


def priced_variants(prices: Sequence[int]) -> list[Variant]:
    """One variant per price (minor units), of one product, 200 g each."""
    variants = make_variants(len(prices))
    for variant, price in zip(variants, prices, strict=True):
        Variant.objects.filter(pk=variant.pk).update(price_minor=price)
        variant.price_minor = price
    return variants


def supplier_warehouse(supplier: Supplier | None = None) -> tuple[Warehouse, Carrier]:
    """A supplier warehouse (its own supplier unless given) and a manual carrier serving it."""
    warehouse = make_supplier_warehouse(**({"supplier": supplier} if supplier else {}))
    return warehouse, make_carrier_serving(warehouse, code="YTO", name="YTO Express")


def supplier_parcel(
    *,
    merchant: MerchantAccount,
    warehouse: Warehouse,
    items: Sequence[tuple[Variant, int]],
) -> Parcel:
    """A READY parcel of a paid order of ``merchant`` in ``warehouse`` (lines at the variants'
    prices)."""
    return make_parcel(merchant=merchant, warehouse=warehouse, items=items)


def packed(parcel: Parcel, actor) -> Parcel:
    """The parcel picked and packed at its computed weight (fulfillment's own services)."""
    fulfillment_services.parcel_start_picking(parcels=[parcel], actor=actor)
    parcel.refresh_from_db()
    weight = fulfillment_services.parcel_computed_weight_g(parcel)
    return fulfillment_services.parcel_pack(parcel=parcel, measured_weight_g=weight, actor=actor)
