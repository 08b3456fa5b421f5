"""``shop/getShops``: the token's merchant's authorised stores, in the alternate envelope."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from dropyard.stores import services
from dropyard.stores.models import Store
from dropyard.stores.tests.factories import make_store

pytestmark = pytest.mark.django_db

URL = "/api2.0/v1/shop/getShops"


@pytest.fixture
def token(cj, api_key) -> str:
    cj.get_access_token(api_key).ok()
    return cj.access_token


def _get(client, token, **params) -> dict:
    response = client.get(URL, params, headers={"CJ-Access-Token": token})
    assert response.status_code == 200
    return json.loads(response.content)


def _names(body: dict) -> list[str]:
    return [shop["name"] for shop in body["data"]]


def test_get_shops_answers_the_stores_in_the_alternate_envelope(client, token, merchant):
    store = make_store(
        merchant=merchant, name="Tee Shop", domain="tees.myshopify.com", currency="EUR"
    )
    Store.objects.filter(pk=store.pk).update(
        created_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
        updated_at=datetime(2026, 3, 2, 11, 30, tzinfo=UTC),
    )

    body = _get(client, token)

    assert set(body) == {"success", "code", "message", "data", "requestId"}
    assert (body["success"], body["code"]) == (True, 0)
    assert uuid.UUID(body["requestId"]).version == 4
    assert body["data"] == [
        {
            "id": store.public_id,
            "name": "Tee Shop",
            "type": "shopify",
            "status": "authorized",
            "createDate": "2026-03-01T10:00:00+00:00",
            "updateDate": "2026-03-02T11:30:00+00:00",
            "marketplace": None,
            "aliasName": "Tee Shop",
            "shopUrl": "tees.myshopify.com",
            "syncInventory": 0,
            "syncInventoryRate": None,
            "fulfillmentStatus": 1,
            "trackUrlTemplate": None,
            "email": None,
            "countryCode": None,
            "storeCountry": None,
            "currencyCode": "EUR",
            "platformLogoUrl": None,
            "businessType": None,
        }
    ]


def test_get_shops_pages_by_name(client, token, merchant):
    for name in ("Delta", "Alpha", "Echo", "Charlie", "Bravo"):
        make_store(merchant=merchant, name=name)

    assert _names(_get(client, token, pageNum=1, pageSize=2)) == ["Alpha", "Bravo"]
    assert _names(_get(client, token, pageNum=3, pageSize=2)) == ["Echo"]
    assert _names(_get(client, token, pageNum=4, pageSize=2)) == []


def test_get_shops_keyword_matches_name_or_domain(client, token, merchant):
    make_store(merchant=merchant, name="Tee Shop", domain="tees.myshopify.com")
    make_store(merchant=merchant, name="Mugs", domain="cups.example.com")
    make_store(merchant=merchant, name="Hats", domain="hats.example.com")

    assert _names(_get(client, token, keyword="tee")) == ["Tee Shop"]
    assert _names(_get(client, token, keyword="CUPS")) == ["Mugs"]
    assert _names(_get(client, token, keyword="example")) == ["Hats", "Mugs"]


def test_get_shops_leaves_out_other_merchants_and_disconnected_stores(
    client, token, merchant, owner, other_merchant
):
    make_store(merchant=merchant, name="Mine")
    gone = make_store(merchant=merchant, name="Gone")
    services.store_disconnect(store=gone, merchant=merchant, actor=owner)
    make_store(merchant=other_merchant, name="Theirs")

    assert _names(_get(client, token)) == ["Mine"]


def test_get_shops_never_shows_credentials(client, token, merchant):
    store = make_store(merchant=merchant, credentials={"access_token": "shpat_very_secret"})

    response = client.get(URL, headers={"CJ-Access-Token": token})

    text = response.content.decode()
    assert store.public_id in text
    assert "shpat_very_secret" not in text
    assert store.credentials_encrypted not in text
    assert "credential" not in text.lower()


def test_get_shops_refuses_bad_paging(cj, token):
    assert cj.get("shop/getShops", {"pageNum": 0}).error(1600300) == "pageNum must be at least 1"
    assert (
        cj.get("shop/getShops", {"pageSize": 101}).error(1600300)
        == "pageSize must be between 1 and 100"
    )


def test_get_shops_needs_a_token(cj):
    cj.get("shop/getShops", token=None).error(1600002)
