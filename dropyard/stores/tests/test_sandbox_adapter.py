"""The Sandbox adapter against the shop's real JSON API, in-process over httpx's WSGI
transport (the same HTTP a deployed site makes to itself)."""

import base64
import hashlib
import hmac
import json

import pytest

from dropyard.stores.adapters import adapter_for
from dropyard.stores.adapters.base import (
    AdapterError,
    AuthorizationLost,
    PlatformFulfillment,
    PlatformProduct,
    PlatformVariant,
    StoreContext,
)
from dropyard.stores.adapters.sandbox import SandboxStoreAdapter
from dropyard.stores.models import SandboxShopOrder, SandboxShopProduct, SandboxShopVariant
from dropyard.stores.sandbox import shop as shop_side
from dropyard.stores.tests.sandbox_world import (
    BLUE_PRICE,
    RED_PRICE,
    SHOPPER,
    in_process_transport,
    make_sandbox_world,
)


@pytest.fixture
def sw(merchant):
    return make_sandbox_world(merchant)


def _adapter(store, **credentials):
    context = StoreContext(
        platform="sandbox",
        domain=store.domain,
        currency=store.currency,
        credentials={**store.credentials_get(), **credentials},
    )
    return SandboxStoreAdapter(context, transport=in_process_transport())


def _place(sw, quantity=1):
    variant = SandboxShopVariant.objects.get(shop=sw.shop, sku=sw.world.red.sku)
    return shop_side.order_place(shop=sw.shop, quantities={variant.pk: quantity}, customer=SHOPPER)


@pytest.mark.django_db
def test_the_registry_builds_the_sandbox_adapter_and_authorize_checks_the_token(sw):
    adapter = adapter_for(sw.store)

    assert type(adapter) is SandboxStoreAdapter
    assert adapter.authorize() == sw.store.credentials_get()
    with pytest.raises(AuthorizationLost):
        _adapter(sw.store, access_token="not-the-token").authorize()


@pytest.mark.django_db
def test_the_shop_keeps_only_a_hash_of_the_access_token(sw):
    token = sw.store.credentials_get()["access_token"]

    assert sw.shop.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in sw.shop.token_hash
    assert sw.shop.webhook_url == f"/stores/webhooks/{sw.store.public_id}/"


@pytest.mark.django_db
def test_listing_creates_the_product_and_products_page_reads_it_back(sw):
    page = _adapter(sw.store).products_page()

    assert page.next_cursor == ""
    assert [
        (p.title, [(v.sku, v.price_minor, v.currency) for v in p.variants]) for p in page.items
    ] == [
        (sw.world.red.product.name, [(sw.world.red.sku, RED_PRICE, "USD")]),
        (sw.world.blue.product.name, [(sw.world.blue.sku, BLUE_PRICE, "USD")]),
    ]


@pytest.mark.django_db
def test_listing_again_updates_the_same_product_and_variants(sw):
    adapter = _adapter(sw.store)
    product = SandboxShopProduct.objects.get(shop=sw.shop, variants__sku=sw.world.red.sku)
    variant = PlatformVariant("", "", sw.world.red.sku, "Tee", "Red", price_minor=2499)

    result = adapter.listing_upsert(
        PlatformProduct("", "Tee renamed", variants=(variant,)),
        platform_product_id=str(product.pk),
    )

    product.refresh_from_db()
    assert result.platform_product_id == str(product.pk)
    assert product.title == "Tee renamed"
    assert [(v.sku, v.price_minor) for v in product.variants.all()] == [(sw.world.red.sku, 2499)]
    assert SandboxShopProduct.objects.filter(shop=sw.shop).count() == 2


@pytest.mark.django_db
def test_a_sku_of_another_product_is_refused_with_the_shops_message(sw):
    variant = PlatformVariant("", "", sw.world.red.sku, "Other", price_minor=100)
    blue_product = SandboxShopProduct.objects.get(shop=sw.shop, variants__sku=sw.world.blue.sku)

    with pytest.raises(AdapterError, match="belongs to another product"):
        _adapter(sw.store).listing_upsert(
            PlatformProduct("", "Other", variants=(variant,)),
            platform_product_id=str(blue_product.pk),
        )


@pytest.mark.django_db
def test_orders_since_pages_by_cursor_and_returns_the_same_cursor_when_nothing_changed(sw):
    adapter = _adapter(sw.store)
    first = _place(sw, quantity=2)

    page = adapter.orders_since("")
    again = adapter.orders_since(page.next_cursor)

    (order,) = page.items
    assert order.platform_order_id == str(first.pk)
    assert (order.name, order.currency, order.paid, order.cancelled) == (
        "#1001",
        "USD",
        True,
        False,
    )
    assert order.total_minor == 2 * RED_PRICE
    assert [(line.sku, line.quantity, line.unit_price_minor) for line in order.lines] == [
        (sw.world.red.sku, 2, RED_PRICE)
    ]
    assert order.address.shipping_city == "Santa Monica"
    assert order.address.email == "shopper@example.com"
    assert again.items == ()
    assert again.next_cursor == page.next_cursor


@pytest.mark.django_db
def test_a_change_after_the_cursor_shows_the_order_again(sw):
    adapter = _adapter(sw.store)
    order = _place(sw)
    cursor = adapter.orders_since("").next_cursor

    shop_side.order_cancel(shop=sw.shop, order_id=order.pk)
    page = adapter.orders_since(cursor)

    assert (cursor, page.next_cursor) == ("1", "2")
    assert [(o.platform_order_id, o.cancelled) for o in page.items] == [(str(order.pk), True)]


@pytest.mark.django_db
def test_price_and_inventory_update_reach_the_shop(sw):
    variant = SandboxShopVariant.objects.get(shop=sw.shop, sku=sw.world.blue.sku)

    _adapter(sw.store).price_inventory_update(
        platform_variant_id=str(variant.pk), price_minor=3499, available=7
    )

    variant.refresh_from_db()
    assert (variant.price_minor, variant.available) == (3499, 7)


@pytest.mark.django_db
def test_fulfillment_push_records_the_tracking_on_the_shop_order(sw):
    order = _place(sw)

    fulfillment_id = _adapter(sw.store).fulfillment_push(
        PlatformFulfillment(
            platform_order_id=str(order.pk),
            carrier="Sandbox Carrier",
            tracking_number="SBX0000000018",
            tracking_url="https://track.example/SBX0000000018",
        )
    )

    order.refresh_from_db()
    assert fulfillment_id == f"F{order.pk}"
    assert (order.fulfillment_carrier, order.tracking_number, order.tracking_url) == (
        "Sandbox Carrier",
        "SBX0000000018",
        "https://track.example/SBX0000000018",
    )


@pytest.mark.django_db
def test_fulfillment_of_an_unknown_order_is_refused(sw):
    adapter = _adapter(sw.store)

    with pytest.raises(AdapterError, match="order 999999 not found"):
        adapter.fulfillment_push(
            PlatformFulfillment(platform_order_id="999999", carrier="X", tracking_number="T1")
        )
    with pytest.raises(AdapterError, match="not a sandbox id: '../shop'"):
        adapter.fulfillment_push(
            PlatformFulfillment(platform_order_id="../shop", carrier="X", tracking_number="T1")
        )


@pytest.mark.django_db
def test_mark_delivered_marks_the_pushed_fulfillment_once(sw):
    order = _place(sw)
    adapter = _adapter(sw.store)
    fulfillment_id = adapter.fulfillment_push(
        PlatformFulfillment(
            platform_order_id=str(order.pk), carrier="Yun Express", tracking_number="YT24000001"
        )
    )

    adapter.mark_delivered(platform_order_id=str(order.pk), platform_fulfillment_id=fulfillment_id)
    order.refresh_from_db()
    first = (order.delivered_at, order.change_seq)
    adapter.mark_delivered(platform_order_id=str(order.pk), platform_fulfillment_id=fulfillment_id)
    order.refresh_from_db()

    assert first[0] is not None
    assert (order.delivered_at, order.change_seq) == first  # the second mark changed nothing
    assert shop_side.order_data(order)["fulfillment"]["delivered"] is True


@pytest.mark.django_db
def test_mark_delivered_of_an_unknown_or_unfulfilled_order_is_refused(sw):
    order = _place(sw)
    adapter = _adapter(sw.store)

    with pytest.raises(AdapterError, match=f"fulfillment F{order.pk} not found"):
        adapter.mark_delivered(
            platform_order_id=str(order.pk), platform_fulfillment_id=f"F{order.pk}"
        )
    with pytest.raises(AdapterError, match="not a sandbox fulfillment id: '../x'"):
        adapter.mark_delivered(platform_order_id=str(order.pk), platform_fulfillment_id="../x")
    with pytest.raises(AdapterError, match="order 999999 not found"):
        adapter.mark_delivered(platform_order_id="999999", platform_fulfillment_id="F1")

    order.refresh_from_db()
    assert order.delivered_at is None


@pytest.mark.django_db
def test_webhook_signature_matches_an_independent_oracle_and_refuses_a_reserialised_body(sw):
    adapter = _adapter(sw.store)
    secret = sw.store.credentials_get()["webhook_secret"]
    body = b'{"id": "1", "name": "#1001"}'
    oracle = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    reserialised = json.dumps(json.loads(body), separators=(",", ":")).encode()

    assert adapter.webhook_verify(body, {"X-Sandbox-Hmac-Sha256": oracle}) is True
    assert adapter.webhook_verify(reserialised, {"X-Sandbox-Hmac-Sha256": oracle}) is False
    tampered = ("y" if oracle[0] == "x" else "x") + oracle[1:]  # always a different first byte
    assert adapter.webhook_verify(body, {"X-Sandbox-Hmac-Sha256": tampered}) is False
    assert adapter.webhook_verify(b"", {"X-Sandbox-Hmac-Sha256": oracle}) is False
    assert adapter.webhook_verify(body, {"X-Sandbox-Hmac-Sha256": "é"}) is False


@pytest.mark.django_db
def test_webhook_parse_reads_the_order_and_refuses_nul_and_broken_bodies(sw):
    adapter = _adapter(sw.store)
    order = _place(sw)
    body, headers = shop_side.webhook_request(
        order=SandboxShopOrder.objects.get(pk=order.pk), topic="orders/create"
    )

    event = adapter.webhook_parse(body, headers)

    assert (event.topic, event.delivery_id) == ("orders/create", headers["X-Sandbox-Webhook-Id"])
    assert event.order is not None
    assert event.order.platform_order_id == str(order.pk)
    for bad in (b'{"id": "1\\u0000"}', b"\x00", b"{not json", b'{"id": 1}'):
        with pytest.raises(AdapterError):
            adapter.webhook_parse(bad, headers)
