"""The /shipping/ pages inventory serves (``views_shipping``). No namespace of their own:
``config/urls.py`` mounts them with ``logistics.urls`` in the ``logistics`` namespace."""

from django.urls import path

from . import views_shipping

urlpatterns = [
    path("freight/", views_shipping.freight_calculator, name="freight_calculator"),
    path("defaults/cannot-ship/", views_shipping.cannot_ship, name="cannot_ship"),
]
