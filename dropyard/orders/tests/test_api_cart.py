"""Cart, parent order, confirm, delete and the pre-payment changes through the API (§2.4)."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.inventory.models import Stock, StockMovement
from dropyard.inventory.tests.factories import WarehouseFactory, make_stock
from dropyard.orders import services
from dropyard.orders.models import Order, OrderEvent, ParentOrder
from dropyard.orders.tests.api_fixtures import authed, other_cj, world  # noqa: F401
from dropyard.orders.tests.test_api import CREATE, CREATE_FIELDS, body

pytestmark = pytest.mark.django_db

ADD = "shopping/order/addCart"
CONFIRM_CART = "shopping/order/addCartConfirm"
PARENT = "shopping/order/saveGenerateParentOrder"
CONFIRM = "shopping/order/confirmOrder"
DELETE = "shopping/order/deleteOrder"


def create(authed, world, number="C-1", **overrides):
    return authed.post(CREATE, body(world, number, **overrides)).ok()["orderId"]


def reserved(world) -> int:
    return Stock.objects.get(variant=world.red, warehouse=world.cn).reserved


# --- addCart / addCartConfirm / saveGenerateParentOrder -----------------------------------------


def test_cart_flow_answers_shipments_id_and_pay_id(authed, world, merchant):
    first, second = create(authed, world, "C-1"), create(authed, world, "C-2", quantity=1)

    added = authed.post(ADD, {"cjOrderIdList": [first, second]}).ok()
    confirmed = authed.post(CONFIRM_CART, {"cjOrderIdList": [first, second]}).ok()
    parent = authed.post(PARENT, {"shipmentOrderId": confirmed["shipmentsId"]}).ok()

    assert added == {
        "successCount": 2,
        "addSuccessOrders": [first, second],
        "interceptOrders": [],
    }
    shipment = ParentOrder.objects.get(merchant=merchant)
    assert confirmed == {
        "successCount": 2,
        "submitSuccess": True,
        "shipmentsId": shipment.shipments_id,
        "confirmSuccessOrders": [first, second],
        "shipmentList": [{"shipmentsId": shipment.shipments_id, "orderIds": [first, second]}],
        "interceptOrders": [],
    }
    shipment.refresh_from_db()
    assert parent == {
        "shipmentOrderId": shipment.shipments_id,
        "payId": shipment.pay_id,
        "payExpireTime": shipment.pay_expires_at.strftime("%Y-%m-%d %H:%M:%S"),
        "orderMoney": "40.00",  # (20.00 + 5.00) + (10.00 + 5.00)
        "currency": "USD",
        "payStatus": "awaiting_payment",
        "cjPayUrl": f"http://testserver/orders/pay/{shipment.pay_id}/",
        "orderIds": [first, second],
    }
    assert set(Order.objects.values_list("status", flat=True)) == {"UNPAID"}
    assert reserved(world) == 3


def test_cart_intercepts_unknown_other_merchants_and_wrong_status(authed, other_cj, world):
    mine = create(authed, world)
    confirmed = create(authed, world, "C-2")
    theirs = other_cj.post(CREATE, body(world, "T-1")).ok()["orderId"]
    authed.post(CONFIRM_CART, {"cjOrderIdList": [confirmed]}).ok()  # now UNPAID
    services.order_cancel(order=Order.objects.get(public_id=mine), actor=None)

    added = authed.post(ADD, {"cjOrderIdList": ["nope", theirs, mine, confirmed]}).ok()

    # Already confirmed counts as added (idempotent); cancelled is intercepted.
    assert added["successCount"] == 1
    assert added["addSuccessOrders"] == [confirmed]
    intercepted = {i["orderId"]: i["interceptOrderReasons"] for i in added["interceptOrders"]}
    assert intercepted["nope"] == [{"code": 1603100, "message": "order not found"}]
    assert intercepted[theirs] == [{"code": 1603100, "message": "order not found"}]
    assert intercepted[mine][0]["code"] == 1603001
    assert Order.objects.get(public_id=theirs).status == "CREATED"
    assert Order.objects.get(public_id=confirmed).status == "UNPAID"


def test_confirm_cart_with_too_little_stock_is_intercepted_with_1603102(authed, world):
    order_id = create(authed, world, quantity=100)
    other = create(authed, world, "C-2", quantity=1)
    authed.post(CONFIRM_CART, {"cjOrderIdList": [other]}).ok()  # 99 left available

    confirmed = authed.post(CONFIRM_CART, {"cjOrderIdList": [order_id]}).ok()

    assert confirmed["successCount"] == 0
    assert confirmed["submitSuccess"] is False
    assert confirmed["shipmentsId"] is None
    [intercept] = confirmed["interceptOrders"]
    assert intercept["orderId"] == order_id
    assert intercept["interceptOrderReasons"][0]["code"] == 1603102
    assert Order.objects.get(public_id=order_id).status == "CREATED"
    assert reserved(world) == 1


@pytest.mark.parametrize("path", [ADD, CONFIRM_CART])
def test_cart_id_list_limits(authed, path):
    assert authed.post(path, {"cjOrderIdList": []}).error(1600300) == "cjOrderIdList is empty"
    authed.post(path, {"cjOrderIdList": [str(i) for i in range(101)]}).error(1600300)
    assert authed.post(path, {}).error(1600300) == "cjOrderIdList is required"


def test_parent_order_of_unknown_or_other_merchants_shipment_is_1603100(authed, other_cj, world):
    order_id = create(authed, world)
    shipments_id = authed.post(CONFIRM_CART, {"cjOrderIdList": [order_id]}).ok()["shipmentsId"]

    other_cj.post(PARENT, {"shipmentOrderId": shipments_id}).error(1603100)
    authed.post(PARENT, {"shipmentOrderId": "nope"}).error(1603100)
    assert ParentOrder.objects.get().pay_id is None


# --- confirmOrder ---------------------------------------------------------------------------------


def test_confirm_order_by_query_or_json_body(authed, world):
    first, second = create(authed, world, "C-1"), create(authed, world, "C-2")

    by_query = authed.patch(CONFIRM + f"?orderId={first}").ok()
    by_body = authed.patch(CONFIRM, {"orderId": second}).ok()

    assert (by_query, by_body) == (first, second)
    assert set(Order.objects.values_list("status", flat=True)) == {"UNPAID"}
    assert reserved(world) == 4


def test_confirm_order_twice_answers_the_confirmed_order_unchanged(authed, world):
    order_id = create(authed, world)
    authed.patch(CONFIRM, {"orderId": order_id}).ok()
    parent_id = Order.objects.get(public_id=order_id).parent_id

    assert authed.patch(CONFIRM, {"orderId": order_id}).ok() == order_id
    assert Order.objects.get(public_id=order_id).parent_id == parent_id
    assert ParentOrder.objects.count() == 1
    assert reserved(world) == 2


def test_confirm_order_with_too_little_stock_is_1603102(authed, world):
    order_id = create(authed, world, quantity=101)

    authed.patch(CONFIRM, {"orderId": order_id}).error(1603102)

    assert Order.objects.get(public_id=order_id).status == "CREATED"
    assert reserved(world) == 0
    assert not StockMovement.objects.filter(kind="reservation").exists()


def test_confirm_a_cancelled_order_is_refused(authed, world, owner):
    order_id = create(authed, world)
    services.order_cancel(order=Order.objects.get(public_id=order_id), actor=owner)

    authed.patch(CONFIRM, {"orderId": order_id}).error(1603001)
    assert Order.objects.get(public_id=order_id).status == "CANCELLED"


def test_confirm_order_input_errors(authed, other_cj, world):
    order_id = create(authed, world)

    other_cj.patch(CONFIRM, {"orderId": order_id}).error(1603100)
    assert authed.patch(CONFIRM).error(1600300) == "orderId is required"
    authed.patch(CONFIRM, raw_body="{nope").error(16900205)
    authed.patch(CONFIRM, {"orderId": ["x"]}).error(1600300)
    assert Order.objects.get(public_id=order_id).status == "CREATED"


def test_confirm_order_takes_get_no_more(authed):
    authed.get(CONFIRM).error(16900202)


# --- deleteOrder ----------------------------------------------------------------------------------


@pytest.mark.parametrize("in_cart", [False, True])
def test_delete_created_and_cart_orders(authed, world, in_cart):
    order_id = create(authed, world)
    if in_cart:
        authed.post(ADD, {"cjOrderIdList": [order_id]}).ok()

    assert authed.delete(DELETE, {"orderId": order_id}).ok() == order_id

    assert not Order.objects.filter(public_id=order_id).exists()
    assert OrderEvent.objects.count() == 0


def test_delete_is_refused_once_confirmed_or_cancelled(authed, world, owner):
    confirmed = create(authed, world, "C-1")
    authed.patch(CONFIRM, {"orderId": confirmed}).ok()
    cancelled = create(authed, world, "C-2")
    services.order_cancel(order=Order.objects.get(public_id=cancelled), actor=owner)

    authed.delete(DELETE, {"orderId": confirmed}).error(1603002)
    authed.delete(DELETE, {"orderId": cancelled}).error(1603002)

    assert Order.objects.count() == 2
    assert reserved(world) == 2


def test_delete_of_unknown_or_other_merchants_order_is_1603100(authed, other_cj, world):
    order_id = create(authed, world)

    other_cj.delete(DELETE, {"orderId": order_id}).error(1603100)
    authed.delete(DELETE, {"orderId": "nope"}).error(1603100)
    assert authed.delete(DELETE).error(1600300) == "orderId is required"
    assert Order.objects.filter(public_id=order_id).exists()


# --- changeWarehouse / getOrderLogisticsInfo / updateLogistics ------------------------------------


def test_change_warehouse_reroutes_from_that_warehouse(authed, world):
    other_cn = WarehouseFactory(country="CN", code="CN999")
    make_stock(variant=world.red, warehouse=other_cn, on_hand=10)
    order_id = create(authed, world)

    assert authed.post(
        "shopping/order/changeWarehouse",
        {"orderCode": order_id, "storageId": other_cn.public_id},
    ).ok()

    detail = authed.get("shopping/order/getOrderDetail", {"orderId": order_id}).ok()
    assert detail["storageId"] == other_cn.public_id


def test_change_warehouse_errors(authed, other_cj, world):
    order_id = create(authed, world)
    path = "shopping/order/changeWarehouse"

    other_cj.post(path, {"orderCode": order_id, "storageId": world.us.public_id}).error(1603100)
    authed.post(path, {"orderCode": order_id, "storageId": "nope"}).error(1600300)
    assert authed.post(path, {"orderCode": order_id}).error(1600300) == "storageId is required"
    authed.patch(CONFIRM, {"orderId": order_id}).ok()
    authed.post(path, {"orderCode": order_id, "storageId": world.us.public_id}).error(1603001)


def test_logistics_info_lists_the_options_for_the_cart(authed, world):
    order_id = create(authed, world)

    options = authed.get("shopping/order/getOrderLogisticsInfo", {"orderCode": order_id}).ok()

    assert options == [
        {
            "id": "CJPACKET",
            "logisticsName": "CJPacket",
            "postage": "5.00",
            "totalPostageFee": "5.00",
            "currency": "USD",
            "arrivalTime": "7-12",
            "fromCountryCode": "CN",
            "selected": True,
        },
        {
            "id": "DHL",
            "logisticsName": "DHL",
            "postage": "10.00",
            "totalPostageFee": "10.00",
            "currency": "USD",
            "arrivalTime": "3-5",
            "fromCountryCode": "CN",
            "selected": False,
        },
    ]


def test_logistics_info_of_another_merchants_order_is_1603100(authed, other_cj, world):
    order_id = create(authed, world)
    path = "shopping/order/getOrderLogisticsInfo"

    other_cj.get(path, {"orderCode": order_id}).error(1603100)
    assert authed.get(path).error(1600300) == "orderCode is required"


def test_update_logistics_answers_the_repriced_order(authed, world):
    order_id = create(authed, world)

    data = authed.post(
        "shopping/order/updateLogistics", {"orderCode": order_id, "logisticsName": "DHL"}
    ).ok()

    assert set(data) == CREATE_FIELDS
    assert (data["logisticName"], data["postageAmount"], data["orderAmount"]) == (
        "DHL",
        "10.00",
        "30.00",
    )
    assert Order.objects.get(public_id=order_id).postage_amount_minor == 1000


def test_update_logistics_errors(authed, other_cj, world):
    order_id = create(authed, world)
    path = "shopping/order/updateLogistics"

    authed.post(path, {"orderCode": order_id, "logisticsName": "Pigeon"}).error(1605000)
    authed.post(path, {"orderCode": order_id, "logisticsName": "USPS"}).error(1605001)
    other_cj.post(path, {"orderCode": order_id, "logisticsName": "DHL"}).error(1603100)
    assert authed.post(path, {"orderCode": order_id}).error(1600300) == "logisticsName is required"
    assert Order.objects.get(public_id=order_id).postage_amount_minor == 500


def test_update_logistics_after_payment_is_8002(authed, world):
    order_id = authed.post(CREATE, body(world, payType=2, isSandbox=1)).ok()["orderId"]

    authed.post("shopping/order/updateLogistics", {"id": order_id, "logisticName": "DHL"}).error(
        8002
    )
