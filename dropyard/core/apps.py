from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dropyard.core"
    label = "core"
    verbose_name = "Core"
