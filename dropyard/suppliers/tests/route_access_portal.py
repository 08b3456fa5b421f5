"""Supplier portal routes for the route-permission matrix (see core.tests.test_route_matrix).

sup-ship rows: the supplier-shipped queue and the earnings page. They are ``login_view``s that
answer 403 to anyone without an active supplier (``suppliers.portal_supplier``) until the
supplier access kind replaces them."""

from typing import Any

from dropyard.core.access import Access
from dropyard.inventory.tests.factories import make_supplier

from .factories_ship import priced_variants, supplier_parcel, supplier_warehouse

_SUPPLIER_PAGE = Access("login")

EXPECTED_ACCESS: dict[str, Any] = {
    # --- sup-ship ---
    "suppliers_portal:parcels": _SUPPLIER_PAGE,
    "suppliers_portal:parcel_pack": _SUPPLIER_PAGE,
    "suppliers_portal:parcel_ship": _SUPPLIER_PAGE,
    "suppliers_portal:earnings": _SUPPLIER_PAGE,
}


def _parcel(w) -> dict[str, str]:
    return {"public_id": w.objects["supplier_parcel"].public_id}


OBJECT_ROUTES: dict[str, Any] = {
    "suppliers_portal:parcel_pack": _parcel,
    "suppliers_portal:parcel_ship": _parcel,
}


def build_objects(world) -> dict[str, Any]:
    """A READY parcel of merchant A in a supplier's own warehouse."""
    warehouse, _carrier = supplier_warehouse(make_supplier(company_name="Matrix Factory"))
    (variant,) = priced_variants([1000])
    parcel = supplier_parcel(merchant=world.merchant_a, warehouse=warehouse, items=[(variant, 1)])
    return {"supplier_parcel": parcel}
