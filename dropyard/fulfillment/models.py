"""Parcels: the lines that leave one warehouse together, and the warehouse work on them.

Routing (``orders``) plans parcels for an order; a merge regroups the parcels of several orders
into one per warehouse. After payment a parcel enters its warehouse's queue (READY) and the
warehouse picks, packs and ships it; tracking lives in ``logistics``, keyed by tracking number.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import ParcelStatus


class Parcel(TimeStampedModel):
    """One box from one warehouse on one shipping line.

    Invariants:
    - all its lines belong to orders of ``merchant`` (several orders only through a merge);
    - ``status`` changes only through ``fulfillment.transitions`` (``parcel_transition``),
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
    orders = models.ManyToManyField("orders.Order", related_name="parcels")  # 1, or a merge
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
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["warehouse", "status", "ready_at"])]

    def __str__(self) -> str:
        return self.code


class ParcelLine(models.Model):
    """A quantity of one order line packed in one parcel.

    Invariant: the quantities of an order line over its non-cancelled parcels sum to the order
    line's quantity; ``0 <= shipped_quantity <= quantity``.
    """

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="parcel_lines"
    )
    quantity = models.PositiveIntegerField()
    shipped_quantity = models.PositiveIntegerField(default=0)

    class Meta:
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

    Invariant: append-only; written only by ``fulfillment.transitions`` (``parcel_transition``
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
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.parcel_id}: {self.from_status} → {self.to_status}"
