"""The Sandbox shop's own data: what a real platform would hold on its side.

Dropyard reaches these rows only through the shop's HTTP API (adapter) or the storefront, never
from the stores services directly (besides creating the shop when the merchant connects one).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dropyard.core.models import TimeStampedModel


class SandboxShop(TimeStampedModel):
    """One sandbox shop.

    Invariants: ``slug`` is unique and URL-safe; ``token_hash`` is the SHA-256 hex of the
    access token the adapter presents (the token itself is only in the Store's encrypted
    credentials); ``webhook_secret_encrypted`` is the Fernet token (``stores.crypto``) of the
    secret that signs the webhooks; ``webhook_url`` is the receiver path on this site.
    """

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    currency = models.CharField(max_length=3)
    token_hash = models.CharField(max_length=64)
    webhook_secret_encrypted = models.TextField(editable=False)
    webhook_url = models.CharField(max_length=300, blank=True)
    next_order_number = models.PositiveIntegerField(default=1001)
    last_change_seq = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.name} (sandbox {self.slug})"


class SandboxShopProduct(TimeStampedModel):
    """A product listed on the shop (shown on the storefront while ``listed``)."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="products")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    listed = models.BooleanField(default=True)

    class Meta:
        ordering = ["shop", "pk"]

    def __str__(self) -> str:
        return self.title


class SandboxShopVariant(models.Model):
    """A purchasable variant. Invariant: ``sku`` is unique within the shop when non-empty
    (a listing upsert matches variants by SKU); ``price_minor`` ≥ 0 in the shop currency."""

    product = models.ForeignKey(
        SandboxShopProduct, on_delete=models.CASCADE, related_name="variants"
    )
    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=100)
    title = models.CharField(max_length=255, blank=True)
    price_minor = models.BigIntegerField()
    image_url = models.URLField(max_length=500, blank=True)
    available = models.IntegerField(null=True, blank=True)  # None: not tracked

    class Meta:
        ordering = ["product", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "sku"], name="sandbox_variant_unique_sku"),
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0), name="sandbox_variant_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.title} {self.title}".strip()


class SandboxOrderStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class SandboxShopOrder(TimeStampedModel):
    """A shopper's order on the shop, with the fulfillment Dropyard pushed back.

    Invariants: ``delivered_at`` is set only after ``fulfilled_at`` (Dropyard marks a pushed
    fulfillment delivered) and cleared when a new fulfillment replaces it; ``number`` is unique
    per shop (from ``SandboxShop.next_order_number`` under the shop's row lock); ``token``
    (unique, unguessable) opens the shopper's order page;
    ``change_seq`` is taken from ``SandboxShop.last_change_seq`` under the shop's row lock on
    every change, so changes commit in ``change_seq`` order and the orders API's cursor (the
    last ``change_seq`` seen) can never pass over a change that commits later.
    """

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="orders")
    number = models.PositiveIntegerField()
    token = models.CharField(max_length=40, unique=True)
    status = models.CharField(
        max_length=12, choices=SandboxOrderStatus.choices, default=SandboxOrderStatus.PAID
    )
    email = models.EmailField()
    customer_name = models.CharField(max_length=100)
    address = models.CharField(max_length=200)
    address2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    province = models.CharField(max_length=100, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    country_code = models.CharField(max_length=2)
    phone = models.CharField(max_length=40, blank=True)
    total_minor = models.BigIntegerField()
    # Pushed back by Dropyard (fulfillment API).
    fulfillment_carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)  # marked by Dropyard
    webhook_sent_at = models.DateTimeField(null=True, blank=True)
    change_seq = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="sandbox_order_unique_number")
        ]
        indexes = [models.Index(fields=["shop", "change_seq"])]

    def __str__(self) -> str:
        return f"#{self.number}"


class SandboxShopOrderLine(models.Model):
    """One line of a shop order, priced at the moment of purchase."""

    order = models.ForeignKey(SandboxShopOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(SandboxShopVariant, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"
