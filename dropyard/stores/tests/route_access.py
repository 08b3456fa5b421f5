"""Store routes for the route-permission matrix (dropyard/core/tests/test_route_matrix.py)."""

from typing import Any

from dropyard.accounts.models import Membership
from dropyard.core.access import Access
from dropyard.stores.choices import ListingStatus
from dropyard.stores.models import Listing
from dropyard.stores.services import (
    pricing_rule_create,
    sandbox_store_create,
    store_order_ingest,
    tracking_pushes_record,
)
from dropyard.stores.tests.factories import import_variants, make_store, platform_order
from dropyard.stores.tests.listing_helpers import make_listable_product
from dropyard.stores.tests.push_world import make_push_world, ship, store_order_paid

STORES = Access("merchant", area="stores")
SETTINGS = Access("merchant", area="settings")
ORDERS = Access("merchant", area="orders")

EXPECTED_ACCESS = {
    f"stores:{name}": STORES
    for name in (
        "list",
        "held",
        "held_import_now",
        "detail",
        "disconnect",
        "shipping_default_set",
        "connections",
        "connections_by_sku",
        "connection_create",
        "connection_delete",
        "suggestion_accept",
        "health",
        "connect_sandbox",
        "connect_medusa",
        "connect_shopify",
        "shopify_callback",
        "sandbox_listing",
        "pricing_rules",
        "pricing_rule_create",
        "pricing_rule_edit",
        "pricing_rule_delete",
        "listing_choose",
        "listing_new",
        "listing_progress",
        "listings",
        "listing_relist",
    )
} | {
    "stores:access": SETTINGS,
    "stores:access_edit": SETTINGS,
    "stores:order_tracking": ORDERS,
    "stores:tracking_push_retry": ORDERS,
}


def _store(w) -> dict[str, str]:
    return {"public_id": w.objects["store"].public_id}


def _store_variant(w) -> dict[str, Any]:
    return {"public_id": w.objects["store"].public_id, "pk": w.objects["store_variant"].pk}


OBJECT_ROUTES = {
    "stores:detail": _store,
    "stores:held_import_now": lambda w: {"pk": w.objects["held_order"].pk},
    "stores:shipping_default_set": _store,
    "stores:disconnect": _store,
    "stores:connections": _store,
    "stores:connections_by_sku": _store,
    "stores:connection_create": _store_variant,
    "stores:connection_delete": _store_variant,
    "stores:suggestion_accept": _store_variant,
    "stores:sandbox_listing": lambda w: {"public_id": w.objects["sandbox_store"].public_id},
    "stores:access_edit": lambda w: {"pk": w.objects["staff_membership"].pk},
    "stores:pricing_rule_edit": lambda w: {"public_id": w.objects["pricing_rule"].public_id},
    "stores:pricing_rule_delete": lambda w: {"public_id": w.objects["pricing_rule"].public_id},
    "stores:listing_new": lambda w: {"pid": w.objects["product"].public_id},
    "stores:listings": _store,
    "stores:listing_relist": lambda w: {
        "public_id": w.objects["store"].public_id,
        "listing_id": w.objects["listing"].public_id,
    },
    "stores:order_tracking": lambda w: {
        "key": w.objects["tracking_push"].parcel.orders.get().public_id
    },
    "stores:tracking_push_retry": lambda w: {"pk": w.objects["tracking_push"].pk},
}

# Catalog products are shared by every merchant: another merchant opens the wizard for them too.
SHARED_OBJECT_ROUTES = {"stores:listing_new"}


def build_objects(world) -> dict[str, Any]:
    """A store of merchant A with one imported (unconnected) variant and one failed listing,
    a Sandbox store, a pricing rule of merchant A, a store order shipped with its tracking
    push waiting, and the membership of A's bare staff member (for the store-access page)."""
    store = make_store(merchant=world.merchant_a)
    (store_variant,) = import_variants(store, ("MATRIX-V1", "MATRIX-SKU-1"))
    sandbox = sandbox_store_create(merchant=world.merchant_a, actor=None, name="Matrix Sandbox")
    rule = pricing_rule_create(merchant=world.merchant_a, actor=None, multiplier_bp=20_000)
    listing = Listing.objects.create(
        store=store,
        product=make_listable_product(),
        title="Matrix listing",
        error="refused",
        status=ListingStatus.FAILED,
    )
    pw = make_push_world(world.merchant_a, variant=world.objects["order"].lines.get().variant)
    parcel = ship(pw, store_order_paid(pw, "MATRIX-1"), number="MX2400000001")
    (push,) = tracking_pushes_record(parcel_id=parcel.pk)
    staff = Membership.objects.get(merchant=world.merchant_a, user=world.bare_staff_a)
    held = store_order_ingest(
        store=store, order=platform_order("MATRIX-HELD", ("MATRIX-V1", 1)), via="poll"
    )
    return {
        "held_order": held,
        "store": store,
        "store_variant": store_variant,
        "sandbox_store": sandbox,
        "pricing_rule": rule,
        "listing": listing,
        "tracking_push": push,
        "staff_membership": staff,
    }
