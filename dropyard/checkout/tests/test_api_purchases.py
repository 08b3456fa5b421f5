"""``shopping/privateInventory/*``, ``addCart`` with ``{vid, quantity}`` and ``payBalanceV2``
with ``orderType: 9`` through the full stack (the CJ conformance client)."""

import pytest

from dropyard.accounts import services as account_services
from dropyard.core.testing.cj_client import CJClient
from dropyard.inventory.choices import MovementKind, PurchaseOrderStatus
from dropyard.inventory.models import PurchaseCartLine, PurchaseOrder, Stock, StockMovement
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock
from dropyard.wallet.tests.payment_helpers import available, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def world():
    product = make_inventory_product(variants=2)
    red, blue = product.variants.order_by("position")
    red.price_minor = 250
    red.save(update_fields=["price_minor"])
    la = WarehouseFactory(code="USLA", country="US")
    sz = WarehouseFactory(code="CNSZ", country="CN")
    make_stock(variant=red, warehouse=la, on_hand=30)
    make_stock(variant=red, warehouse=sz, on_hand=8)
    return {"product": product, "red": red, "blue": blue, "la": la, "sz": sz}


def _other(client, other_merchant):
    _, key = account_services.apikey_create(
        merchant=other_merchant, actor=other_merchant.owner, name="other"
    )
    other = CJClient(client)
    other.get_access_token(key).ok()
    return other


def test_add_cart_with_vid_and_quantity_fills_the_purchase_cart(api, merchant, world):
    red, la = world["red"], world["la"]

    data = api.post("shopping/order/addCart", {"vid": red.public_id, "quantity": 4}).ok()

    assert data["successCount"] == 1
    assert data["addSuccessOrders"] == []
    line = data["cartLines"][0]
    assert (line["vid"], line["quantity"], line["storageId"]) == (red.public_id, 4, la.public_id)
    assert (line["unitPrice"], line["amount"], line["amountMinor"]) == ("2.50", "10.00", 1000)
    assert data["cart"]["totalAmount"] == "10.00"
    assert PurchaseCartLine.objects.get(merchant=merchant).quantity == 4


def test_add_cart_with_order_ids_keeps_working(api):
    data = api.post("shopping/order/addCart", {"cjOrderIdList": ["123"]}).ok()

    assert data["successCount"] == 0
    assert data["interceptOrders"][0]["orderId"] == "123"


def test_add_to_cart_list_forms_and_chosen_warehouse(api, merchant, world):
    red, sz = world["red"], world["sz"]

    api.post(
        "shopping/privateInventory/addToCart",
        {"products": [{"vid": red.public_id, "quantity": 2, "storageId": sz.public_id}]},
    ).ok()
    data = api.post("shopping/privateInventory/addToCart", [{"sku": red.sku, "quantity": 3}]).ok()

    assert data["cart"]["lineCount"] == 1
    assert data["cart"]["lines"][0]["quantity"] == 5
    assert data["cart"]["lines"][0]["storageId"] == sz.public_id


@pytest.mark.parametrize(
    ("body", "code", "needle"),
    [
        ({"vid": "1", "quantity": 0}, 1600300, "quantity"),
        ({"vid": "1", "quantity": "many"}, 1600300, "quantity"),
        ({"vid": "1", "quantity": 10**30}, 1600300, "quantity"),
        ({"vid": "a\x00b", "quantity": 1}, 1600300, "vid"),
        ({"vid": "\ud800", "quantity": 1}, 1600300, "vid"),
        ({"vid": "999", "quantity": 1}, 1602000, ""),
        ({"products": []}, 1600300, "products"),
        ({"products": [{"quantity": 1}]}, 1600300, "products[0].vid"),
    ],
)
def test_add_cart_bad_lines_answer_clear_errors(api, merchant, world, body, code, needle):
    message = api.post("shopping/order/addCart", body).error(code)

    assert needle in message
    assert not PurchaseCartLine.objects.exists()


def test_add_cart_more_than_any_warehouse_holds_is_refused(api, world):
    message = api.post(
        "shopping/privateInventory/addToCart", {"vid": world["red"].public_id, "quantity": 31}
    ).error(1603102)

    assert "31" in message
    assert not PurchaseCartLine.objects.exists()


def test_add_cart_without_a_known_form_names_the_parameter(api):
    message = api.post("shopping/order/addCart", {"foo": 1}).error(1600300)

    assert "cjOrderIdList is required" in message


def test_cart_create_order_pay_moves_stock(api, merchant, world):
    red, la = world["red"], world["la"]
    fund(merchant, merchant.owner, 5_000)
    api.post("shopping/privateInventory/addToCart", {"vid": red.public_id, "quantity": 6}).ok()

    order = api.post("shopping/privateInventory/createOrder", {}).ok()
    assert order["orderId"][:2] == "SY"
    assert len(order["orderId"]) == 21
    assert (order["status"], order["orderAmount"], order["paid"]) == ("WAIT_PAY", "15.00", False)
    assert api.post("shopping/privateInventory/getCart", {}).ok()["lineCount"] == 0

    paid = api.post(
        "shopping/pay/payBalanceV2",
        {"shipmentOrderId": order["orderId"], "payId": order["payId"], "orderType": 9},
    ).ok()

    assert (paid["paid"], paid["payAmount"], paid["balance"]) == (True, "15.00", "35.00")
    assert paid["status"] == "COMPLETED"
    assert Stock.objects.get(merchant=merchant, variant=red, warehouse=la).on_hand == 6
    assert Stock.objects.get(merchant=None, variant=red, warehouse=la).on_hand == 24
    again = api.post(
        "shopping/pay/payBalanceV2", {"shipmentOrderId": order["orderId"], "orderType": 9}
    ).ok()
    assert (again["paid"], again["payAmount"], again["balance"]) == (False, "0.00", "35.00")
    listed = api.post("shopping/privateInventory/order/list", {"pageNum": 1}).ok()
    assert listed["total"] == 1
    assert listed["list"][0]["status"] == "COMPLETED"
    assert listed["list"][0]["productList"][0]["quantity"] == 6


def test_create_order_with_pay_type_2_pays_at_once(api, merchant, world):
    fund(merchant, merchant.owner, 5_000)
    api.post("shopping/order/addCart", {"vid": world["red"].public_id, "quantity": 2}).ok()

    order = api.post("shopping/privateInventory/createOrder", {"payType": 2}).ok()

    assert (order["status"], order["paid"]) == ("COMPLETED", True)
    assert available(merchant) == 4_500


def test_insufficient_balance_answers_1604000_and_changes_nothing(api, merchant, world):
    fund(merchant, merchant.owner, 1_000)
    api.post("shopping/order/addCart", {"vid": world["red"].public_id, "quantity": 6}).ok()

    api.post("shopping/privateInventory/createOrder", {"payType": 2}).error(1604000)

    assert not PurchaseOrder.objects.exists()
    assert PurchaseCartLine.objects.get(merchant=merchant).quantity == 6
    assert available(merchant) == 1_000
    assert not StockMovement.objects.filter(kind=MovementKind.PURCHASE).exists()


def test_pay_balance_v2_insufficient_balance_leaves_order_unpaid(api, merchant, world):
    api.post("shopping/order/addCart", {"vid": world["red"].public_id, "quantity": 2}).ok()
    order = api.post("shopping/privateInventory/createOrder", {}).ok()

    api.post(
        "shopping/pay/payBalanceV2", {"shipmentOrderId": order["orderId"], "orderType": 9}
    ).error(1604000)

    assert PurchaseOrder.objects.get().status == PurchaseOrderStatus.WAIT_PAY
    assert not Stock.objects.filter(merchant=merchant).exists()


def test_remove_from_cart(api, merchant, world):
    data = api.post("shopping/order/addCart", {"vid": world["red"].public_id, "quantity": 2}).ok()
    line_id = data["cartLines"][0]["lineId"]

    out = api.post("shopping/privateInventory/removeFromCart", {"lineIds": [line_id]}).ok()

    assert (out["removedCount"], out["cart"]["lineCount"]) == (1, 0)
    api.post("shopping/privateInventory/removeFromCart", {}).error(1600300)
    api.post("shopping/privateInventory/removeFromCart", {"lineIds": ["x"]}).error(1600300)


def test_another_merchant_sees_and_pays_nothing(client, api, merchant, other_merchant, world):
    fund(other_merchant, other_merchant.owner, 5_000)
    data = api.post("shopping/order/addCart", {"vid": world["red"].public_id, "quantity": 2}).ok()
    order = api.post("shopping/privateInventory/createOrder", {}).ok()
    other = _other(client, other_merchant)

    assert other.post("shopping/privateInventory/getCart", {}).ok()["lineCount"] == 0
    assert other.post("shopping/privateInventory/order/list", {}).ok()["total"] == 0
    other.post(
        "shopping/pay/payBalanceV2", {"shipmentOrderId": order["orderId"], "orderType": 9}
    ).error(1603100)
    removed = other.post(
        "shopping/privateInventory/removeFromCart", {"lineIds": [data["cartLines"][0]["lineId"]]}
    ).ok()
    assert removed["removedCount"] == 0
    assert available(other_merchant) == 5_000
    assert PurchaseOrder.objects.get().status == PurchaseOrderStatus.WAIT_PAY


@pytest.mark.parametrize(
    ("path", "body", "needle"),
    [
        ("shopping/privateInventory/order/list", {"pageNum": 10**30}, "pageNum"),
        ("shopping/privateInventory/order/list", {"status": "NOPE"}, "status"),
        ("shopping/privateInventory/createOrder", {"storageId": "nope"}, "warehouse"),
        ("shopping/privateInventory/createOrder", {}, "cart"),
        ("shopping/pay/payBalanceV2", {"shipmentOrderId": "SY1", "orderType": 7}, "orderType"),
    ],
)
def test_bad_input_answers_1600300_or_not_found(api, path, body, needle):
    response = api.post(path, body)

    assert response.result is False
    assert needle in response.message
    assert response.status_code == 200


def test_bad_json_is_a_clear_error(api):
    api.post("shopping/order/addCart", raw_body=b"{nope").error(16900205)
    api.post("shopping/privateInventory/addToCart", raw_body=b"{nope").error(16900205)
