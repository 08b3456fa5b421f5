from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "dropyard.sourcing"
    label = "sourcing"
    verbose_name = "Sourcing and agent messages"
