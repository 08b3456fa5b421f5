"""Store routes for the route-permission matrix (dropyard/core/tests/test_route_matrix.py)."""

from typing import Any

from dropyard.accounts.models import Membership
from dropyard.core.access import Access
from dropyard.stores.services import sandbox_store_create
from dropyard.stores.tests.factories import import_variants, make_store

STORES = Access("merchant", area="stores")
SETTINGS = Access("merchant", area="settings")

EXPECTED_ACCESS = {
    f"stores:{name}": STORES
    for name in (
        "list",
        "held",
        "detail",
        "disconnect",
        "connections",
        "connections_by_sku",
        "connection_create",
        "connection_delete",
        "suggestion_accept",
        "health",
        "connect_sandbox",
        "sandbox_listing",
    )
} | {"stores:access": SETTINGS, "stores:access_edit": SETTINGS}


def _store(w) -> dict[str, str]:
    return {"public_id": w.objects["store"].public_id}


def _store_variant(w) -> dict[str, Any]:
    return {"public_id": w.objects["store"].public_id, "pk": w.objects["store_variant"].pk}


OBJECT_ROUTES = {
    "stores:detail": _store,
    "stores:disconnect": _store,
    "stores:connections": _store,
    "stores:connections_by_sku": _store,
    "stores:connection_create": _store_variant,
    "stores:connection_delete": _store_variant,
    "stores:suggestion_accept": _store_variant,
    "stores:sandbox_listing": lambda w: {"public_id": w.objects["sandbox_store"].public_id},
    "stores:access_edit": lambda w: {"pk": w.objects["staff_membership"].pk},
}


def build_objects(world) -> dict[str, Any]:
    """A store of merchant A with one imported (unconnected) variant, a Sandbox store, and
    the membership of A's bare staff member (for the store-access page)."""
    store = make_store(merchant=world.merchant_a)
    (store_variant,) = import_variants(store, ("MATRIX-V1", "MATRIX-SKU-1"))
    sandbox = sandbox_store_create(merchant=world.merchant_a, actor=None, name="Matrix Sandbox")
    staff = Membership.objects.get(merchant=world.merchant_a, user=world.bare_staff_a)
    return {
        "store": store,
        "store_variant": store_variant,
        "sandbox_store": sandbox,
        "staff_membership": staff,
    }
