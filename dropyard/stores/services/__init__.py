"""Stores services: every write to stores goes through here, one module per sub-domain.

- ``setup``: ``store_connect``, ``store_disconnect``, ``store_settings_update``,
  ``store_keys_rotate``;
- ``catalog``: ``store_catalog_import``, ``connections_auto_by_sku``, ``connection_create``,
  ``connection_delete`` (each new connection releases held orders);
- ``intake``: ``store_order_ingest`` (exactly-once intake), ``store_orders_release``,
  ``webhook_receipt_seen``;
- ``sync``: ``store_webhook_receive`` (a verified webhook), ``store_poll`` (the safety net);
- ``sandbox``: ``sandbox_store_create`` (the built-in Sandbox store), ``store_listing_push``;
- ``shopify``: ``shopify_store_connect`` (``_own_app``, ``_oauth``), ``shopify_credentials_renew``,
  ``store_reauthorize_needed``, ``store_event_record`` (uninstall, data-protection requests).
"""

from .catalog import (
    connection_create,
    connection_delete,
    connections_auto_by_sku,
    store_catalog_import,
)
from .intake import store_order_ingest, store_orders_release, webhook_receipt_seen
from .sandbox import sandbox_store_create, store_listing_push
from .setup import (
    store_connect,
    store_disconnect,
    store_keys_rotate,
    store_settings_update,
)
from .shopify import (
    shopify_credentials_renew,
    shopify_store_connect,
    shopify_store_connect_oauth,
    shopify_store_connect_own_app,
    store_event_record,
    store_reauthorize_needed,
)
from .sync import store_poll, store_webhook_receive

__all__ = [
    "connection_create",
    "connection_delete",
    "connections_auto_by_sku",
    "sandbox_store_create",
    "shopify_credentials_renew",
    "shopify_store_connect",
    "shopify_store_connect_oauth",
    "shopify_store_connect_own_app",
    "store_event_record",
    "store_reauthorize_needed",
    "store_catalog_import",
    "store_connect",
    "store_disconnect",
    "store_keys_rotate",
    "store_listing_push",
    "store_order_ingest",
    "store_orders_release",
    "store_poll",
    "store_settings_update",
    "store_webhook_receive",
    "webhook_receipt_seen",
]
