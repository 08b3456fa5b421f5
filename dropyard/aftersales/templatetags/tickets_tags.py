"""Template helpers of the ticket pages: status badges."""

from django import template

from ..choices_tickets import DESK_STATUS_LABELS, TicketStatus

register = template.Library()

T = TicketStatus
_BADGES = {
    T.AWAITING_CJ_REPLY: "text-bg-info",
    T.AWAITING_YOUR_REPLY: "text-bg-warning",
    T.ON_HOLD: "text-bg-secondary",
    T.COLLABORATING: "text-bg-primary",
    T.COMPLETED: "text-bg-success",
    T.REVIEWED: "text-bg-success",
    T.EXPIRED: "text-bg-light border",
}
_PRIORITY = {"urgent": "text-bg-danger", "high": "text-bg-warning", "low": "text-bg-light border"}


@register.filter
def ticket_badge(status: str) -> str:
    """The Bootstrap badge class of a ticket status."""
    return _BADGES.get(status, "text-bg-light border")


@register.filter
def priority_badge(priority: str) -> str:
    return _PRIORITY.get(priority, "text-bg-light border")


@register.filter
def desk_status(status: str) -> str:
    """A status as the operator desk reads it ("Awaiting the merchant"); "—" for none."""
    if status in DESK_STATUS_LABELS:
        return str(DESK_STATUS_LABELS[status])
    return str(T(status).label) if status in T.values else "—"
