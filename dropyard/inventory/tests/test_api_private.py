"""``product/stock/privateInventory/*`` through the full stack: the merchant's own stock per
SPU, SKU, warehouse, batch and ledger row, never another merchant's."""

import pytest

from dropyard.accounts import services as account_services
from dropyard.core.testing.cj_client import CJClient
from dropyard.inventory import services
from dropyard.inventory.purchases import (
    purchase_cart_add,
    purchase_order_complete,
    purchase_order_create,
)
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock

pytestmark = pytest.mark.django_db

BASE = "product/stock/privateInventory/"


@pytest.fixture
def api(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def world(merchant, other_merchant):
    """``merchant`` bought 10 red at 2.50 into LA (SY order), received 5 red in SZ, reserved
    2 of the LA units and shipped 1 of them; ``other_merchant`` holds 50 blue in LA."""
    product = make_inventory_product(variants=2)
    red, blue = product.variants.order_by("position")
    red.price_minor = 250
    red.save(update_fields=["price_minor"])
    la = WarehouseFactory(code="USLA", country="US", name="Los Angeles")
    sz = WarehouseFactory(code="CNSZ", country="CN", name="Shenzhen")
    make_stock(variant=red, warehouse=la, on_hand=40)
    purchase_cart_add(merchant=merchant, variant=red, quantity=10, warehouse=la)
    order = purchase_order_create(merchant=merchant)
    purchase_order_complete(order=order, payment_reference="test")
    make_stock(variant=red, warehouse=sz, on_hand=5, merchant=merchant)
    services.stock_reserve(
        variant=red, warehouse=la, quantity=2, reference="DY1", merchant=merchant
    )
    services.stock_ship(variant=red, warehouse=la, quantity=1, reference="DY1", merchant=merchant)
    make_stock(variant=blue, warehouse=la, on_hand=50, merchant=other_merchant)
    return {"product": product, "red": red, "blue": blue, "la": la, "sz": sz, "order": order}


def _other(client, other_merchant):
    _, key = account_services.apikey_create(
        merchant=other_merchant, actor=other_merchant.owner, name="other"
    )
    other = CJClient(client)
    other.get_access_token(key).ok()
    return other


def test_spu_page_totals(api, world):
    data = api.post(BASE + "querySpuPage", {"pageNum": 1, "pageSize": 10}).ok()

    assert (data["pageNum"], data["pageSize"], data["total"]) == (1, 10, 1)
    row = data["list"][0]
    assert row["productId"] == world["product"].public_id
    assert (row["variantCount"], row["storageCount"]) == (1, 2)
    # LA: 10 bought − 1 shipped = 9 on hand, 1 still reserved; SZ: 5.
    assert (row["totalQuantity"], row["clientAvailableQuantity"], row["clientLockQuantity"]) == (
        14,
        13,
        1,
    )


def test_spu_page_filters_and_unknown_fields(api, world):
    body = {"keyword": "zzz-nothing", "pack": 1, "serviceProd": 0, "pod": False}
    assert api.post(BASE + "querySpuPage", body).ok()["total"] == 0
    by_sku = api.post(BASE + "querySpuPage", {"sku": world["red"].sku}).ok()
    assert by_sku["total"] == 1
    sorted_asc = api.post(
        BASE + "querySpuPage", {"sortField": "availableStock", "sortType": "asc"}
    ).ok()
    assert sorted_asc["total"] == 1


def test_sku_list_by_product(api, world):
    data = api.post(
        BASE + "querySkuListByProductId", {"productId": world["product"].public_id}
    ).ok()

    assert [(r["sku"], r["totalQuantity"], r["clientAvailableQuantity"]) for r in data] == [
        (world["red"].sku, 14, 13)
    ]


def test_sku_detail_page_per_warehouse(api, world):
    data = api.post(BASE + "querySkuDetailPage", {"sku": world["red"].sku}).ok()

    assert data["total"] == 2
    by_storage = {r["storageId"]: r for r in data["list"]}
    la = by_storage[world["la"].public_id]
    assert {k: v for k, v in la.items() if k.startswith("client")} == {
        "clientTransitQuantity": 0,
        "clientAvailableQuantity": 8,
        "clientLockQuantity": 1,
        "clientUseQuantity": 1,
        "clientDisputeQuantity": 0,
        "clientFreezeQuantity": 0,
    }
    assert la["totalQuantity"] == 9
    only_sz = api.post(
        BASE + "querySkuDetailPage", {"storageIds": [world["sz"].public_id], "pageSize": 1}
    ).ok()
    assert [r["totalQuantity"] for r in only_sz["list"]] == [5]


def test_batches_fifo_with_unit_price_in_minor_units(api, world):
    data = api.post(
        BASE + "querySkuDetailListBySku",
        {"sku": world["red"].sku, "storageIds": [world["la"].public_id]},
    ).ok()

    assert len(data) == 1
    batch = data[0]["batches"][0]
    assert (batch["batchType"], batch["orderCode"]) == ("purchase", world["order"].code)
    assert (batch["quantity"], batch["remainingQuantity"]) == (10, 9)
    assert (batch["unitPrice"], batch["unitPriceAmount"]) == (250, "2.50")
    assert sum(b["remainingQuantity"] for b in data[0]["batches"]) == data[0]["totalQuantity"]


def test_flow_is_the_private_ledger(api, world):
    data = api.post(BASE + "querySkuFlowByCondition", {"storageId": world["la"].public_id}).ok()

    assert data["total"] == 3
    kinds = [(r["flowType"], r["quantity"], r["lockQuantity"]) for r in data["list"]]
    assert kinds == [("shipment", -1, -1), ("reservation", 0, 2), ("purchase", 10, 0)]
    by_order = api.post(BASE + "querySkuFlowByCondition", {"orderCode": world["order"].code}).ok()
    assert [r["afterQuantity"] for r in by_order["list"]] == [10]


def test_another_merchants_stock_never_shows(client, api, world, other_merchant):
    other = _other(client, other_merchant)
    blue = world["blue"]

    assert api.post(BASE + "querySkuDetailPage", {"sku": blue.sku}).ok()["total"] == 0
    assert api.post(BASE + "querySkuDetailListBySku", {"sku": blue.sku}).ok() == []
    mine = other.post(BASE + "querySpuPage", {}).ok()
    assert [r["totalQuantity"] for r in mine["list"]] == [50]
    flows = other.post(BASE + "querySkuFlowByCondition", {"orderCode": world["order"].code})
    assert flows.ok()["total"] == 0
    skus = other.post(BASE + "querySkuListByProductId", {"productId": world["product"].public_id})
    assert [r["sku"] for r in skus.ok()] == [blue.sku]


def test_empty_results(api, merchant):
    assert api.post(BASE + "querySpuPage", {}).ok() == {
        "pageNum": 1,
        "pageSize": 20,
        "total": 0,
        "list": [],
    }
    assert api.post(BASE + "querySkuListByProductId", {"productId": "404"}).ok() == []


@pytest.mark.parametrize(
    ("path", "body", "needle"),
    [
        ("querySpuPage", {"pageNum": 0}, "pageNum"),
        ("querySpuPage", {"pageNum": 1180591620717411303424}, "pageNum"),
        ("querySpuPage", {"pageSize": 1000}, "pageSize"),
        ("querySpuPage", {"sortField": "price"}, "sortField"),
        ("querySpuPage", {"keyword": "a\x00"}, "keyword"),
        ("querySpuPage", {"keyword": "\ud800"}, "keyword"),
        ("querySkuListByProductId", {}, "productId"),
        ("querySkuListByProductId", {"productId": ""}, "productId"),
        ("querySkuDetailPage", {"storageIds": "x"}, "storageIds"),
        ("querySkuDetailListBySku", {}, "sku"),
        ("querySkuDetailListBySku", {"sku": "x" * 500}, "sku"),
        ("querySkuFlowByCondition", {"storageId": ["x"]}, "storageId"),
    ],
)
def test_bad_input_names_the_parameter(api, path, body, needle):
    message = api.post(BASE + path, body).error(1600300)

    assert needle in message
