"""Supplier pages, mounted at /supplier/."""

from django.urls import path

from . import views_supplier

app_name = "supplier"
urlpatterns = [
    path("", views_supplier.apply, name="apply"),
    path(
        "applications/<int:pk>/documents/<str:which>/",
        views_supplier.document,
        name="document",
    ),
]
