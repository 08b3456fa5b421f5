from django.urls import path  # noqa: F401

app_name = "sourcing_desk"
urlpatterns: list = []
