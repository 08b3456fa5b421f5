"""Merchant pages for fulfillment."""

app_name = "fulfillment"
urlpatterns: list = []
