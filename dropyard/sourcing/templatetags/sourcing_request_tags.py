"""Template helpers of the merchant's sourcing pages: status badges, the request's picture."""

from typing import Any

from django import template
from django.urls import reverse

from ..choices import SourcingStatus

register = template.Library()

S = SourcingStatus
_BADGES = {
    S.SUBMITTED: "text-bg-info",
    S.CLAIMED: "text-bg-primary",
    S.QUOTED: "text-bg-warning",
    S.PUBLISHED: "text-bg-success",
    S.FAILED: "text-bg-danger",
    S.CANCELLED: "text-bg-light border",
}


@register.filter
def sourcing_badge(status: str) -> str:
    """The Bootstrap badge class of a request status."""
    return _BADGES.get(status, "text-bg-light border")


@register.filter
def sourcing_picture(request: Any) -> str:
    """Where the page loads the request's picture from: the uploaded file through the
    permission-checking view (private storage has no public address), else the client's
    picture address when it is https (the CSP's img-src allows https: only), else ""."""
    if request.image:
        return reverse("sourcing_requests:picture", args=[request.public_id])
    if request.image_url.lower().startswith("https://"):
        return request.image_url
    return ""


@register.filter
def sourcing_status(status: str) -> str:
    """A stored status (a history line's) in words; the value itself when unknown."""
    return str(S(status).label) if status in S.values else status
