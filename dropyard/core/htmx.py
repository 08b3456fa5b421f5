"""htmx helpers (NetBox's rule: a full page for normal requests, the partial for htmx swaps)."""

from django.http import HttpRequest


def htmx_partial(request: HttpRequest) -> bool:
    """True when the request is an htmx swap that wants only the partial, not a boosted page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted
