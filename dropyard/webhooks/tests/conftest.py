"""Fixtures for webhook tests: a live receiver and an endpoint pointing at it."""

import pytest

from dropyard.webhooks import services
from dropyard.webhooks.choices import DeliveryStatus
from dropyard.webhooks.models import WebhookDelivery
from dropyard.webhooks.services import CallbackSetting

from .receiver import start_receiver


@pytest.fixture
def receiver(merchant):
    """A local receiver that verifies ``sign`` with ``merchant``'s openId and answers 200."""
    rec = start_receiver(merchant.open_id)
    yield rec
    rec.stop()


def set_endpoint(merchant, topic: str, url: str):
    (endpoint,) = services.webhook_set(
        merchant=merchant,
        actor=merchant.owner,
        settings_by_topic=[CallbackSetting(topic=topic, action="ENABLE", urls=(url,))],
    )
    return endpoint


def failed_delivery(merchant, order_id="1"):
    """A delivery of a new order message of ``merchant`` that gave up (5 attempts, HTTP 503)."""
    message = services.webhook_publish(
        merchant=merchant, type="ORDER", message_type="UPDATE", params={"orderId": order_id}
    )
    delivery = message.deliveries.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts_started=5, last_error="HTTP 503"
    )
    return WebhookDelivery.objects.get(pk=delivery.pk)


@pytest.fixture
def order_endpoint(merchant, receiver):
    """``merchant``'s order topic, enabled, delivering to ``receiver``."""
    return set_endpoint(merchant, "order", receiver.url)
