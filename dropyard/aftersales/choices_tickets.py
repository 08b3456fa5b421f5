"""Choices of tickets to management (contract §2.7 ticket/*, §5 ticket statuses)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketStatus(models.TextChoices):
    """A ticket's life (the contract's strings). Opened → AWAITING_CJ_REPLY (the operator's
    turn); an operator reply → AWAITING_YOUR_REPLY (the merchant's turn); the merchant's answer
    → AWAITING_CJ_REPLY again; the operator may park it ON_HOLD or COLLABORATING (with another
    team); either side completes it → COMPLETED; the merchant rates it → REVIEWED; seven days
    unanswered in AWAITING_YOUR_REPLY → EXPIRED. COMPLETED accepts only the rating; EXPIRED
    and REVIEWED are final."""

    AWAITING_CJ_REPLY = "AWAITING_CJ_REPLY", _("Awaiting support's reply")
    AWAITING_YOUR_REPLY = "AWAITING_YOUR_REPLY", _("Awaiting your reply")
    ON_HOLD = "ON_HOLD", pgettext_lazy("ticket", "On hold")
    COLLABORATING = "COLLABORATING", _("With another team")
    COMPLETED = "COMPLETED", pgettext_lazy("ticket", "Completed")
    EXPIRED = "EXPIRED", pgettext_lazy("ticket", "Expired")
    REVIEWED = "REVIEWED", pgettext_lazy("ticket", "Rated")


T = TicketStatus
OPEN_TICKET_STATUSES = (T.AWAITING_CJ_REPLY, T.AWAITING_YOUR_REPLY, T.ON_HOLD, T.COLLABORATING)
# The operator's turn: the SLA clock runs (ON_HOLD is parked on purpose and does not).
WAITING_ON_SUPPORT = (T.AWAITING_CJ_REPLY, T.COLLABORATING)
CLOSED_TICKET_STATUSES = (T.COMPLETED, T.EXPIRED, T.REVIEWED)
# The operator desk reads the two turn-taking statuses from its own side.
DESK_STATUS_LABELS = {
    T.AWAITING_CJ_REPLY: _("Awaiting our reply"),
    T.AWAITING_YOUR_REPLY: _("Awaiting the merchant"),
}

TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    T.AWAITING_CJ_REPLY: frozenset(
        {T.AWAITING_YOUR_REPLY, T.ON_HOLD, T.COLLABORATING, T.COMPLETED}
    ),
    T.AWAITING_YOUR_REPLY: frozenset(
        {T.AWAITING_CJ_REPLY, T.ON_HOLD, T.COLLABORATING, T.COMPLETED, T.EXPIRED}
    ),
    T.ON_HOLD: frozenset(
        {T.AWAITING_CJ_REPLY, T.AWAITING_YOUR_REPLY, T.COLLABORATING, T.COMPLETED}
    ),
    T.COLLABORATING: frozenset(
        {T.AWAITING_CJ_REPLY, T.AWAITING_YOUR_REPLY, T.ON_HOLD, T.COMPLETED}
    ),
    T.COMPLETED: frozenset({T.REVIEWED}),
    T.EXPIRED: frozenset(),
    T.REVIEWED: frozenset(),
}


class TicketCategory(models.TextChoices):
    """What a ticket is about (the API's ``ticket/types``)."""

    ORDER = "order", _("Order")
    DISPUTE = "dispute", _("Dispute")
    PRODUCT = "product", _("Product")
    PAYMENT = "payment", _("Payment")
    LOGISTICS = "logistics", _("Logistics")
    ACCOUNT = "account", _("Account")
    OTHER = "other", _("Other")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Desk order among tickets due at the same time: the most urgent first.
PRIORITY_RANK = {
    TicketPriority.URGENT: 0,
    TicketPriority.HIGH: 1,
    TicketPriority.NORMAL: 2,
    TicketPriority.LOW: 3,
}


class OrderQuestionType(models.TextChoices):
    """Questions about one order (the API's ``ticket/order/questionTypes``)."""

    NOT_SHIPPED = "not_shipped", _("Order not shipped yet")
    TRACKING = "tracking", _("Tracking not updating")
    ADDRESS = "address", _("Change the shipping address")
    CANCEL = "cancel", _("Cancel the order")
    PRODUCT = "product", _("Product or variant question")
    INVOICE = "invoice", _("Invoice or receipt")
    OTHER = "other", _("Other question")


class TicketSource(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("Developer API")


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Photo")
    VIDEO = "video", _("Video")
    PDF = "pdf", _("PDF")
