"""The merchant's return (RMA) page under /after-sales/returns/ (included by urls.py)."""

from django.urls import path

from . import views_returns

urlpatterns = [
    path("returns/<str:public_id>/", views_returns.return_detail, name="return_detail"),
]
