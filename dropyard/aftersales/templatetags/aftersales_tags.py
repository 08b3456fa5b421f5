"""Template helpers of the after-sales pages, and the hooks other apps' templates load
(``{% load aftersales_tags %}``) to show disputes without importing after-sales: the order
pages' "Dispute" button and the list of an order's disputes. Orders sit below after-sales,
so they may name these tags and URL names, never this app's Python.
"""

from datetime import datetime

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dropyard.aftersales import claims, links, selectors
from dropyard.aftersales.choices import DisputeStatus
from dropyard.aftersales.models import Dispute, DisputeEvidence

register = template.Library()

STATUS_BADGES = {
    DisputeStatus.AWAITING_RESPONSE: "text-bg-warning",
    DisputeStatus.UNDER_REVIEW: "text-bg-info",
    DisputeStatus.EVIDENCE_REQUESTED: "text-bg-danger",
    DisputeStatus.RESOLVED: "text-bg-success",
    DisputeStatus.CANCELLED: "text-bg-secondary",
}


@register.filter
def dispute_status_label(status: str) -> str:
    """A stored status value ("EVIDENCE_REQUESTED") in words; unknown values as they are."""
    try:
        return str(DisputeStatus(status).label)
    except ValueError:
        return str(status)


@register.filter
def dispute_badge(status: str) -> str:
    """The badge colour of a dispute status (light for an unknown one)."""
    return STATUS_BADGES.get(status, "text-bg-light")


def due_text(due_at: datetime | None, *, now: datetime | None = None) -> str:
    """ "due in 1 day 3 h", "due in 45 min" or "overdue", counted from ``now``."""
    if due_at is None:
        return ""
    left = int((due_at - (now or timezone.now())).total_seconds())
    if left <= 0:
        return _("overdue")
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        span = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        if hours:
            span = _("%(days)s %(hours)d h") % {"days": span, "hours": hours}
    elif hours:
        span = _("%(hours)d h") % {"hours": hours}
    else:
        span = _("%(minutes)d min") % {"minutes": max(1, rest // 60)}
    return _("due in %(span)s") % {"span": span}


@register.inclusion_tag("aftersales/partials/_due.html")
def dispute_due(dispute: Dispute) -> dict:
    """An open dispute's due time ("due in …" / "overdue"); nothing for a closed one."""
    return {
        "open": dispute.is_open,
        "due_at": dispute.due_at,
        "text": due_text(dispute.due_at) if dispute.is_open else "",
        "overdue": selectors.is_overdue(dispute),
    }


@register.filter
def evidence_link(item: DisputeEvidence) -> str:
    """Where to see a piece of evidence (its signed, expiring link or the URL sent)."""
    return links.evidence_url(item)


def _url(name: str, **kwargs: str) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.inclusion_tag("aftersales/partials/_order_dispute_button.html")
def order_dispute_button(order, small: bool = True) -> dict:
    """The "Dispute" button of an order (list row or detail), for paid orders until delivery
    (``claims.is_disputable``; bulk orders too)."""
    show = claims.is_disputable(order)
    return {
        "url": _url("aftersales:dispute_open", public_id=order.public_id) if show else "",
        "small": small,
    }


@register.inclusion_tag("aftersales/partials/_order_disputes.html")
def order_disputes(order) -> dict:
    """The disputes of an order (the order page already scoped the order to the merchant)."""
    return {"disputes": list(selectors.disputes_of_order(order=order)), "order": order}
