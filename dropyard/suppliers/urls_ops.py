from django.urls import path  # noqa: F401

from . import views_ops_payouts

app_name = "suppliers_ops"
urlpatterns: list = [
    # --- Finance's supplier payout queue (sup-ship: views_ops_payouts.py) ---
    path("payouts/", views_ops_payouts.payout_list, name="payouts"),
    path("payouts/<str:public_id>/", views_ops_payouts.payout_detail, name="payout_detail"),
    path(
        "payouts/<str:public_id>/approve/", views_ops_payouts.payout_approve, name="payout_approve"
    ),
    path("payouts/<str:public_id>/reject/", views_ops_payouts.payout_reject, name="payout_reject"),
    path("payouts/<str:public_id>/pay/", views_ops_payouts.payout_pay, name="payout_pay"),
    # --- end sup-ship ---
]
