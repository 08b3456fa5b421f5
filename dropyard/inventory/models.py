"""Warehouses, stock per variant per warehouse (platform, factory and private), movement ledger."""

from django.conf import settings
from django.db import models

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import MovementKind, WarehouseKind


class Warehouse(TimeStampedModel):
    """A physical warehouse. Platform warehouses hold platform stock (and merchants' private
    stock); supplier warehouses hold factory stock of that supplier.

    Invariant: ``code`` is unique and stable; ``country`` is ISO 3166-1 alpha-2.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, db_index=True)
    region = models.CharField(max_length=120, blank=True)  # province / state
    city = models.CharField(max_length=120, blank=True)
    address1 = models.CharField(max_length=200, blank=True)
    address2 = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    kind = models.CharField(
        max_length=10, choices=WarehouseKind.choices, default=WarehouseKind.PLATFORM
    )
    supplier = models.ForeignKey(
        "accounts.Supplier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warehouses",
    )
    is_verified = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    is_self_pickup = models.BooleanField(default=False)
    carriers = models.ManyToManyField("logistics.Carrier", blank=True, related_name="warehouses")

    class Meta:
        ordering = ["country", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Stock(models.Model):
    """Units of one variant in one warehouse; ``merchant`` set means that merchant's private stock.

    Invariants (database checks): 0 ≤ reserved ≤ on_hand, so available = on_hand − reserved is
    never negative. One row per (variant, warehouse, owner). Quantities change only through
    inventory services, each change with a StockMovement row in the same transaction, using
    conditional UPDATEs (never read-modify-save).
    """

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="stock")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock")
    merchant = models.ForeignKey(
        "accounts.MerchantAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="private_stock",
    )
    on_hand = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["warehouse", "variant"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="stock_reserved_not_over_on_hand",
            ),
            models.UniqueConstraint(
                fields=["variant", "warehouse"],
                condition=models.Q(merchant__isnull=True),
                name="stock_unique_shared",
            ),
            models.UniqueConstraint(
                fields=["variant", "warehouse", "merchant"],
                condition=models.Q(merchant__isnull=False),
                name="stock_unique_private",
            ),
        ]
        indexes = [models.Index(fields=["variant", "warehouse"])]

    def __str__(self) -> str:
        owner = f" (private {self.merchant_id})" if self.merchant_id else ""
        return f"{self.variant_id}@{self.warehouse_id}{owner}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """One change to a stock row: the ledger. Append-only.

    Invariant: summing ``on_hand_delta`` (and ``reserved_delta``) over a stock row's movements
    gives its current ``on_hand`` (and ``reserved``).
    """

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=12, choices=MovementKind.choices)
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    on_hand_after = models.PositiveIntegerField()
    reserved_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=64, blank=True)  # e.g. an order id
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on_hand_delta:+}/{self.reserved_delta:+} on {self.stock_id}"


class ProductCountryStock(models.Model):
    """Available shared stock of one product in one warehouse country: an aggregate of
    ``Stock``, kept by ``inventory.aggregates`` in the transaction of every stock change.

    Invariant: one row per (product, country) for which the product has a shared
    (``merchant`` null) stock row in an active warehouse of that country, with ``available``
    = Σ (on_hand − reserved) over those rows; no other rows. The product's
    ``stock_available`` is the sum over its rows and ``stock_countries`` lists their
    countries. Never written outside ``inventory.aggregates``.
    """

    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="country_stock",
        db_index=False,  # the unique (product, country) index serves look-ups by product
    )
    country = models.CharField(max_length=2)
    available = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["product", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "country"], name="product_country_stock_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.country}: {self.available}"
