"""Conformance: the private-inventory request forms real CJ clients send (issue 11), exactly —
POST, ``Content-Type: application/json``, ``CJ-Access-Token``, the body shapes below — and the
answer fields those clients read.

Forms: the five ``product/stock/privateInventory/*`` reads (CJ's MCP server sends every
optional field it knows, empty or not), ``shopping/order/addCart`` with ``{vid, quantity}``
(a product into the purchase cart instead of order ids), the ``shopping/privateInventory``
cart and order calls, and ``shopping/pay/payBalanceV2`` with ``orderType: 9``.
"""

import pytest

from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = [pytest.mark.conformance, pytest.mark.django_db]

BASE = "product/stock/privateInventory/"


@pytest.fixture
def api(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def bought(api, merchant):
    """4 units of a variant bought (addCart {vid, quantity} → createOrder → payBalanceV2 9)."""
    product = make_inventory_product(variants=1)
    variant = product.variants.get()
    variant.price_minor = 199
    variant.save(update_fields=["price_minor"])
    warehouse = WarehouseFactory(code="USNJ", country="US", name="New Jersey")
    make_stock(variant=variant, warehouse=warehouse, on_hand=20)
    fund(merchant, merchant.owner, 2_000)
    api.post("shopping/order/addCart", {"vid": variant.public_id, "quantity": 4}).ok()
    order = api.post("shopping/privateInventory/createOrder", {}).ok()
    api.post(
        "shopping/pay/payBalanceV2",
        {"shipmentOrderId": order["orderId"], "payId": order["payId"], "orderType": 9},
    ).ok()
    return {"product": product, "variant": variant, "warehouse": warehouse, "order": order}


def test_add_cart_vid_quantity(api, merchant):
    product = make_inventory_product(variants=1)
    variant = product.variants.get()
    make_stock(variant=variant, warehouse=WarehouseFactory(), on_hand=5)

    response = api.post("shopping/order/addCart", {"vid": variant.public_id, "quantity": 2})

    data = response.ok()
    assert response.code == 200
    assert data["successCount"] == 1
    assert data["interceptOrders"] == []
    assert data["cart"]["lines"][0]["quantity"] == 2


def test_query_spu_page(api, bought):
    body = {
        "pageNum": 1,
        "pageSize": 10,
        "keyword": "",
        "availableStock": None,
        "pack": None,
        "serviceProd": None,
        "pod": None,
        "productId": "",
        "sku": "",
        "sortField": "",
        "sortType": "",
    }

    data = api.post(BASE + "querySpuPage", body).ok()

    assert (data["pageNum"], data["pageSize"], data["total"]) == (1, 10, 1)
    assert data["list"][0]["productId"] == bought["product"].public_id
    assert data["list"][0]["clientAvailableQuantity"] == 4


def test_query_sku_list_by_product_id(api, bought):
    data = api.post(
        BASE + "querySkuListByProductId",
        {"productId": bought["product"].public_id, "keyword": "", "variantId": ""},
    ).ok()

    assert [(r["variantId"], r["clientAvailableQuantity"]) for r in data] == [
        (bought["variant"].public_id, 4)
    ]


def test_query_sku_detail_page(api, bought):
    body = {
        "pageNum": 1,
        "pageSize": 20,
        "sku": bought["variant"].sku,
        "productId": "",
        "orderCode": "",
        "storageIds": [bought["warehouse"].public_id],
        "skuList": [],
    }

    row = api.post(BASE + "querySkuDetailPage", body).ok()["list"][0]

    assert row["storageId"] == bought["warehouse"].public_id
    assert [row[k] for k in ("clientTransitQuantity", "clientAvailableQuantity")] == [0, 4]
    assert [row[k] for k in ("clientLockQuantity", "clientUseQuantity")] == [0, 0]
    assert [row[k] for k in ("clientDisputeQuantity", "clientFreezeQuantity")] == [0, 0]


def test_query_sku_detail_list_by_sku(api, bought):
    data = api.post(
        BASE + "querySkuDetailListBySku", {"sku": bought["variant"].sku, "storageIds": []}
    ).ok()

    batch = data[0]["batches"][0]
    assert (batch["quantity"], batch["remainingQuantity"], batch["unitPrice"]) == (4, 4, 199)
    assert batch["orderCode"] == bought["order"]["orderId"]


def test_query_sku_flow_by_condition(api, bought):
    body = {
        "pageNum": 1,
        "pageSize": 20,
        "sku": bought["variant"].sku,
        "orderCode": "",
        "storageId": "",
    }

    data = api.post(BASE + "querySkuFlowByCondition", body).ok()

    assert data["total"] == 1
    assert (data["list"][0]["flowType"], data["list"][0]["quantity"]) == ("purchase", 4)


def test_private_inventory_cart_and_order_calls(api, merchant, bought):
    variant = bought["variant"]

    added = api.post(
        "shopping/privateInventory/addToCart",
        {"vid": variant.public_id, "quantity": 1, "storageId": bought["warehouse"].public_id},
    ).ok()
    cart = api.post("shopping/privateInventory/getCart", {}).ok()
    removed = api.post(
        "shopping/privateInventory/removeFromCart", {"lineIds": [added["cartLines"][0]["lineId"]]}
    ).ok()
    orders = api.post("shopping/privateInventory/order/list", {"pageNum": 1, "pageSize": 10}).ok()

    assert (cart["lineCount"], cart["totalAmount"]) == (1, "1.99")
    assert removed["removedCount"] == 1
    assert [o["orderId"] for o in orders["list"]] == [bought["order"]["orderId"]]
    assert orders["list"][0]["status"] == "COMPLETED"


def test_pay_balance_v2_order_type_9(api, merchant, bought):
    stock = Stock.objects.get(merchant=merchant)

    again = api.post(
        "shopping/pay/payBalanceV2",
        {
            "shipmentOrderId": bought["order"]["orderId"],
            "payId": bought["order"]["payId"],
            "orderType": 9,
        },
    ).ok()

    assert stock.on_hand == 4
    assert (again["paid"], again["balance"]) == (False, "12.04")
