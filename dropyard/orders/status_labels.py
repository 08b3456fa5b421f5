"""The one vocabulary people read for an order's status.

Merchants think in CJ's five groups (Pending, Processing, Dispatched, Completed, Cancelled); the
contract's fine status (``UNPAID``, ``UNSHIPPED`` + ``PENDING`` …) is shown under the group as a
muted detail. Every page, tab, history row and export that shows an order status to a person
goes through ``order_status_label``, so the same status never reads three different ways.
The group keys are the list's tab keys.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from .choices import OrderStatus, OrderSubStatus

S = OrderStatus
SUB = OrderSubStatus


class StatusGroup(models.TextChoices):
    """CJ's merchant-facing order groups, in lifecycle order (also the order list's tabs)."""

    PENDING = "pending", _("Pending")
    PROCESSING = "processing", _("Processing")
    DISPATCHED = "dispatched", _("Dispatched")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


@dataclass(frozen=True)
class StatusLabel:
    """How one (status, sub-status) reads: its group, the detail under it, the badge colour."""

    group: StatusGroup
    detail: StrOrPromise  # lazy: read in the language active where it is shown
    badge: str  # a Bootstrap text-bg-* class

    @property
    def label(self) -> str:
        return str(self.group.label)

    @property
    def text(self) -> str:
        """One line for plain text (emails, messages, CSV): "Processing: Paid, …"."""
        return f"{self.label}: {self.detail}" if self.detail else self.label


G = StatusGroup
# (status, sub-status) → label. The detail avoids the words "Pending"/"Processing" for the
# UNSHIPPED sub-statuses: both would clash with the group names a merchant sees above them.
_LABELS: dict[tuple[str, str], StatusLabel] = {
    (S.CREATED, ""): StatusLabel(G.PENDING, _("Created, not confirmed yet"), "text-bg-secondary"),
    (S.IN_CART, ""): StatusLabel(
        G.PENDING, _("In the cart, not confirmed yet"), "text-bg-secondary"
    ),
    (S.UNPAID, ""): StatusLabel(G.PENDING, _("Confirmed, awaiting payment"), "text-bg-warning"),
    (S.UNSHIPPED, ""): StatusLabel(G.PROCESSING, _("Paid, awaiting shipment"), "text-bg-info"),
    (S.UNSHIPPED, SUB.PENDING): StatusLabel(
        G.PROCESSING, _("Paid, waiting for the warehouse"), "text-bg-info"
    ),
    (S.UNSHIPPED, SUB.PROCESSING): StatusLabel(
        G.PROCESSING, _("The warehouse is preparing it"), "text-bg-info"
    ),
    (S.SHIPPED, ""): StatusLabel(G.DISPATCHED, _("Shipped, in transit"), "text-bg-primary"),
    (S.DELIVERED, ""): StatusLabel(G.COMPLETED, _("Delivered"), "text-bg-success"),
    (S.CANCELLED, ""): StatusLabel(G.CANCELLED, "", "text-bg-dark"),
}


def order_status_label(status: str, sub_status: str = "") -> StatusLabel:
    """The label of a contract status (and sub-status). A sub-status the status does not carry
    is ignored; an unknown status raises ``ValueError`` (a bug, not input: statuses come from
    the database's choices)."""
    label = _LABELS.get((str(status), str(sub_status or ""))) or _LABELS.get((str(status), ""))
    if label is None:
        raise ValueError(f"unknown order status {status!r}")
    return label


def group_statuses() -> dict[str, tuple[str, ...]]:
    """Group key → the contract statuses in it (the list's tab filter), in lifecycle order."""
    groups: dict[str, tuple[str, ...]] = {g.value: () for g in StatusGroup}
    for status in OrderStatus:
        key = order_status_label(status).group.value
        groups[key] = (*groups[key], status.value)
    return groups


def status_filter_choices() -> list[tuple[StrOrPromise, list[tuple[str, StrOrPromise]]]]:
    """The status filter's choices, grouped by ``StatusGroup``, in the same words as the badges:
    each fine status (and the two UNSHIPPED sub-statuses) under its group."""
    grouped: dict[StatusGroup, list[tuple[str, StrOrPromise]]] = {g: [] for g in StatusGroup}
    for (status, sub), label in _LABELS.items():
        # The filter takes a sub-status (PENDING / PROCESSING) in place of its status.
        grouped[label.group].append((str(sub or status), label.detail or label.label))
    # Lazy labels: the merchant form builds its choices once, at import.
    return [(group.label, options) for group, options in grouped.items()]
