from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "dropyard.inventory"
    label = "inventory"
    verbose_name = "Warehouses and inventory"
