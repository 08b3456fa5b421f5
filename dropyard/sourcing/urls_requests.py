"""The merchant's sourcing pages, mounted at /sourcing/ (namespace "sourcing_requests")."""

from django.urls import path

from . import views_requests as views

app_name = "sourcing_requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("new/platform/", views.platform, name="platform"),
    path("<str:public_id>/", views.request_detail, name="detail"),
    path("<str:public_id>/cancel/", views.request_cancel, name="cancel"),
    path("<str:public_id>/picture/", views.picture, name="picture"),
]
