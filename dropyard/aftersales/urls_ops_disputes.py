"""The operator dispute desk (``views_ops_disputes``), under /ops/after-sales/disputes/."""

from django.urls import path

from . import views_ops_disputes as views

urlpatterns = [
    path("disputes/", views.dispute_list, name="disputes"),
    path("disputes/<str:public_id>/", views.dispute_detail, name="dispute"),
    path("disputes/<str:public_id>/review/", views.dispute_review, name="dispute_review"),
    path("disputes/<str:public_id>/assign/", views.dispute_assign, name="dispute_assign"),
    path("disputes/<str:public_id>/message/", views.dispute_message, name="dispute_message"),
    path("disputes/<str:public_id>/evidence/", views.dispute_evidence, name="dispute_evidence"),
    path("disputes/<str:public_id>/decide/", views.dispute_decide, name="dispute_decide"),
]
