"""Orders: what a merchant asked to ship, to whom, at what price, and every status change; and
the order's shipping plan, its parcels.

Money is integer minor units in ``currency`` (USD base). Parcels (the routing result: one per
ship-from warehouse) are planned here (``orders.planning``) and worked by the warehouse
(``fulfillment.services``, above orders); an order's lines are spread over its parcels by
``ParcelLine``. The parcel tables keep the names the fulfillment app created them under
(``fulfillment_parcel``, ``fulfillment_parcelline``, ``fulfillment_parcelevent`` and the order
link ``fulfillment_parcel_orders``): the models moved here without a table being renamed.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from dropyard.accounts.storage import private_storage
from dropyard.core.ids import new_public_id, prefixed_code
from dropyard.core.models import TimeStampedModel

from .choices import (
    IossType,
    OrderSource,
    OrderStatus,
    OrderSubStatus,
    OrderType,
    ParcelStatus,
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
        return f"payment {self.code}"

    @property
    def code(self) -> str:
        """The code people read: "PAY" + the payment order id once generated (``payId``), the
        cart confirmation "SH" + ``shipmentsId`` before (``core.ids.prefixed_code``)."""
        if self.pay_id:
            return prefixed_code("PAY", self.pay_id)
        return prefixed_code("SH", self.shipments_id)


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
    # An operator hold (``orders.services.order_hold`` / ``order_release`` only): the warehouse
    # does not start picking a held order's parcels. A flag beside the status, not a status:
    # the contract's statuses are the store's wire values and a hold is back-office only.
    on_hold = models.BooleanField(default=False, db_index=True)
    hold_reason = models.CharField(max_length=300, blank=True)

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

    def get_absolute_url(self) -> str:
        """The merchant's order page."""
        return reverse("orders:detail", args=[self.public_id])

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


class OrderNote(models.Model):
    """An internal note operators keep on an order: never shown to the merchant.

    Invariant: append-only; written only by ``orders.services.order_internal_note_add`` (with
    its audit row); its body is non-empty.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="internal_notes")
    body = models.TextField(max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="order_note_body_not_empty")
        ]

    def __str__(self) -> str:
        return f"note on {self.order_id}"


class Parcel(TimeStampedModel):
    """One box from one warehouse on one shipping line.

    Invariants:
    - all its lines belong to orders of ``merchant`` (several orders only through a merge);
    - ``status`` changes only through ``orders.parcel_transitions`` (``parcel_transition``),
      along ``PARCEL_TRANSITIONS``, and every change writes one ``ParcelEvent``;
    - ``tracking_number`` is set exactly when the parcel is SHIPPED or later;
    - stock for each line is reserved in ``warehouse`` under ``reservation_reference`` from
      order confirmation until shipment (consumed) or cancellation (released).
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    code = models.CharField(max_length=32, unique=True)  # "P…", printed on labels
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="parcels"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="parcels"
    )
    orders = models.ManyToManyField(Order, related_name="parcels")  # 1, or a merge
    uses_private_stock = models.BooleanField(default=False)  # the merchant's own stock
    line = models.ForeignKey(
        "logistics.ShippingLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ParcelStatus.choices, default=ParcelStatus.PLANNED, db_index=True
    )
    currency = models.CharField(max_length=3, default="USD")
    postage_minor = models.BigIntegerField(default=0)
    chargeable_weight_g = models.PositiveIntegerField(default=0)
    actual_weight_g = models.PositiveIntegerField(default=0)  # computed from variants
    measured_weight_g = models.PositiveIntegerField(null=True, blank=True)  # at packing
    min_days = models.PositiveSmallIntegerField(null=True, blank=True)
    max_days = models.PositiveSmallIntegerField(null=True, blank=True)
    carrier = models.ForeignKey(
        "logistics.Carrier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tracking_number = models.CharField(max_length=64, blank=True, db_index=True)
    reservation_reference = models.CharField(max_length=64, blank=True)
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="splits"
    )  # the remainder parcel of a partial shipment points at the shipped one
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    packed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "fulfillment_parcel"  # created by the fulfillment app (see the module docstring)
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["warehouse", "status", "ready_at"]),
            # The back office's "warehouse work" badge counts the open parcels of every
            # warehouse on each page (fulfillment.selectors.parcel_open_count): this index holds
            # only those rows, so the COUNT reads an index the size of the work queue instead of
            # the status index of every parcel ever shipped. Its statuses are OPEN_STATUSES.
            models.Index(
                fields=["status"],
                name="parcel_open_status_idx",
                condition=Q(
                    status__in=[ParcelStatus.READY, ParcelStatus.PICKING, ParcelStatus.PACKED]
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def held_orders(self) -> list[Order]:
        """Its orders an operator put on hold (``orders.services.order_hold``): the warehouse
        does not pick, pack or ship the parcel while there is one. Reads the ``orders`` prefetch
        when there is one (the warehouse's parcel selectors make it), else one query."""
        return [order for order in self.orders.all() if order.on_hold]


class ParcelLine(models.Model):
    """A quantity of one order line packed in one parcel.

    Invariant: the quantities of an order line over its non-cancelled parcels sum to the order
    line's quantity; ``0 <= shipped_quantity <= quantity``.
    """

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="parcel_lines")
    quantity = models.PositiveIntegerField()
    shipped_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "fulfillment_parcelline"
        ordering = ["parcel", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="parcel_line_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__lte=F("quantity")),
                name="parcel_line_shipped_lte_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parcel_id}: {self.order_line_id} × {self.quantity}"


class ParcelEvent(models.Model):
    """One row of a parcel's history: a status change, from → to, by whom, when.

    Invariant: append-only; written only by ``orders.parcel_transitions`` (``parcel_transition``
    and its bulk twin ``parcels_transition``), in the transaction that changes the status, so
    a parcel's events replay its status from PLANNED (or the status it was created in) to now.
    """

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=ParcelStatus.choices)
    to_status = models.CharField(max_length=12, choices=ParcelStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)  # "system", "carrier tracking", …
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "fulfillment_parcelevent"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.parcel_id}: {self.from_status} → {self.to_status}"


def parcel_photo_path(instance: "ParcelPhoto", filename: str) -> str:
    return f"parcel-photos/{instance.parcel.public_id}/{filename}"


class ParcelPhoto(TimeStampedModel):
    """A photo the warehouse took of a parcel at packing (CJ's "storehouse video requests").

    Invariants: the file is a re-encoded JPEG in private storage (``accounts.storage``: no public
    URL; served only through ``fulfillment``'s signed, expiring links, made after a merchant- or
    warehouse-scoped lookup); written only by ``fulfillment.services.parcel_photo_add``, with its
    audit row, while the parcel is being picked or packed; at most ``MAX_PHOTOS`` per parcel.
    """

    MAX_PHOTOS = 10

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(storage=private_storage, upload_to=parcel_photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["parcel", "created_at", "pk"]

    def __str__(self) -> str:
        return f"photo {self.public_id} of {self.parcel_id}"
