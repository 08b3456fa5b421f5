"""Warehouses, stock per variant per warehouse (platform, factory and private), movement ledger,
and the private-inventory purchase cart and purchase orders ("SY")."""

from django.conf import settings
from django.db import models

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import MovementKind, PurchaseOrderStatus, WarehouseKind


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
    # Packing: must the packer photograph the parcel before it can be marked packed? Off by
    # default (photos stay possible): not every packing bench has a camera or a phone.
    parcel_photos_required = models.BooleanField(default=False, db_default=False)
    # After-sales returns (RMA) may be sent here. Off by default: CJ takes returned
    # dropshipping goods back in its China warehouse only, never in a US one.
    accepts_returns = models.BooleanField(default=False, db_default=False)

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


class PurchaseCartLine(models.Model):
    """One line of a merchant's purchase cart: units of a variant to buy from platform stock
    into that merchant's private stock, in one platform warehouse (the contract's
    ``shopping/privateInventory`` cart, ``addCart`` with ``{vid, quantity}``).

    Invariants: one line per (merchant, variant, warehouse); quantity ≥ 1. A cart line holds
    no stock: availability is checked when the line is added and again, atomically, when its
    purchase order is paid. Written only by ``inventory.purchases``.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="purchase_cart_lines"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "variant", "warehouse"], name="purchase_cart_line_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="purchase_cart_line_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"cart {self.merchant_id}: {self.quantity} × {self.variant_id}@{self.warehouse_id}"


class PurchaseOrder(TimeStampedModel):
    """A confirmed purchase cart: a private-inventory ("SY") order of one merchant.

    Invariants: ``code`` is "SY" + 19 digits, unique; ``amount_minor`` is the sum of its lines'
    amounts (prices fixed when the cart was confirmed). WAIT_PAY → COMPLETED happens once, in
    the transaction that debits the wallet and moves every line's units from platform stock
    into the merchant's private stock (``checkout.purchases``); WAIT_PAY → CANCELLED only
    before that. A completed order never changes again.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="purchase_orders"
    )
    code = models.CharField(max_length=32, unique=True)
    pay_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    status = models.CharField(
        max_length=12, choices=PurchaseOrderStatus.choices, default=PurchaseOrderStatus.WAIT_PAY
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=64, blank=True)  # wallet:<ledger txn id>

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gte=0), name="purchase_order_amount_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class PurchaseOrderLine(models.Model):
    """Units of one variant bought into one warehouse by a purchase order, at a fixed price.

    Invariant: quantity ≥ 1 and amount = quantity × unit price (minor units, the order's
    currency).
    """

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()
    amount_minor = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "variant", "warehouse"], name="purchase_order_line_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, unit_price_minor__gte=0)
                & models.Q(amount_minor=models.F("quantity") * models.F("unit_price_minor")),
                name="purchase_order_line_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.variant_id}@{self.warehouse_id}"


class ProductCountryStock(models.Model):
    """Available shared stock of one product in one warehouse country: an aggregate of
    ``Stock``, kept by ``inventory.aggregates`` in the transaction of every stock change.

    Invariant: one row per (product, country) for which the product has a shared
    (``merchant`` null) stock row in an active warehouse of that country, with ``available``
    = Σ (on_hand − reserved) over those rows; no other rows. The product's
    ``stock_available`` is the sum over its rows and ``stock_countries`` lists their
    countries. Never written outside ``inventory.aggregates``.

    ``product_on_sale`` / ``product_in_stock`` copy the product's ``is_on_sale`` and
    ``stock_available > 0`` (set on insert, then kept by a trigger on the product row, inventory
    migration 0006), so PostgreSQL counts a country's on-sale (in-stock) products from the
    (country, flags) index alone, without visiting a product row per match.
    """

    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="country_stock",
        db_index=False,  # the unique (product, country) index serves look-ups by product
    )
    country = models.CharField(max_length=2)
    available = models.BigIntegerField(default=0)
    product_on_sale = models.BooleanField(default=False)
    product_in_stock = models.BooleanField(default=False)

    class Meta:
        ordering = ["product", "country"]
        indexes = [
            models.Index(
                fields=["country", "product_on_sale", "product_in_stock"],
                name="product_country_stock_flags",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "country"], name="product_country_stock_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.country}: {self.available}"
