"""Inventory enumerations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WarehouseKind(models.TextChoices):
    """Platform warehouses hold "CJ" stock; supplier warehouses hold factory stock (contract)."""

    PLATFORM = "platform", _("Platform warehouse")
    SUPPLIER = "supplier", _("Supplier warehouse")


class MovementKind(models.TextChoices):
    """Why stock changed. Each movement records its deltas on on_hand and reserved.

    Labels carry the "stock movement" context: "Receipt" and "Release" mean other things
    elsewhere (an invoice receipt, releasing an order from hold)."""

    RECEIPT = "receipt", pgettext_lazy("stock movement", "Receipt")
    ADJUSTMENT = "adjustment", pgettext_lazy("stock movement", "Adjustment")
    RESERVATION = "reservation", pgettext_lazy("stock movement", "Reservation")
    RELEASE = "release", pgettext_lazy("stock movement", "Release")
    SHIPMENT = "shipment", pgettext_lazy("stock movement", "Shipment")
    RETURN = "return", pgettext_lazy("stock movement", "Return")
    # Units bought from platform stock into a merchant's private stock in the same warehouse
    # (a paid "SY" purchase order): −q on the shared row and +q on the private row, both with
    # the purchase order's code as reference.
    PURCHASE = "purchase", pgettext_lazy("stock movement", "Private purchase")


class PurchaseOrderStatus(models.TextChoices):
    """A private-inventory purchase order ("SY…"); the values are the contract's PRIVATE_ORDER
    statuses (§5 SUM extras) that this flow reaches: the stock moves on payment, so a paid
    order is complete at once."""

    WAIT_PAY = "WAIT_PAY", _("Awaiting payment")
    COMPLETED = "COMPLETED", _("Paid, in your private stock")
    CANCELLED = "CANCELLED", _("Cancelled")
