"""Sourcing: requests, quotes, authority and price negotiations; messages with the agent."""

from django.conf import settings
from django.db import models

from dropyard.accounts.storage import private_storage
from dropyard.core.ids import new_public_id, prefixed_code
from dropyard.core.models import TimeStampedModel

from .authority import START_SCORE
from .choices import (
    AuthorityEventKind,
    NegotiationStatus,
    SourcePlatform,
    SourcingChannel,
    SourcingStatus,
)


class AgentMessage(TimeStampedModel):
    """One message in a merchant's thread with its personal agent.

    Invariants: the thread is the merchant (both sides read the same rows); ``from_agent`` is True
    when operator staff wrote it; messages are never edited. ``read_at`` is set when the other
    side first opens the thread.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="agent_messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_agent = models.BooleanField(default=False)
    body = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["merchant", "created_at"])]

    def __str__(self) -> str:
        return f"{self.sender} → {self.merchant}: {self.body[:40]}"


def sourcing_image_path(instance: "SourcingRequest", filename: str) -> str:
    """Private path of a request's uploaded picture: per merchant, never the client's name."""
    return f"sourcing/{instance.merchant_id}/{instance.public_id}.jpg"


class SourcingRequest(TimeStampedModel):
    """A merchant's request that the agent find a product (contract ``product/sourcing/*``).

    Invariants: ``status`` changes only through ``services.sourcing_transition`` (one
    ``SourcingEvent`` per change, table ``choices.TRANSITIONS``); ``public_id`` is the
    contract's ``cjSourcingId`` and never changes; ``url_key`` is the normalised product URL
    ("" without one) and ``image_hash`` the picture's 64-bit perceptual hash (signed, ``None``
    without a picture) — both used to answer a duplicate with the existing request; a
    PUBLISHED request has ``product`` set, a FAILED one a ``fail_reason``. Money is integer
    minor units of ``currency``.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="sourcing_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(
        max_length=10, choices=SourcingChannel.choices, default=SourcingChannel.WEB
    )
    status = models.CharField(
        max_length=10, choices=SourcingStatus.choices, default=SourcingStatus.SUBMITTED
    )
    platform = models.CharField(
        max_length=12, choices=SourcePlatform.choices, default=SourcePlatform.NONE
    )
    source_url = models.URLField(max_length=1000, blank=True)
    url_key = models.CharField(max_length=300, blank=True)
    product_name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # The picture: an address given by the client (API, extension) and/or an uploaded file.
    image_url = models.URLField(max_length=1000, blank=True)
    image = models.FileField(storage=private_storage, upload_to=sourcing_image_path, blank=True)
    image_hash = models.BigIntegerField(null=True, blank=True)
    target_price_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    monthly_quantity = models.PositiveIntegerField(null=True, blank=True)
    destination_countries = models.JSONField(default=list, blank=True)  # ISO alpha-2 codes
    notes = models.TextField(blank=True)  # the contract's ``remark``
    # The client's own references (contract: thirdProductId, thirdVariantId, thirdProductSku).
    third_product_id = models.CharField(max_length=100, blank=True)
    third_variant_id = models.CharField(max_length=100, blank=True)
    third_product_sku = models.CharField(max_length=100, blank=True)
    # The store product this is for (optional): the published variant is connected to it.
    store_variant = models.ForeignKey(
        "stores.StoreVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fail_reason = models.CharField(max_length=500, blank=True)
    # Set once, when a published product's first paid order raised the authority score.
    sold_credited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["merchant", "-created_at"], name="sourcing_req_merchant_new"),
            models.Index(fields=["status", "created_at"], name="sourcing_req_status_age"),
            models.Index(fields=["merchant", "url_key"], name="sourcing_req_url_key"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.product_name[:40]}"

    @property
    def code(self) -> str:
        """The human code shown in lists and titles (SR + public id)."""
        return prefixed_code("SR", self.public_id)


class SourcingEvent(models.Model):
    """One line of a request's history: a status change, a quote, a note.

    Invariant: append-only; ``from_status == to_status`` for events that change no status.
    """

    request = models.ForeignKey(SourcingRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    kind = models.CharField(max_length=20, default="status")  # status | quote | note
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} → {self.to_status}"


class SourcingQuote(TimeStampedModel):
    """A supplier option the agent found for a request.

    Invariants: prices are integer minor units of ``currency``; ``moq`` ≥ 1; photos are
    addresses (``photo_urls``), at most ten.
    """

    request = models.ForeignKey(SourcingRequest, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.ForeignKey(
        "accounts.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplier_name = models.CharField(max_length=200)
    unit_price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    moq = models.PositiveIntegerField(default=1)
    lead_time_days = models.PositiveSmallIntegerField(default=0)
    weight_g = models.PositiveIntegerField(default=0)
    photo_urls = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["unit_price_minor", "pk"]

    def __str__(self) -> str:
        return f"{self.supplier_name}: {self.unit_price_minor} {self.currency}"


class SourcingStanding(models.Model):
    """A merchant's sourcing authority score (the level is ``MerchantAccount.level``).

    Invariant: ``MIN_SCORE ≤ score ≤ MAX_SCORE`` (``authority``); changed only by
    ``services`` (each change an ``AuthorityEvent``). The row is also the lock that makes the
    daily-quota check and the create one step.
    """

    merchant = models.OneToOneField(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="sourcing_standing"
    )
    score = models.SmallIntegerField(default=START_SCORE)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.score}"


class AuthorityEvent(models.Model):
    """One change of a merchant's authority score, with the score after it (append-only)."""

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="authority_events"
    )
    request = models.ForeignKey(
        SourcingRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=AuthorityEventKind.choices)
    delta = models.SmallIntegerField()
    score_after = models.SmallIntegerField()
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.kind} {self.delta:+d}"


class PriceNegotiation(TimeStampedModel):
    """A merchant asks for a better price on a variant for a volume; the agent answers.

    Invariants: at most one OPEN negotiation per (merchant, variant); an ANSWERED one has
    ``answered_price_minor`` and set the merchant's price (``catalog.MerchantPrice``).
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="price_negotiations"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    monthly_quantity = models.PositiveIntegerField()
    target_price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=NegotiationStatus.choices, default=NegotiationStatus.OPEN
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_price_minor = models.BigIntegerField(null=True, blank=True)
    answer_note = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "variant"],
                condition=models.Q(status="OPEN"),
                name="price_negotiation_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.variant_id} {self.status}"
