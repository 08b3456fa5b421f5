from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "dropyard.fulfillment"
    label = "fulfillment"
    verbose_name = "Fulfillment"

    def ready(self) -> None:
        # Parcels follow their tracking: delivered, exception, returned (explicit listener, not
        # a Django signal; see logistics.tracking_hooks).
        from dropyard.logistics import tracking_hooks

        from .services import tracking_listener

        tracking_hooks.register(tracking_listener)
