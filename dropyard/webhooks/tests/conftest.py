"""Fixtures for webhook tests: a live receiver and an endpoint pointing at it."""

import pytest

from dropyard.webhooks import services
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


@pytest.fixture
def order_endpoint(merchant, receiver):
    """``merchant``'s order topic, enabled, delivering to ``receiver``."""
    return set_endpoint(merchant, "order", receiver.url)
