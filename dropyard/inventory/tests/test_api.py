"""Stock and warehouse endpoints through the full stack with the CJ conformance client."""

import json
import uuid

import pytest

from dropyard.accounts import services as account_services
from dropyard.core.testing.cj_client import CJClient
from dropyard.inventory.tests.factories import (
    WarehouseFactory,
    make_inventory_product,
    make_stock,
    make_supplier_warehouse,
)
from dropyard.logistics.tests.factories import CarrierFactory

pytestmark = pytest.mark.django_db

STOCK_ROW_KEYS = {
    "vid",
    "areaId",
    "areaEn",
    "countryCode",
    "storageNum",
    "totalInventoryNum",
    "cjInventoryNum",
    "factoryInventoryNum",
    "stock",
}


@pytest.fixture
def api(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def product():
    return make_inventory_product(variants=2)


@pytest.fixture
def variant(product):
    return product.variants.order_by("position").first()


@pytest.fixture
def stocked(variant, merchant, other_merchant):
    """CN: platform 7 available (10 − 3) + factory 100 (unverified); US: 4 shared, 6 private
    to ``merchant``, 50 private to ``other_merchant``."""
    cn = WarehouseFactory(code="CN-P", country="CN")
    factory = make_supplier_warehouse(code="CN-F", country="CN", is_verified=False)
    us = WarehouseFactory(code="US-P", country="US")
    make_stock(variant=variant, warehouse=cn, on_hand=10, reserved=3)
    make_stock(variant=variant, warehouse=factory, on_hand=100)
    make_stock(variant=variant, warehouse=us, on_hand=4)
    make_stock(variant=variant, warehouse=us, on_hand=6, merchant=merchant)
    make_stock(variant=variant, warehouse=us, on_hand=50, merchant=other_merchant)
    return {"cn": cn, "factory": factory, "us": us}


def _other_client(client, other_merchant):
    _, key = account_services.apikey_create(
        merchant=other_merchant, actor=other_merchant.owner, name="other"
    )
    other = CJClient(client)
    other.get_access_token(key).ok()
    return other


def test_query_by_vid_exact_shape(api, variant, stocked):
    data = api.get("product/stock/queryByVid", {"vid": variant.public_id}).ok()

    assert data == [
        {
            "vid": variant.public_id,
            "areaId": 156,
            "areaEn": "China",
            "countryCode": "CN",
            "storageNum": 107,
            "totalInventoryNum": 107,
            "cjInventoryNum": 7,
            "factoryInventoryNum": 100,
            "stock": [
                {
                    "stockId": stocked["factory"].public_id,
                    "inventory": 0,
                    "factoryInventory": 100,
                },
                {"stockId": stocked["cn"].public_id, "inventory": 7, "factoryInventory": 0},
            ],
        },
        {
            "vid": variant.public_id,
            "areaId": 840,
            "areaEn": "United States of America",
            "countryCode": "US",
            "storageNum": 10,
            "totalInventoryNum": 10,
            "cjInventoryNum": 10,
            "factoryInventoryNum": 0,
            "stock": [{"stockId": stocked["us"].public_id, "inventory": 10, "factoryInventory": 0}],
        },
    ]


def test_query_by_vid_hides_other_merchants_private_stock(
    api, client, variant, stocked, other_merchant
):
    other = _other_client(client, other_merchant)

    mine = {
        row["countryCode"]: row
        for row in api.get("product/stock/queryByVid", {"vid": variant.public_id}).ok()
    }
    theirs = {
        row["countryCode"]: row
        for row in other.get("product/stock/queryByVid", {"vid": variant.public_id}).ok()
    }

    assert mine["US"]["totalInventoryNum"] == 10  # 4 shared + my 6
    assert theirs["US"]["totalInventoryNum"] == 54  # 4 shared + their 50, never my 6


def test_query_by_vid_without_stock_is_empty_list(api, variant):
    assert api.get("product/stock/queryByVid", {"vid": variant.public_id}).ok() == []


def test_query_by_vid_unknown_vid(api):
    api.get("product/stock/queryByVid", {"vid": "no-such-vid"}).error(1602000)


@pytest.mark.parametrize("params", [{}, {"vid": ""}, {"vid": "  "}])
def test_query_by_vid_missing_vid(api, params):
    message = api.get("product/stock/queryByVid", params).error(1600300)
    assert "vid" in message


def test_stock_endpoints_need_a_token(cj, variant):
    cj.get("product/stock/queryByVid", {"vid": variant.public_id}, token=None).error(1600002)


def test_query_by_sku_with_variant_sku(api, variant, stocked):
    data = api.get("product/stock/queryBySku", {"sku": variant.sku}).ok()

    assert [set(row) for row in data] == [STOCK_ROW_KEYS | {"countryNameEn"}] * 2
    assert [
        (r["countryCode"], r["countryNameEn"], r["totalInventoryNum"], r["vid"]) for r in data
    ] == [
        ("CN", "China", 107, variant.public_id),
        ("US", "United States of America", 10, variant.public_id),
    ]


def test_query_by_sku_with_product_spu_lists_each_variant(api, product, variant, stocked):
    second = product.variants.order_by("position").last()
    make_stock(variant=second, warehouse=stocked["us"], on_hand=2)

    data = api.get("product/stock/queryBySku", {"sku": product.sku}).ok()

    assert [(r["vid"], r["countryCode"], r["totalInventoryNum"]) for r in data] == [
        (variant.public_id, "CN", 107),
        (variant.public_id, "US", 10),
        (second.public_id, "US", 2),
    ]


def test_query_by_sku_unknown(api):
    api.get("product/stock/queryBySku", {"sku": "NOPE"}).error(1602000)
    api.get("product/stock/queryBySku", {}).error(1600300)


def test_get_inventory_by_pid_exact_shape(api, product, variant, stocked):
    second = product.variants.order_by("position").last()

    data = api.get("product/stock/getInventoryByPid", {"pid": product.public_id}).ok()

    assert data == {
        "inventories": [
            {
                "areaEn": "China",
                "areaId": 156,
                "countryCode": "CN",
                "countryNameEn": "China",
                "totalInventoryNum": 107,
                "cjInventoryNum": 7,
                "factoryInventoryNum": 100,
            },
            {
                "areaEn": "United States of America",
                "areaId": 840,
                "countryCode": "US",
                "countryNameEn": "United States of America",
                "totalInventoryNum": 10,
                "cjInventoryNum": 10,
                "factoryInventoryNum": 0,
            },
        ],
        "variantInventories": [
            {
                "vid": variant.public_id,
                "inventory": [
                    {
                        "countryCode": "CN",
                        "totalInventory": 107,
                        "cjInventory": 7,
                        "factoryInventory": 100,
                        "verifiedWarehouse": 2,
                        "stock": [
                            {
                                "stockId": stocked["factory"].public_id,
                                "inventory": 0,
                                "factoryInventory": 100,
                            },
                            {
                                "stockId": stocked["cn"].public_id,
                                "inventory": 7,
                                "factoryInventory": 0,
                            },
                        ],
                    },
                    {
                        "countryCode": "US",
                        "totalInventory": 10,
                        "cjInventory": 10,
                        "factoryInventory": 0,
                        "verifiedWarehouse": 1,
                        "stock": [
                            {
                                "stockId": stocked["us"].public_id,
                                "inventory": 10,
                                "factoryInventory": 0,
                            }
                        ],
                    },
                ],
            },
            {"vid": second.public_id, "inventory": []},
        ],
    }


def test_get_inventory_by_pid_other_merchant_sees_only_own_private(
    api, client, product, stocked, other_merchant
):
    other = _other_client(client, other_merchant)

    data = other.get("product/stock/getInventoryByPid", {"pid": product.public_id}).ok()

    assert [(c["countryCode"], c["totalInventoryNum"]) for c in data["inventories"]] == [
        ("CN", 107),
        ("US", 54),
    ]


def test_get_inventory_by_pid_unknown_and_missing(api):
    api.get("product/stock/getInventoryByPid", {"pid": "nope"}).error(1602001)
    api.get("product/stock/getInventoryByPid", {}).error(1600300)


def test_global_warehouse_list_uses_alternate_envelope(api, client):
    WarehouseFactory(country="DE")
    WarehouseFactory(country="TH", is_active=False)

    response = client.get(
        "/api2.0/v1/product/globalWarehouseList", headers={"CJ-Access-Token": api.access_token}
    )

    body = json.loads(response.content)
    assert response.status_code == 200
    assert set(body) == {"success", "code", "message", "data", "requestId"}
    assert (body["success"], body["code"]) == (True, 0)
    assert uuid.UUID(body["requestId"]).version == 4
    germany, thailand = body["data"]
    assert germany == {
        "areaId": 276,
        "id": "276",
        "areaCn": "德国",
        "areaEn": "Germany",
        "countryCode": "DE",
        "nameEn": "Germany Warehouse",
        "valueEn": "Germany Warehouse",
        "disabled": False,
        "zh": "德国",
        "en": "Germany",
        "de": "Deutschland",
        "fr": "Allemagne",
        "th": germany["th"],
    }
    assert isinstance(germany["th"], str)
    assert germany["th"]
    assert (thailand["countryCode"], thailand["disabled"]) == ("TH", True)


def test_global_warehouse_list_needs_a_token(cj):
    cj.get("product/globalWarehouseList", token=None).error(1600002)


def test_warehouse_detail_exact_shape(api):
    carrier = CarrierFactory(code="sandbox-post", name="Sandbox Post")
    warehouse = WarehouseFactory(
        name="New Jersey",
        country="US",
        region="NJ",
        city="Edison",
        address1="1 Main St",
        address2="Dock 4",
        postcode="08817",
        contact_name="Pat",
        contact_phone="+1 555 0100",
        is_self_pickup=True,
    )
    warehouse.carriers.set([carrier])

    data = api.get("warehouse/detail", {"id": warehouse.public_id}).ok()

    assert data == {
        "id": warehouse.public_id,
        "name": "New Jersey",
        "areaId": 840,
        "areaCountryCode": "US",
        "province": "NJ",
        "city": "Edison",
        "address1": "1 Main St",
        "address2": "Dock 4",
        "contacts": "Pat",
        "phone": "+1 555 0100",
        "isSelfPickup": 1,
        "zipCode": "08817",
        "logisticsBrandList": [{"id": "sandbox-post", "name": "Sandbox Post"}],
    }


def test_warehouse_detail_without_pickup_or_carriers(api):
    warehouse = WarehouseFactory()

    data = api.get("warehouse/detail", {"id": warehouse.public_id}).ok()

    assert (data["isSelfPickup"], data["logisticsBrandList"]) == (0, [])


def test_warehouse_detail_unknown_or_missing_id(api):
    api.get("warehouse/detail", {"id": "nope"}).error(1600300)
    assert "id" in api.get("warehouse/detail", {}).error(1600300)
