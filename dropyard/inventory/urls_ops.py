"""Back office for warehouses and stock, mounted at /ops/inventory/."""

from django.urls import path

from . import views_ops

app_name = "inventory_ops"
urlpatterns = [
    path("warehouses/", views_ops.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", views_ops.warehouse_create, name="warehouse_create"),
    path("warehouses/<str:public_id>/", views_ops.warehouse_stock, name="warehouse_stock"),
    path("warehouses/<str:public_id>/edit/", views_ops.warehouse_edit, name="warehouse_edit"),
    path("warehouses/<str:public_id>/active/", views_ops.warehouse_active, name="warehouse_active"),
    path("warehouses/<str:public_id>/receive/", views_ops.stock_receive, name="stock_receive"),
    path("warehouses/<str:public_id>/movements/", views_ops.movement_list, name="movement_list"),
    path("stock/<int:pk>/", views_ops.stock_adjust, name="stock_adjust"),
]
