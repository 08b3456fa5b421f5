"""Back-office webhook pages, mounted at /ops/webhooks/."""

from django.urls import path

from . import views_ops

app_name = "webhooks_ops"
urlpatterns = [
    path("failed/", views_ops.failed_deliveries, name="failed_deliveries"),
]
