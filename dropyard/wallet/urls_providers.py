"""Card (Stripe) and PayPal: merchant top-up pages and the providers' webhook endpoints."""

from django.urls import path

from . import views_providers as views

app_name = "wallet_providers"
urlpatterns = [
    path("topup/", views.topup_start, name="topup_start"),
    path("topup/<str:public_id>/return/", views.topup_return, name="topup_return"),
    path("topup/<str:public_id>/status/", views.topup_status, name="topup_status"),
    path("topup/<str:public_id>/capture/", views.topup_capture, name="topup_capture"),
    path("payment/<str:pay_id>/return/", views.payment_return, name="payment_return"),
    path("payment/<str:pay_id>/status/", views.payment_status, name="payment_status"),
    path("payment/<str:pay_id>/capture/", views.payment_capture, name="payment_capture"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("paypal/webhook/", views.paypal_webhook, name="paypal_webhook"),
]
