"""Tickets to management: a merchant's question to the operator, with a thread, attachments,
history, an SLA due time on the business calendar and a rating. Imported by ``models``.

Sourcing requests do not exist yet (issue 14): a ticket keeps a free-text
``sourcing_reference`` until they do.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from dropyard.accounts.storage import private_storage
from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import MessageSide
from .choices_tickets import (
    AttachmentKind,
    OrderQuestionType,
    TicketCategory,
    TicketPriority,
    TicketSource,
    TicketStatus,
)

TICKET_CODE_PREFIX = "TK"


class Ticket(TimeStampedModel):
    """A merchant's ticket to the operator's desk.

    Invariants: ``status`` changes only through ``tickets_services.ticket_transition`` (one
    ``TicketEvent`` per change, ``status_changed_at`` stamped); ``order`` and ``dispute``, when
    set, belong to ``merchant``; ``code`` is "TK" + ``public_id``; ``due_at`` is when the
    operator must answer (working days after the ticket last became the operator's turn);
    ``rating`` (1–5) is set exactly once, when the merchant rates a COMPLETED ticket, which
    makes it REVIEWED.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)  # ticketId
    code = models.CharField(max_length=40, unique=True)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="tickets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=8, choices=TicketSource.choices, default="web")
    category = models.CharField(max_length=12, choices=TicketCategory.choices)
    question_type = models.CharField(max_length=16, choices=OrderQuestionType.choices, blank=True)
    priority = models.CharField(
        max_length=8, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    subject = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20,
        choices=TicketStatus.choices,
        default=TicketStatus.AWAITING_CJ_REPLY,
        db_index=True,
    )
    status_changed_at = models.DateTimeField()
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    dispute = models.ForeignKey(
        "aftersales.Dispute",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # Free text until sourcing requests exist (issue 14).
    sourcing_reference = models.CharField(max_length=100, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    due_at = models.DateTimeField(db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="aftersales_ticket_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "status", "-created_at"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"Ticket {self.code}"


class TicketEvent(models.Model):
    """History of a ticket: each status change and notable step (assigned, reminded).
    Append-only."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=30, default="status")
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


class TicketMessage(models.Model):
    """One message of a ticket's thread (merchant, operator, or the system's notes)."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
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


def attachment_path(instance: "TicketAttachment", filename: str) -> str:
    # The stored name never comes from the client: public id + the validated extension.
    return f"tickets/{instance.merchant_id}/{instance.public_id}.{instance.extension}"


class TicketAttachment(models.Model):
    """A photo, video or PDF sent with a ticket message, stored privately and served only
    through signed links (``links.signed_url(kind="ticket")``).

    Invariant: ``ticket`` and ``message`` are both set, or neither (an API upload waiting to
    be named in ``ticket/create`` or ``ticket/reply``; such rows are pruned after a day);
    ``merchant`` is the ticket's merchant.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        TicketMessage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(max_length=8, choices=AttachmentKind.choices)
    file = models.FileField(storage=private_storage, upload_to=attachment_path)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveIntegerField(default=0)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket__isnull=True, message__isnull=True)
                | Q(ticket__isnull=False, message__isnull=False),
                name="aftersales_ticket_attachment_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"
