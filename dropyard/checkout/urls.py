"""The checkout's pages, served inside the orders' and the wallet's URL namespaces: every URL and
name stays what it was when those apps served them (``config.urls`` joins each list to the
app's patterns).
"""

from django.urls import path

from . import views, views_ops, views_orders, views_providers, views_purchases, views_replan

# Joined to ``orders.urls`` (namespace "orders", under /orders/), placed BEFORE the orders'
# patterns: "bulk/cancel/" and "pay/<pay_id>/" came before "<key>/…" in the orders' list, so
# they still win over it (and nothing in the orders' list shadows any of these).
order_urlpatterns = [
    path("bulk/cancel/", views_orders.bulk_cancel, name="bulk_cancel"),
    path("pay/<str:pay_id>/", views_orders.pay_page, name="pay"),
    path("<str:key>/cancel/", views_orders.order_cancel, name="cancel"),
    path(
        "<str:key>/parcels/<str:parcel>/cancel-remainder/",
        views_orders.order_cancel_remainder,
        name="cancel_remainder",
    ),
]

# Joined to ``wallet.urls`` (namespace "wallet", under /wallet/).
wallet_urlpatterns = [
    path("pay/", views.pay_orders, name="pay"),
]

# Joined to ``wallet.urls_providers`` (namespace "wallet_providers", under /wallet/providers/).
provider_urlpatterns = [
    path("topup/<str:public_id>/return/", views_providers.topup_return, name="topup_return"),
    path("topup/<str:public_id>/status/", views_providers.topup_status, name="topup_status"),
    path("topup/<str:public_id>/capture/", views_providers.topup_capture, name="topup_capture"),
    path("payment/<str:pay_id>/return/", views_providers.payment_return, name="payment_return"),
    path("payment/<str:pay_id>/status/", views_providers.payment_status, name="payment_status"),
    path("payment/<str:pay_id>/capture/", views_providers.payment_capture, name="payment_capture"),
    path("stripe/webhook/", views_providers.stripe_webhook, name="stripe_webhook"),
    path("paypal/webhook/", views_providers.paypal_webhook, name="paypal_webhook"),
]

# Joined to ``wallet.urls_providers_ops`` (namespace "wallet_providers_ops", under
# /ops/wallet/providers/).
provider_ops_urlpatterns = [
    path("events/<int:pk>/retry/", views_providers.event_retry, name="event_retry"),
]

# Joined to ``inventory.urls_private`` (namespace "private_stock", under /private-stock/).
private_stock_urlpatterns = [
    path("orders/<str:code>/pay/", views_purchases.order_pay, name="order_pay"),
]

# Joined to ``orders.urls_ops`` (namespace "orders_ops", under /ops/orders/), before its
# patterns ("refund-lookup/" must win over "<key>/").
ops_order_urlpatterns = [
    path("refund-lookup/", views_ops.refund_lookup, name="refund_lookup"),
    path("<str:key>/", views_ops.order_detail, name="detail"),
    path("<str:key>/cancel/", views_ops.order_cancel_with_refund, name="cancel"),
    path("<str:key>/refund/", views_ops.order_refund, name="refund"),
    path("<str:key>/replan/", views_replan.order_replan, name="replan"),
]
