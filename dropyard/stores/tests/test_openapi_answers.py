"""The store operations' real answers match what openapi.json documents for them:
getAuthorizeUrl, getShops (legacy body), store products and product connections, captured
through the conformance client."""

# ruff: noqa: F811
# (fixtures imported from test_api_products are used as test parameters)

import pytest

from dropyard.core.testing.openapi import API_PREFIX, answer_problems, openapi_document
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores.models import Store
from dropyard.stores.tests.factories import import_variants, make_store
from dropyard.stores.tests.test_api_products import store, token  # noqa: F401

pytestmark = pytest.mark.django_db

CONNECTION = "product/conn/connection"


@pytest.fixture(scope="module")
def document():
    """The served document, fetched once (it reads no database)."""
    return openapi_document()


def _problems(document, answers):
    return {key: answer_problems(document, *key, r.body) for key, r in answers.items()}


def test_shop_and_authorize_answers_match_the_document(
    cj, client, token, store, merchant, document
):
    mugs = make_store(merchant=merchant, name="Mug Shop")
    Store.objects.filter(pk=mugs.pk).update(tracking_url_template="https://t.example/{n}")

    # getShops answers the legacy body, which the conformance client refuses as an envelope.
    shops = client.get(f"{API_PREFIX}shop/getShops", headers={"CJ-Access-Token": token}).json()
    url = cj.get("authentication/getAuthorizeUrl", {"shopType": "shopify"})

    assert answer_problems(document, "GET", "shop/getShops", shops) == []
    assert answer_problems(document, "GET", "authentication/getAuthorizeUrl", url.body) == []
    assert (shops["success"], shops["code"], len(shops["data"])) == (True, 0, 2)
    refused = {**shops, "data": [{**shops["data"][0], "syncInventory": "1"}]}
    assert answer_problems(document, "GET", "shop/getShops", refused) != []


def test_store_product_answers_match_the_document(cj, token, store, document):
    product = {"id": "P1", "title": "Tee", "image": "https://i.example/p.jpg"}
    saved = cj.post("store/product/saveProduct", {**product, "shopId": store.public_id})
    variants = {
        "shopId": store.public_id,
        "variants": [
            {"id": "V1", "productId": "P1", "title": "Tee", "sku": "T-1", "price": "9.5"},
            {"id": "V2", "productId": "P2", "title": "Mug"},
            "not an object",
        ],
    }
    batch = cj.post("store/product/saveVariantBatch", variants)

    answers = {
        ("POST", "store/product/saveProduct"): saved,
        ("POST", "store/product/saveVariantBatch"): batch,
        ("GET", "shop/product/queryPage"): cj.get(
            "shop/product/queryPage", {"shopId": store.public_id}
        ),
        ("GET", "shop/product/queryDetail"): cj.get(
            "shop/product/queryDetail", {"shopId": store.public_id, "platformProductIds": "P2,P1"}
        ),
    }

    assert _problems(document, answers) == dict.fromkeys(answers, [])
    assert [item["id"] for item in batch.data] == ["V1", "V2", None]
    page = answers["GET", "shop/product/queryPage"].data
    # P1 saved by saveProduct (description, prices), P2 known only from its variant.
    assert [(p["id"], p["description"], p["priceMin"]) for p in page["list"]] == [
        ("P1", "", None),
        ("P2", None, "0.00"),
    ]


def test_connection_answers_match_the_document(cj, token, store, document):
    world = make_order_world()
    import_variants(store, ("V1", "S-1"))
    body = {
        "shopId": store.public_id,
        "variantList": [{"platformVariantId": "V1", "cjVariantId": world.red.public_id}],
    }

    created = cj.post(CONNECTION, body)
    listed = cj.get(CONNECTION)
    deleted = cj.delete(CONNECTION, params={"shopId": store.public_id, "platformVariantId": "V1"})

    answers = {("POST", CONNECTION): created, ("GET", CONNECTION): listed}
    answers["DELETE", CONNECTION] = deleted
    assert _problems(document, answers) == dict.fromkeys(answers, [])
    assert [c["cjVariantId"] for c in listed.data["list"]] == [world.red.public_id]
    assert answer_problems(document, "POST", CONNECTION, {**created.body, "data": False}) != []
