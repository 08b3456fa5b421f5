from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "dropyard.fulfillment"
    label = "fulfillment"
    verbose_name = "Fulfillment"
