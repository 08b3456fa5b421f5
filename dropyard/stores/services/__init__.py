"""Stores services: every write to stores goes through here, one module per sub-domain.

- ``setup``: ``store_connect``, ``store_disconnect``, ``store_settings_update``,
  ``store_keys_rotate``, ``store_reauthorize_needed``, ``store_shipping_default_set``;
- ``catalog``: ``store_catalog_import``, ``connections_auto_by_sku``, ``connection_create``,
  ``connection_delete`` (each new connection releases held orders);
- ``intake``: ``store_order_ingest`` (exactly-once intake), ``store_orders_release``,
  ``store_order_import_now`` (an order a hold rule held, after the merchant's review),
  ``webhook_receipt_seen``;
- ``sync``: ``store_webhook_receive`` (a verified webhook), ``store_poll`` (the safety net);
- ``api_orders``: ``api_order_create_v2``, ``api_order_create_v3`` (createOrderV2/V3 with
  the link to the store ``storeName`` names);
- ``mirror``: ``store_product_save``, ``store_variants_save`` (the developer API's
  ``store/product/*``);
- ``inventory``: ``store_inventory_sync`` (available stock of connected variants, on change);
- ``autopay``: ``store_order_autopay`` (imported orders paid from the wallet within a daily cap);
- ``sandbox``: ``sandbox_store_create`` (the built-in Sandbox store), ``store_listing_push``;
- ``pricing``: ``pricing_rule_create``, ``pricing_rule_update``, ``pricing_rule_delete``;
- ``listing``: ``listing_start`` (the wizard: one job per store), ``listing_relist``,
  ``listing_run`` (the job), ``listed_variants_record``;
- ``listing_follow``: ``listings_mark_out_of_date``, ``listing_reprice``;
- ``tracking``: tracking push-back — ``tracking_pushes_record``, ``tracking_push_attempt``,
  ``tracking_push_retry``, ``tracking_push_parcel``, ``tracking_pushes_sweep``;
- ``medusa``: ``medusa_store_connect`` (a Medusa v2 store by its secret API key);
- ``shopify``: ``shopify_store_connect`` (``_own_app``, ``_oauth``), ``shopify_credentials_renew``,
  ``store_event_record`` (uninstall, data-protection requests).
"""

from .api_orders import api_order_create_v2, api_order_create_v3, store_for_api_order
from .autopay import store_order_autopay
from .catalog import (
    connection_create,
    connection_delete,
    connections_auto_by_sku,
    store_catalog_import,
)
from .intake import (
    store_order_import_now,
    store_order_ingest,
    store_orders_release,
    webhook_receipt_seen,
)
from .inventory import store_inventory_sync
from .listing import (
    ListingDraft,
    listed_variants_record,
    listing_relist,
    listing_run,
    listing_start,
)
from .listing_follow import listing_reprice, listings_mark_out_of_date
from .medusa import medusa_store_connect
from .mirror import ProductMirror, store_product_save, store_variants_save
from .pricing import pricing_rule_create, pricing_rule_delete, pricing_rule_update
from .sandbox import sandbox_store_create, store_listing_push
from .setup import (
    store_connect,
    store_disconnect,
    store_keys_rotate,
    store_reauthorize_needed,
    store_settings_update,
    store_shipping_default_set,
)
from .shopify import (
    shopify_credentials_renew,
    shopify_store_connect,
    shopify_store_connect_oauth,
    shopify_store_connect_own_app,
    store_event_record,
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
    "api_order_create_v2",
    "api_order_create_v3",
    "ProductMirror",
    "ListingDraft",
    "listed_variants_record",
    "listing_relist",
    "listing_reprice",
    "listing_run",
    "listing_start",
    "listings_mark_out_of_date",
    "pricing_rule_create",
    "pricing_rule_delete",
    "pricing_rule_update",
    "TrackingPushRefused",
    "connection_create",
    "connection_delete",
    "connections_auto_by_sku",
    "medusa_store_connect",
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
    "store_for_api_order",
    "store_inventory_sync",
    "store_keys_rotate",
    "store_listing_push",
    "store_order_autopay",
    "store_order_import_now",
    "store_order_ingest",
    "store_orders_release",
    "store_poll",
    "store_product_save",
    "store_settings_update",
    "store_shipping_default_set",
    "store_variants_save",
    "store_webhook_receive",
    "tracking_push_attempt",
    "tracking_push_can_retry",
    "tracking_push_parcel",
    "tracking_push_retry",
    "tracking_pushes_record",
    "tracking_pushes_sweep",
    "webhook_receipt_seen",
]
