"""htmx helpers (NetBox's rule: a full page for normal requests, the partial for htmx swaps)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def htmx_partial(request: HttpRequest) -> bool:
    """True when the request is an htmx swap that wants only the partial, not a boosted page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """Render the ``partial`` template for an htmx swap, else the full ``page`` template."""
    return render(request, partial if htmx_partial(request) else page, context, status=status)
