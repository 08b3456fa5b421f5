from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "dropyard.suppliers"
    label = "suppliers"
    verbose_name = "Supplier portal"
