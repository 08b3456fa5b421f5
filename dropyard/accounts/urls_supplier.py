from django.urls import path  # noqa: F401

app_name = "supplier"
urlpatterns: list = []
