"""Carriers, shipping lines, rate cards and merchants' default shipping lines."""

from django.db import models

from dropyard.core.models import TimeStampedModel

from .choices import FallbackPolicy, PricingMode


class Carrier(models.Model):
    """A carrier brand (e.g. "Sandbox Post"); warehouses list the carriers they hand over to."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=120)
    tracking_url_template = models.CharField(max_length=300, blank=True)  # "{number}" placeholder

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShippingLine(TimeStampedModel):
    """A shipping service merchants choose by name (the contract's ``logisticName``).

    Invariants: ``name`` unique; ``allowed_properties`` lists the ShippingProperty values it may
    carry (a product with any other property is refused); ``max_weight_g`` 0 means no limit;
    volumetric weight (g) = L×W×H (mm³) / ``volumetric_divisor`` (e.g. 5000 for cm³/5000 kg).
    """

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=120, unique=True)
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="lines")
    is_tracked = models.BooleanField(default=True)
    allowed_properties = models.JSONField(default=list, blank=True)
    max_weight_g = models.PositiveIntegerField(default=0)
    volumetric_divisor = models.PositiveIntegerField(default=5000)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RateCard(TimeStampedModel):
    """The price of a line from an origin country to a destination (optionally a postcode prefix).

    Invariants: prices in USD minor units; FIRST_ADDITIONAL uses first_weight_g/first_price_minor
    plus step_price_minor per started step_weight_g; BANDS uses ``bands`` =
    [{"max_g": int, "price_minor": int}, …] ascending, heavier than the last band is refused.
    ``remote_postcode_prefixes`` add ``remote_surcharge_minor``. The longest matching
    ``postcode_prefix`` wins; "" matches every postcode.
    """

    line = models.ForeignKey(ShippingLine, on_delete=models.CASCADE, related_name="rate_cards")
    origin_country = models.CharField(max_length=2)
    dest_country = models.CharField(max_length=2)
    postcode_prefix = models.CharField(max_length=10, blank=True)
    pricing_mode = models.CharField(
        max_length=20, choices=PricingMode.choices, default=PricingMode.FIRST_ADDITIONAL
    )
    first_weight_g = models.PositiveIntegerField(default=0)
    first_price_minor = models.BigIntegerField(default=0)
    step_weight_g = models.PositiveIntegerField(default=0)
    step_price_minor = models.BigIntegerField(default=0)
    bands = models.JSONField(default=list, blank=True)
    handling_fee_minor = models.BigIntegerField(default=0)
    remote_surcharge_minor = models.BigIntegerField(default=0)
    remote_postcode_prefixes = models.JSONField(default=list, blank=True)
    min_days = models.PositiveSmallIntegerField()
    max_days = models.PositiveSmallIntegerField()
    currency = models.CharField(max_length=3, default="USD")

    class Meta:
        ordering = ["line", "origin_country", "dest_country", "postcode_prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "origin_country", "dest_country", "postcode_prefix"],
                name="ratecard_unique_route",
            ),
            models.CheckConstraint(
                condition=models.Q(min_days__lte=models.F("max_days")),
                name="ratecard_days_ordered",
            ),
        ]
        indexes = [models.Index(fields=["origin_country", "dest_country"])]

    def __str__(self) -> str:
        prefix = f" {self.postcode_prefix}*" if self.postcode_prefix else ""
        return f"{self.line} {self.origin_country}→{self.dest_country}{prefix}"


class DefaultShippingLine(TimeStampedModel):
    """A merchant's chosen line for a destination country and what to do when it cannot ship.

    Invariant: one per (merchant, destination country).
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="default_lines"
    )
    dest_country = models.CharField(max_length=2)
    line = models.ForeignKey(ShippingLine, on_delete=models.PROTECT, related_name="+")
    fallback = models.CharField(
        max_length=10, choices=FallbackPolicy.choices, default=FallbackPolicy.CHEAPEST
    )

    class Meta:
        ordering = ["merchant", "dest_country"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "dest_country"], name="default_line_unique_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} → {self.dest_country}: {self.line}"
