from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo loader and ``dropyard demo``: builds data for every app, so it sits on top."""

    name = "dropyard.demo"
    label = "demo"
    verbose_name = "Demo data"
