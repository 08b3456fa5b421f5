"""Route-permission rows for the stores app's public routes: the webhook receiver and the
Sandbox store (storefront and shop API). Merged into core's route matrix."""

from typing import Any

from dropyard.core.access import Access
from dropyard.stores import services
from dropyard.stores.models import SandboxShop

PUBLIC = Access("public")

EXPECTED_ACCESS: dict[str, Access] = {
    f"stores_public:{name}": PUBLIC
    for name in (
        "webhook_receive",
        "storefront",
        "storefront_product",
        "storefront_cart",
        "storefront_cart_add",
        "storefront_checkout",
        "storefront_order",
        "api_shop",
        "api_products",
        "api_variant",
        "api_orders",
        "api_fulfillment",
        "api_fulfillment_delivered",
    )
}


def _slug(w: Any) -> dict[str, Any]:
    return {"slug": w.objects["sandbox_shop"].slug}


OBJECT_ROUTES = {
    "stores_public:webhook_receive": lambda w: {"public_id": w.objects["sandbox_store"].public_id},
    "stores_public:storefront": _slug,
    "stores_public:storefront_product": lambda w: {
        **_slug(w),
        "pk": w.objects["sandbox_shop"].products.first().pk,
    },
    "stores_public:storefront_cart": _slug,
    "stores_public:storefront_cart_add": _slug,
    "stores_public:storefront_checkout": _slug,
    "stores_public:storefront_order": lambda w: {**_slug(w), "token": "no-such-order-token"},
    "stores_public:api_shop": _slug,
    "stores_public:api_products": _slug,
    "stores_public:api_variant": lambda w: {**_slug(w), "variant_id": 1},
    "stores_public:api_orders": _slug,
    "stores_public:api_fulfillment": lambda w: {**_slug(w), "order_id": 1},
    "stores_public:api_fulfillment_delivered": lambda w: {
        **_slug(w),
        "order_id": 1,
        "fulfillment_id": "F1",
    },
}


def build_objects(world: Any) -> dict[str, Any]:
    merchant = world.merchant_a
    variant = world.objects["product"].variants.get()
    store = services.sandbox_store_create(merchant=merchant, actor=merchant.owner, name="Matrix")
    services.store_listing_push(store=store, variants=[variant], prices={variant.pk: 999})
    return {"sandbox_store": store, "sandbox_shop": SandboxShop.objects.get(slug=store.domain)}
