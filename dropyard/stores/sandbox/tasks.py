"""The Sandbox shop's background work: sending its signed order webhooks to Dropyard, retried
with a doubling delay while Dropyard cannot take them (as real platforms do)."""

import logging
from datetime import timedelta

import httpx
from django.tasks import task
from django.utils import timezone

from . import http, shop
from .models import SandboxShopOrder

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 30  # 30 s, 1 min, 2 min … about an hour in all


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number ``attempt`` (1-based): doubling."""
    return timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempt - 1))


def _retryable(status: int | None) -> bool:
    """Network errors, 5xx and 429 are worth another try; any other answer is final."""
    return status is None or status >= 500 or status == 429


@task()
def sandbox_webhook_send(
    order_id: int, topic: str, version: int | None = None, attempt: int = 1
) -> int | None:
    """POST the signed ``topic`` webhook of a shop order to the shop's webhook URL; the HTTP
    status, or None when there is nothing to send or the request failed.

    Enqueued after the commit of the order's change (``version`` None: the order as it is).
    A network error, 5xx or 429 re-enqueues the same delivery (same ``version``, so the same
    delivery id) after ``retry_delay(attempt)``, up to ``MAX_ATTEMPTS``; a retry whose order
    changed since is dropped (the newer change has its own webhook). Safe to run twice: the
    delivery id is the same and Dropyard drops the redelivery. A webhook that never arrives is
    picked up by Dropyard's polling.
    """
    order = SandboxShopOrder.objects.select_related("shop").filter(pk=order_id).first()
    if order is None or not order.shop.webhook_url:
        return None
    if version is not None and order.change_seq != version:
        return None  # superseded by a later change, whose own webhook carries the order
    body, headers = shop.webhook_request(order=order, topic=topic)
    status: int | None = None
    try:
        with http.client() as client:
            response = client.post(order.shop.webhook_url, content=body, headers=headers)
        status = response.status_code
    except httpx.HTTPError as exc:
        logger.warning("sandbox webhook for order %s failed: %s", order_id, exc)
    if status is not None and 200 <= status < 300:
        SandboxShopOrder.objects.filter(pk=order_id).update(webhook_sent_at=timezone.now())
    elif _retryable(status) and attempt < MAX_ATTEMPTS:
        sandbox_webhook_send.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
            order_id=order_id, topic=topic, version=order.change_seq, attempt=attempt + 1
        )
    return status
