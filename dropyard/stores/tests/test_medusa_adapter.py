"""The Medusa adapter without a Medusa: money conversion, order and product mapping, the
polling cursor, and the HTTP behaviour (auth, retries, refusals) over an httpx MockTransport.
The same calls against the real peer are in ``test_medusa_peer_adapter.py``."""

import json
from decimal import Decimal

import httpx
import pytest

from dropyard.stores.adapters import adapter_for
from dropyard.stores.adapters.base import (
    AdapterError,
    AuthorizationLost,
    PlatformFulfillment,
    StoreContext,
)
from dropyard.stores.adapters.medusa import MedusaAdapter, base_url_clean
from dropyard.stores.adapters.medusa_mapping import (
    cursor_next,
    cursor_parse,
    json_dumps,
    loads,
    order_from_data,
    product_from_data,
    to_major,
    to_minor,
)
from dropyard.stores.tests.medusa_fake import SECRET_KEY, basic, body, fake_medusa

# An order as Medusa 2.21.2 answers GET /admin/orders with ORDER_FIELDS (trimmed to what the
# mapping reads; captured from the peer), as the raw JSON text, so parsing is part of the test.
ORDER_JSON = b"""{
  "id": "order_01M95SGCQ56MHR72CNHH5KD3B1", "display_id": 7, "status": "pending",
  "email": "ada@peer.test", "currency_code": "usd",
  "created_at": "2026-12-06T13:43:15.437Z", "updated_at": "2026-12-06T13:43:22.659Z",
  "canceled_at": null, "total": 69.48, "payment_status": "authorized",
  "fulfillment_status": "not_fulfilled",
  "shipping_address": {"first_name": "Ada", "last_name": "Shopper", "company": null,
    "address_1": "1 Main Street", "address_2": null, "city": "Springfield",
    "country_code": "us", "province": "IL", "postal_code": "62701", "phone": "+12175550100"},
  "items": [
    {"id": "ordli_01RED", "variant_id": "variant_01RED", "variant_sku": "TEE-RED",
     "product_title": "Tee", "variant_title": "Red", "title": "Tee", "quantity": 2,
     "unit_price": 19.99, "raw_unit_price": {"value": "19.99", "precision": 20}},
    {"id": "ordli_01BLUE", "variant_id": "variant_01BLUE", "variant_sku": "TEE-BLUE",
     "product_title": "Tee", "variant_title": "Blue", "title": "Tee", "quantity": 1,
     "unit_price": 29.5}
  ]
}"""


def _adapter(transport=None, **credentials):
    context = StoreContext(
        platform="medusa",
        domain="https://shop.example",
        currency="USD",
        credentials={"api_key": SECRET_KEY, "location_id": "sloc_01TEST", **credentials},
    )
    return MedusaAdapter(context, transport=transport, sleep=lambda _seconds: None)


# --- Money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("19.99"), "USD", 1999),
        (Decimal("0.1"), "USD", 10),
        (Decimal("64.97"), "usd", 6497),
        (20, "USD", 2000),
        ("1234567890123.45", "USD", 123456789012345),
        ({"value": "19.99", "precision": 20}, "USD", 1999),
        (Decimal("500"), "JPY", 500),
        (Decimal("1.234"), "KWD", 1234),
        (Decimal("6.665"), "USD", 667),  # finer than a cent (a tax split): half up
        (Decimal("-5.005"), "USD", -501),
    ],
)
def test_to_minor_converts_decimal_major_units_exactly(amount, currency, minor):
    assert to_minor(amount, currency) == minor


def test_to_minor_refuses_floats_and_non_amounts():
    for bad in (19.99, None, True, "abc", "NaN", {"value": None}):
        with pytest.raises(AdapterError):
            to_minor(bad, "USD")


def test_to_major_is_the_exact_inverse():
    assert to_major(1999, "USD") == Decimal("19.99")
    assert to_major(500, "JPY") == Decimal("500")
    assert to_major(1234, "KWD") == Decimal("1.234")
    for minor in (0, 1, 10, 99, 1999, 2450, 10**15 + 7):
        assert to_minor(to_major(minor, "USD"), "USD") == minor
    with pytest.raises(TypeError):
        to_major(19.99, "USD")  # type: ignore[arg-type]


def test_json_numbers_never_become_floats_either_way():
    parsed = loads(b'{"amount": 0.1, "n": 3, "big": 1234567890123.45}')
    assert parsed == {"amount": Decimal("0.1"), "n": 3, "big": Decimal("1234567890123.45")}

    text = json_dumps({"prices": [{"amount": Decimal("19.99")}, {"amount": Decimal("0.10")}]})

    assert text == b'{"prices":[{"amount":19.99},{"amount":0.10}]}'
    assert (
        json_dumps({"title": '19.99 "quoted" caf\xe9'})
        == '{"title":"19.99 \\"quoted\\" caf\xe9"}'.encode()
    )
    with pytest.raises(TypeError):
        json_dumps({"amount": 19.99})


# --- Mapping ------------------------------------------------------------------------------------


def test_an_order_maps_to_a_platform_order_in_minor_units():
    order = order_from_data(loads(ORDER_JSON))

    assert (order.platform_order_id, order.name, order.currency) == (
        "order_01M95SGCQ56MHR72CNHH5KD3B1",
        "#7",
        "USD",
    )
    assert [
        (
            line.platform_line_id,
            line.platform_variant_id,
            line.sku,
            line.title,
            line.quantity,
            line.unit_price_minor,
        )
        for line in order.lines
    ] == [
        ("ordli_01RED", "variant_01RED", "TEE-RED", "Tee / Red", 2, 1999),
        ("ordli_01BLUE", "variant_01BLUE", "TEE-BLUE", "Tee / Blue", 1, 2950),
    ]
    assert order.total_minor == 6948
    assert (order.paid, order.cancelled) == (True, False)
    assert order.created_at.isoformat() == "2026-12-06T13:43:15.437000+00:00"
    assert vars(order.address) == {
        "shipping_customer_name": "Ada Shopper",
        "shipping_address": "1 Main Street",
        "shipping_address2": "",
        "shipping_city": "Springfield",
        "shipping_province": "IL",
        "shipping_zip": "62701",
        "shipping_country_code": "US",
        "shipping_country": "",
        "shipping_phone": "+12175550100",
        "email": "ada@peer.test",
    }
    # The record keeps the payload JSON-ready: amounts as their exact strings.
    assert order.raw["total"] == "69.48"
    assert json.loads(json.dumps(order.raw))["items"][0]["raw_unit_price"]["value"] == "19.99"


@pytest.mark.parametrize(
    ("payment_status", "status", "paid", "cancelled"),
    [
        ("not_paid", "pending", False, False),
        ("awaiting", "pending", False, False),
        ("authorized", "pending", True, False),
        ("partially_authorized", "pending", False, False),
        ("captured", "completed", True, False),
        ("partially_refunded", "completed", True, False),
        ("refunded", "canceled", False, True),
        ("canceled", "canceled", False, True),
    ],
)
def test_paid_and_cancelled_follow_the_payment_and_order_status(
    payment_status, status, paid, cancelled
):
    data = {**loads(ORDER_JSON), "payment_status": payment_status, "status": status}

    order = order_from_data(data)

    assert (order.paid, order.cancelled) == (paid, cancelled)


def test_a_malformed_order_is_an_adapter_error():
    with pytest.raises(AdapterError, match="malformed Medusa order"):
        order_from_data({"id": "order_1", "currency_code": "usd"})


def test_a_product_maps_with_the_store_currency_price_only():
    data = loads(
        b"""{"id": "prod_1", "title": "Tee", "description": "<p>Soft</p>",
        "thumbnail": "https://img.example/t.jpg", "images": [{"url": "https://img.example/t.jpg"}],
        "variants": [{"id": "variant_1", "sku": "TEE-RED", "title": "Red", "prices": [
            {"currency_code": "usd", "amount": 21.5, "rules": {"region_id": "reg_1"}},
            {"currency_code": "eur", "amount": 18},
            {"currency_code": "usd", "amount": 19.99}]},
          {"id": "variant_2", "sku": "TEE-BLUE", "title": "Blue", "prices": []}]}"""
    )

    product = product_from_data(data, "USD")

    assert [
        (v.platform_variant_id, v.sku, v.variant_title, v.price_minor) for v in product.variants
    ] == [
        ("variant_1", "TEE-RED", "Red", 1999),
        ("variant_2", "TEE-BLUE", "Blue", 0),
    ]
    assert (product.title, product.description_html, product.image_urls) == (
        "Tee",
        "<p>Soft</p>",
        ("https://img.example/t.jpg",),
    )


def test_the_cursor_keeps_the_newest_instant_and_the_ids_seen_at_it():
    first = [
        {"id": "order_a", "updated_at": "2026-12-06T10:00:00.000Z"},
        {"id": "order_c", "updated_at": "2026-12-06T10:00:01.000Z"},
        {"id": "order_b", "updated_at": "2026-12-06T10:00:01.000Z"},
    ]
    cursor = cursor_next("", first)
    assert cursor == "2026-12-06T10:00:01.000Z|order_b,order_c"
    assert cursor_parse(cursor) == ("2026-12-06T10:00:01.000Z", frozenset({"order_b", "order_c"}))

    same_instant = [{"id": "order_d", "updated_at": "2026-12-06T10:00:01.000Z"}]
    assert cursor_next(cursor, same_instant) == "2026-12-06T10:00:01.000Z|order_b,order_c,order_d"
    later = [{"id": "order_b", "updated_at": "2026-12-06T10:05:00.000Z"}]
    assert cursor_next(cursor, later) == "2026-12-06T10:05:00.000Z|order_b"
    with pytest.raises(AdapterError, match="not a Medusa poll cursor"):
        cursor_parse("page-2")


# --- HTTP ---------------------------------------------------------------------------------------


def test_connecting_reads_the_store_currency_location_and_sales_channel():
    adapter = _adapter(fake_medusa())

    shop = adapter.shop()

    assert (shop.name, shop.currency, shop.location_id, shop.sales_channel_id) == (
        "Medusa Outlet",
        "USD",
        "sloc_01TEST",
        "sc_01TEST",
    )
    assert adapter.authorize() == {
        "api_key": SECRET_KEY,
        "location_id": "sloc_01TEST",
        "sales_channel_id": "sc_01TEST",
    }


def test_the_key_goes_as_basic_auth_and_a_refusal_is_authorization_lost():
    seen = []

    def spy(request):
        seen.append(request.headers["authorization"])

    adapter = _adapter(fake_medusa(key="sk_another-key-0000000000", extra=spy))

    with pytest.raises(AuthorizationLost, match="refused the secret API key"):
        adapter.shop()
    assert seen == []  # refused before any route answered
    assert basic(SECRET_KEY).startswith("Basic c2tf")  # base64("sk_…:")


def _flaky(answers):
    """A transport answering each request with the next of ``answers`` (status or exception)."""
    calls = []

    def handle(request):
        calls.append(request.method)
        answer = answers[min(len(calls) - 1, len(answers) - 1)]
        if isinstance(answer, Exception):
            raise answer
        if answer == 200:
            return httpx.Response(200, json={"orders": [], "count": 0})
        return httpx.Response(answer, json={"message": f"status {answer}"})

    return httpx.MockTransport(handle), calls


def test_a_read_is_retried_after_5xx_and_network_errors_then_succeeds():
    transport, calls = _flaky([502, httpx.ReadError("reset"), 200])

    page = _adapter(transport).orders_since("")

    assert (page.items, calls) == ((), ["GET", "GET", "GET"])


def test_a_read_failing_every_time_is_a_retryable_error():
    transport, calls = _flaky([503])

    with pytest.raises(AdapterError, match="Medusa answered 503: status 503") as caught:
        _adapter(transport).orders_since("")

    assert caught.value.retryable is True
    assert calls == ["GET", "GET", "GET"]


def test_a_write_is_not_repeated_after_a_5xx_but_is_after_a_connect_error():
    transport, calls = _flaky([500])
    with pytest.raises(AdapterError) as caught:
        _adapter(transport).mark_delivered(
            platform_order_id="order_1", platform_fulfillment_id="ful_1"
        )
    assert (caught.value.retryable, calls) == (True, ["GET", "GET", "GET"])

    sent = []

    def connect_then_ok(request):
        sent.append(request.method)
        if request.method == "GET":
            return httpx.Response(200, json={"order": {"id": "order_1", "fulfillments": []}})
        if sent.count("POST") == 1:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json={"order": {"id": "order_1"}})

    _adapter(httpx.MockTransport(connect_then_ok)).mark_delivered(
        platform_order_id="order_1", platform_fulfillment_id="ful_1"
    )
    assert sent == ["GET", "POST", "POST"]


def test_throttling_and_refusals_are_adapter_errors_with_medusas_message():
    transport, _ = _flaky([429])
    with pytest.raises(AdapterError, match="429") as throttled:
        _adapter(transport).orders_since("")
    assert throttled.value.retryable is True

    transport, calls = _flaky([400])
    with pytest.raises(AdapterError, match="Medusa answered 400: status 400") as refused:
        _adapter(transport).orders_since("")
    assert (refused.value.retryable, calls) == (False, ["GET"])


def test_ids_from_outside_never_reach_a_url_raw():
    adapter = _adapter(fake_medusa())
    push = PlatformFulfillment(platform_order_id="../admin/users", carrier="X", tracking_number="1")

    with pytest.raises(AdapterError, match="not a Medusa order id"):
        adapter.fulfillment_push(push)


def test_medusa_sends_no_signed_webhooks():
    adapter = _adapter(fake_medusa())

    assert adapter.webhook_verify(b'{"id": "order_1"}', {"x-medusa-signature": "x"}) is False
    with pytest.raises(AdapterError, match="send no signed webhooks"):
        adapter.webhook_parse(b"{}", {})


def test_listing_refuses_variants_without_distinct_skus_before_any_call():
    from dropyard.stores.adapters.base import PlatformProduct, PlatformVariant

    transport, calls = _flaky([200])
    product = PlatformProduct(
        platform_product_id="",
        title="Tee",
        variants=(PlatformVariant("", "", "SKU-1", "Tee"), PlatformVariant("", "", "SKU-1", "Tee")),
    )

    with pytest.raises(AdapterError, match="distinct, non-empty SKUs"):
        _adapter(transport).listing_upsert(product)
    assert calls == []


def test_a_new_listing_sends_prices_as_exact_numbers_in_the_sales_channel():
    posted = []

    def routes(request):
        if request.url.path == "/admin/product-variants":
            return httpx.Response(200, json={"variants": [], "count": 0})
        if request.url.path == "/admin/products" and request.method == "POST":
            posted.append(request.content)
            variants = [
                {"id": f"variant_{v['sku']}", "sku": v["sku"]} for v in body(request)["variants"]
            ]
            return httpx.Response(200, json={"product": {"id": "prod_1", "variants": variants}})
        return None

    from dropyard.stores.adapters.base import PlatformProduct, PlatformVariant

    product = PlatformProduct(
        platform_product_id="",
        title="Soft Tee!",
        image_urls=("https://img.example/t.jpg",),
        variants=(
            PlatformVariant("", "", "TEE-RED", "Soft Tee!", "Red", 1999),
            PlatformVariant("", "", "TEE-BLUE", "Soft Tee!", "Blue", 2010),
        ),
    )

    result = _adapter(fake_medusa(extra=routes), sales_channel_id="sc_9").listing_upsert(product)

    assert result.platform_product_id == "prod_1"
    assert dict(result.variant_ids_by_sku) == {
        "TEE-RED": "variant_TEE-RED",
        "TEE-BLUE": "variant_TEE-BLUE",
    }
    sent = posted[0].decode()
    assert '"prices":[{"currency_code":"usd","amount":19.99}]' in sent
    assert '"prices":[{"currency_code":"usd","amount":20.10}]' in sent
    payload = json.loads(sent)
    assert payload["options"] == [{"title": "Variant", "values": ["Red", "Blue"]}]
    assert payload["sales_channels"] == [{"id": "sc_9"}]
    assert payload["handle"].startswith("soft-tee-")
    assert [v["options"] for v in payload["variants"]] == [{"Variant": "Red"}, {"Variant": "Blue"}]


def test_the_registry_builds_the_medusa_adapter_from_a_store():
    class StoreLike:
        platform, domain, currency = "medusa", "https://shop.example", "USD"

        def credentials_get(self):
            return {"api_key": SECRET_KEY}

    assert isinstance(adapter_for(StoreLike()), MedusaAdapter)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("https://Shop.Example.com/", "https://shop.example.com"),
        (" http://127.0.0.1:9000 ", "http://127.0.0.1:9000"),
        ("https://example.com/medusa/", "https://example.com/medusa"),
    ],
)
def test_base_url_clean_keeps_scheme_host_and_path(raw, clean):
    assert base_url_clean(raw) == clean


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("shop.example.com", "must start with https://"),
        ("ftp://shop.example.com", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("https://", "has no host name"),
        ("https://shop.example.com/?x=1", "address only"),
        ("https://user:pw@shop.example.com", "address only"),
    ],
)
def test_base_url_clean_refuses_what_is_not_a_store_address(raw, reason):
    with pytest.raises(ValueError, match=reason):
        base_url_clean(raw)


def _order_with(fulfillments):
    """A stand-in order route: GET answers the order; POSTs are recorded (and answered)."""
    posts = []
    state = {"fulfillments": list(fulfillments)}

    def routes(request):
        if request.url.path == "/admin/orders/order_1" and request.method == "GET":
            items = [
                {"id": "ordli_a", "quantity": 2, "detail": {"fulfilled_quantity": 0}},
                {"id": "ordli_b", "quantity": 1, "detail": {"fulfilled_quantity": 0}},
            ]
            order = {"id": "order_1", "items": items, "fulfillments": state["fulfillments"]}
            return httpx.Response(200, json={"order": order})
        if request.method == "POST":
            posts.append((request.url.path, body(request)))
            if request.url.path == "/admin/orders/order_1/fulfillments":
                made = {
                    "id": "ful_new",
                    "items": [
                        {"line_item_id": i["id"], "quantity": i["quantity"]}
                        for i in body(request)["items"]
                    ],
                }
                state["fulfillments"] = [*state["fulfillments"], made]
            return httpx.Response(200, json={"order": {"id": "order_1"}})
        return None

    return fake_medusa(extra=routes), posts


PUSH = PlatformFulfillment(
    platform_order_id="order_1",
    carrier="Sandbox",
    tracking_number="SBX1",
    tracking_url="https://t.example/SBX1",
    line_quantities={"ordli_a": 2},
)


def test_a_push_already_made_is_not_made_again():
    shipped = {
        "id": "ful_1",
        "shipped_at": "2026-12-06T10:00:00Z",
        "items": [{"line_item_id": "ordli_a", "quantity": 2}],
        "labels": [{"tracking_number": "SBX1"}],
    }
    transport, posts = _order_with([shipped])

    assert _adapter(transport).fulfillment_push(PUSH) == "ful_1"
    assert posts == []


def test_an_interrupted_push_ships_its_fulfillment_instead_of_making_another():
    pending = {"id": "ful_1", "items": [{"line_item_id": "ordli_a", "quantity": 2}], "labels": []}
    transport, posts = _order_with([pending])

    assert _adapter(transport).fulfillment_push(PUSH) == "ful_1"
    assert posts == [
        (
            "/admin/orders/order_1/fulfillments/ful_1/shipments",
            {
                "items": [{"id": "ordli_a", "quantity": 2}],
                "labels": [
                    {
                        "tracking_number": "SBX1",
                        "tracking_url": "https://t.example/SBX1",
                        "label_url": "",
                    }
                ],
            },
        )
    ]


def test_an_unshipped_fulfillment_of_other_lines_is_left_alone():
    other = {"id": "ful_1", "items": [{"line_item_id": "ordli_b", "quantity": 1}], "labels": []}
    transport, posts = _order_with([other])

    assert _adapter(transport).fulfillment_push(PUSH) == "ful_new"
    assert [path for path, _body in posts] == [
        "/admin/orders/order_1/fulfillments",
        "/admin/orders/order_1/fulfillments/ful_new/shipments",
    ]
    assert posts[0][1] == {
        "items": [{"id": "ordli_a", "quantity": 2}],
        "location_id": "sloc_01TEST",
        "metadata": {"carrier": "Sandbox", "source": "dropyard"},
    }
