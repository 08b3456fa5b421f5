"""Back-office order pages, mounted at /ops/orders/ (namespace "orders_ops"). The detail, the
cancel with refund, the change of warehouse or line and finance's refund are the checkout's
(``checkout.urls.ops_order_urlpatterns``, joined before these by ``config.urls``)."""

from django.urls import path

from . import views_ops

app_name = "orders_ops"
urlpatterns = [
    path("", views_ops.order_list, name="list"),
    path("<str:key>/hold/", views_ops.order_hold, name="hold"),
    path("<str:key>/release/", views_ops.order_release, name="release"),
    path("<str:key>/note/", views_ops.order_note_add, name="note"),
]
