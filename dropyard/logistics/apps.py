from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "dropyard.logistics"
    label = "logistics"
    verbose_name = "Logistics"
