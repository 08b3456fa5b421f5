"""Stores services: every write to stores goes through here, one module per sub-domain.

- ``setup``: ``store_connect``, ``store_disconnect``, ``store_settings_update``,
  ``store_keys_rotate``;
- ``catalog``: ``store_catalog_import``, ``connections_auto_by_sku``, ``connection_create``,
  ``connection_delete`` (each new connection releases held orders);
- ``intake``: ``store_order_ingest`` (exactly-once intake), ``store_orders_release``,
  ``webhook_receipt_seen``.
"""

from .catalog import (
    connection_create,
    connection_delete,
    connections_auto_by_sku,
    store_catalog_import,
)
from .intake import store_order_ingest, store_orders_release, webhook_receipt_seen
from .setup import (
    store_connect,
    store_disconnect,
    store_keys_rotate,
    store_settings_update,
)

__all__ = [
    "connection_create",
    "connection_delete",
    "connections_auto_by_sku",
    "store_catalog_import",
    "store_connect",
    "store_disconnect",
    "store_keys_rotate",
    "store_order_ingest",
    "store_orders_release",
    "store_settings_update",
    "webhook_receipt_seen",
]
