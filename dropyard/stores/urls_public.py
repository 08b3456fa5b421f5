"""Public URLs of the stores app, mounted at the site root: the webhook receiver of every
platform, and the built-in Sandbox store (storefront and the JSON API its adapter calls)."""

from django.urls import path

from . import receiver
from .sandbox import api, storefront

app_name = "stores_public"

_SHOP = "sandbox-store/<slug:slug>/"

urlpatterns = [
    path("stores/webhooks/<str:public_id>/", receiver.webhook_receive, name="webhook_receive"),
    path(_SHOP, storefront.storefront_home, name="storefront"),
    path(f"{_SHOP}products/<int:pk>/", storefront.storefront_product, name="storefront_product"),
    path(f"{_SHOP}cart/", storefront.storefront_cart, name="storefront_cart"),
    path(f"{_SHOP}cart/add/", storefront.storefront_cart_add, name="storefront_cart_add"),
    path(f"{_SHOP}checkout/", storefront.storefront_checkout, name="storefront_checkout"),
    path(f"{_SHOP}orders/<str:token>/", storefront.storefront_order, name="storefront_order"),
    path(f"{_SHOP}api/shop", api.shop_info, name="api_shop"),
    path(f"{_SHOP}api/products", api.products, name="api_products"),
    path(f"{_SHOP}api/variants/<int:variant_id>", api.variant_update, name="api_variant"),
    path(f"{_SHOP}api/orders", api.orders, name="api_orders"),
    path(
        f"{_SHOP}api/orders/<int:order_id>/fulfillments",
        api.fulfillment_create,
        name="api_fulfillment",
    ),
    path(
        f"{_SHOP}api/orders/<int:order_id>/fulfillments/<str:fulfillment_id>/delivered",
        api.fulfillment_deliver,
        name="api_fulfillment_delivered",
    ),
]
