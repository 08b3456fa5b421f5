"""Supplier portal pages, mounted at /supplier/portal/."""

from django.urls import path

from . import views_portal_earnings, views_portal_orders, views_portal_products, views_portal_stock

app_name = "suppliers_portal"
urlpatterns: list = [
    # --- Home, products, warehouse and stock (sup-portal) ------------------------------------
    path("", views_portal_products.home, name="home"),
    path("products/", views_portal_products.product_list, name="products"),
    path("products/new/", views_portal_products.product_new, name="product_new"),
    path("products/<str:pid>/", views_portal_products.product, name="product"),
    path(
        "products/<str:pid>/variants/",
        views_portal_products.product_variant_add,
        name="product_variant_add",
    ),
    path(
        "products/<str:pid>/variants/<str:vid>/",
        views_portal_products.product_variant_edit,
        name="product_variant_edit",
    ),
    path(
        "products/<str:pid>/pictures/",
        views_portal_products.product_pictures,
        name="product_pictures",
    ),
    path("products/<str:pid>/submit/", views_portal_products.product_submit, name="product_submit"),
    path("warehouse/", views_portal_stock.warehouse, name="warehouse"),
    path("stock/", views_portal_stock.stock, name="stock"),
    path("stock/set/", views_portal_stock.stock_set, name="stock_set"),
    # --- end sup-portal ----------------------------------------------------------------------
    # --- Supplier-shipped queue and earnings (sup-ship: views_portal_orders.py,
    # views_portal_earnings.py) ---
    path("orders/", views_portal_orders.parcel_queue, name="parcels"),
    path("orders/<str:public_id>/pack/", views_portal_orders.parcel_pack, name="parcel_pack"),
    path("orders/<str:public_id>/ship/", views_portal_orders.parcel_ship, name="parcel_ship"),
    path("earnings/", views_portal_earnings.earnings, name="earnings"),
    # --- end sup-ship ---
]
