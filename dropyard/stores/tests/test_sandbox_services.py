"""Connecting a Sandbox store and listing on it; the shop API's authentication."""

import pytest
from django.urls import reverse

from dropyard.catalog.models import Variant
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.orders.models import Order
from dropyard.stores import services
from dropyard.stores.choices import ConnectionHow, Platform, StoreOrderStatus, StoreStatus
from dropyard.stores.exceptions import StoreInvalid
from dropyard.stores.models import ProductConnection, SandboxShop, SandboxShopVariant, Store
from dropyard.stores.tests.factories import platform_order
from dropyard.stores.tests.sandbox_world import RED_PRICE, make_sandbox_world


@pytest.fixture
def sw(merchant):
    return make_sandbox_world(merchant)


@pytest.mark.django_db
def test_sandbox_store_create_makes_the_shop_and_an_authorized_store_with_secrets_encrypted(
    merchant,
):
    store = services.sandbox_store_create(merchant=merchant, actor=merchant.owner, name="Demo")

    shop = SandboxShop.objects.get(slug=store.domain)
    credentials = store.credentials_get()
    assert (store.platform, store.status, store.currency) == (
        Platform.SANDBOX,
        StoreStatus.AUTHORIZED,
        "USD",
    )
    assert sorted(credentials) == ["access_token", "webhook_secret"]
    assert credentials["access_token"] not in store.credentials_encrypted
    assert credentials["webhook_secret"] not in shop.webhook_secret_encrypted
    assert shop.name == "Demo"
    assert AuditEvent.objects.filter(action=AuditAction.STORE_CONNECTED).count() == 1


@pytest.mark.django_db
def test_sandbox_store_create_refuses_an_empty_name_and_writes_nothing(merchant):
    with pytest.raises(StoreInvalid):
        services.sandbox_store_create(merchant=merchant, actor=merchant.owner, name="  ")

    assert (SandboxShop.objects.count(), Store.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_listing_connects_each_variant_and_listing_again_adds_no_connection(sw):
    first = list(ProductConnection.objects.values_list("variant__sku", "how"))

    services.store_listing_push(
        store=sw.store, variants=[sw.world.red], prices={sw.world.red.pk: 2222}
    )

    assert sorted(first) == sorted(
        [(sw.world.red.sku, ConnectionHow.LISTED), (sw.world.blue.sku, ConnectionHow.LISTED)]
    )
    assert ProductConnection.objects.count() == 2
    assert SandboxShopVariant.objects.get(sku=sw.world.red.sku).price_minor == 2222
    assert sw.store.variants.get(sku=sw.world.red.sku).price_minor == 2222


@pytest.mark.django_db
def test_listing_refuses_an_off_sale_variant_or_a_missing_price_before_calling_the_shop(sw):
    Variant.objects.filter(pk=sw.world.blue.pk).update(is_on_sale=False)
    blue = Variant.objects.get(pk=sw.world.blue.pk)

    with pytest.raises(StoreInvalid, match="is not on sale"):
        services.store_listing_push(store=sw.store, variants=[blue], prices={blue.pk: 100})
    with pytest.raises(StoreInvalid, match="needs a price"):
        services.store_listing_push(store=sw.store, variants=[sw.world.red], prices={})

    assert SandboxShopVariant.objects.get(sku=sw.world.red.sku).price_minor == RED_PRICE


@pytest.mark.django_db
def test_listing_a_variant_again_releases_the_orders_held_for_it(sw):
    red = sw.store.variants.get(sku=sw.world.red.sku)
    services.connection_delete(merchant=sw.store.merchant, connection=red.connection, actor=None)
    held = services.store_order_ingest(
        store=sw.store, order=platform_order("77", (red.platform_variant_id, 1)), via="poll"
    )
    assert held.status == StoreOrderStatus.HELD

    services.store_listing_push(
        store=sw.store, variants=[sw.world.red], prices={sw.world.red.pk: RED_PRICE}
    )

    held.refresh_from_db()
    assert held.status == StoreOrderStatus.IMPORTED
    assert Order.objects.get().lines.get().variant == sw.world.red


@pytest.mark.django_db
def test_the_shop_api_needs_the_right_token_and_an_existing_shop(client, sw):
    url = reverse("stores_public:api_orders", kwargs={"slug": sw.shop.slug})
    token = sw.store.credentials_get()["access_token"]

    missing = client.get(url)
    wrong = client.get(url, HTTP_X_SANDBOX_ACCESS_TOKEN=token + "x")
    right = client.get(url, HTTP_X_SANDBOX_ACCESS_TOKEN=token)
    unknown = client.get(
        reverse("stores_public:api_orders", kwargs={"slug": "nope"}),
        HTTP_X_SANDBOX_ACCESS_TOKEN=token,
    )

    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert wrong.json() == {"error": "invalid access token"}
    assert right.json() == {"orders": [], "cursor": "", "has_more": False}
    assert unknown.status_code == 404


@pytest.mark.django_db
def test_the_shop_api_refuses_a_body_that_is_not_a_product(client, sw):
    url = reverse("stores_public:api_products", kwargs={"slug": sw.shop.slug})
    token = sw.store.credentials_get()["access_token"]

    responses = [
        client.post(url, body, content_type="application/json", HTTP_X_SANDBOX_ACCESS_TOKEN=token)
        for body in (b"{bad", b"[]", b'{"title": "T", "variants": []}')
    ]

    assert [(r.status_code, r.json()["error"]) for r in responses] == [
        (400, "body is not JSON"),
        (400, "body must be a JSON object"),
        (400, "variants must be a non-empty list"),
    ]
