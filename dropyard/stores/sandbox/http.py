"""HTTP between Dropyard and the Sandbox shop: both live on this site, so each side calls the
other at ``settings.SITE_URL`` like a real platform would, or — with
``DROPYARD_SANDBOX_STORE_IN_PROCESS`` (tests, single-process demos) — through Django's WSGI
application in this process (``httpx.WSGITransport``), so no server needs to listen.
"""

from collections.abc import Callable, Iterable
from typing import Any

import httpx
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

TIMEOUT = httpx.Timeout(10.0, connect=5.0)

_handler: WSGIHandler | None = None


def _in_process_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django's WSGI application without the per-request connection cleanup (at request start
    and end): the caller's database connection, and its open transaction, is the one the
    inner request uses and must not be closed under it — as Django's test client does."""
    global _handler
    if _handler is None:
        _handler = WSGIHandler()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _handler(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def in_process_transport() -> httpx.BaseTransport:
    """A transport through this process's Django application (no server needed): for tests and
    for setting a shop up while no server listens (``dropyard demo``)."""
    return httpx.WSGITransport(app=_in_process_app)


def default_transport() -> httpx.BaseTransport | None:
    """The in-process transport when configured, else None (real HTTP)."""
    if getattr(settings, "DROPYARD_SANDBOX_STORE_IN_PROCESS", False):
        return in_process_transport()
    return None


def client(*, transport: httpx.BaseTransport | None = None, **kwargs: Any) -> httpx.Client:
    """An httpx client on the site's base URL with timeouts (``transport`` wins over the
    configured one)."""
    return httpx.Client(
        base_url=settings.SITE_URL,
        transport=transport or default_transport(),
        timeout=TIMEOUT,
        **kwargs,
    )
