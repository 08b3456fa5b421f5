from django.urls import path  # noqa: F401

from . import views_portal_earnings, views_portal_orders

app_name = "suppliers_portal"
urlpatterns: list = [
    # --- Supplier-shipped queue and earnings (sup-ship: views_portal_orders.py,
    # views_portal_earnings.py) ---
    path("orders/", views_portal_orders.parcel_queue, name="parcels"),
    path("orders/<str:public_id>/pack/", views_portal_orders.parcel_pack, name="parcel_pack"),
    path("orders/<str:public_id>/ship/", views_portal_orders.parcel_ship, name="parcel_ship"),
    path("earnings/", views_portal_earnings.earnings, name="earnings"),
    # --- end sup-ship ---
]
