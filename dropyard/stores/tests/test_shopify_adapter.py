"""The Shopify adapter and its GraphQL client against the fake: the leaky bucket (waits before
overdrawing, THROTTLED → back off and retry), retries only where safe, paging, the orders
cursor, listing, price and inventory, fulfillment through fulfillment orders."""

import json

import httpx
import pytest
from django.test import override_settings

from dropyard.stores.adapters.base import (
    AdapterError,
    AuthorizationLost,
    PlatformFulfillment,
    PlatformProduct,
    PlatformVariant,
    StoreContext,
)
from dropyard.stores.adapters.shopify import ShopifyAdapter, auth, documents
from dropyard.stores.adapters.shopify.client import GraphQLClient
from dropyard.stores.tests.shopify_world import make_adapter


def _product(n: int, *colors: str) -> PlatformProduct:
    return PlatformProduct(
        platform_product_id="",
        title=f"Tee {n}",
        description_html="<p>Soft</p>",
        image_urls=(f"https://img.example/{n}.jpg",),
        variants=tuple(
            PlatformVariant(
                platform_product_id="",
                platform_variant_id="",
                sku=f"TEE-{n}-{c}",
                title=f"Tee {n}",
                variant_title=f"{c} / L",
                price_minor=1999 + i,
            )
            for i, c in enumerate(colors)
        ),
    )


def test_listing_creates_the_product_with_options_prices_skus_and_images(fake, clock):
    adapter = make_adapter(fake, clock)

    result = adapter.listing_upsert(_product(1, "Red", "Blue"))

    (product,) = fake.products.values()
    assert result.platform_product_id == str(product["id"])
    assert sorted(result.variant_ids_by_sku) == ["TEE-1-Blue", "TEE-1-Red"]
    assert product["options"] == [
        {"name": "Option 1", "values": [{"name": "Red"}, {"name": "Blue"}]},
        {"name": "Option 2", "values": [{"name": "L"}]},
    ]
    assert product["images"] == ["https://img.example/1.jpg"]
    assert [
        (fake.variants[i]["sku"], fake.variants[i]["title"], fake.variants[i]["price"])
        for i in product["variant_ids"]
    ] == [("TEE-1-Red", "Red / L", "19.99"), ("TEE-1-Blue", "Blue / L", "20.00")]


def test_a_listing_refused_by_shopify_is_an_adapter_error_with_its_message(fake, clock):
    adapter = make_adapter(fake, clock)
    twice = _product(1, "Red", "Red")

    with pytest.raises(AdapterError, match="SKUs must be unique"):
        adapter.listing_upsert(twice)


def test_price_and_inventory_update(fake, clock):
    adapter = make_adapter(fake, clock)
    listed = adapter.listing_upsert(_product(1, "Red"))
    variant_id = listed.variant_ids_by_sku["TEE-1-Red"]

    adapter.price_inventory_update(platform_variant_id=variant_id, price_minor=2450, available=9)
    adapter.price_inventory_update(platform_variant_id=variant_id, price_minor=None, available=3)

    assert (
        fake.variants[int(variant_id)]["price"],
        fake.variants[int(variant_id)]["available"],
    ) == (
        "24.50",
        3,
    )
    with pytest.raises(AdapterError, match="not a Shopify id"):
        adapter.price_inventory_update(platform_variant_id="1 OR 1", price_minor=1, available=None)


def test_products_are_read_page_by_page(fake, clock):
    adapter = make_adapter(fake, clock)
    for n in range(12):
        adapter.listing_upsert(_product(n, "Red"))

    first = adapter.products_page()
    second = adapter.products_page(first.next_cursor)

    assert (len(first.items), len(second.items), second.next_cursor) == (10, 2, "")
    assert [p.title for p in first.items + second.items] == [f"Tee {n}" for n in range(12)]
    assert first.items[0].variants[0].price_minor == 1999


def test_the_client_waits_for_the_bucket_instead_of_being_throttled(fake, clock):
    fake.maximum, fake.available, fake.restore_rate = 30.0, 30.0, 1.0  # 2 listings a bucket
    adapter = make_adapter(fake, clock)
    adapter.listing_upsert(_product(1, "Red"))  # learns the bucket and productSet's cost
    throttled_before = fake.throttled

    for n in range(2, 6):
        adapter.listing_upsert(_product(n, "Red"))

    assert fake.throttled == throttled_before
    assert clock.slept > 0
    assert len(fake.products) == 5


def test_a_throttled_call_is_retried_after_backing_off(fake, clock):
    adapter = make_adapter(fake, clock)
    fake.available = 0.0  # someone else emptied the bucket

    info = adapter.shop_info()

    assert info["name"] == "Dropyard Test Shop"
    assert fake.throttled == 1
    assert fake.requests == ["DropyardShop", "DropyardShop"]
    assert clock.slept > 0


def test_a_query_too_costly_for_the_bucket_is_an_error_not_a_loop(fake, clock):
    adapter = make_adapter(fake, clock)
    fake.maximum = fake.available = 5.0

    with pytest.raises(AdapterError, match="exceeds the single query max cost limit"):
        adapter.orders_since("")


def _flaky(fake, failures: list):
    """A transport that fails with ``failures`` (exceptions or status codes) first."""
    inner = httpx.WSGITransport(app=fake)

    def handle(request: httpx.Request) -> httpx.Response:
        if failures:
            failure = failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return httpx.Response(failure, json={"errors": "boom"})
        return inner.handle_request(request)

    return httpx.MockTransport(handle)


def _client(fake, clock, transport, token):
    return GraphQLClient(
        shop=fake.shop,
        version="2025-01",
        token=lambda: token,
        transport=transport,
        sleep=clock.sleep,
        clock=clock,
    )


def test_reads_are_retried_after_timeouts_and_5xx(fake, clock):
    token = make_adapter(fake, clock).credentials["access_token"]
    transport = _flaky(fake, [httpx.ReadTimeout("slow"), 502, 503])

    data = _client(fake, clock, transport, token).execute(documents.SHOP)

    assert data["shop"]["name"] == "Dropyard Test Shop"


def test_a_non_idempotent_mutation_is_not_resent_after_an_ambiguous_failure(fake, clock):
    token = make_adapter(fake, clock).credentials["access_token"]
    transport = _flaky(fake, [httpx.ReadTimeout("slow")])

    with pytest.raises(AdapterError) as caught:
        _client(fake, clock, transport, token).execute(
            documents.PRODUCT_SET, {"input": {}, "variantCount": 1}
        )

    assert caught.value.retryable is True
    assert fake.products == {}


def test_a_mutation_is_resent_when_the_connection_was_never_made(fake, clock):
    token = make_adapter(fake, clock).credentials["access_token"]
    transport = _flaky(fake, [httpx.ConnectError("refused")])
    variables = {
        "input": {
            "title": "T",
            "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
            "variants": [
                {
                    "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                    "sku": "S",
                    "price": "1.00",
                }
            ],
        }
    }

    data = _client(fake, clock, transport, token).execute(
        documents.PRODUCT_SET, {**variables, "variantCount": 1}
    )

    assert data["productSet"]["userErrors"] == []
    assert len(fake.products) == 1


def test_a_refused_token_is_authorization_lost(fake, clock):
    with pytest.raises(AuthorizationLost):
        _client(fake, clock, None, "shpat_unknown").execute(documents.SHOP)


def test_an_invalid_document_is_refused_by_the_fake_like_shopify(fake, clock):
    token = make_adapter(fake, clock).credentials["access_token"]

    with pytest.raises(AdapterError, match="Cannot query field 'nope' on type 'Shop'"):
        _client(fake, clock, None, token).execute("query { shop { nope } }")


def _place(fake, adapter, n: int = 1) -> list[dict]:
    listed = adapter.listing_upsert(_product(99, "Red"))
    variant = int(listed.variant_ids_by_sku["TEE-99-Red"])
    return [fake.order_place([(variant, 1 + i)]) for i in range(n)]


def test_orders_since_pages_through_and_resumes_without_repeats(fake, clock):
    adapter = make_adapter(fake, clock)
    placed = _place(fake, adapter, 13)  # all in the same second

    first = adapter.orders_since("")
    second = adapter.orders_since(first.next_cursor)
    third = adapter.orders_since(second.next_cursor)
    clock.sleep(5)
    fake.order_cancel(placed[0]["id"])
    later = adapter.orders_since(third.next_cursor)

    ids = [o.platform_order_id for o in first.items + second.items]
    assert ids == [str(o["id"]) for o in placed]
    assert (len(first.items), len(second.items), third.items) == (10, 3, ())
    assert third.next_cursor == second.next_cursor
    assert [(o.platform_order_id, o.cancelled) for o in later.items] == [
        (str(placed[0]["id"]), True)
    ]
    assert json.loads(later.next_cursor)["seen"] == [str(placed[0]["id"])]


def test_an_order_with_many_lines_is_read_whole(fake, clock):
    adapter = make_adapter(fake, clock)
    listed = adapter.listing_upsert(_product(1, *[f"C{i}" for i in range(25)]))
    variants = [int(v) for v in listed.variant_ids_by_sku.values()]
    fake.order_place([(v, 1) for v in variants])

    (order,) = adapter.orders_since("").items

    assert len(order.lines) == 25
    assert order.total_minor == sum(1999 + i for i in range(25))


def test_a_partial_fulfillment_uses_fulfillment_order_line_items(fake, clock):
    adapter = make_adapter(fake, clock)
    listed = adapter.listing_upsert(_product(1, "Red", "Blue"))
    red, blue = (int(listed.variant_ids_by_sku[f"TEE-1-{c}"]) for c in ("Red", "Blue"))
    placed = fake.order_place([(red, 2), (blue, 1)])
    red_line = placed["line_items"][0]["id"]

    adapter.fulfillment_push(
        PlatformFulfillment(
            platform_order_id=str(placed["id"]),
            carrier="UPS",
            tracking_number="1Z999",
            line_quantities={str(red_line): 1},
        )
    )
    rest = adapter.fulfillment_push(
        PlatformFulfillment(
            platform_order_id=str(placed["id"]), carrier="UPS", tracking_number="1Z998"
        )
    )

    first, second = fake.orders[placed["id"]]["fulfillments"]
    assert first["lines"] == [(red_line, 1)]
    assert first["tracking"] == {"number": "1Z999", "company": "UPS", "url": None}
    assert (rest, sorted(second["lines"])) == (
        str(second["id"]),
        sorted([(red_line, 1), (placed["line_items"][1]["id"], 1)]),
    )
    with pytest.raises(AdapterError, match="nothing left to fulfil"):
        adapter.fulfillment_push(
            PlatformFulfillment(
                platform_order_id=str(placed["id"]), carrier="UPS", tracking_number="X"
            )
        )


def test_an_order_that_does_not_exist_cannot_be_fulfilled(fake, clock):
    adapter = make_adapter(fake, clock)

    with pytest.raises(AdapterError, match="not found"):
        adapter.fulfillment_push(
            PlatformFulfillment(platform_order_id="424242", carrier="UPS", tracking_number="X")
        )


def test_subscribing_twice_is_not_an_error(fake, clock):
    adapter = make_adapter(fake, clock)

    first = adapter.webhooks_register("https://dy.example/stores/webhooks/abc/")
    second = adapter.webhooks_register("https://dy.example/stores/webhooks/abc/")

    assert (len(first), second) == (4, [])


def test_a_webhook_without_a_delivery_id_or_json_is_refused(fake, clock):
    adapter = ShopifyAdapter(StoreContext("shopify", fake.shop, "USD", {}))
    headers = {"X-Shopify-Topic": "orders/create"}

    with pytest.raises(AdapterError, match="X-Shopify-Webhook-Id"):
        adapter.webhook_parse(b"{}", headers)
    with pytest.raises(AdapterError, match="not JSON"):
        adapter.webhook_parse(b"{", {**headers, "X-Shopify-Webhook-Id": "w1"})
    with pytest.raises(AdapterError, match="malformed"):
        adapter.webhook_parse(b"{}", {**headers, "X-Shopify-Webhook-Id": "w1"})
    assert adapter.webhook_verify(b"{}", {"X-Shopify-Hmac-Sha256": "x"}) is False


def test_updating_a_listing_keeps_the_variant_ids_of_the_same_skus(fake, clock):
    adapter = make_adapter(fake, clock)
    first = adapter.listing_upsert(_product(1, "Red", "Blue"))
    changed = _product(1, "Red", "Green")

    second = adapter.listing_upsert(changed, platform_product_id=first.platform_product_id)

    assert second.platform_product_id == first.platform_product_id
    assert second.variant_ids_by_sku["TEE-1-Red"] == first.variant_ids_by_sku["TEE-1-Red"]
    assert second.variant_ids_by_sku["TEE-1-Green"] not in first.variant_ids_by_sku.values()
    assert sorted(v["sku"] for v in fake.variants.values()) == ["TEE-1-Green", "TEE-1-Red"]


@override_settings(DROPYARD_SHOPIFY_API_SECRET="public-app-secret")
def test_webhooks_of_a_store_connected_by_oauth_are_signed_with_the_public_apps_secret():
    oauth = ShopifyAdapter(StoreContext("shopify", "s.myshopify.com", "USD", {"mode": "oauth"}))
    own = ShopifyAdapter(
        StoreContext(
            "shopify",
            "s.myshopify.com",
            "USD",
            {"mode": "client_credentials", "client_secret": "own-secret"},
        )
    )
    body = b'{"id": 1}'

    def signed(secret: str) -> dict:
        return {"X-Shopify-Hmac-Sha256": auth.webhook_hmac(secret, body)}

    assert oauth.webhook_verify(body, signed("public-app-secret")) is True
    assert oauth.webhook_verify(body, signed("own-secret")) is False
    assert own.webhook_verify(body, signed("own-secret")) is True
    assert own.webhook_verify(body, signed("public-app-secret")) is False


def test_a_429_is_retried_after_its_retry_after(fake, clock):
    token = make_adapter(fake, clock).credentials["access_token"]
    inner = httpx.WSGITransport(app=fake)
    answers = [httpx.Response(429, headers={"Retry-After": "2.0"}, json={"errors": "Throttled"})]

    def handle(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else inner.handle_request(request)

    slept_before = clock.slept
    data = _client(fake, clock, httpx.MockTransport(handle), token).execute(documents.SHOP)

    assert data["shop"]["currencyCode"] == "USD"
    assert clock.slept - slept_before >= 2.0


def test_an_answer_in_another_api_version_is_logged(fake, clock, caplog):
    adapter = make_adapter(fake, clock)
    fake.version_answered = "2025-04"

    adapter.shop_info()

    assert (
        "Shopify dropyard-test.myshopify.com answered API version 2025-04, not 2025-01"
        in caplog.text
    )
