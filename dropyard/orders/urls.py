"""Merchant pages for orders, mounted at /orders/ (the "orders" permission area).

The pages that cancel (with their refund) or pay orders are the checkout's
(``checkout.urls.order_urlpatterns``); ``config.urls`` serves them in this namespace, before
these patterns, so every URL resolves as when this list held them all."""

from django.urls import path

from . import views, views_photos, views_picker

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("export.csv", views.order_export, name="export"),
    path("bulk/confirm/", views.bulk_confirm, name="bulk_confirm"),
    path("new/", views.order_new, name="new"),
    path("new/variants/", views_picker.variant_picker, name="variant_picker"),
    path("import/", views.import_upload, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("import/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("merge/", views.merge_list, name="merge_list"),
    path("merge/preview/", views.merge_preview, name="merge_preview"),
    path("parcel-photos/<str:token>/", views_photos.parcel_photo, name="parcel_photo"),
    path("<str:key>/", views.order_detail, name="detail"),
    path("<str:key>/confirm/", views.order_confirm, name="confirm"),
    path("<str:key>/delete/", views.order_delete, name="delete"),
    path("<str:key>/address/", views.order_address, name="address"),
    path("<str:key>/pay/", views.order_pay, name="generate_payment"),
    path("<str:key>/unmerge/", views.order_unmerge, name="unmerge"),
]
