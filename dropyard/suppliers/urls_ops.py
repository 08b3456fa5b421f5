from django.urls import path  # noqa: F401

app_name = "suppliers_ops"
urlpatterns: list = []
