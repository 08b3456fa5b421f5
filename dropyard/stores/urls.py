"""Merchant pages for stores, mounted at /stores/ (the "stores" permission area)."""

from django.urls import path

from . import views, views_sandbox, views_shopify

app_name = "stores"
urlpatterns = [
    path("", views.store_list, name="list"),
    path("held/", views.held_list, name="held"),
    path("connect/sandbox/", views_sandbox.connect_sandbox, name="connect_sandbox"),
    path("connect/shopify/", views_shopify.connect_shopify, name="connect_shopify"),
    path("connect/shopify/callback/", views_shopify.shopify_callback, name="shopify_callback"),
    path("<str:public_id>/sandbox/listing/", views_sandbox.sandbox_listing, name="sandbox_listing"),
    path("<str:public_id>/", views.store_detail, name="detail"),
    path("<str:public_id>/disconnect/", views.store_disconnect, name="disconnect"),
    path("<str:public_id>/connections/", views.connection_list, name="connections"),
    path(
        "<str:public_id>/connections/by-sku/", views.connections_by_sku, name="connections_by_sku"
    ),
    path(
        "<str:public_id>/connections/<int:pk>/connect/",
        views.connection_create,
        name="connection_create",
    ),
    path(
        "<str:public_id>/connections/<int:pk>/disconnect/",
        views.connection_delete,
        name="connection_delete",
    ),
]
