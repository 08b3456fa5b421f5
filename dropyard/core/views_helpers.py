"""Shared helpers for dashboard views: list pages, and service calls that flash or fill a form."""

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from dropyard.core.errors import DomainError
from dropyard.core.htmx import render_page_or_partial


def list_response(
    request: HttpRequest, page_template: str, partial_template: str, context: dict
) -> HttpResponse:
    """The full page, or only its results partial for an htmx search (varying on HX-Request)."""
    response = render_page_or_partial(request, page_template, partial_template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def flash_outcome(request: HttpRequest, action: Callable[[], object], *, success: str) -> bool:
    """Run one service call; flash ``success``, or the refusal's message. True on success."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def form_call[T](form: forms.Form, action: Callable[[], T]) -> T | None:
    """Run one service call for a valid form; a refusal becomes the form's error (None)."""
    try:
        return action()
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None


def flash_each[T](
    request: HttpRequest,
    rows: Iterable[T],
    call: Callable[[T], object],
    *,
    done: Callable[[int], str],
    name: Callable[[T], str] | None = None,
) -> int:
    """A bulk action: one service call per row. Each refusal is flashed (after ``name(row)``
    when given) and the others still run; ``done(count)`` is flashed when any succeeded.
    Returns how many succeeded."""
    count = 0
    for row in rows:
        try:
            call(row)
        except DomainError as exc:
            messages.error(request, f"{name(row)}: {exc.message}" if name else exc.message)
        else:
            count += 1
    if count:
        messages.success(request, done(count))
    return count
