"""Supplier portal routes for the route-permission matrix (see test_route_matrix): every page
is for an approved supplier (``Access("supplier")``); the objects belong to the matrix
world's supplier, so the other supplier gets 404.

Rows are grouped by the helper that owns them; append your own block."""

from typing import Any

from dropyard.core.access import Access

from .factories import make_approved, make_draft
from .factories_ship import priced_variants, supplier_parcel, supplier_warehouse

_SUPPLIER = Access("supplier")

# --- Home, products, warehouse and stock (sup-portal) ------------------------------------------
EXPECTED_ACCESS: dict[str, Any] = {
    f"suppliers_portal:{name}": _SUPPLIER
    for name in (
        "home",
        "products",
        "product_new",
        "product",
        "product_variant_add",
        "product_variant_edit",
        "product_pictures",
        "product_submit",
        "warehouse",
        "stock",
        "stock_set",
        # --- Supplier-shipped queue and earnings (sup-ship) ---
        "parcels",
        "parcel_pack",
        "parcel_ship",
        "earnings",
    )
}


def _draft(w) -> dict[str, str]:
    return {"pid": w.objects["supplier_draft"].product.public_id}


def _draft_variant(w) -> dict[str, str]:
    review = w.objects["supplier_draft"]
    return {"pid": review.product.public_id, "vid": review.product.variants.get().public_id}


def _parcel(w) -> dict[str, str]:
    return {"public_id": w.objects["supplier_parcel"].public_id}


OBJECT_ROUTES: dict[str, Any] = {
    "suppliers_portal:product": _draft,
    "suppliers_portal:product_variant_add": _draft,
    "suppliers_portal:product_variant_edit": _draft_variant,
    "suppliers_portal:product_pictures": _draft,
    "suppliers_portal:product_submit": _draft,
    "suppliers_portal:parcel_pack": _parcel,
    "suppliers_portal:parcel_ship": _parcel,
}


def build_objects(world) -> dict[str, Any]:
    """A draft and an approved product of the world's supplier, and a READY parcel of
    merchant A in the supplier's own warehouse."""
    supplier = world.supplier.supplier
    warehouse, _carrier = supplier_warehouse(supplier)
    (variant,) = priced_variants([1000])
    parcel = supplier_parcel(merchant=world.merchant_a, warehouse=warehouse, items=[(variant, 1)])
    return {
        "supplier_parcel": parcel,
        "supplier_draft": make_draft(supplier=supplier, name="Matrix draft"),
        "supplier_approved": make_approved(
            supplier=supplier, reviewer=world.operators["support"], name="Matrix approved"
        ),
    }
