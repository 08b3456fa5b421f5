"""Public tracking pages, mounted at /track/."""

from django.urls import path

from . import views_tracking

app_name = "tracking"
urlpatterns = [
    path("", views_tracking.track_form, name="track_form"),
    path("<str:number>/", views_tracking.track_detail, name="track_detail"),
]
