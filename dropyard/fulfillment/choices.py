"""Fulfillment enumerations."""

from django.db import models


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
