"""Order enumerations (contract §5: order status, payType, iossType, shopLogisticsType) and the
status of the parcels an order ships in."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class OrderStatus(models.TextChoices):
    """The contract's order statuses, in lifecycle order."""

    CREATED = "CREATED", _("Created")
    IN_CART = "IN_CART", _("In cart")
    UNPAID = "UNPAID", _("Unpaid")
    UNSHIPPED = "UNSHIPPED", _("Paid, awaiting shipment")
    SHIPPED = "SHIPPED", _("Shipped")
    DELIVERED = "DELIVERED", _("Delivered")
    CANCELLED = "CANCELLED", _("Cancelled")


class OrderSubStatus(models.TextChoices):
    """Under UNSHIPPED only: PENDING until the warehouse starts work, then PROCESSING."""

    NONE = "", "—"
    PENDING = "PENDING", _("Pending")
    PROCESSING = "PROCESSING", _("Processing")


# ``OrderEvent.kind`` of the history rows that record something other than a status change
# (written by ``order_note``), as the order page's history shows them.
EVENT_KIND_LABELS: dict[str, StrOrPromise] = {
    "created": _("Created"),
    "status": _("Status changed"),
    "routed": _("Shipping planned"),
    "shipment": _("Moved to a new payment"),
    "merged": _("Merged"),
    "unmerged": _("Merge undone"),
    "logistics": _("Shipping line changed"),
    "warehouse": _("Warehouse changed"),
    "address": _("Address changed"),
    "remainder_cancelled": _("Rest of the order cancelled"),
    "completed": _("Completed"),
    "held": _("Put on hold"),
    "released": _("Released from hold"),
    "refund": _("Refunded"),
    "replanned": _("Warehouse or line changed"),
    "freight_charged": _("Freight difference charged"),
    "resend": _("Resend"),  # after-sales: a resend order made for a dispute
}


class OrderType(models.TextChoices):
    DROPSHIPPING = "dropshipping", _("Dropshipping")
    BULK = "bulk", _("Bulk purchase")  # order code prefix ZF; stock lands in private inventory
    RESEND = "resend", _("Resend")  # created by after-sales


class OrderSource(models.TextChoices):
    API = "api", _("Developer API")
    CSV = "csv", _("CSV upload")
    MANUAL = "manual", _("Manual form")
    STORE = "store", _("Store sync")


class PayType(models.IntegerChoices):
    """createOrderV2 ``payType``: 1 page payment (cjPayUrl), 2 balance (cart to pay), 3 none."""

    PAGE = 1, _("Page payment")
    BALANCE = 2, _("Balance")
    NONE = 3, _("Create only")


class IossType(models.IntegerChoices):
    NONE = 1, _("No IOSS")
    OWN = 2, _("Own IOSS number")
    PLATFORM = 3, _("Platform IOSS")


class ShopLogisticsType(models.IntegerChoices):
    PLATFORM = 1, _("Platform logistics (merchant picks the warehouse, uploads waybill)")
    SELLER = 2, _("Seller logistics (we ship)")
    PLATFORM_DESIGNATED = 3, _("Platform logistics, warehouse designated by us")


class ParentOrderStatus(models.TextChoices):
    """A cart confirmation (``shipmentsId``) and, once generated, its payment (``payId``)."""

    OPEN = "open", _("Awaiting payment order")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class ParcelStatus(models.TextChoices):
    """One parcel = the lines of an order (or merged orders) that leave one warehouse together.

    PLANNED (routed, order not paid) → READY (paid, in the warehouse queue) → PICKING → PACKED →
    SHIPPED → DELIVERED; EXCEPTION (carrier problem) and RETURNED after SHIPPED; CANCELLED
    before SHIPPED.
    """

    PLANNED = "planned", _("Planned")
    READY = "ready", _("Ready to pick")
    PICKING = "picking", _("Picking")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Delivery exception")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
