"""Webhook delivery task: POST a stored message to its endpoint, once per claim.

Run by ``dropyard worker``. The task takes a delivery id and is safe to run any number of
times: the claim (a lease on the delivery row) decides whether this run sends anything.
See ``services`` for the exact delivery guarantee (at least once; receivers dedupe on
``messageId``; never recorded as delivered twice).
"""

import ipaddress
import socket
import time
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.tasks import task
from django.utils import timezone

from . import services
from .services import ClaimRefused, DeliveryClaim, SendOutcome


def refused_address(url: str) -> str:
    """Why ``url`` must not be called (its host resolves to a non-public address), or "".

    Registration refuses literal private addresses; a name can still resolve to one (or be
    re-pointed later), so the sender checks every address the name resolves to right before
    it connects. localhost/127.0.0.1 pass only when DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST is on
    (development and tests). A name re-pointed between this check and the connection (DNS
    rebinding) is not caught; a deployment that needs that should send through an egress proxy.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in services.LOCAL_HOSTS and settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST:
        return ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ""  # unresolvable: the POST fails with its own network error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return f"refused: {host} resolves to a non-public address ({address})"
    return ""


def webhook_post(claim: DeliveryClaim) -> SendOutcome:
    """POST the claimed bytes with the ``sign`` header; never raises for network trouble."""
    started_at = timezone.now()
    start = time.monotonic()
    refusal = refused_address(claim.url)
    if refusal:
        return SendOutcome(started_at=started_at, duration_ms=0, error=refusal[:300])
    headers = {
        "Content-Type": "application/json",
        "sign": claim.signature,
        "User-Agent": "Dropyard-Webhooks/1.0",
    }
    try:
        response = httpx.post(
            claim.url,
            content=claim.body,
            headers=headers,
            timeout=settings.DROPYARD_WEBHOOK_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        return SendOutcome(
            started_at=started_at,
            duration_ms=int((time.monotonic() - start) * 1000),
            error=f"{type(exc).__name__}: {exc}"[:300],
        )
    return SendOutcome(
        started_at=started_at,
        duration_ms=int((time.monotonic() - start) * 1000),
        status_code=response.status_code,
        response_excerpt=response.text[:500],
        error="" if response.is_success else f"HTTP {response.status_code}",
    )


@task()
def webhook_deliver(*, delivery_id: int) -> str:
    """Send delivery ``delivery_id`` if it is due and unclaimed; return what happened.

    A run that finds the delivery leased by another (or an interrupted) run, or not yet due,
    re-enqueues itself for when the lease or backoff ends, so an interrupted delivery is
    completed after a restart without anyone having to replay it.
    """
    claim = services.webhook_delivery_claim(delivery_id=delivery_id)
    if isinstance(claim, ClaimRefused):
        if claim.retry_at is not None:
            webhook_deliver.using(run_after=claim.retry_at).enqueue(delivery_id=delivery_id)
        return claim.reason
    outcome = webhook_post(claim)
    delivery = services.webhook_delivery_record(claim=claim, outcome=outcome)
    return delivery.status
