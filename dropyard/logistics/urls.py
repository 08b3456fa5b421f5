"""Merchant shipping pages, mounted at /shipping/."""

from django.urls import path

from . import views

app_name = "logistics"
urlpatterns = [
    path("freight/", views.freight_calculator, name="freight_calculator"),
    path("defaults/", views.default_lines, name="default_lines"),
    path("defaults/clear/", views.default_line_clear, name="default_line_clear"),
    path("defaults/cannot-ship/", views.cannot_ship, name="cannot_ship"),
]
