"""The merchant's private stock pages (``views_private``), mounted at /private-stock/ in the
``private_stock`` namespace; the payment page (checkout) joins it in ``config.urls``."""

from django.urls import path

from . import views_private

app_name = "private_stock"
urlpatterns = [
    path("", views_private.stock, name="stock"),
    path("ledger/", views_private.ledger, name="ledger"),
    path("cart/", views_private.cart, name="cart"),
    path("cart/add/", views_private.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", views_private.cart_line, name="cart_line"),
    path("cart/order/", views_private.order_create, name="order_create"),
    path("orders/", views_private.orders, name="orders"),
    path("orders/<str:code>/cancel/", views_private.order_cancel, name="order_cancel"),
]
