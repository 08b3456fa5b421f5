from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dropyard.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
