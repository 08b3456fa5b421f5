"""Test helpers for Shopify: the fake shop on a simulated clock, wired in as the transport of
every Shopify call, and an adapter on it."""

import httpx
import pytest

from dropyard.stores.adapters.base import StoreContext
from dropyard.stores.adapters.shopify import ShopifyAdapter, auth
from dropyard.stores.adapters.shopify import client as shopify_client
from dropyard.stores.tests.shopify_fake import FakeClock, FakeShopify
from dropyard.stores.tests.shopify_schema import admin_schema


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock, monkeypatch) -> FakeShopify:
    """The fake shop; every Shopify call (GraphQL and token endpoint) goes to it."""
    shop = FakeShopify(schema=admin_schema(), clock=clock)
    monkeypatch.setattr(shopify_client, "TRANSPORT", httpx.WSGITransport(app=shop))
    monkeypatch.setattr(auth, "CLOCK", clock)
    monkeypatch.setattr(shopify_client, "CLOCK", clock)
    monkeypatch.setattr(shopify_client, "SLEEP", clock.sleep)
    return shop


def make_adapter(fake: FakeShopify, clock: FakeClock, **credentials) -> ShopifyAdapter:
    """An adapter connected to ``fake`` with a client-credentials token (or ``credentials``)."""
    creds = credentials or auth.client_credentials(
        shop=fake.shop, client_id=fake.client_id, client_secret=fake.client_secret
    )
    context = StoreContext(platform="shopify", domain=fake.shop, currency="USD", credentials=creds)
    return ShopifyAdapter(context, sleep=clock.sleep, clock=clock)
