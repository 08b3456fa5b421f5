from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "dropyard.aftersales"
    label = "aftersales"
    verbose_name = "After-sales: disputes, returns and tickets"
