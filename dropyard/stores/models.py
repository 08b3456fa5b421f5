"""A merchant's online stores, their imported catalog, the connections of store variants to
Dropyard variants, and the inbox of store orders that makes order intake exactly-once."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from . import crypto
from .choices import (
    RULE_HOLD_PREFIX,
    ConnectionHow,
    DeliveryMark,
    Platform,
    ReceivedVia,
    StoreOrderStatus,
    StoreStatus,
    TrackingPushStatus,
)


class Store(TimeStampedModel):
    """One online store of one merchant account, on one platform.

    Invariants:
    - at most one non-disconnected store per ``(merchant, platform, domain)`` (a conditional
      unique constraint): connecting the same shop again needs the old row disconnected;
    - ``credentials_encrypted`` is a Fernet token (``stores.crypto``) or empty; it is written
      only by the stores services, emptied on disconnect, and never shown (not in ``str``,
      ``repr``, admin or logs); read it with ``credentials_get()``;
    - ``hold_above_minor`` ≥ 0 (store currency; 0: no limit);
    - ``auto_pay_daily_cap_minor`` ≥ 0 (minor units of the wallet currency); a non-empty
      ``tracking_url_template`` contains ``{number}``.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="stores"
    )
    platform = models.CharField(max_length=20, choices=Platform.choices)
    name = models.CharField(max_length=120)
    domain = models.CharField(max_length=255)  # shop domain (Shopify) or base URL (Medusa)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=20, choices=StoreStatus.choices, default=StoreStatus.AUTHORIZED, db_index=True
    )
    status_reason = models.CharField(max_length=300, blank=True)
    credentials_encrypted = models.TextField(blank=True, editable=False)

    # Merchant settings.
    order_sync = models.BooleanField(default=True)
    paid_orders_only = models.BooleanField(default=True)
    # Hold rules: new store orders wait for the merchant's "Import now" when one applies.
    hold_for_review = models.BooleanField(default=False)
    hold_above_minor = models.BigIntegerField(default=0)  # store currency; 0 = no limit
    inventory_sync = models.BooleanField(default=False)
    tracking_push = models.BooleanField(default=True)
    tracking_url_template = models.CharField(max_length=300, blank=True)  # blank: the carrier's
    auto_pay = models.BooleanField(default=False)
    auto_pay_daily_cap_minor = models.BigIntegerField(default=0)
    reprice_on_change = models.BooleanField(default=False)  # listings follow catalog changes

    # Polling state.
    poll_cursor = models.TextField(blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["merchant", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "platform", "domain"],
                condition=~Q(status=StoreStatus.DISCONNECTED),
                name="store_unique_live_per_merchant_platform_domain",
            ),
            models.CheckConstraint(
                condition=Q(hold_above_minor__gte=0), name="store_hold_above_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(auto_pay_daily_cap_minor__gte=0),
                name="store_auto_pay_cap_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    def credentials_get(self) -> dict[str, Any]:
        """The decrypted credentials (``{}`` when none are stored)."""
        return crypto.decrypt(self.credentials_encrypted)

    @property
    def order_prefix(self) -> str:
        """Prefix of the Dropyard order numbers of this store's orders: unique per store."""
        return f"S{self.pk}-"


class StoreVariant(models.Model):
    """A variant of the store's own catalog as last imported from the platform.

    Invariant: one row per ``(store, platform_variant_id)``; rows are upserted by
    ``store_catalog_import`` and never hold Dropyard data (that is ``ProductConnection``).
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="variants")
    platform_product_id = models.CharField(max_length=100)
    platform_variant_id = models.CharField(max_length=100)
    sku = models.CharField(max_length=100, blank=True, db_index=True)
    title = models.CharField(max_length=255)
    variant_title = models.CharField(max_length=255, blank=True)
    price_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    image_url = models.URLField(max_length=500, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["store", "title", "variant_title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "platform_variant_id"], name="store_variant_unique_platform_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.variant_title}".strip()


class ProductConnection(models.Model):
    """A store variant sold as a Dropyard catalog variant: the store's orders of it become
    Dropyard order lines of ``variant``.

    Invariants: one connection per store variant (unique); ``store`` is the store variant's
    store (denormalised for per-store queries, set by the services); ``pushed_available`` is
    what the store last accepted as the variant's available quantity (None: never pushed), set
    only by ``store_inventory_sync`` after the platform answered.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="connections")
    store_variant = models.OneToOneField(
        StoreVariant, on_delete=models.CASCADE, related_name="connection"
    )
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="store_connections"
    )
    how = models.CharField(max_length=20, choices=ConnectionHow.choices)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Inventory sync (``services.inventory``): the available quantity last pushed to the store.
    pushed_available = models.IntegerField(null=True, blank=True)
    available_pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["store", "pk"]

    def __str__(self) -> str:
        return f"{self.store_variant} → {self.variant}"


class StoreOrder(models.Model):
    """The inbox row of one store order: intake is exactly-once because there is one row per
    ``(store, platform_order_id)`` and the Dropyard order is created only while holding it.

    Invariants:
    - ``order`` is set exactly when the store order was imported (status IMPORTED, or
      CANCELLED after its Dropyard order was cancelled), and never changes once set;
    - ``order_data`` is the normalised ``PlatformOrder`` last seen (what ingest compares and
      what a release imports); ``payload_digest`` is its SHA-256; ``payload`` the raw body;
    - ``hold_reason`` is non-empty while HELD or IGNORED; ``flagged`` describes store-side
      changes seen after the Dropyard order was paid (left for the merchant to handle);
    - ``autopaid_minor`` and ``autopaid_at`` are set together, once, when automatic payment
      paid the order; ``autopay_note`` says why it did not (cap, balance), else empty.
    """

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="orders")
    platform_order_id = models.CharField(max_length=100)
    platform_order_name = models.CharField(max_length=100, blank=True)  # "#1001"
    currency = models.CharField(max_length=3)
    payload = models.JSONField(default=dict, blank=True)
    order_data = models.JSONField(default=dict)
    payload_digest = models.CharField(max_length=64)
    received_via = models.CharField(max_length=10, choices=ReceivedVia.choices)
    status = models.CharField(max_length=12, choices=StoreOrderStatus.choices, db_index=True)
    hold_reason = models.TextField(blank=True)
    order = models.OneToOneField(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="store_order",
    )
    flagged = models.TextField(blank=True)
    # Automatic payment (``services.autopay``): what it paid and when, or why it did not.
    autopaid_minor = models.BigIntegerField(null=True, blank=True)
    autopaid_at = models.DateTimeField(null=True, blank=True)
    autopay_note = models.CharField(max_length=300, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "platform_order_id"], name="store_order_unique_platform_id"
            )
        ]
        indexes = [models.Index(fields=["store", "status"])]

    def __str__(self) -> str:
        return f"{self.platform_order_name or self.platform_order_id} ({self.status})"

    @property
    def held_by_rule(self) -> bool:
        """Held by one of the store's hold rules (not by an unconnected line or a refusal)."""
        return self.status == StoreOrderStatus.HELD and self.hold_reason.startswith(
            RULE_HOLD_PREFIX
        )


class StoreShippingDefault(models.Model):
    """The shipping line a store's orders to one destination country ask for; without one the
    merchant's own default lines (``logistics.DefaultShippingLine``) and routing decide.

    Invariant: one per ``(store, dest_country)``; written only by
    ``store_shipping_default_set`` (which checks the line is active and rated to the country).
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="shipping_defaults")
    dest_country = models.CharField(max_length=2)
    line = models.ForeignKey("logistics.ShippingLine", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["store", "dest_country"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "dest_country"], name="store_shipping_default_unique_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_id} → {self.dest_country}: {self.line_id}"


class StoreWebhookReceipt(models.Model):
    """One webhook delivery received from a store platform.

    Invariant: one row per ``(store, delivery_id)`` (Shopify's ``X-Shopify-Webhook-Id``), so a
    redelivered webhook is recognised and dropped before it is processed again.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="webhook_receipts")
    delivery_id = models.CharField(max_length=200)
    topic = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "delivery_id"], name="store_webhook_receipt_unique_delivery"
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_id}:{self.delivery_id}"


class StoreProduct(models.Model):
    """A product of the store's own catalog as a developer-API client mirrored it
    (``store/product/saveProduct``): what the platform's product says beyond its variants.

    Invariant: one row per ``(store, platform_product_id)``; written only by
    ``store_product_save``; its variants are the store's ``StoreVariant`` rows with the same
    ``platform_product_id`` (a product may be saved before or after them).
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    platform_product_id = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    image_url = models.URLField(max_length=500)
    description = models.TextField(blank=True)
    price_min_minor = models.BigIntegerField(null=True, blank=True)
    price_max_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["store", "platform_product_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "platform_product_id"], name="store_product_unique_platform_id"
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- Tracking push-back (one block, for merging) ----------------------------------------------


class TrackingPush(models.Model):
    """The tracking of one shipped parcel of one store order, on its way back to the store.

    Invariants:
    - one row per ``(store_order, parcel)`` (unique): a parcel's tracking is pushed to a store
      order at most once once PUSHED (``platform_fulfillment_id`` and ``pushed_at`` set exactly
      then), whatever the retries, sweeps and clicks;
    - ``store`` is the store order's store (denormalised for per-store counts);
    - ``carrier``, ``tracking_number``, ``tracking_url`` and ``line_quantities`` (platform line
      id → units) are what is or was pushed, fixed when the row is made;
    - ``next_attempt_at`` is when a PENDING row (or a DUE delivery mark) is next tried;
      ``claimed_until`` is set while an attempt runs (a crashed attempt's claim expires);
    - ``last_error`` is the platform's last refusal, kept for the merchant to read.
    Written only by ``stores.services.tracking``.
    """

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="tracking_pushes")
    store_order = models.ForeignKey(
        StoreOrder, on_delete=models.PROTECT, related_name="tracking_pushes"
    )
    parcel = models.ForeignKey(
        "orders.Parcel", on_delete=models.PROTECT, related_name="store_tracking_pushes"
    )
    status = models.CharField(max_length=10, choices=TrackingPushStatus.choices, db_index=True)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=64)
    tracking_url = models.CharField(max_length=500, blank=True)
    line_quantities = models.JSONField(default=dict)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    platform_fulfillment_id = models.CharField(max_length=100, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(
        max_length=10, choices=DeliveryMark.choices, default=DeliveryMark.NONE, blank=True
    )
    delivery_marked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["store_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store_order", "parcel"], name="tracking_push_unique_store_order_parcel"
            ),
            models.CheckConstraint(
                condition=~Q(status=TrackingPushStatus.PUSHED) | ~Q(platform_fulfillment_id=""),
                name="tracking_push_pushed_has_fulfillment_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["delivery", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} → {self.store_order} ({self.status})"


# The Sandbox shop's own tables live in their package; imported here so Django registers them.
# Pricing rules and listings (the listing wizard) live in their module; registered here too.
from .models_listing import Listing, ListingVariant, PricingRule  # noqa: E402
from .sandbox.models import (  # noqa: E402
    SandboxShop,
    SandboxShopOrder,
    SandboxShopOrderLine,
    SandboxShopProduct,
    SandboxShopVariant,
)

__all__ = [
    "Listing",
    "ListingVariant",
    "PricingRule",
    "ProductConnection",
    "SandboxShop",
    "SandboxShopOrder",
    "SandboxShopOrderLine",
    "SandboxShopProduct",
    "SandboxShopVariant",
    "Store",
    "StoreOrder",
    "StoreShippingDefault",
    "StoreProduct",
    "StoreVariant",
    "StoreWebhookReceipt",
    "TrackingPush",
]
