"""Supplier portal routes for the route-permission matrix (see test_route_matrix): every page
is for an approved supplier (``Access("supplier")``); the objects belong to the matrix
world's supplier, so the other supplier gets 404.

Rows are grouped by the helper that owns them; append your own block."""

from typing import Any

from dropyard.core.access import Access

from .factories import make_approved, make_draft

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
    )
}


def _draft(w) -> dict[str, str]:
    return {"pid": w.objects["supplier_draft"].product.public_id}


def _draft_variant(w) -> dict[str, str]:
    review = w.objects["supplier_draft"]
    return {"pid": review.product.public_id, "vid": review.product.variants.get().public_id}


OBJECT_ROUTES: dict[str, Any] = {
    "suppliers_portal:product": _draft,
    "suppliers_portal:product_variant_add": _draft,
    "suppliers_portal:product_variant_edit": _draft_variant,
    "suppliers_portal:product_pictures": _draft,
    "suppliers_portal:product_submit": _draft,
}


def build_objects(world) -> dict[str, Any]:
    """A draft and an approved product of the world's supplier."""
    supplier = world.supplier.supplier
    return {
        "supplier_draft": make_draft(supplier=supplier, name="Matrix draft"),
        "supplier_approved": make_approved(
            supplier=supplier, reviewer=world.operators["support"], name="Matrix approved"
        ),
    }
