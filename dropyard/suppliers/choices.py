"""Supplier portal enumerations and the review transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    """Where a supplier's product stands in the operator review.

    DRAFT and REJECTED: the supplier may edit it; only APPROVED products are (put) on sale.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# The one table of allowed moves (house style §2.5). A rejected product goes back to the
# queue once the supplier has fixed it; an approved one stays approved.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.DRAFT: frozenset({ReviewStatus.SUBMITTED}),
    ReviewStatus.SUBMITTED: frozenset({ReviewStatus.APPROVED, ReviewStatus.REJECTED}),
    ReviewStatus.REJECTED: frozenset({ReviewStatus.SUBMITTED}),
    ReviewStatus.APPROVED: frozenset(),
}

EDITABLE = frozenset({ReviewStatus.DRAFT, ReviewStatus.REJECTED})


def can_transition(current: str, to: str) -> bool:
    """Pure rule: may a review in ``current`` move to ``to``?"""
    return to in TRANSITIONS.get(current, frozenset())
