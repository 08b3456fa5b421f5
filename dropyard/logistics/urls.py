"""Merchant shipping pages, mounted at /shipping/ (with ``inventory.urls_shipping``, whose
freight calculator and cannot-ship pages read stock, in this ``logistics`` namespace)."""

from django.urls import path

from . import views

app_name = "logistics"
urlpatterns = [
    path("defaults/", views.default_lines, name="default_lines"),
    path("defaults/clear/", views.default_line_clear, name="default_line_clear"),
]
