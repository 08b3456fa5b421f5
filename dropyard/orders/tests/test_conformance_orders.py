"""Conformance: the order request forms real CJ clients send (issue 11), exactly as they send
them — method, JSON body shape, the ``CJ-Access-Token`` header, no ``payType`` unless the
client sends one, and the 0–300 ms between the calls of a chain (rate limits are off in the
test settings, so the pauses are only for realism) — and the answer fields they rely on."""
# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import time
from decimal import Decimal

import pytest

from dropyard.orders.choices import OrderStatus, ParentOrderStatus
from dropyard.orders.models import Order, OrderEvent, ParentOrder
from dropyard.orders.tests.api_fixtures import authed, other_cj, world  # noqa: F401
from dropyard.wallet.models import Payment
from dropyard.wallet.tests.payment_helpers import available, fund

pytestmark = [pytest.mark.conformance, pytest.mark.django_db]

CREATE_V2 = "shopping/order/createOrderV2"
CREATE_V3 = "shopping/order/createOrderV3"
ADD = "shopping/order/addCart"
CONFIRM = "shopping/order/addCartConfirm"
PARENT = "shopping/order/saveGenerateParentOrder"
PAY_V2 = "shopping/pay/payBalanceV2"
DETAIL = "shopping/order/getOrderDetail"
PAUSES = (0.0, 0.12, 0.3, 0.05)  # seconds between the calls of a chain (clients: 0–300 ms)


def client_body(world, number="CLI-1", **extra):
    """createOrderV2 as the observed client sends it: no payType (it documents 1 as default)."""
    data = {
        "orderNumber": number,
        "shippingZip": "90001",
        "shippingCountryCode": "US",
        "shippingCountry": "United States",
        "shippingProvince": "CA",
        "shippingCity": "Los Angeles",
        "shippingAddress": "1 Main Street",
        "shippingCustomerName": "Jane Doe",
        "shippingPhone": "+1 213 555 0100",
        "remark": "",
        "fromCountryCode": "CN",
        "logisticName": "CJPacket",
        "products": [{"vid": world.red.public_id, "quantity": 1}],
    }
    data.update(extra)
    return data


def staged_chain(authed, order_ids):
    """addCart → addCartConfirm → saveGenerateParentOrder, 0–300 ms apart, as clients chain."""
    time.sleep(PAUSES[0])
    added = authed.post(ADD, {"cjOrderIdList": order_ids}).ok()
    time.sleep(PAUSES[1])
    confirmed = authed.post(CONFIRM, {"cjOrderIdList": order_ids}).ok()
    time.sleep(PAUSES[2])
    parent = authed.post(PARENT, {"shipmentOrderId": confirmed["shipmentsId"]}).ok()
    return added, confirmed, parent


def pay_shipment(authed, confirmed, parent):
    """payBalanceV2 for the shipment addCartConfirm answered and the payId of its parent."""
    body = {"shipmentOrderId": confirmed["shipmentsId"], "payId": parent["payId"]}
    return authed.post(PAY_V2, body).ok()


def status(order_id):
    return Order.objects.get(public_id=order_id).status


# --- The staged cart flow whatever payType created the order --------------------------------


def create_then_chain(authed, merchant, owner, world, path, pay_type):
    """Fund the wallet, create with ``path`` (``payType`` only when given), then the staged
    chain and payBalanceV2: (created, added, confirmed, parent, paid)."""
    fund(merchant, owner, 10_000)
    extra = {} if pay_type is None else {"payType": pay_type}
    created = authed.post(path, client_body(world, **extra)).ok()
    added, confirmed, parent = staged_chain(authed, [created["orderId"]])
    time.sleep(PAUSES[3])
    return created, added, confirmed, parent, pay_shipment(authed, confirmed, parent)


def test_create_v2_without_pay_type_then_legacy_confirm_order_is_a_success(authed, world):
    created = authed.post(CREATE_V2, client_body(world)).ok()
    time.sleep(PAUSES[1])

    answer = authed.patch("shopping/order/confirmOrder", {"orderId": created["orderId"]}).ok()

    order = Order.objects.get(public_id=created["orderId"])
    assert answer == created["orderId"]
    assert order.status == OrderStatus.UNPAID
    assert order.parent.shipments_id == created["shipmentOrderId"]
    assert ParentOrder.objects.count() == 1


@pytest.mark.parametrize("pay_type", [None, 1, 3])
def test_staged_flow_after_create_v2_then_pay_balance_v2(authed, merchant, owner, world, pay_type):
    created, added, confirmed, parent, paid = create_then_chain(
        authed, merchant, owner, world, CREATE_V2, pay_type
    )
    order_id = created["orderId"]

    assert added == {"successCount": 1, "addSuccessOrders": [order_id], "interceptOrders": []}
    assert (confirmed["successCount"], confirmed["submitSuccess"]) == (1, True)
    assert confirmed["confirmSuccessOrders"] == [order_id]
    assert confirmed["interceptOrders"] == []
    shipment = ParentOrder.objects.get(shipments_id=confirmed["shipmentsId"])
    assert confirmed["shipmentList"] == [
        {"shipmentsId": shipment.shipments_id, "orderIds": [order_id]}
    ]
    if pay_type == 3:
        assert (created["orderStatus"], created["shipmentOrderId"], created["cjPayUrl"]) == (
            "CREATED",
            None,
            None,
        )
    else:
        # payType 1 (or none): the immediate shipment and cjPayUrl stay, and the staged flow
        # leads to that same shipment and payId.
        assert created["orderStatus"] == "UNPAID"
        assert created["shipmentOrderId"] == confirmed["shipmentsId"]
        assert created["cjPayUrl"] == f"http://testserver/orders/pay/{parent['payId']}/"
    assert parent["shipmentOrderId"] == confirmed["shipmentsId"]
    assert (parent["orderMoney"], parent["payStatus"], parent["orderIds"]) == (
        "15.00",  # 10.00 + 5.00 postage
        "awaiting_payment",
        [order_id],
    )
    assert (paid["paid"], paid["payAmount"], paid["orderIds"]) == (True, "14.70", [order_id])
    assert status(order_id) == OrderStatus.UNSHIPPED
    assert ParentOrder.objects.filter(merchant=merchant).count() == 1
    assert available(merchant) == 10_000 - 1470


def test_pay_url_and_staged_flow_cannot_pay_twice(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    created = authed.post(CREATE_V2, client_body(world)).ok()
    _added, confirmed, parent = staged_chain(authed, [created["orderId"]])
    body = {"shipmentOrderId": confirmed["shipmentsId"], "payId": parent["payId"]}

    first = authed.post(PAY_V2, body).ok()
    second = authed.post(PAY_V2, body).ok()
    again = staged_chain(authed, [created["orderId"]])

    assert (first["paid"], second["paid"]) == (True, False)
    assert Payment.objects.count() == 1
    assert available(merchant) == 10_000 - 1470
    # After payment the chain still answers, naming the paid shipment; nothing is charged.
    assert again[1]["shipmentsId"] == confirmed["shipmentsId"]
    assert again[2]["payStatus"] == ParentOrderStatus.PAID
    assert ParentOrder.objects.get().status == ParentOrderStatus.PAID


def test_order_paid_at_creation_answers_the_chain_idempotently(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    created = authed.post(CREATE_V2, client_body(world, payType=2)).ok()
    order_id = created["orderId"]
    assert created["orderStatus"] == "UNSHIPPED"

    added, confirmed, parent = staged_chain(authed, [order_id])
    paid = pay_shipment(authed, confirmed, parent)

    assert added == {"successCount": 1, "addSuccessOrders": [order_id], "interceptOrders": []}
    assert confirmed["successCount"] == 1
    assert confirmed["shipmentsId"] == created["shipmentOrderId"]
    assert confirmed["interceptOrders"] == []
    assert (parent["payStatus"], parent["orderIds"]) == ("paid", [order_id])
    assert paid["paid"] is False
    assert Payment.objects.count() == 1
    assert available(merchant) == 10_000 - 1470
    assert status(order_id) == OrderStatus.UNSHIPPED


def test_two_orders_created_without_pay_type_pay_as_one_shipment(
    authed, client, merchant, owner, world
):
    fund(merchant, owner, 10_000)
    first = authed.post(CREATE_V2, client_body(world, "CLI-1")).ok()
    time.sleep(0.1)
    second = authed.post(CREATE_V2, client_body(world, "CLI-2")).ok()
    ids = [first["orderId"], second["orderId"]]

    _added, confirmed, parent = staged_chain(authed, ids)
    paid = pay_shipment(authed, confirmed, parent)

    assert confirmed["successCount"] == 2
    assert confirmed["shipmentList"] == [{"shipmentsId": confirmed["shipmentsId"], "orderIds": ids}]
    assert (parent["orderMoney"], sorted(parent["orderIds"])) == ("30.00", sorted(ids))
    assert (paid["paid"], sorted(paid["orderIds"])) == (True, sorted(ids))
    # The two shipments createOrderV2 made were emptied into the new one: their payIds (and
    # cjPayUrls) can pay nothing any more.
    old = ParentOrder.objects.filter(
        shipments_id__in=[first["shipmentOrderId"], second["shipmentOrderId"]]
    )
    assert set(old.values_list("status", "amount_minor")) == {(ParentOrderStatus.CANCELLED, 0)}
    moved = OrderEvent.objects.filter(kind="shipment").values_list("order__public_id", flat=True)
    assert sorted(moved) == sorted(ids)
    client.force_login(owner)
    page = client.get(first["cjPayUrl"])
    assert page.status_code == 200
    assert "Nothing to pay here" in page.content.decode()
    authed.post(PAY_V2, {"shipmentOrderId": first["shipmentOrderId"], "payId": "x"}).error(1603100)
    assert Payment.objects.count() == 2
    assert available(merchant) == 10_000 - 2 * 1470


def test_confirming_part_of_a_shipment_with_a_new_order_moves_only_that_part(
    authed, merchant, owner, world
):
    fund(merchant, owner, 10_000)
    a, x, n = (
        authed.post(CREATE_V2, client_body(world, f"P-{k}", payType=3)).ok()["orderId"]
        for k in "AXN"
    )
    first = authed.post(CONFIRM, {"cjOrderIdList": [a, x]}).ok()["shipmentsId"]

    _added, confirmed, parent = staged_chain(authed, [a, n])
    paid = pay_shipment(authed, confirmed, parent)
    rest = authed.post(PARENT, {"shipmentOrderId": first}).ok()

    assert confirmed["shipmentsId"] != first
    assert confirmed["shipmentList"] == [
        {"shipmentsId": confirmed["shipmentsId"], "orderIds": [a, n]}
    ]
    assert sorted(paid["orderIds"]) == sorted([a, n])
    assert (rest["orderIds"], rest["orderMoney"], rest["payStatus"]) == (
        [x],
        "15.00",
        "awaiting_payment",
    )
    assert status(x) == OrderStatus.UNPAID
    assert ParentOrder.objects.get(shipments_id=first).status == ParentOrderStatus.AWAITING_PAYMENT


@pytest.mark.parametrize("pay_type", [None, 1, 2, 3])
def test_staged_flow_after_create_v3(authed, merchant, owner, world, pay_type):
    created, added, confirmed, parent, paid = create_then_chain(
        authed, merchant, owner, world, CREATE_V3, pay_type
    )
    order_id = created["orderId"]

    assert created["orderStatus"] == "CREATED"  # V3 creates only, whatever payType says
    assert added["addSuccessOrders"] == [order_id]
    assert confirmed["shipmentsId"] == parent["shipmentOrderId"]
    assert (paid["paid"], paid["orderIds"]) == (True, [order_id])
    assert status(order_id) == OrderStatus.UNSHIPPED


def test_staged_flow_bad_input_changes_nothing(authed, other_cj, merchant, owner, world):
    mine = authed.post(CREATE_V2, client_body(world)).ok()["orderId"]
    theirs = other_cj.post(CREATE_V2, client_body(world, "T-1")).ok()["orderId"]
    shipment = ParentOrder.objects.get(merchant=merchant)

    added = authed.post(ADD, {"cjOrderIdList": [theirs, "nope"]}).ok()
    confirmed = authed.post(CONFIRM, {"cjOrderIdList": [theirs]}).ok()
    authed.post(ADD, {"cjOrderIdList": "x"}).error(1600300)
    authed.post(CONFIRM, {"cjOrderIdList": [{"id": mine}]}).error(1600300)
    authed.post(PARENT, {"shipmentOrderId": 5}).error(1600300)
    other_cj.post(PARENT, {"shipmentOrderId": shipment.shipments_id}).error(1603100)

    assert (added["successCount"], confirmed["successCount"]) == (0, 0)
    assert confirmed["shipmentsId"] is None
    assert {i["interceptOrderReasons"][0]["code"] for i in added["interceptOrders"]} == {1603100}
    assert Order.objects.get(public_id=mine).parent == shipment
    assert ParentOrder.objects.filter(merchant=merchant).count() == 1


# --- shopping/order/list with a JSON body ---------------------------------------------------

LIST = "shopping/order/list"


def test_order_list_post_json_body_answers_like_get(authed, world):
    first = authed.post(CREATE_V2, client_body(world, "L-1")).ok()
    second = authed.post(CREATE_V2, client_body(world, "L-2", payType=3)).ok()

    for body, params in [
        ({"pageNum": 1, "pageSize": 10}, {"pageNum": 1, "pageSize": 10}),
        ({"pageNum": 1, "pageSize": 20, "status": "UNPAID"}, {"status": "UNPAID"}),
        ({"orderIds": [second["orderId"]]}, {"orderIds": second["orderId"]}),
        (
            {"pageNum": 1, "pageSize": 20, "shipmentOrderId": first["shipmentOrderId"]},
            {"shipmentOrderId": first["shipmentOrderId"]},
        ),
    ]:
        posted = authed.post(LIST, body).ok()
        assert posted == authed.get(LIST, params).ok()
    everything = authed.post(LIST, {"pageNum": 1, "pageSize": 10}).ok()
    assert (everything["pageNum"], everything["pageSize"], everything["total"]) == (1, 10, 2)
    assert [o["orderId"] for o in everything["list"]] == [second["orderId"], first["orderId"]]
    unpaid = authed.post(LIST, {"status": "UNPAID"}).ok()
    assert [(o["orderId"], o["orderStatus"]) for o in unpaid["list"]] == [
        (first["orderId"], "UNPAID")
    ]
    assert authed.post(LIST, {}).ok()["total"] == 2


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"pageNum": "one"}, "pageNum"),
        ({"pageNum": 0}, "pageNum"),
        ({"pageNum": 1180591620717411303424}, "pageNum"),
        ({"pageSize": 201}, "pageSize"),
        ({"orderIds": [{"id": 1}]}, "orderIds"),
        ({"orderIds": [str(n) for n in range(101)]}, "orderIds"),
        ({"status": "SHIPPING"}, "status"),
        ({"shipmentOrderId": ["a"]}, "shipmentOrderId"),
    ],
)
def test_order_list_post_bad_input_is_1600300(authed, body, named):
    assert named in authed.post(LIST, body).error(1600300)


def test_order_list_post_another_merchants_ids_are_an_empty_page(authed, other_cj, world):
    theirs = other_cj.post(CREATE_V2, client_body(world, "T-1")).ok()

    page = authed.post(
        LIST, {"orderIds": [theirs["orderId"]], "shipmentOrderId": theirs["shipmentOrderId"]}
    ).ok()

    assert (page["total"], page["list"]) == (0, [])


# --- mergeOrder/autoMatchMergeOrderListV3 with filterOrder: true -----------------------------

MATCH = "shopping/mergeOrder/autoMatchMergeOrderListV3"
MATCH_RESULT = "shopping/mergeOrder/autoMergeQueryResult"


def _merge_world(authed, world):
    """Two orders to one door that merge, and two to another door that cannot (60 + 60 red
    units, 100 in stock: each routes alone, together they are short)."""
    body = client_body(world, payType=3)
    small = [
        authed.post(CREATE_V2, {**body, "orderNumber": f"M-{n}"}).ok()["orderId"] for n in (1, 2)
    ]
    big = {
        **body,
        "shippingAddress": "9 Other Road",
        "products": [{"vid": world.red.public_id, "quantity": 60}],
    }
    large = [
        authed.post(CREATE_V2, {**big, "orderNumber": f"N-{n}"}).ok()["orderId"] for n in (1, 2)
    ]
    return small, large


def test_merge_match_filter_order_true_answers_only_mergeable_groups(authed, world):
    small, large = _merge_world(authed, world)

    started = authed.post(MATCH, {"filterOrder": True, "orderStatus": 100}).ok()
    time.sleep(0.2)
    result = authed.post(MATCH_RESULT, {"taskId": started["taskId"]}).ok()
    unfiltered = authed.post(MATCH, {"filterOrder": False}).ok()
    everything = authed.post(MATCH_RESULT, {"taskId": unfiltered["taskId"]}).ok()

    assert (started["progress"], started["status"]) == (10000, "FINISHED")
    assert result["total"] == 1
    assert [(g["orderIds"], g["mergeable"]) for g in result["groups"]] == [(small, True)]
    assert sorted((g["orderIds"], g["mergeable"]) for g in everything["groups"]) == sorted(
        [(small, True), (large, False)]
    )
    # The list form keeps its meaning: only these orders.
    only = authed.post(MATCH, {"filterOrder": large}).ok()
    [group] = authed.post(MATCH_RESULT, {"taskId": only["taskId"]}).ok()["groups"]
    assert group["orderIds"] == large


@pytest.mark.parametrize("value", ["yes", 2, {"a": 1}, [{"id": 1}]])
def test_merge_match_filter_order_bad_types_are_1600300(authed, value):
    assert "filterOrder" in authed.post(MATCH, {"filterOrder": value}).error(1600300)


def test_merge_match_another_merchants_ids_find_nothing(authed, other_cj, world):
    theirs, _large = _merge_world(other_cj, world)

    started = authed.post(MATCH, {"filterOrder": theirs}).ok()

    assert authed.post(MATCH_RESULT, {"taskId": started["taskId"]}).ok()["groups"] == []
    other_cj.post(MATCH_RESULT, {"taskId": started["taskId"]}).error(11001)


# --- Legacy createOrder (V1) ----------------------------------------------------------------

CREATE_V1 = "shopping/order/createOrder"


def v1_body(world, number="V1-1", **extra):
    """What a V1 client posts: products with pid and vid, shippingCustomerEmail, and fields
    of its own that Dropyard ignores (countryCode, customerName, zip, phone, shippingName)."""
    data = {
        "orderNumber": number,
        "fromCountryCode": "CN",
        "countryCode": "US",
        "shippingCountryCode": "US",
        "country": "United States",
        "shippingCountry": "United States",
        "customerName": "Jane Doe",
        "shippingCustomerName": "Jane Doe",
        "shippingAddress": "1 Main Street",
        "shippingCity": "Los Angeles",
        "shippingProvince": "CA",
        "shippingZip": "90001",
        "zip": "90001",
        "phone": "+1 213 555 0100",
        "shippingPhone": "+1 213 555 0100",
        "shippingCustomerEmail": "jane@example.com",
        "logisticName": "CJPacket",
        "shippingName": "CJPacket",
        "remark": "store order #1",
        "products": [
            {"pid": world.red.product.public_id, "vid": world.red.public_id, "quantity": 2}
        ],
    }
    data.update(extra)
    return data


def test_create_order_v1_creates_through_the_v2_service(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    created = authed.post(CREATE_V1, v1_body(world)).ok()

    order = Order.objects.get(public_id=created["orderId"])
    assert (created["orderNumber"], created["orderStatus"]) == ("V1-1", "CREATED")
    assert (created["productAmount"], created["postageAmount"], created["orderAmount"]) == (
        "20.00",
        "5.00",  # 500 g: the first step of the CJPacket card
        "25.00",
    )
    assert (created["shipmentOrderId"], created["cjPayUrl"]) == (None, None)
    assert created["productInfoList"][0]["variantId"] == world.red.public_id
    assert (order.email, order.remark, order.shipping_country_code) == (
        "jane@example.com",
        "store order #1",
        "US",
    )
    # The legacy flow then works on it like on any created order.
    _added, confirmed, parent = staged_chain(authed, [created["orderId"]])
    paid = pay_shipment(authed, confirmed, parent)
    assert (paid["paid"], paid["orderIds"]) == (True, [created["orderId"]])


def test_create_order_v1_honours_a_pay_type_and_duplicates(authed, world):
    created = authed.post(CREATE_V1, v1_body(world, payType=1, email="other@example.com")).ok()

    assert created["orderStatus"] == "UNPAID"
    assert created["cjPayUrl"].startswith("http://testserver/orders/pay/")
    assert Order.objects.get().email == "other@example.com"  # email wins over the V1 name
    authed.post(CREATE_V1, v1_body(world)).error(1603003)


@pytest.mark.parametrize(
    ("products", "code", "named"),
    [
        ([{"pid": "P", "quantity": 1}], 1600300, "vid"),
        ([{"vid": 5, "quantity": 1}], 1600300, "vid"),
        ([{"vid": "x", "quantity": "two"}], 1600300, "quantity"),
        ("red", 1600300, "products"),
        ([{"vid": "nope", "quantity": 1}], 1602000, "nope"),
    ],
)
def test_create_order_v1_bad_products_change_nothing(authed, world, products, code, named):
    assert named in authed.post(CREATE_V1, v1_body(world, products=products)).error(code)
    assert Order.objects.count() == 0


def test_create_order_v1_pid_of_another_product_is_refused(authed, world):
    body = v1_body(
        world, products=[{"pid": world.blue.product.public_id, "vid": world.red.public_id}]
    )
    body["products"][0]["quantity"] = 1

    message = authed.post(CREATE_V1, body).error(1600300)

    assert "products[0].pid" in message
    assert Order.objects.count() == 0


# --- queryCogsBasicDataOrderInfoList --------------------------------------------------------

COGS = "shopping/order/queryCogsBasicDataOrderInfoList"


def test_cogs_per_order_and_line(authed, other_cj, merchant, owner, world):
    fund(merchant, owner, 10_000)
    paid = authed.post(
        CREATE_V2,
        client_body(
            world,
            "G-1",
            payType=2,
            shopAmount="39.90",
            products=[
                {"vid": world.red.public_id, "quantity": 2},
                {"vid": world.blue.public_id, "quantity": 1},
            ],
        ),
    ).ok()
    authed.post(CREATE_V2, client_body(world, "G-2", payType=3)).ok()
    theirs = other_cj.post(CREATE_V2, client_body(world, "T-1", payType=3)).ok()

    data = authed.post(
        COGS, {"orderCodesList": [paid["orderId"], "G-2", theirs["orderId"], "nope"]}
    ).ok()

    assert (data["total"], data["notFoundOrderCodes"]) == (2, [theirs["orderId"], "nope"])
    first, second = data["list"]
    order = Order.objects.get(public_id=paid["orderId"])
    assert {k: first[k] for k in first if k != "productList"} == {
        "orderId": paid["orderId"],
        "orderNumber": "G-1",
        "cjOrderCode": order.code,
        "orderStatus": "UNSHIPPED",
        "currency": "USD",
        "createDate": order.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        "paymentDate": order.paid_at.strftime("%Y-%m-%d %H:%M:%S"),
        "costFrozen": True,
        "logisticName": "CJPacket",
        "productAmount": "40.00",  # 2 × 10.00 + 20.00
        "postageAmount": paid["postageAmount"],
        "feeAmount": "0.00",
        "discountAmount": "0.00",
        "orderAmount": paid["orderAmount"],
        "shopAmount": "39.90",
        "grossProfit": str(Decimal("39.90") - Decimal(paid["orderAmount"])),
    }
    assert [
        (p["vid"], p["quantity"], p["unitCost"], p["totalCost"]) for p in first["productList"]
    ] == [
        (world.red.public_id, 2, "10.00", "20.00"),
        (world.blue.public_id, 1, "20.00", "20.00"),
    ]
    assert first["productList"][0]["pid"] == world.red.product.public_id
    assert first["productList"][0]["sku"] == world.red.sku
    assert (second["orderNumber"], second["costFrozen"], second["shopAmount"]) == (
        "G-2",
        False,
        None,
    )
    assert second["grossProfit"] is None


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({}, "orderCodesList"),
        ({"orderCodesList": []}, "orderCodesList"),
        ({"orderCodesList": "G-1"}, "orderCodesList"),
        ({"orderCodesList": [{"id": 1}]}, "orderCodesList"),
        ({"orderCodesList": [str(n) for n in range(101)]}, "orderCodesList"),
    ],
)
def test_cogs_bad_input_is_1600300(authed, body, named):
    assert named in authed.post(COGS, body).error(1600300)


def test_cogs_only_other_merchants_ids_lists_nothing(authed, other_cj, world):
    theirs = other_cj.post(CREATE_V2, client_body(world, "T-1", payType=3)).ok()

    data = authed.post(COGS, {"orderCodesList": [theirs["orderId"], "T-1"]}).ok()

    assert data == {"total": 0, "list": [], "notFoundOrderCodes": [theirs["orderId"], "T-1"]}
