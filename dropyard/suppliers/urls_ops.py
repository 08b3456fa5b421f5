"""Operator pages for suppliers, mounted at /ops/suppliers/."""

from django.urls import path

from . import views_ops_payouts, views_ops_reviews

app_name = "suppliers_ops"
urlpatterns: list = [
    # --- Product review queue (sup-portal) ---------------------------------------------------
    path("reviews/", views_ops_reviews.reviews, name="reviews"),
    path("reviews/<int:pk>/", views_ops_reviews.review, name="review"),
    path("reviews/<int:pk>/approve/", views_ops_reviews.review_approve, name="review_approve"),
    path("reviews/<int:pk>/reject/", views_ops_reviews.review_reject, name="review_reject"),
    # --- end sup-portal ----------------------------------------------------------------------
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
