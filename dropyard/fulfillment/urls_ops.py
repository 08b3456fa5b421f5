"""Back-office pages for fulfillment (warehouse work), mounted at /ops/fulfillment/."""

from django.urls import path

from . import views_ops

app_name = "fulfillment_ops"
urlpatterns = [
    path("", views_ops.warehouse_list, name="warehouses"),
    path("warehouses/<str:public_id>/", views_ops.queue, name="queue"),
    path("warehouses/<str:public_id>/pick/", views_ops.start_picking, name="start_picking"),
    path("warehouses/<str:public_id>/pick-list/", views_ops.pick_list, name="pick_list"),
    path("parcels/<str:public_id>/", views_ops.parcel_detail, name="parcel_detail"),
    path("parcels/<str:public_id>/slip/", views_ops.packing_slip, name="packing_slip"),
    path("parcels/<str:public_id>/pack/", views_ops.parcel_pack, name="parcel_pack"),
    path("parcels/<str:public_id>/photos/", views_ops.parcel_photos_add, name="parcel_photos"),
    path("parcels/<str:public_id>/ship/", views_ops.parcel_ship, name="parcel_ship"),
]
