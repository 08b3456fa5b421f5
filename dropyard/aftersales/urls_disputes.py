"""The merchant's AS service center and dispute pages (included by urls.py)."""

from django.urls import path

from . import views_disputes

urlpatterns = [
    path("", views_disputes.center, name="center"),
    path("disputes/<str:public_id>/", views_disputes.dispute_detail, name="dispute"),
    path("disputes/<str:public_id>/cancel/", views_disputes.dispute_cancel, name="dispute_cancel"),
    path("orders/<str:public_id>/dispute/", views_disputes.dispute_open, name="dispute_open"),
]
