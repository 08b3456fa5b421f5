"""Carriers, shipping lines, rate cards, merchants' default shipping lines, parcel tracking."""

from django.conf import settings
from django.db import models

from dropyard.core.models import TimeStampedModel

from .choices import FallbackPolicy, PricingMode, TrackingEventSource, TrackingStatus


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


class Tracking(TimeStampedModel):
    """One tracking number of one carrier: where a shipped parcel is, as its carrier reports it.

    Invariants: ``tracking_number`` is unique per carrier; ``merchant`` owns it (every merchant
    read is scoped by it); ``status`` is a contract tracking status (0–14) and equals the status
    of the latest event (by ``event_time``, then insertion), or 0 without events; it changes
    only through ``services.tracking_events_record``; ``delivered_at`` is set once, from the
    first DELIVERED (12) event. ``reference`` is our own key for the shipment (the parcel code)
    and is never shown on the public tracking page. ``sandbox_step`` is the next step of the
    Sandbox carrier's journey that has been scheduled (0 for other carriers).
    """

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="trackings")
    tracking_number = models.CharField(max_length=64)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="trackings"
    )
    logistic_name = models.CharField(max_length=120, blank=True)
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    origin_country = models.CharField(max_length=2)
    origin_city = models.CharField(max_length=120, blank=True)
    dest_country = models.CharField(max_length=2)
    dest_city = models.CharField(max_length=120, blank=True)
    status = models.PositiveSmallIntegerField(
        choices=TrackingStatus.choices, default=TrackingStatus.NO_INFO, db_index=True
    )
    status_text = models.CharField(max_length=120, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    sandbox_step = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="tracking_unique_number_per_carrier"
            ),
            models.CheckConstraint(
                condition=models.Q(status__lte=14), name="tracking_status_in_contract_range"
            ),
        ]
        indexes = [
            models.Index(fields=["tracking_number"]),
            models.Index(fields=["merchant", "tracking_number"]),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_delivered(self) -> bool:
        return self.status == TrackingStatus.DELIVERED


class TrackingEvent(models.Model):
    """One checkpoint of a tracking: a contract status, what happened, where (city, country).

    Invariants: append-only; ``(tracking, external_id)`` is unique, so recording the same
    carrier event twice is a no-op; ``location_city``/``location_country`` are the only place
    data (never a street, a name or a phone number), because events are shown publicly.
    """

    tracking = models.ForeignKey(Tracking, on_delete=models.CASCADE, related_name="events")
    status = models.PositiveSmallIntegerField(choices=TrackingStatus.choices)
    activity = models.CharField(max_length=255)
    location_city = models.CharField(max_length=120, blank=True)
    location_country = models.CharField(max_length=2, blank=True)
    event_time = models.DateTimeField()
    source = models.CharField(max_length=10, choices=TrackingEventSource.choices)
    external_id = models.CharField(max_length=120)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tracking", "event_time", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracking", "external_id"], name="tracking_event_unique_external_id"
            ),
            models.CheckConstraint(
                condition=models.Q(status__lte=14), name="tracking_event_status_in_contract_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_id} {self.status} {self.event_time:%Y-%m-%d %H:%M}"


class TrackingStatusChange(models.Model):
    """A tracking's status changed: the outbox row the apps above logistics follow.

    Invariants: written only by ``services.tracking_events_record``, in the transaction that
    changes ``Tracking.status`` (so a rolled-back write leaves none, and a committed change is
    never lost); ``applied_at`` is null until the follower (``fulfillment``'s
    ``tracking_changes_follow`` task) has applied it, then set once
    (``services.tracking_change_mark_applied``, under the row lock). Logistics never calls up:
    the follower reads pending rows oldest first.
    """

    tracking = models.ForeignKey(Tracking, on_delete=models.CASCADE, related_name="changes")
    old_status = models.PositiveSmallIntegerField(choices=TrackingStatus.choices)
    new_status = models.PositiveSmallIntegerField(choices=TrackingStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                name="tracking_change_pending",
                condition=models.Q(applied_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_id}: {self.old_status} → {self.new_status}"
