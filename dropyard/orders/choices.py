"""Order enumerations (contract §5: order status, payType, iossType, shopLogisticsType) and the
status of the parcels an order ships in."""

from django.db import models


class OrderStatus(models.TextChoices):
    """The contract's order statuses, in lifecycle order."""

    CREATED = "CREATED", "Created"
    IN_CART = "IN_CART", "In cart"
    UNPAID = "UNPAID", "Unpaid"
    UNSHIPPED = "UNSHIPPED", "Paid, awaiting shipment"
    SHIPPED = "SHIPPED", "Shipped"
    DELIVERED = "DELIVERED", "Delivered"
    CANCELLED = "CANCELLED", "Cancelled"


class OrderSubStatus(models.TextChoices):
    """Under UNSHIPPED only: PENDING until the warehouse starts work, then PROCESSING."""

    NONE = "", "—"
    PENDING = "PENDING", "Pending"
    PROCESSING = "PROCESSING", "Processing"


# ``OrderEvent.kind`` of the history rows that record something other than a status change
# (written by ``order_note``), as the order page's history shows them.
EVENT_KIND_LABELS: dict[str, str] = {
    "status": "Status changed",
    "routed": "Shipping planned",
    "shipment": "Moved to a new payment",
    "merged": "Merged",
    "unmerged": "Merge undone",
    "logistics": "Shipping line changed",
    "warehouse": "Warehouse changed",
    "address": "Address changed",
    "remainder_cancelled": "Rest of the order cancelled",
    "completed": "Completed",
    "held": "Put on hold",
    "released": "Released from hold",
    "refund": "Refunded",
}


class OrderType(models.TextChoices):
    DROPSHIPPING = "dropshipping", "Dropshipping"
    BULK = "bulk", "Bulk purchase"  # order code prefix ZF; stock lands in private inventory
    RESEND = "resend", "Resend"  # created by after-sales


class OrderSource(models.TextChoices):
    API = "api", "Developer API"
    CSV = "csv", "CSV upload"
    MANUAL = "manual", "Manual form"
    STORE = "store", "Store sync"


class PayType(models.IntegerChoices):
    """createOrderV2 ``payType``: 1 page payment (cjPayUrl), 2 balance (cart to pay), 3 none."""

    PAGE = 1, "Page payment"
    BALANCE = 2, "Balance"
    NONE = 3, "Create only"


class IossType(models.IntegerChoices):
    NONE = 1, "No IOSS"
    OWN = 2, "Own IOSS number"
    PLATFORM = 3, "Platform IOSS"


class ShopLogisticsType(models.IntegerChoices):
    PLATFORM = 1, "Platform logistics (merchant picks the warehouse, uploads waybill)"
    SELLER = 2, "Seller logistics (we ship)"
    PLATFORM_DESIGNATED = 3, "Platform logistics, warehouse designated by us"


class ParentOrderStatus(models.TextChoices):
    """A cart confirmation (``shipmentsId``) and, once generated, its payment (``payId``)."""

    OPEN = "open", "Awaiting payment order"
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


class ParcelStatus(models.TextChoices):
    """One parcel = the lines of an order (or merged orders) that leave one warehouse together.

    PLANNED (routed, order not paid) → READY (paid, in the warehouse queue) → PICKING → PACKED →
    SHIPPED → DELIVERED; EXCEPTION (carrier problem) and RETURNED after SHIPPED; CANCELLED
    before SHIPPED.
    """

    PLANNED = "planned", "Planned"
    READY = "ready", "Ready to pick"
    PICKING = "picking", "Picking"
    PACKED = "packed", "Packed"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    EXCEPTION = "exception", "Delivery exception"
    RETURNED = "returned", "Returned"
    CANCELLED = "cancelled", "Cancelled"
