"""Public parcel tracking, mounted at /track/: anyone with a tracking number may look.

The page shows where a parcel is and has been, at city and country level only: never the
recipient, an address, a phone number, an email, an order or parcel reference or the merchant.
Lookups are rate limited per client IP (``DROPYARD_TRACKING_LOOKUPS_PER_MINUTE``) so the page
cannot be used to enumerate tracking numbers quickly.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from dropyard.core.access import public_view
from dropyard.core.audit import client_ip
from dropyard.core.ratelimit import bucket_take

from . import selectors
from .carriers import is_sandbox
from .tracking import tracking_number_clean, tracking_status_summary

LOOKUP_WINDOW_SECONDS = 60


@public_view
@require_GET
def track_form(request: HttpRequest) -> HttpResponse:
    """The lookup form; ``?number=`` goes to that number's page."""
    raw = request.GET.get("number", "")
    error = ""
    if raw.strip():
        number = tracking_number_clean(raw)
        if number:
            return redirect("tracking:track_detail", number=number)
        error = gettext("A tracking number has 4 to 64 letters, digits or dashes.")
    return render(
        request,
        "logistics/track/track_form.html",
        {"number": raw, "error": error},
        status=400 if error else 200,
    )


def _lookup_allowed(request: HttpRequest) -> bool:
    per_minute = settings.DROPYARD_TRACKING_LOOKUPS_PER_MINUTE
    return bucket_take(
        key=f"track-lookup:{client_ip(request) or 'unknown'}",
        rate=per_minute,
        burst=per_minute,
        period_seconds=LOOKUP_WINDOW_SECONDS,
    ).allowed


@public_view
@require_GET
def track_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One tracking number's status and timeline (404 page when unknown; 429 when too many)."""
    if not _lookup_allowed(request):
        return render(request, "logistics/track/track_limited.html", status=429)
    trackings = selectors.tracking_public_lookup(tracking_number=number)
    if not trackings:
        context = {"number": tracking_number_clean(number) or number[:64]}
        return render(request, "logistics/track/track_not_found.html", context, status=404)
    shipments = [
        {
            "tracking": tracking,
            # The summary is English (the API answers it); the page shows it translated.
            "summary": gettext(tracking_status_summary(tracking.status)),
            "sandbox": is_sandbox(tracking.carrier),
            "events": list(selectors.tracking_events(tracking=tracking)),
        }
        for tracking in trackings
    ]
    context = {"number": trackings[0].tracking_number, "shipments": shipments}
    return render(request, "logistics/track/track_detail.html", context)
