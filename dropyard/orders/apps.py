from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "dropyard.orders"
    label = "orders"
    verbose_name = "Orders"
