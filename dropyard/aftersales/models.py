"""After-sales records: disputes on orders (lines, history, messages, evidence) and the
business calendar's holidays. Returns (RMA) and tickets have their own modules' models here too.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from dropyard.accounts.storage import private_storage
from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import (
    EVENT_KIND_LABELS,
    DisputeOutcome,
    DisputeReason,
    DisputeSource,
    DisputeStatus,
    EvidenceKind,
    ExpectType,
    MessageSide,
    RefundType,
)

# Tickets live in their own module; importing them here registers them with the app.
from .models_tickets import Ticket, TicketAttachment, TicketEvent, TicketMessage  # noqa: F401


class BusinessHoliday(models.Model):
    """A day the after-sales desk does not work: deadlines skip it (``calendar``).

    Invariant: one row per date.
    """

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


class Dispute(TimeStampedModel):
    """A merchant's claim about (some lines of) one order, decided by an operator.

    Invariants: ``status`` changes only through ``services.dispute_transition`` (one
    ``DisputeEvent`` per change); the lines belong to ``order``, and across the order's
    disputes that are not cancelled or rejected no line is claimed for more than its quantity;
    ``requested_amount_minor ≤ max_amount_minor`` (the caps computed when it was opened: what
    was paid for those lines plus their share of the freight, never more than what is left
    unrefunded); ``outcome`` is set exactly when ``status`` is RESOLVED; ``business_dispute_id``
    is unique per merchant when given (the API's idempotency key).
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)  # disputeId
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="disputes"
    )
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="disputes")
    business_dispute_id = models.CharField(max_length=100, blank=True)
    source = models.CharField(
        max_length=12, choices=DisputeSource.choices, default=DisputeSource.WEB
    )
    status = models.CharField(
        max_length=20,
        choices=DisputeStatus.choices,
        default=DisputeStatus.AWAITING_RESPONSE,
        db_index=True,
    )
    reason = models.PositiveSmallIntegerField(choices=DisputeReason.choices)
    expect_type = models.PositiveSmallIntegerField(choices=ExpectType.choices)
    refund_type = models.PositiveSmallIntegerField(
        choices=RefundType.choices, default=RefundType.BALANCE
    )
    message_text = models.TextField(max_length=2000)
    currency = models.CharField(max_length=3, default="USD")
    max_product_minor = models.BigIntegerField(default=0)
    max_postage_minor = models.BigIntegerField(default=0)
    max_amount_minor = models.BigIntegerField(default=0)
    requested_amount_minor = models.BigIntegerField(default=0)
    outcome = models.CharField(
        max_length=16, choices=DisputeOutcome.choices, default=DisputeOutcome.NONE, blank=True
    )
    decision_note = models.CharField(max_length=500, blank=True)  # rejection reason, etc.
    granted_amount_minor = models.BigIntegerField(default=0)
    refund = models.ForeignKey(
        "wallet.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resend_order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resend_disputes",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_disputes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "business_dispute_id"],
                condition=~Q(business_dispute_id=""),
                name="aftersales_dispute_business_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(requested_amount_minor__gte=0)
                & Q(requested_amount_minor__lte=models.F("max_amount_minor")),
                name="aftersales_dispute_requested_within_cap",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"Dispute {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status not in (DisputeStatus.RESOLVED, DisputeStatus.CANCELLED)


class DisputeLine(models.Model):
    """One order line claimed in a dispute: quantity and its price when ordered.

    Invariant: ``1 ≤ quantity ≤ order_line.quantity``; ``order_line.order == dispute.order``.
    """

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="dispute_lines"
    )
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "order_line"], name="aftersales_dispute_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.order_line_id}"

    @property
    def amount_minor(self) -> int:
        return self.quantity * self.unit_price_minor


class DisputeEvent(models.Model):
    """History of a dispute: each status change, decision and notable step. Append-only."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=30, default="status")  # status / assigned / refund / …
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.kind})"

    @property
    def kind_label(self) -> str:
        """What the row says: its kind's label (status rows name the statuses instead)."""
        return str(EVENT_KIND_LABELS.get(self.kind, self.kind))


class DisputeMessage(models.Model):
    """One message of a dispute's thread between the merchant and the operator."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField(max_length=10, choices=MessageSide.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.side}: {self.body[:40]}"


def evidence_path(instance: "DisputeEvidence", filename: str) -> str:
    # The stored name never comes from the client: public id + the validated extension.
    return f"disputes/{instance.dispute.public_id}/{instance.public_id}.{instance.extension}"


class DisputeEvidence(models.Model):
    """A photo or video backing a dispute, stored privately (``private_storage``) and served
    only through scoped, signed links; or, from the API, a URL the merchant sent (not fetched).

    Invariant: exactly one of ``file`` and ``url`` is set.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    message = models.ForeignKey(
        DisputeMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    file = models.FileField(storage=private_storage, upload_to=evidence_path, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"


# Returns (RMA) live in their own module; imported here so Django registers them.
from .models_returns import ReturnAuthorization, ReturnEvent, ReturnLine  # noqa: E402, F401
