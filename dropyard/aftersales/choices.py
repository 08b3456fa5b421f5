"""Choices of the after-sales app: dispute statuses, reasons, outcomes (contract §2.6, §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DisputeStatus(models.TextChoices):
    """A dispute's life: AWAITING_RESPONSE (opened, nobody has looked) → UNDER_REVIEW →
    RESOLVED, with EVIDENCE_REQUESTED (the operator waits for the merchant) in between, or
    CANCELLED by the merchant before a decision. RESOLVED and CANCELLED are final."""

    AWAITING_RESPONSE = "AWAITING_RESPONSE", _("Awaiting response")
    UNDER_REVIEW = "UNDER_REVIEW", _("Dispute reviewing")
    EVIDENCE_REQUESTED = "EVIDENCE_REQUESTED", _("More evidence requested")
    RESOLVED = "RESOLVED", pgettext_lazy("dispute", "Processed")
    CANCELLED = "CANCELLED", pgettext_lazy("dispute", "Cancelled")


OPEN_STATUSES = (
    DisputeStatus.AWAITING_RESPONSE,
    DisputeStatus.UNDER_REVIEW,
    DisputeStatus.EVIDENCE_REQUESTED,
)
FINAL_STATUSES = (DisputeStatus.RESOLVED, DisputeStatus.CANCELLED)


class DisputeReason(models.IntegerChoices):
    """The contract's ``disputeReasonId`` list: CJ's after-sales cases, and "other"."""

    DELAYED = 1, _("Order delayed (no tracking movement)")
    LOST = 2, _("Package lost")
    DAMAGED = 3, _("Product damaged")
    WRONG = 4, _("Wrong product received")
    MISSING = 5, _("Product or quantity missing")
    DESTINATION_LIMIT = 6, _("Destination country limitation")
    SHIPPING_LIMIT = 7, _("Shipping method limitation")
    OTHER = 99, _("Other")


# Reasons that describe the goods themselves: only these may end in a return.
GOODS_REASONS = (DisputeReason.DAMAGED, DisputeReason.WRONG, DisputeReason.MISSING)


class ExpectType(models.IntegerChoices):
    """What the merchant asks for (contract ``expectType``: 1 refund, 2 reissue; 3 is ours)."""

    REFUND = 1, _("Refund")
    RESEND = 2, _("Resend")
    RETURN = 3, _("Return and refund")


class RefundType(models.IntegerChoices):
    """Where a refund goes (contract ``refundType``): 1 the wallet, 2 the original payment."""

    BALANCE = 1, _("Wallet balance")
    PLATFORM = 2, _("Original payment method")


class DisputeOutcome(models.TextChoices):
    """How a dispute was resolved (contract ``finallyDeal`` 1 refund / 2 reissue / 3 reject;
    4 return is ours)."""

    NONE = "", "—"
    REFUNDED = "refunded", _("Refunded")
    RESENT = "resent", _("Resent")
    RETURN_ACCEPTED = "return_accepted", _("Return accepted")
    REJECTED = "rejected", _("Rejected")


FINALLY_DEAL = {
    DisputeOutcome.REFUNDED: 1,
    DisputeOutcome.RESENT: 2,
    DisputeOutcome.REJECTED: 3,
    DisputeOutcome.RETURN_ACCEPTED: 4,
}


class DisputeSource(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("Developer API")
    SUGGESTION = "suggestion", _("Tracking suggestion")


class MessageSide(models.TextChoices):
    """Who wrote a message in a thread: the merchant's people, the operator, the system."""

    MERCHANT = "merchant", _("Merchant")
    OPERATOR = "operator", _("Operator")
    SYSTEM = "system", _("System")


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("Photo")
    VIDEO = "video", _("Video")


class ReturnStatus(models.TextChoices):
    """A return (RMA): AUTHORIZED (the merchant may send the goods) → IN_TRANSIT (carrier and
    tracking number given) → RECEIVED (the warehouse has them) → INSPECTED (each line restocked
    or disposed) → CLOSED (the refund issued, or none granted); CANCELLED before receipt.
    CLOSED and CANCELLED are final."""

    AUTHORIZED = "AUTHORIZED", _("Authorized")
    IN_TRANSIT = "IN_TRANSIT", _("On its way back")
    RECEIVED = "RECEIVED", pgettext_lazy("return", "Received")
    INSPECTED = "INSPECTED", _("Inspected")
    CLOSED = "CLOSED", pgettext_lazy("return", "Closed")
    CANCELLED = "CANCELLED", pgettext_lazy("return", "Cancelled")


class ReturnCharge(models.TextChoices):
    """How the merchant pays the return shipping: a supplementary bill at authorisation, or
    deducted from the refund granted after inspection."""

    BILL = "bill", _("Supplementary bill")
    DEDUCT = "deduct", _("Deducted from the refund")


class ReturnQuoteSource(models.TextChoices):
    """Where the return shipping quote came from."""

    RATE_CARD = "rate_card", _("Rate card of the reverse route")
    FLAT_FEE = "flat_fee", _("Configured flat fee")


# What a dispute's history row of each kind says (``DisputeEvent.kind``); status changes name
# the statuses instead.
EVENT_KIND_LABELS = {
    "opened": _("Dispute opened"),
    "assigned": _("Assigned"),
    "resend": _("Resend order created"),
    "refund": _("Refund issued"),
    "overdue": _("Review overdue: the operator was reminded"),
}
