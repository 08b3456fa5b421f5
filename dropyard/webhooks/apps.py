from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "dropyard.webhooks"
    label = "webhooks"
    verbose_name = "Outbound webhooks"
