"""Merchant pages for stores, mounted at /stores/ (the "stores" permission area)."""

from django.urls import path

from . import (
    views,
    views_access,
    views_listing,
    views_medusa,
    views_sandbox,
    views_shopify,
    views_tracking,
)

app_name = "stores"
urlpatterns = [
    path("", views.store_list, name="list"),
    path("held/", views.held_list, name="held"),
    path("held/<int:pk>/import/", views.held_import_now, name="held_import_now"),
    path("health/", views.health, name="health"),
    path("access/", views_access.access_list, name="access"),
    path("access/<int:pk>/", views_access.access_edit, name="access_edit"),
    path("connect/sandbox/", views_sandbox.connect_sandbox, name="connect_sandbox"),
    path("pricing/", views_listing.pricing_rule_list, name="pricing_rules"),
    path("pricing/new/", views_listing.pricing_rule_create, name="pricing_rule_create"),
    path("pricing/<str:public_id>/", views_listing.pricing_rule_edit, name="pricing_rule_edit"),
    path(
        "pricing/<str:public_id>/delete/",
        views_listing.pricing_rule_delete,
        name="pricing_rule_delete",
    ),
    path("listing/new/", views_listing.listing_choose, name="listing_choose"),
    path("listing/new/<str:pid>/", views_listing.listing_new, name="listing_new"),
    path("listing/progress/", views_listing.listing_progress, name="listing_progress"),
    path("orders/<str:key>/tracking/", views_tracking.order_tracking, name="order_tracking"),
    path(
        "tracking-pushes/<int:pk>/retry/",
        views_tracking.tracking_push_retry,
        name="tracking_push_retry",
    ),
    path("connect/medusa/", views_medusa.connect_medusa, name="connect_medusa"),
    path("connect/shopify/", views_shopify.connect_shopify, name="connect_shopify"),
    path("connect/shopify/callback/", views_shopify.shopify_callback, name="shopify_callback"),
    path("<str:public_id>/sandbox/listing/", views_sandbox.sandbox_listing, name="sandbox_listing"),
    path("<str:public_id>/", views.store_detail, name="detail"),
    path("<str:public_id>/disconnect/", views.store_disconnect, name="disconnect"),
    path("<str:public_id>/shipping/", views.shipping_default_set, name="shipping_default_set"),
    path("<str:public_id>/connections/", views.connection_list, name="connections"),
    path("<str:public_id>/listings/", views_listing.listing_list, name="listings"),
    path(
        "<str:public_id>/listings/<str:listing_id>/relist/",
        views_listing.listing_relist,
        name="listing_relist",
    ),
    path(
        "<str:public_id>/connections/by-sku/", views.connections_by_sku, name="connections_by_sku"
    ),
    path(
        "<str:public_id>/connections/<int:pk>/connect/",
        views.connection_create,
        name="connection_create",
    ),
    path(
        "<str:public_id>/connections/<int:pk>/accept/",
        views.suggestion_accept,
        name="suggestion_accept",
    ),
    path(
        "<str:public_id>/connections/<int:pk>/disconnect/",
        views.connection_delete,
        name="connection_delete",
    ),
]
