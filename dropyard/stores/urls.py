"""Merchant pages for stores, mounted at /stores/ (the "stores" permission area)."""

from django.urls import path

from . import views, views_medusa, views_sandbox

app_name = "stores"
urlpatterns = [
    path("", views.store_list, name="list"),
    path("held/", views.held_list, name="held"),
    path("connect/sandbox/", views_sandbox.connect_sandbox, name="connect_sandbox"),
    path("connect/medusa/", views_medusa.connect_medusa, name="connect_medusa"),
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
