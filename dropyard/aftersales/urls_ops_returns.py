"""The returns desk under /ops/after-sales/returns/ (included by urls_ops.py)."""

from django.urls import path

from . import views_ops_returns

urlpatterns = [
    path("returns/", views_ops_returns.return_list, name="returns"),
    path("returns/<str:public_id>/", views_ops_returns.return_detail, name="return"),
    path(
        "returns/<str:public_id>/receive/",
        views_ops_returns.return_receive,
        name="return_receive",
    ),
    path(
        "returns/<str:public_id>/inspect/",
        views_ops_returns.return_inspect,
        name="return_inspect",
    ),
    path("returns/<str:public_id>/cancel/", views_ops_returns.return_cancel, name="return_cancel"),
]
