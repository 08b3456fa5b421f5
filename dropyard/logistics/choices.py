"""Logistics enumerations."""

from django.db import models


class PricingMode(models.TextChoices):
    """How a rate card prices a parcel by chargeable weight."""

    FIRST_ADDITIONAL = "first_additional", "First weight + additional steps"
    BANDS = "bands", "Weight bands"


class FallbackPolicy(models.TextChoices):
    """What to do when the merchant's default line cannot ship an order."""

    CHEAPEST = "cheapest", "Use the cheapest line that can"
    FASTEST = "fastest", "Use the fastest line that can"
    REFUSE = "refuse", "Refuse (hold the order)"


class UnavailableReason(models.TextChoices):
    """Why a line cannot carry a cart; codes follow the contract's freight diagnostics."""

    NO_ROUTE = "no_route", "No rate from this origin to this destination"
    PROPERTY = "property", "Product property not allowed on this line"
    OVERWEIGHT = "overweight", "Parcel heavier than the line's maximum"
    INACTIVE = "inactive", "Line not active"


class TrackingStatus(models.IntegerChoices):
    """The contract's LOGISTIC ``trackingStatus`` codes (§5), the one vocabulary for tracking.

    Carriers' own words are normalised to these (``tracking.tracking_status_normalize``).
    DELIVERED and RETURNED are final; EXCEPTION may still be followed by RETURNED (or a
    successful redelivery), so it is not.
    """

    NO_INFO = 0, "No information yet"
    WAREHOUSE_OUTBOUND = 1, "Left the warehouse"
    FORWARDER_INBOUND = 2, "Received by the forwarder"
    FORWARDER_RETURN = 3, "Returned by the forwarder"
    FORWARDER_OUTBOUND = 4, "Dispatched by the forwarder"
    FIRST_LEG = 5, "In transit (first leg)"
    ARRIVED_DESTINATION = 6, "Arrived in the destination country"
    CUSTOMS_STARTED = 7, "Customs clearance started"
    CUSTOMS_CLEARED = 8, "Customs cleared"
    TERMINAL_PICKUP = 9, "At the delivery terminal"
    OUT_FOR_DELIVERY = 10, "Out for delivery"
    AWAITING_PICKUP = 11, "Awaiting pickup"
    DELIVERED = 12, "Delivered"
    EXCEPTION = 13, "Delivery exception"
    RETURNED = 14, "Returned"


# Statuses after which a parcel's journey is over (the Sandbox carrier stops there).
FINAL_TRACKING_STATUSES = frozenset({TrackingStatus.DELIVERED, TrackingStatus.RETURNED})


class TrackingEventSource(models.TextChoices):
    """Who reported a tracking event."""

    SANDBOX = "sandbox", "Sandbox carrier"
    MANUAL = "manual", "Entered by an operator"
    CARRIER = "carrier", "Carrier feed"
