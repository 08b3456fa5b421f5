from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "dropyard.stores"
    label = "stores"
    verbose_name = "Stores and order sync"

    def ready(self) -> None:
        # Platform adapters register themselves with the registry when imported.
        from .adapters import medusa, sandbox, shopify  # noqa: F401
