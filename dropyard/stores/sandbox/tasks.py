"""The Sandbox shop's background work: sending its signed order webhooks to Dropyard."""

import logging

import httpx
from django.tasks import task
from django.utils import timezone

from . import http, shop
from .models import SandboxShopOrder

logger = logging.getLogger(__name__)


@task()
def sandbox_webhook_send(order_id: int, topic: str) -> int | None:
    """POST the signed ``topic`` webhook of a shop order to the shop's webhook URL; the HTTP
    status, or None when the shop has no webhook URL or the request failed.

    Enqueued after the commit of the order's change. Safe to run twice: the delivery id is the
    same, and Dropyard drops the redelivery. A lost webhook is picked up by Dropyard's polling.
    """
    order = SandboxShopOrder.objects.select_related("shop").get(pk=order_id)
    if not order.shop.webhook_url:
        return None
    body, headers = shop.webhook_request(order=order, topic=topic)
    try:
        with http.client() as client:
            response = client.post(order.shop.webhook_url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        logger.warning("sandbox webhook for order %s failed: %s", order_id, exc)
        return None
    if response.is_success:
        SandboxShopOrder.objects.filter(pk=order_id).update(webhook_sent_at=timezone.now())
    return response.status_code
