"""Operator pages for suppliers, mounted at /ops/suppliers/."""

from django.urls import path

from . import views_ops_reviews

app_name = "suppliers_ops"
urlpatterns: list = [
    # --- Product review queue (sup-portal) ---------------------------------------------------
    path("reviews/", views_ops_reviews.reviews, name="reviews"),
    path("reviews/<int:pk>/", views_ops_reviews.review, name="review"),
    path("reviews/<int:pk>/approve/", views_ops_reviews.review_approve, name="review_approve"),
    path("reviews/<int:pk>/reject/", views_ops_reviews.review_reject, name="review_reject"),
    # --- end sup-portal ----------------------------------------------------------------------
]
