"""The orders operations' real answers match what openapi.json documents for them (the success
body, ``data`` included), captured through the conformance client: both addCart forms, the cart
flow, creation, reads and changes."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.core.testing.openapi import answer_problems, openapi_document
from dropyard.orders.tests.api_fixtures import authed, world  # noqa: F401
from dropyard.orders.tests.test_api import CREATE, CREATE_V3, body
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = pytest.mark.django_db

ADD = "shopping/order/addCart"
CONFIRM_CART = "shopping/order/addCartConfirm"
PARENT = "shopping/order/saveGenerateParentOrder"
COGS = "shopping/order/queryCogsBasicDataOrderInfoList"
MERGE = "shopping/mergeOrder/"


@pytest.fixture(scope="module")
def document():
    """The served document, fetched once (it reads no database)."""
    return openapi_document()


def documented(document, method, path, response):
    """``response``'s data, after asserting its whole body is the documented success body."""
    assert answer_problems(document, method, path, response.body) == []
    return response.data


def test_add_cart_answers_of_both_forms_match_the_document(authed, world, document):
    order_id = authed.post(CREATE, body(world, "D-1")).ok()["orderId"]

    orders = authed.post(ADD, {"cjOrderIdList": [order_id, "unknown"]})
    products = authed.post(ADD, {"vid": world.red.public_id, "quantity": 2})

    assert set(documented(document, "POST", ADD, orders)) == {
        "successCount",
        "addSuccessOrders",
        "interceptOrders",
    }
    assert orders.data["interceptOrders"] == [
        {
            "orderId": "unknown",
            "interceptOrderReasons": [{"code": 1603100, "message": "order not found"}],
        }
    ]
    data = documented(document, "POST", ADD, products)
    assert (data["successCount"], data["cartLines"][0]["quantity"]) == (1, 2)
    assert data["cart"]["totalQuantity"] == 2


def test_documented_add_cart_forms_refuse_each_others_answers(authed, world, document):
    orders = authed.post(ADD, {"cjOrderIdList": ["unknown"]}).body
    products = authed.post(ADD, {"vid": world.red.public_id, "quantity": 1}).body
    products_without_cart = {**products, "data": {**products["data"], "cart": None}}

    assert answer_problems(document, "POST", ADD, orders) == []
    assert answer_problems(document, "POST", ADD, products_without_cart) != []
    assert answer_problems(document, "POST", ADD, {**orders, "data": {"successCount": 1}}) != []


def test_cart_flow_answers_match_the_document(authed, world, document):
    first = authed.post(CREATE, body(world, "D-1")).ok()["orderId"]
    too_many = authed.post(CREATE, body(world, "D-2", quantity=1000)).ok()["orderId"]
    authed.post(ADD, {"cjOrderIdList": [first]}).ok()

    confirmed = authed.post(CONFIRM_CART, {"cjOrderIdList": [first]})
    refused = authed.post(CONFIRM_CART, {"cjOrderIdList": [too_many]})
    parent = authed.post(PARENT, {"shipmentOrderId": confirmed.data["shipmentsId"]})

    assert documented(document, "POST", CONFIRM_CART, confirmed)["submitSuccess"] is True
    assert documented(document, "POST", CONFIRM_CART, refused)["shipmentsId"] is None
    assert documented(document, "POST", PARENT, parent)["orderIds"] == [first]


def test_confirm_and_delete_answer_the_documented_order_id(authed, world, document):
    first = authed.post(CREATE, body(world, "D-1")).ok()["orderId"]
    second = authed.post(CREATE, body(world, "D-2")).ok()["orderId"]

    confirmed = authed.patch("shopping/order/confirmOrder", {"orderId": first})
    deleted = authed.delete("shopping/order/deleteOrder", {"orderId": second})

    assert documented(document, "PATCH", "shopping/order/confirmOrder", confirmed) == first
    assert documented(document, "DELETE", "shopping/order/deleteOrder", deleted) == second


def test_creation_answers_match_the_document(authed, world, document):
    v2 = authed.post(CREATE, body(world, "D-1", payType=1))
    v3 = authed.post(CREATE_V3, body(world, "D-2"))
    v1 = authed.post("shopping/order/createOrder", body(world, "D-3"))

    assert documented(document, "POST", CREATE, v2)["cjPayUrl"].startswith("http://testserver/")
    assert documented(document, "POST", CREATE_V3, v3)["shipmentOrderId"] is None
    assert documented(document, "POST", "shopping/order/createOrder", v1)["orderStatus"] == (
        "CREATED"
    )


def test_read_and_change_answers_match_the_document(authed, world, document):
    order_id = authed.post(CREATE, body(world, "D-1")).ok()["orderId"]
    detail = "shopping/order/getOrderDetail"
    logistics = "shopping/order/getOrderLogisticsInfo"

    answers = [
        ("GET", "shopping/order/list", authed.get("shopping/order/list")),
        ("POST", "shopping/order/list", authed.post("shopping/order/list", {"pageSize": 5})),
        ("GET", detail, authed.get(detail, {"orderId": order_id})),
        (
            "GET",
            detail,
            authed.get(detail, {"orderId": order_id, "features": "LOGISTICS_TIMELINESS"}),
        ),
        (
            "POST",
            "shopping/order/getOrderDetailBatch",
            authed.post("shopping/order/getOrderDetailBatch", {"orderIds": [order_id, "x"]}),
        ),
        ("GET", logistics, authed.get(logistics, {"orderCode": order_id})),
        (
            "POST",
            "shopping/order/updateLogistics",
            authed.post(
                "shopping/order/updateLogistics", {"orderCode": order_id, "logisticsName": "DHL"}
            ),
        ),
    ]

    problems = {
        f"{method} {path}": answer_problems(document, method, path, response.body)
        for method, path, response in answers
    }
    assert problems == {f"{method} {path}": [] for method, path, _ in answers}
    assert [len(answers[0][2].data["list"]), len(answers[4][2].data)] == [1, 1]
    assert answers[3][2].data["logisticsTimeliness"] is not None


def test_cost_of_goods_answer_matches_the_document(authed, merchant, owner, world, document):
    fund(merchant, owner, 10_000)
    paid = authed.post(CREATE, body(world, "G-1", payType=2, shopAmount="39.90")).ok()
    unpaid = authed.post(CREATE, body(world, "G-2")).ok()

    cogs = authed.post(COGS, {"orderCodesList": [paid["orderId"], unpaid["orderId"], "nope"]})

    data = documented(document, "POST", COGS, cogs)
    assert [(o["costFrozen"], o["grossProfit"] is None) for o in data["list"]] == [
        (True, False),
        (False, True),
    ]
    assert data["notFoundOrderCodes"] == ["nope"]


def test_merge_answers_match_the_document(authed, world, document):
    first = authed.post(CREATE, body(world, "M-1")).ok()["orderId"]
    second = authed.post(CREATE, body(world, "M-2")).ok()["orderId"]
    matched = authed.post(MERGE + "autoMatchMergeOrderListV3", {"orderStatus": 100})
    match_task = {"taskId": matched.data["taskId"]}
    answers = {
        "autoMatchMergeOrderListV3": matched,
        "autoMergeQueryProgress": authed.post(MERGE + "autoMergeQueryProgress", match_task),
        # Read before the merge: the result is computed when read.
        "autoMergeQueryResult": authed.post(MERGE + "autoMergeQueryResult", match_task),
    }
    groups = {"groups": [{"orderIds": [first]}, {"orderIds": [first, second]}]}
    submitted = authed.post(MERGE + "submitMergeOrderBatchV3", groups)
    submit_task = {"taskId": submitted.data["taskId"]}
    answers["submitMergeOrderBatchV3"] = submitted
    answers["submitProgress"] = authed.post(MERGE + "submitProgress", submit_task)
    answers["submitResult"] = authed.post(MERGE + "submitResult", submit_task)

    problems = {
        name: answer_problems(document, "POST", MERGE + name, answer.body)
        for name, answer in answers.items()
    }
    assert problems == dict.fromkeys(answers, [])
    assert answers["autoMergeQueryResult"].data["groups"][0]["mergeable"] is True
    results = answers["submitResult"].data["results"]
    assert [(r["success"], r.get("code"), "mergeId" in r) for r in results] == [
        (False, 11003, False),
        (True, None, True),
    ]
