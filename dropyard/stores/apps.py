from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "dropyard.stores"
    label = "stores"
    verbose_name = "Stores and order sync"
