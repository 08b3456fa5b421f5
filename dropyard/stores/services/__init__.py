"""Stores services: every write to stores goes through here, one module per sub-domain.

- ``setup``: ``store_connect``, ``store_disconnect``, ``store_settings_update``,
  ``store_keys_rotate``;
- ``catalog``: ``store_catalog_import``, ``connections_auto_by_sku``, ``connection_create``,
  ``connection_delete`` (each new connection releases held orders);
- ``intake``: ``store_order_ingest`` (exactly-once intake), ``store_orders_release``,
  ``webhook_receipt_seen``;
- ``sync``: ``store_webhook_receive`` (a verified webhook), ``store_poll`` (the safety net);
- ``sandbox``: ``sandbox_store_create`` (the built-in Sandbox store), ``store_listing_push``;
- ``tracking``: tracking push-back — ``tracking_pushes_record``, ``tracking_push_attempt``,
  ``tracking_push_retry``, ``tracking_push_parcel``, ``tracking_pushes_sweep``.
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
from .sync import store_poll, store_webhook_receive
from .tracking import (
    TrackingPushRefused,
    tracking_push_attempt,
    tracking_push_can_retry,
    tracking_push_parcel,
    tracking_push_retry,
    tracking_pushes_record,
    tracking_pushes_sweep,
)

__all__ = [
    "TrackingPushRefused",
    "connection_create",
    "connection_delete",
    "connections_auto_by_sku",
    "sandbox_store_create",
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
    "tracking_push_attempt",
    "tracking_push_can_retry",
    "tracking_push_parcel",
    "tracking_push_retry",
    "tracking_pushes_record",
    "tracking_pushes_sweep",
    "webhook_receipt_seen",
]
