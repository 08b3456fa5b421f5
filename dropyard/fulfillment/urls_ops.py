"""Back-office pages for fulfillment."""

app_name = "fulfillment_ops"
urlpatterns: list = []
