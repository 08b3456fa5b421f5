"""Back-office pages for orders."""

app_name = "orders_ops"
urlpatterns: list = []
