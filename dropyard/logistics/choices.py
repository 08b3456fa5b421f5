"""Logistics enumerations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PricingMode(models.TextChoices):
    """How a rate card prices a parcel by chargeable weight."""

    FIRST_ADDITIONAL = "first_additional", _("First weight + additional steps")
    BANDS = "bands", _("Weight bands")


class FallbackPolicy(models.TextChoices):
    """What to do when the merchant's default line cannot ship an order."""

    CHEAPEST = "cheapest", _("Use the cheapest line that can")
    FASTEST = "fastest", _("Use the fastest line that can")
    REFUSE = "refuse", _("Refuse (hold the order)")


class UnavailableReason(models.TextChoices):
    """Why a line cannot carry a cart; codes follow the contract's freight diagnostics."""

    NO_ROUTE = "no_route", _("No rate from this origin to this destination")
    PROPERTY = "property", _("Product property not allowed on this line")
    OVERWEIGHT = "overweight", _("Parcel heavier than the line's maximum")
    INACTIVE = "inactive", _("Line not active")


class TrackingStatus(models.IntegerChoices):
    """The contract's LOGISTIC ``trackingStatus`` codes (§5), the one vocabulary for tracking.

    Carriers' own words are normalised to these (``tracking.tracking_status_normalize``).
    DELIVERED and RETURNED are final; EXCEPTION may still be followed by RETURNED (or a
    successful redelivery), so it is not.
    """

    NO_INFO = 0, _("No information yet")
    WAREHOUSE_OUTBOUND = 1, _("Left the warehouse")
    FORWARDER_INBOUND = 2, _("Received by the forwarder")
    FORWARDER_RETURN = 3, _("Returned by the forwarder")
    FORWARDER_OUTBOUND = 4, _("Dispatched by the forwarder")
    FIRST_LEG = 5, _("In transit (first leg)")
    ARRIVED_DESTINATION = 6, _("Arrived in the destination country")
    CUSTOMS_STARTED = 7, _("Customs clearance started")
    CUSTOMS_CLEARED = 8, _("Customs cleared")
    TERMINAL_PICKUP = 9, _("At the delivery terminal")
    OUT_FOR_DELIVERY = 10, _("Out for delivery")
    AWAITING_PICKUP = 11, _("Awaiting pickup")
    DELIVERED = 12, _("Delivered")
    EXCEPTION = 13, _("Delivery exception")
    RETURNED = 14, _("Returned")


# Statuses after which a parcel's journey is over (the Sandbox carrier stops there).
FINAL_TRACKING_STATUSES = frozenset({TrackingStatus.DELIVERED, TrackingStatus.RETURNED})


class TrackingEventSource(models.TextChoices):
    """Who reported a tracking event."""

    SANDBOX = "sandbox", _("Sandbox carrier")
    MANUAL = "manual", _("Entered by an operator")
    CARRIER = "carrier", _("Carrier feed")
