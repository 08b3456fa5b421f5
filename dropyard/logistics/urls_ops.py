"""Back office for shipping lines, rate cards and trackings, mounted at /ops/logistics/."""

from django.urls import path

from . import views_ops

app_name = "logistics_ops"
urlpatterns = [
    path("lines/", views_ops.line_list, name="line_list"),
    path("lines/new/", views_ops.line_create, name="line_create"),
    path("lines/<int:pk>/", views_ops.ratecard_list, name="ratecard_list"),
    path("lines/<int:pk>/edit/", views_ops.line_edit, name="line_edit"),
    path("lines/<int:pk>/active/", views_ops.line_active, name="line_active"),
    path("lines/<int:pk>/rates.csv", views_ops.ratecard_export, name="ratecard_export"),
    path("rates/import/", views_ops.ratecard_import, name="ratecard_import"),
    path("trackings/", views_ops.tracking_list, name="tracking_list"),
    path("trackings/<int:pk>/", views_ops.tracking_detail, name="tracking_detail"),
    path("trackings/<int:pk>/events/", views_ops.tracking_event_add, name="tracking_event_add"),
    path(
        "trackings/<int:pk>/sandbox-complete/",
        views_ops.tracking_sandbox_complete,
        name="tracking_sandbox_complete",
    ),
]
