"""Inventory enumerations."""

from django.db import models


class WarehouseKind(models.TextChoices):
    """Platform warehouses hold "CJ" stock; supplier warehouses hold factory stock (contract)."""

    PLATFORM = "platform", "Platform warehouse"
    SUPPLIER = "supplier", "Supplier warehouse"


class MovementKind(models.TextChoices):
    """Why stock changed. Each movement records its deltas on on_hand and reserved."""

    RECEIPT = "receipt", "Receipt"
    ADJUSTMENT = "adjustment", "Adjustment"
    RESERVATION = "reservation", "Reservation"
    RELEASE = "release", "Release"
    SHIPMENT = "shipment", "Shipment"
    RETURN = "return", "Return"
    # Units bought from platform stock into a merchant's private stock in the same warehouse
    # (a paid "SY" purchase order): −q on the shared row and +q on the private row, both with
    # the purchase order's code as reference.
    PURCHASE = "purchase", "Private purchase"


class PurchaseOrderStatus(models.TextChoices):
    """A private-inventory purchase order ("SY…"); the values are the contract's PRIVATE_ORDER
    statuses (§5 SUM extras) that this flow reaches: the stock moves on payment, so a paid
    order is complete at once."""

    WAIT_PAY = "WAIT_PAY", "Awaiting payment"
    COMPLETED = "COMPLETED", "Paid, in your private stock"
    CANCELLED = "CANCELLED", "Cancelled"
