"""Stores services: every write to stores goes through here, one module per sub-domain.

- ``setup``: ``store_connect``, ``store_disconnect``, ``store_settings_update``,
  ``store_keys_rotate``;
- ``catalog``: ``store_catalog_import``, ``connections_auto_by_sku``, ``connection_create``,
  ``connection_delete`` (each new connection releases held orders);
- ``intake``: ``store_order_ingest`` (exactly-once intake), ``store_orders_release``,
  ``webhook_receipt_seen``;
- ``sync``: ``store_webhook_receive`` (a verified webhook), ``store_poll`` (the safety net);
- ``api_orders``: ``api_order_create_v2``, ``api_order_create_v3`` (createOrderV2/V3 with
  the link to the store ``storeName`` names);
- ``mirror``: ``store_product_save``, ``store_variants_save`` (the developer API's
  ``store/product/*``);
- ``sandbox``: ``sandbox_store_create`` (the built-in Sandbox store), ``store_listing_push``.
"""

from .api_orders import api_order_create_v2, api_order_create_v3, store_for_api_order
from .catalog import (
    connection_create,
    connection_delete,
    connections_auto_by_sku,
    store_catalog_import,
)
from .intake import store_order_ingest, store_orders_release, webhook_receipt_seen
from .mirror import ProductMirror, store_product_save, store_variants_save
from .sandbox import sandbox_store_create, store_listing_push
from .setup import (
    store_connect,
    store_disconnect,
    store_keys_rotate,
    store_settings_update,
)
from .sync import store_poll, store_webhook_receive

__all__ = [
    "api_order_create_v2",
    "api_order_create_v3",
    "ProductMirror",
    "connection_create",
    "connection_delete",
    "connections_auto_by_sku",
    "sandbox_store_create",
    "store_catalog_import",
    "store_connect",
    "store_disconnect",
    "store_for_api_order",
    "store_keys_rotate",
    "store_listing_push",
    "store_order_ingest",
    "store_orders_release",
    "store_poll",
    "store_product_save",
    "store_settings_update",
    "store_variants_save",
    "store_webhook_receive",
    "webhook_receipt_seen",
]
