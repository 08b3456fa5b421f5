"""Orders: what a merchant asked to ship, to whom, at what price, and every status change.

Money is integer minor units in ``currency`` (USD base). Parcels (the routing result: one per
ship-from warehouse) live in ``fulfillment``; an order's lines are spread over its parcels by
``fulfillment.ParcelLine``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import (
    IossType,
    OrderSource,
    OrderStatus,
    OrderSubStatus,
    OrderType,
    ParentOrderStatus,
    PayType,
    ShopLogisticsType,
)


class ParentOrder(TimeStampedModel):
    """A confirmed cart (``shipmentsId``) and the payment order generated for it (``payId``).

    Invariant: its orders all belong to ``merchant``; ``amount_minor`` is the sum of their
    totals at generation time; once PAID it never changes and paying again is a no-op.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="parent_orders"
    )
    shipments_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    pay_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ParentOrderStatus.choices, default=ParentOrderStatus.OPEN
    )
    amount_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default="USD")
    pay_expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"shipment {self.shipments_id}"


class OrderMerge(TimeStampedModel):
    """Unpaid orders of one merchant to the same recipient and address, shipped as one parcel.

    Invariant: while ``undone_at`` is null every member order is unpaid or later, shares the
    recipient and address key, and the member orders' parcels are one per warehouse.
    ``postage_before_minor - postage_after_minor`` is the freight saved shown in the preview.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="order_merges"
    )
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    address_key = models.CharField(max_length=64)  # hash of normalised recipient + address
    postage_before_minor = models.BigIntegerField(default=0)
    postage_after_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default="USD")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"merge {self.public_id}"


class Order(TimeStampedModel):
    """One customer order of one merchant.

    Invariants:
    - ``(merchant, order_number)`` is unique (the contract's duplicate code 1603003);
    - ``status`` changes only through ``orders.services.order_transition``, which writes an
      ``OrderEvent`` for every change; ``sub_status`` is non-empty only while UNSHIPPED;
    - amounts are integer minor units: ``total = product + postage + fee - discount``, frozen
      (with ``cost_breakdown``) at payment;
    - stock for its parcel lines is reserved from UNPAID (confirmation) until shipment or
      cancellation, under the reference ``order:<public_id>:<parcel code>``.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)  # orderId
    code = models.CharField(max_length=32, unique=True)  # cjOrderCode: "DY…" / bulk "ZF…"
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="orders"
    )
    order_number = models.CharField(max_length=50)  # the merchant's own number
    order_type = models.CharField(
        max_length=20, choices=OrderType.choices, default=OrderType.DROPSHIPPING
    )
    source = models.CharField(max_length=10, choices=OrderSource.choices, default=OrderSource.API)
    platform = models.CharField(max_length=40, default="api")  # contract "platform"
    # Store sync arrives with the stores issue; these carry its identifiers meanwhile.
    store_name = models.CharField(max_length=120, blank=True)
    store_order_id = models.CharField(max_length=100, blank=True)
    store_created_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        max_length=12, choices=OrderStatus.choices, default=OrderStatus.CREATED, db_index=True
    )
    sub_status = models.CharField(
        max_length=12, choices=OrderSubStatus.choices, default=OrderSubStatus.NONE, blank=True
    )
    is_sandbox = models.BooleanField(default=False)

    # Shipping address (validated per country by orders.address).
    shipping_country_code = models.CharField(max_length=2)
    shipping_country = models.CharField(max_length=80, blank=True)
    shipping_province = models.CharField(max_length=80, blank=True)
    shipping_city = models.CharField(max_length=80)
    shipping_county = models.CharField(max_length=80, blank=True)
    shipping_zip = models.CharField(max_length=20, blank=True)
    shipping_address = models.CharField(max_length=200)
    shipping_address2 = models.CharField(max_length=200, blank=True)
    house_number = models.CharField(max_length=20, blank=True)
    shipping_customer_name = models.CharField(max_length=100)
    shipping_phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    tax_id = models.CharField(max_length=40, blank=True)
    consignee_id = models.CharField(max_length=40, blank=True)
    remark = models.CharField(max_length=500, blank=True)
    ioss_type = models.PositiveSmallIntegerField(choices=IossType.choices, default=IossType.NONE)
    ioss_number = models.CharField(max_length=20, blank=True)

    # What the merchant asked for, and what routing chose.
    pay_type = models.PositiveSmallIntegerField(choices=PayType.choices, default=PayType.NONE)
    shop_logistics_type = models.PositiveSmallIntegerField(
        choices=ShopLogisticsType.choices, default=ShopLogisticsType.SELLER
    )
    requested_logistic_name = models.CharField(max_length=120, blank=True)
    from_country_code = models.CharField(max_length=2, blank=True)
    requested_warehouse = models.ForeignKey(
        "inventory.Warehouse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # storageId; for bulk orders: the warehouse whose private stock receives the goods
    line = models.ForeignKey(
        "logistics.ShippingLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # the line routing chose (every parcel uses it unless a parcel says otherwise)
    logistics_miss = models.BooleanField(default=False)  # no line fits: see intercept_reasons
    intercept_reasons = models.JSONField(default=list, blank=True)  # [{code, message}]

    currency = models.CharField(max_length=3, default="USD")
    product_amount_minor = models.BigIntegerField(default=0)
    postage_amount_minor = models.BigIntegerField(default=0)
    fee_amount_minor = models.BigIntegerField(default=0)
    discount_amount_minor = models.BigIntegerField(default=0)
    total_amount_minor = models.BigIntegerField(default=0)
    shop_amount_minor = models.BigIntegerField(null=True, blank=True)  # what the buyer paid
    cost_breakdown = models.JSONField(default=dict, blank=True)  # snapshot, see routing

    parent = models.ForeignKey(
        ParentOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    merge = models.ForeignKey(
        OrderMerge, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    original_order = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="resends"
    )  # for RESEND orders

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "order_number"], name="order_number_unique_per_merchant"
            ),
            models.CheckConstraint(
                condition=Q(sub_status="") | Q(status=OrderStatus.UNSHIPPED),
                name="order_sub_status_only_unshipped",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "status", "-created_at"]),
            models.Index(fields=["merchant", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.order_number})"

    @property
    def in_sandbox(self) -> bool:
        """A sandbox order: flagged itself (``isSandbox``) or placed by a sandbox account."""
        return self.is_sandbox or self.merchant.is_sandbox


class OrderLine(models.Model):
    """One variant × quantity of an order, priced when the order was created.

    Invariant: ``quantity >= 1``; ``unit_price_minor`` is the variant's sell price snapshot and
    does not follow later catalog price changes.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_item_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()
    store_line_item_id = models.CharField(max_length=100, blank=True)
    pod_properties = models.JSONField(default=None, null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_gte_1")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.variant_id} × {self.quantity}"


class OrderEvent(models.Model):
    """One row of an order's history: a status change, or a noted event without one.

    Invariant: append-only; written only by ``orders.services.order_transition`` (status
    changes) and ``order_note`` (events such as re-routing, merge, address change).
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    from_sub_status = models.CharField(max_length=12, blank=True)
    to_sub_status = models.CharField(max_length=12, blank=True)
    kind = models.CharField(max_length=30, default="status")  # status / routed / merged / …
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)  # "system", "sandbox carrier", …
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"
