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
