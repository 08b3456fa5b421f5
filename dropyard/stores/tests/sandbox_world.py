"""Test helpers for the Sandbox store: a merchant's connected Sandbox store with two listed
variants, a shopper buying on the storefront, and running the shop's webhook tasks."""

from dataclasses import dataclass
from typing import Any

import httpx
from django.test import Client
from django.urls import reverse

from dropyard.orders.tests.factories import OrderWorld, make_order_world
from dropyard.stores import services
from dropyard.stores.models import SandboxShop, SandboxShopOrder, SandboxShopVariant, Store
from dropyard.stores.sandbox import http
from dropyard.stores.sandbox.tasks import sandbox_webhook_send

RED_PRICE, BLUE_PRICE = 1999, 2999

SHOPPER = {
    "email": "shopper@example.com",
    "customer_name": "Sam Shopper",
    "address": "12 Ocean Ave",
    "address2": "",
    "city": "Santa Monica",
    "province": "CA",
    "zip": "90401",
    "country_code": "US",
    "phone": "+1 310 555 0199",
}


@dataclass
class SandboxWorld:
    store: Store
    shop: SandboxShop
    world: OrderWorld


def in_process_transport() -> httpx.WSGITransport:
    return httpx.WSGITransport(app=http._in_process_app)


def make_sandbox_world(merchant: Any) -> SandboxWorld:
    """A connected Sandbox store of ``merchant`` with the world's red and blue variants (two
    Dropyard products, so two shop products) listed, and so connected, at 19.99 and 29.99."""
    world = make_order_world()
    store = services.sandbox_store_create(
        merchant=merchant, actor=merchant.owner, name="Sandy Shop"
    )
    services.store_listing_push(
        store=store,
        variants=[world.red, world.blue],
        prices={world.red.pk: RED_PRICE, world.blue.pk: BLUE_PRICE},
        actor=merchant.owner,
    )
    return SandboxWorld(store=store, shop=SandboxShop.objects.get(slug=store.domain), world=world)


def shop_variant_id(sw: SandboxWorld, sku: str) -> int:
    return SandboxShopVariant.objects.get(shop=sw.shop, sku=sku).pk


def buy(client: Client, sw: SandboxWorld, capture: Any, *lines: tuple[str, int], **address: str):
    """Add ``(sku, quantity)`` lines to the cart and pay; the checkout response. The shop's
    on-commit callbacks run (the webhook task is enqueued, not run)."""
    slug = sw.shop.slug
    for sku, quantity in lines:
        client.post(
            reverse("stores_public:storefront_cart_add", kwargs={"slug": slug}),
            {"variant": shop_variant_id(sw, sku), "quantity": quantity},
        )
    with capture(execute=True):
        return client.post(
            reverse("stores_public:storefront_checkout", kwargs={"slug": slug}),
            {**SHOPPER, **address},
        )


def webhook_tasks(tasks: Any) -> list[dict]:
    return [r.kwargs for r in tasks.results if r.task.module_path.endswith("sandbox_webhook_send")]


def send_webhooks(tasks: Any) -> list[int | None]:
    """Run every enqueued Sandbox webhook task once (in order); their HTTP statuses."""
    return [sandbox_webhook_send.call(**kwargs) for kwargs in webhook_tasks(tasks)]


def last_shop_order(sw: SandboxWorld) -> SandboxShopOrder:
    return SandboxShopOrder.objects.filter(shop=sw.shop).latest("pk")
