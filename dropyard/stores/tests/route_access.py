"""Store routes for the route-permission matrix (dropyard/core/tests/test_route_matrix.py)."""

from typing import Any

from dropyard.core.access import Access
from dropyard.stores.services import sandbox_store_create
from dropyard.stores.tests.factories import import_variants, make_store

STORES = Access("merchant", area="stores")

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
        "connect_sandbox",
        "connect_shopify",
        "shopify_callback",
        "sandbox_listing",
    )
}


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
    "stores:sandbox_listing": lambda w: {"public_id": w.objects["sandbox_store"].public_id},
}


def build_objects(world) -> dict[str, Any]:
    """A store of merchant A with one imported (unconnected) variant, and a Sandbox store."""
    store = make_store(merchant=world.merchant_a)
    (store_variant,) = import_variants(store, ("MATRIX-V1", "MATRIX-SKU-1"))
    sandbox = sandbox_store_create(merchant=world.merchant_a, actor=None, name="Matrix Sandbox")
    return {"store": store, "store_variant": store_variant, "sandbox_store": sandbox}
