"""The webhook receiver every store platform posts its order events to:
``/stores/webhooks/<store public id>/``.

Public and CSRF-exempt (a platform cannot hold our CSRF token): authenticity is the platform's
signature, checked by the store's adapter over the raw body before anything is stored. An
unknown or disconnected store answers 404 and a bad signature 401, with nothing written; a
body over ``DROPYARD_STORE_WEBHOOK_MAX_BYTES`` answers 413 unread; a signed body the adapter
cannot parse answers 400. Never a 500 for what a sender controls.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dropyard.core.access import public_view

from . import selectors, services
from .adapters import UnsupportedPlatform, adapter_for
from .adapters.base import AdapterError
from .crypto import CredentialsUnreadable
from .exceptions import StoreDisconnected

logger = logging.getLogger(__name__)


def _answer(status: int, **body: object) -> JsonResponse:
    return JsonResponse(body, status=status)


@public_view
@csrf_exempt
@require_POST
def webhook_receive(request: HttpRequest, public_id: str) -> HttpResponse:
    """Verify, dedupe and ingest one store webhook; 200 once it is recorded."""
    store = selectors.store_for_webhook(public_id=public_id[:32])
    if store is None:
        return _answer(404, error="unknown store")
    limit = settings.DROPYARD_STORE_WEBHOOK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _answer(413, error="body too large")
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return _answer(413, error="body too large")
    try:
        adapter = adapter_for(store)
    except UnsupportedPlatform:
        return _answer(404, error="unknown store")
    except CredentialsUnreadable:
        logger.error("store %s: credentials unreadable, webhook refused", store.public_id)
        return _answer(503, error="try again later")
    if not adapter.webhook_verify(raw, request.headers):
        return _answer(401, error="invalid signature")
    try:
        event = adapter.webhook_parse(raw, request.headers)
    except AdapterError as exc:
        return _answer(400, error=str(exc)[:200])
    try:
        outcome = services.store_webhook_receive(store=store, event=event)
    except StoreDisconnected:
        return _answer(404, error="unknown store")
    return _answer(200, received=True, outcome=outcome)
