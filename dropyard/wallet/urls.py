"""Merchant wallet pages."""

app_name = "wallet"
urlpatterns: list = []
