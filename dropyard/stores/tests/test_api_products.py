"""Store products and product connections over the developer API (``store/product/*``,
``shop/product/*``, ``product/conn/connection``) and ``authentication/getAuthorizeUrl``:
envelopes, paging, refusals, another merchant's shop, and a member token's store scope."""

import json

import pytest

from dropyard.accounts.models import Membership
from dropyard.accounts.tests.factories import make_staff
from dropyard.catalog.tests.factories import make_product
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import ConnectionHow, ReceivedVia, StoreOrderStatus
from dropyard.stores.models import ProductConnection, StoreOrder, StoreProduct, StoreVariant
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(cj, api_key) -> str:
    cj.get_access_token(api_key).ok()
    return cj.access_token


@pytest.fixture
def store(merchant):
    return make_store(merchant=merchant, name="Tee Shop", currency="EUR")


@pytest.fixture
def theirs(other_merchant):
    return make_store(merchant=other_merchant, name="Their Shop")


def _variants(store, *items):
    return {"shopId": store.public_id, "variants": list(items)}


# --- authentication/getAuthorizeUrl ----------------------------------------------------------


@pytest.mark.parametrize(
    ("shop_type", "path"),
    [
        ("sandbox", "/stores/connect/sandbox/"),
        ("Sandbox", "/stores/connect/sandbox/"),
        ("shopify", "/stores/connect/shopify/"),
        ("medusa", "/stores/connect/medusa/"),
    ],
)
def test_authorize_url_is_the_platform_connect_page(cj, token, shop_type, path):
    assert cj.get("authentication/getAuthorizeUrl", {"shopType": shop_type}).ok() == (
        f"http://testserver{path}"
    )


@pytest.mark.parametrize("shop_type", ["", "woocommerce", "SHOPIFYX"])
def test_authorize_url_refuses_an_unknown_shop_type(cj, token, shop_type):
    params = {"shopType": shop_type} if shop_type else {}
    assert cj.get("authentication/getAuthorizeUrl", params).error(1600300) == (
        "shopType must be one of sandbox, shopify, medusa"
    )


def test_authorize_url_needs_a_token(cj):
    cj.get("authentication/getAuthorizeUrl", {"shopType": "sandbox"}, token=None).error(1600002)


# --- store/product/saveProduct ---------------------------------------------------------------


def test_save_product_creates_then_updates(cj, token, store):
    body = {
        "id": 7001,
        "title": "Linen tee",
        "image": "https://img.example/t.jpg",
        "shopId": store.public_id,
        "description": "Soft",
        "priceMin": "9.50",
        "priceMax": 12,
    }
    response = cj.post("store/product/saveProduct", body)
    assert response.body == {
        "code": 200,
        "result": True,
        "message": "Success",
        "data": True,
        "requestId": response.request_id,
    }
    row = StoreProduct.objects.get(store=store)
    assert (row.platform_product_id, row.title, row.price_min_minor, row.price_max_minor) == (
        "7001",
        "Linen tee",
        950,
        1200,
    )
    assert row.currency == "EUR"

    assert cj.post("store/product/saveProduct", {**body, "title": "Linen tee v2"}).ok() is True
    assert list(StoreProduct.objects.values_list("title", flat=True)) == ["Linen tee v2"]


def test_save_product_strips_control_and_bidi_characters(cj, token, store):
    body = {
        "id": 7002,
        "title": "\u202eLinen\x1b[0m tee\x07",
        "image": "https://img.example/t.jpg",
        "shopId": store.public_id,
        "description": "Soft\x07 linen\r\n\u2066Wash cold\u2069\x9b",
    }

    cj.post("store/product/saveProduct", body).ok()

    row = StoreProduct.objects.get(store=store)
    assert (row.title, row.description) == ("Linen[0m tee", "Soft linen\nWash cold")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "title required"),
        ({"image": ""}, "image required"),
        ({"priceMin": "abc"}, "priceMin must be a decimal amount"),
        ({"priceMin": "-1"}, "priceMin must be a decimal amount ≥ 0"),
        ({"priceMin": "20", "priceMax": "10"}, "priceMin must not be above priceMax"),
        ({"priceCurrency": "EURO"}, "priceCurrency must be an ISO 4217 code"),
        ({"shopId": None}, "shopId is required"),
    ],
)
def test_save_product_refuses_bad_input(cj, token, store, change, message):
    body = {"id": "P1", "title": "Tee", "image": "https://img.example/t.jpg"}
    body["shopId"] = store.public_id
    body.update(change)
    assert cj.post("store/product/saveProduct", body).error(1600300) == message
    assert not StoreProduct.objects.exists()


def test_save_product_missing_field_is_a_parameter_error(cj, token, store):
    body = {"title": "Tee", "image": "https://img.example/t.jpg", "shopId": store.public_id}
    assert cj.post("store/product/saveProduct", body).error(1600300) == "id is required"


def test_save_product_to_another_merchants_shop_is_not_found(cj, token, theirs):
    body = {
        "id": "P1",
        "title": "Tee",
        "image": "https://i.example/a.jpg",
        "shopId": theirs.public_id,
    }
    assert cj.post("store/product/saveProduct", body).error(1600013) == (
        f"shopId {theirs.public_id} not found"
    )
    assert not StoreProduct.objects.exists()


# --- store/product/saveVariantBatch ----------------------------------------------------------


def test_save_variant_batch_answers_per_item_and_saves_the_good_ones(cj, token, store):
    body = _variants(
        store,
        {"id": "V1", "productId": "P1", "title": "Tee", "sku": "TEE-1", "price": "19.99"},
        {"id": "V2", "productId": "P1", "title": "", "sku": "TEE-2"},
        {"id": 33, "productId": 1, "title": "Mug", "price": 5, "image": "https://i.example/m.jpg"},
        "not an object",
        {"id": "V4", "productId": "P4", "title": "Cap", "price": "x"},
    )

    assert cj.post("store/product/saveVariantBatch", body).ok() == [
        {"id": "V1", "saveSuccess": True, "message": "Success"},
        {"id": "V2", "saveSuccess": False, "message": "title is required"},
        {"id": "33", "saveSuccess": True, "message": "Success"},
        {"id": None, "saveSuccess": False, "message": "an item must be an object"},
        {"id": "V4", "saveSuccess": False, "message": "price must be a decimal amount"},
    ]
    rows = StoreVariant.objects.filter(store=store).order_by("platform_variant_id")
    assert [
        (r.platform_variant_id, r.platform_product_id, r.sku, r.price_minor, r.currency)
        for r in rows
    ] == [("33", "1", "", 500, "EUR"), ("V1", "P1", "TEE-1", 1999, "EUR")]

    update = _variants(store, {"id": "V1", "productId": "P1", "title": "Tee!", "price": "21"})
    assert cj.post("store/product/saveVariantBatch", update).ok()[0]["saveSuccess"] is True
    assert StoreVariant.objects.get(platform_variant_id="V1").price_minor == 2100
    assert StoreVariant.objects.filter(store=store).count() == 2


def test_save_variant_batch_refuses_empty_or_oversized_batches(cj, token, store):
    assert cj.post("store/product/saveVariantBatch", _variants(store)).error(1600300) == (
        "variants must not be empty"
    )
    many = [{"id": f"V{i}", "productId": "P", "title": "T"} for i in range(101)]
    assert cj.post("store/product/saveVariantBatch", _variants(store, *many)).error(1600300) == (
        "variants takes at most 100 items"
    )
    assert not StoreVariant.objects.exists()


def test_save_variant_batch_to_another_merchants_shop_is_not_found(cj, token, theirs):
    body = _variants(theirs, {"id": "V1", "productId": "P1", "title": "Tee"})
    cj.post("store/product/saveVariantBatch", body).error(1600013)
    assert not StoreVariant.objects.exists()


# --- shop/product/queryPage, queryDetail -----------------------------------------------------


def _seed_products(cj, store):
    cj.post(
        "store/product/saveProduct",
        {
            "id": "P1",
            "title": "Linen tee",
            "image": "https://i.example/p1.jpg",
            "shopId": store.public_id,
            "description": "Soft",
            "priceMin": "10",
            "priceMax": "12",
        },
    ).ok()
    cj.post(
        "store/product/saveVariantBatch",
        _variants(
            store,
            {"id": "V1", "productId": "P1", "title": "Linen tee", "sku": "LT-S", "price": "10"},
            {"id": "V2", "productId": "P1", "title": "Linen tee", "sku": "LT-M", "price": "12"},
            {"id": "V3", "productId": "P2", "title": "Mug", "sku": "MUG", "price": "5.5"},
            {"id": "V4", "productId": "P3", "title": "Cap", "sku": "CAP", "price": "7"},
        ),
    ).ok()


def test_query_page_pages_products_with_variants(cj, token, store):
    _seed_products(cj, store)
    product = make_product(variants=1)
    (v1,) = StoreVariant.objects.filter(platform_variant_id="V1")
    connect(store, v1, product.variants.get())

    page = cj.get(
        "shop/product/queryPage", {"shopId": store.public_id, "pageNum": 1, "pageSize": 2}
    ).ok()

    assert (page["pageNum"], page["pageSize"], page["total"]) == (1, 2, 3)
    assert [p["id"] for p in page["list"]] == ["P1", "P2"]
    assert page["list"][0] == {
        "id": "P1",
        "shopId": store.public_id,
        "title": "Linen tee",
        "image": "https://i.example/p1.jpg",
        "description": "Soft",
        "priceMin": "10.00",
        "priceMax": "12.00",
        "priceCurrency": "EUR",
        "variants": [
            {
                "id": "V1",
                "productId": "P1",
                "title": "Linen tee",
                "variantTitle": "",
                "sku": "LT-S",
                "image": None,
                "price": "10.00",
                "priceCurrency": "EUR",
                "cjProductId": product.public_id,
                "cjVariantId": product.variants.get().public_id,
                "cjSku": product.variants.get().sku,
            },
            {
                "id": "V2",
                "productId": "P1",
                "title": "Linen tee",
                "variantTitle": "",
                "sku": "LT-M",
                "image": None,
                "price": "12.00",
                "priceCurrency": "EUR",
                "cjProductId": None,
                "cjVariantId": None,
                "cjSku": None,
            },
        ],
    }
    # A product known only from its variants: title, prices from them.
    assert page["list"][1]["title"] == "Mug"
    assert (page["list"][1]["priceMin"], page["list"][1]["description"]) == ("5.50", None)

    last = cj.get(
        "shop/product/queryPage", {"shopId": store.public_id, "pageNum": 2, "pageSize": 2}
    )
    assert [p["id"] for p in last.ok()["list"]] == ["P3"]
    narrowed = cj.get(
        "shop/product/queryPage", {"shopId": store.public_id, "platformProductIds": "P3,P2"}
    ).ok()
    assert (narrowed["total"], [p["id"] for p in narrowed["list"]]) == (2, ["P2", "P3"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"pageNum": 0}, "pageNum must be at least 1"),
        ({"pageSize": 11}, "pageSize must be between 1 and 10"),
        (
            {"pageSize": "ten"},
            "pageSize: Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            {"platformProductIds": ",".join(f"P{i}" for i in range(11))},
            "platformProductIds takes at most 10 ids",
        ),
    ],
)
def test_query_page_refuses_bad_paging(cj, token, store, params, message):
    response = cj.get("shop/product/queryPage", {"shopId": store.public_id, **params})
    assert response.error(1600300) == message


def test_query_pages_of_another_merchants_shop_are_not_found(cj, token, theirs):
    import_variants(theirs, ("V1", "SKU-1"))
    cj.get("shop/product/queryPage", {"shopId": theirs.public_id}).error(1600013)
    cj.get(
        "shop/product/queryDetail", {"shopId": theirs.public_id, "platformProductIds": "PV1"}
    ).error(1600013)
    assert cj.get("shop/product/queryPage", {}).error(1600300) == "shopId is required"


def test_query_detail_answers_the_known_products(cj, token, store):
    _seed_products(cj, store)

    data = cj.get(
        "shop/product/queryDetail",
        {"shopId": store.public_id, "platformProductIds": ["P3", "NOPE", "P1"]},
    ).ok()

    assert [(p["id"], len(p["variants"])) for p in data] == [("P3", 1), ("P1", 2)]
    assert cj.get("shop/product/queryDetail", {"shopId": store.public_id}).error(1600300) == (
        "platformProductIds is required"
    )


# --- product/conn/connection -----------------------------------------------------------------


@pytest.fixture
def world():
    return make_order_world()


def test_connection_create_list_delete(cj, token, store, world):
    v1, v2 = import_variants(store, ("V1", "S-1"), ("V2", "S-2"))
    body = {
        "shopId": store.public_id,
        "platformProductId": "PV1",
        "variantList": [{"platformVariantId": "V1", "cjVariantId": world.red.public_id}],
        "defaultArea": "CN",
    }

    assert cj.post("product/conn/connection", body).ok() is True
    connection = ProductConnection.objects.get(store_variant=v1)
    assert (connection.variant, connection.how) == (world.red, ConnectionHow.MANUAL)

    cj.post(
        "product/conn/connection",
        {"shopId": store.public_id, "platformVariantId": "V2", "cjSku": world.blue.sku},
    ).ok()
    listed = cj.get("product/conn/connection", {"pageSize": 1}).ok()
    assert (listed["pageNum"], listed["pageSize"], listed["total"]) == (1, 1, 2)
    assert listed["list"] == [
        {
            "id": str(connection.pk),
            "shopId": store.public_id,
            "platformProductId": "PV1",
            "platformVariantId": "V1",
            "platformSku": "S-1",
            "cjProductId": world.red.product.public_id,
            "cjVariantId": world.red.public_id,
            "cjSku": world.red.sku,
            "connectType": "manual",
            "createDate": listed["list"][0]["createDate"],
        }
    ]
    by_variant = cj.get("product/conn/connection", {"platformVariantId": "V2"}).ok()
    assert [c["cjSku"] for c in by_variant["list"]] == [world.blue.sku]

    deleted = cj.delete(
        "product/conn/connection", params={"shopId": store.public_id, "platformVariantId": "V1"}
    )
    assert deleted.ok() is True
    assert list(ProductConnection.objects.values_list("store_variant", flat=True)) == [v2.pk]


def test_connection_create_releases_held_orders(cj, token, store, world):
    import_variants(store, ("V1", "S-1"))
    services.store_order_ingest(
        store=store, order=platform_order("1001", ("V1", 2)), via=ReceivedVia.WEBHOOK
    )
    assert StoreOrder.objects.get().status == StoreOrderStatus.HELD

    cj.post(
        "product/conn/connection",
        {"shopId": store.public_id, "platformVariantId": "V1", "cjVariantId": world.red.public_id},
    ).ok()

    row = StoreOrder.objects.get()
    assert row.status == StoreOrderStatus.IMPORTED
    assert Order.objects.get().lines.get().quantity == 2


def test_connection_create_is_all_or_nothing(cj, token, store, world):
    import_variants(store, ("V1", "S-1"), ("V2", "S-2"))
    body = {
        "shopId": store.public_id,
        "variantList": [
            {"platformVariantId": "V1", "cjVariantId": world.red.public_id},
            {"platformVariantId": "V2", "cjVariantId": "no-such-vid"},
        ],
    }
    assert cj.post("product/conn/connection", body).error(1602000) == "Variant not found"
    assert not ProductConnection.objects.exists()


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({}, 1600300, "variantList or platformVariantId is required"),
        ({"platformVariantId": "V1"}, 1600300, "variantList[0].cjVariantId or cjSku is required"),
        (
            {"platformVariantId": "NOPE", "cjSku": "X"},
            1600300,
            "platformVariantId NOPE not found in this shop",
        ),
        (
            {"platformVariantId": "V1", "cjVariantId": "RED", "cjProductId": "other"},
            1600300,
            "variantList[0]: the variant is not of cjProductId other",
        ),
        (
            {"platformVariantId": "V1", "cjVariantId": "RED", "platformProductId": "P9"},
            1600300,
            "variantList[0]: the variant is not of platformProductId P9",
        ),
    ],
)
def test_connection_create_refuses_bad_input(cj, token, store, world, body, code, message):
    import_variants(store, ("V1", "S-1"))
    if body.get("cjVariantId") == "RED":
        body["cjVariantId"] = world.red.public_id
    response = cj.post("product/conn/connection", {"shopId": store.public_id, **body})
    assert response.error(code) == message
    assert not ProductConnection.objects.exists()


def test_connection_create_twice_is_refused(cj, token, store, world):
    (v1,) = import_variants(store, ("V1", "S-1"))
    connect(store, v1, world.red)
    body = {
        "shopId": store.public_id,
        "platformVariantId": "V1",
        "cjVariantId": world.blue.public_id,
    }
    assert cj.post("product/conn/connection", body).error(1600300) == (
        f"store variant {v1} is already connected"
    )
    assert ProductConnection.objects.get().variant == world.red


def test_connection_delete_refuses_what_is_not_connected(cj, token, store):
    import_variants(store, ("V1", "S-1"))
    params = {"shopId": store.public_id, "platformVariantId": "V1"}
    assert cj.delete("product/conn/connection", params=params).error(1600300) == (
        "platformVariantId V1 is not connected"
    )
    assert cj.delete("product/conn/connection", params={"shopId": store.public_id}).error(
        1600300
    ) == ("platformVariantId is required")


def test_connections_of_another_merchant_are_not_found(cj, token, store, theirs, world):
    (tv,) = import_variants(theirs, ("V1", "S-1"))
    connect(theirs, tv, world.red)

    assert cj.get("product/conn/connection").ok()["total"] == 0
    cj.get("product/conn/connection", {"shopId": theirs.public_id}).error(1600013)
    cj.post(
        "product/conn/connection",
        {"shopId": theirs.public_id, "platformVariantId": "V1", "cjSku": world.blue.sku},
    ).error(1600013)
    cj.delete(
        "product/conn/connection", params={"shopId": theirs.public_id, "platformVariantId": "V1"}
    ).error(1600013)
    assert ProductConnection.objects.get().variant == world.red


# --- A member's token sees only the member's stores ------------------------------------------


def _shop_names(client, token) -> list[str]:
    response = client.get("/api2.0/v1/shop/getShops", headers={"CJ-Access-Token": token})
    return [shop["name"] for shop in json.loads(response.content)["data"]]


def test_member_token_is_limited_to_the_members_stores(cj, client, merchant, api_key, store, world):
    other = make_store(merchant=merchant, name="Other Shop")
    (sv,) = import_variants(other, ("V9", "S-9"))
    connect(other, sv, world.red)
    user = make_staff(merchant=merchant, permissions=["stores"])
    Membership.objects.filter(user=user).update(store_ids=[store.pk])
    cj.get_access_token(api_key, email=user.email).ok()

    assert _shop_names(client, cj.access_token) == ["Tee Shop"]
    cj.get("shop/product/queryPage", {"shopId": other.public_id}).error(1600013)
    assert cj.get("product/conn/connection").ok()["total"] == 0
    cj.get("product/conn/connection", {"shopId": other.public_id}).error(1600013)
    cj.get("shop/product/queryPage", {"shopId": store.public_id}).ok()

    Membership.objects.filter(user=user).update(store_ids=[other.pk])
    assert _shop_names(client, cj.access_token) == ["Other Shop"]
    Membership.objects.filter(user=user).delete()
    cj.get("product/conn/connection").error(1600001)


def test_openapi_document_lists_the_store_operations_behind_the_token(client):
    schema = client.get("/api2.0/v1/openapi.json").json()

    operations = {
        (method, path.removeprefix("/api2.0/v1/"))
        for path, item in schema["paths"].items()
        for method in item
        if path.startswith(("/api2.0/v1/store/", "/api2.0/v1/shop/", "/api2.0/v1/product/conn"))
        or path.endswith("getAuthorizeUrl")
    }
    assert operations == {
        ("get", "authentication/getAuthorizeUrl"),
        ("get", "shop/getShops"),
        ("post", "store/product/saveProduct"),
        ("post", "store/product/saveVariantBatch"),
        ("get", "shop/product/queryPage"),
        ("get", "shop/product/queryDetail"),
        ("get", "product/conn/connection"),
        ("post", "product/conn/connection"),
        ("delete", "product/conn/connection"),
    }
    for method, path in operations:
        assert schema["paths"][f"/api2.0/v1/{path}"][method]["security"] == [{"CJAccessToken": []}]
