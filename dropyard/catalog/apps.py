from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "dropyard.catalog"
    label = "catalog"
    verbose_name = "Catalog"
