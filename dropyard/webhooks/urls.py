"""Merchant pages for webhooks."""

from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_settings, name="settings"),
    path("set/", views.endpoint_set, name="endpoint_set"),
    path("resume/", views.endpoint_resume, name="endpoint_resume"),
    path("test/", views.endpoint_test, name="endpoint_test"),
    path("log/", views.message_list, name="message_list"),
    path("log/<int:pk>/", views.message_detail, name="message_detail"),
    path("log/<int:pk>/replay/", views.message_replay, name="message_replay"),
]
