"""Price requests under /price-requests/ (namespace "sourcing_prices"): the merchant's pages
and, under ops/, the agents' and admins'."""

from django.urls import path

from . import views_prices as views

app_name = "sourcing_prices"
urlpatterns = [
    path("", views.negotiation_list, name="list"),
    path("new/", views.negotiation_new, name="new"),
    path("<str:public_id>/withdraw/", views.negotiation_withdraw, name="withdraw"),
    path("ops/", views.ops_list, name="ops_list"),
    path("ops/<str:public_id>/", views.ops_detail, name="ops_detail"),
    path("ops/<str:public_id>/answer/", views.ops_answer, name="ops_answer"),
    path("ops/<str:public_id>/decline/", views.ops_decline, name="ops_decline"),
]
