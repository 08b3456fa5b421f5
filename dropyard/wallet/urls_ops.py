"""Finance back-office pages."""

app_name = "wallet_ops"
urlpatterns: list = []
