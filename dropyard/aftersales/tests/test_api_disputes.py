"""disputes/* through the full stack (contract §2.6), the dispute id on getOrderDetail, and the
DISPUTE webhook message."""

import json

import pytest
from django.test import Client

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.aftersales import outcomes, services
from dropyard.aftersales.choices import DisputeOutcome, DisputeStatus
from dropyard.aftersales.models import Dispute, DisputeEvidence
from dropyard.aftersales.tests.factories import delivered_order, make_shop, paid_order
from dropyard.core.testing.cj_client import CJClient
from dropyard.core.testing.openapi import answer_problems, openapi_document, undocumented_operations
from dropyard.orders import services as order_services
from dropyard.orders.tests.factories import order_item
from dropyard.wallet.choices import InvoiceKind
from dropyard.wallet.models import Invoice, Payment
from dropyard.wallet.tests.payment_helpers import available
from dropyard.webhooks.models import WebhookMessage
from dropyard.webhooks.services import CallbackSetting, webhook_set

pytestmark = pytest.mark.django_db

PRODUCTS = "disputes/disputeProducts"
CONFIRM = "disputes/disputeConfirmInfo"
CREATE = "disputes/create"
CANCEL = "disputes/cancel"
LIST = "disputes/getDisputeList"
DETAIL = "disputes/getDisputeDetail"
ORDER_DETAIL = "shopping/order/getOrderDetail"
DELIVER_TASK = "dropyard.webhooks.tasks.webhook_deliver"


def _client(merchant, owner) -> CJClient:
    _, key = account_services.apikey_create(merchant=merchant, actor=owner, name="ERP")
    cj = CJClient(Client())
    cj.get_access_token(key).ok()
    return cj


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def cj(shop):
    return _client(shop.merchant, shop.owner)


@pytest.fixture
def stranger(db):
    other = make_merchant(business_name="Stranger Shop")
    return _client(other, other.owner)


def _lines(order):
    return list(order.lines.order_by("pk"))


def _claim(line, quantity, price="10.00"):
    return {"lineItemId": line.line_item_id, "quantity": quantity, "price": price}


def _create_body(order, number="BD-1", claims=None, **overrides):
    body = {
        "businessDisputeId": number,
        "orderId": order.public_id,
        "disputeReasonId": 3,
        "expectType": 1,
        "refundType": 1,
        "messageText": "Arrived broken",
        "imageUrl": ["https://example.com/broken.jpg"],
        "videoUrl": [],
        "productInfoList": claims or [_claim(_lines(order)[0], 1)],
    }
    body.update(overrides)
    return body


# --- The after-sales journey (issue 13, Done-when, as far as the API goes) -----------------------


def test_delivered_order_refund_for_one_line_through_the_api(shop, cj):
    order = delivered_order(shop)
    red, blue = _lines(order)
    payment = Payment.objects.get(order=order)
    freight_share = payment.freight_minor * 1000 // 5000  # red: 10.00 of 50.00 products
    cap = 1000 + freight_share
    cap_wire = f"{cap // 100}.{cap % 100:02d}"

    products = cj.get(PRODUCTS, {"orderId": order.public_id}).ok()

    assert products["orderId"] == order.public_id
    assert products["orderNumber"] == order.order_number
    assert [
        (p["lineItemId"], p["canChoose"], p["quantity"], p["price"], p["sku"])
        for p in products["productInfoList"]
    ] == [
        (red.line_item_id, True, 1, "10.00", red.variant.sku),
        (blue.line_item_id, True, 2, "20.00", blue.variant.sku),
    ]
    assert set(products["productInfoList"][0]) == {
        "lineItemId",
        "cjProductId",
        "cjVariantId",
        "canChoose",
        "price",
        "quantity",
        "cjProductName",
        "cjImage",
        "sku",
        "supplierName",
    }
    assert products["productInfoList"][0]["cjVariantId"] == red.variant.public_id

    confirm = cj.post(
        CONFIRM, {"orderId": order.public_id, "productInfoList": [_claim(red, 1)]}
    ).ok()

    assert confirm["expectResultOptionList"] == ["1", "2", "3"]
    assert confirm["maxProductPrice"] == "10.00"
    assert confirm["maxPostage"] == f"{freight_share // 100}.{freight_share % 100:02d}"
    assert confirm["maxAmount"] == cap_wire
    assert (confirm["maxIossTaxAmount"], confirm["maxIossHandTaxAmount"]) == ("0.00", "0.00")
    assert [(p["lineItemId"], p["quantity"]) for p in confirm["productInfoList"]] == [
        (red.line_item_id, 1)
    ]
    reasons = {r["disputeReasonId"]: r["reasonName"] for r in confirm["disputeReasonList"]}
    assert reasons[3] == "Product damaged"

    assert cj.post(CREATE, _create_body(order, claims=[_claim(red, 1)])).ok() is True
    assert cj.post(CREATE, _create_body(order, claims=[_claim(red, 1)])).ok() is True  # replay

    dispute = Dispute.objects.get()
    assert (dispute.source, dispute.business_dispute_id) == ("api", "BD-1")
    assert dispute.requested_amount_minor == cap
    assert list(DisputeEvidence.objects.values_list("kind", "url")) == [
        ("image", "https://example.com/broken.jpg")
    ]
    page = cj.get(LIST, {"orderId": order.public_id}).ok()
    assert (page["pageNum"], page["pageSize"], page["total"]) == (1, 10, 1)
    item = page["list"][0]
    assert item["id"] == dispute.public_id
    assert (item["status"], item["finallyDeal"], item["money"]) == (
        "AWAITING_RESPONSE",
        None,
        cap_wire,
    )
    assert (item["disputeReason"], item["resendOrderCode"]) == ("Product damaged", None)
    assert [(p["lineItemId"], p["quantity"]) for p in item["productList"]] == [
        (red.line_item_id, 1)
    ]
    order_detail = cj.get(ORDER_DETAIL, {"orderId": order.public_id}).ok()
    assert (order_detail["disputeId"], order_detail["disputeIds"]) == (
        dispute.public_id,
        [dispute.public_id],
    )

    before = available(shop.merchant)
    outcomes.dispute_resolve(
        dispute=dispute, actor=make_operator(role="support"), outcome=DisputeOutcome.REFUNDED
    )

    assert available(shop.merchant) - before == cap
    note = Invoice.objects.get(merchant=shop.merchant, kind=InvoiceKind.CREDIT_NOTE)
    assert note.total_minor == cap
    detail = cj.get(DETAIL, {"disputeId": dispute.public_id}).ok()
    assert (detail["status"], detail["finallyDeal"]) == ("RESOLVED", 1)
    assert (detail["money"], detail["refundAmount"]) == (cap_wire, cap_wire)
    assert detail["breakdown"] == {
        "maxProductPrice": "10.00",
        "maxPostage": confirm["maxPostage"],
        "maxIossTaxAmount": "0.00",
        "maxIossHandTaxAmount": "0.00",
        "maxAmount": cap_wire,
        "requested": cap_wire,
        "granted": cap_wire,
    }
    assert detail["imageUrl"] == ["https://example.com/broken.jpg"]
    assert detail["messages"][0]["side"] == "merchant"
    assert detail["messages"][0]["body"] == "Arrived broken"
    assert [(e["fromStatus"], e["toStatus"]) for e in detail["timeline"]] == [
        (None, "AWAITING_RESPONSE"),
        ("AWAITING_RESPONSE", "RESOLVED"),
    ]
    # The granted line is still claimed: nothing of red is left to dispute.
    again = cj.get(PRODUCTS, {"orderId": order.public_id}).ok()["productInfoList"]
    assert [(p["canChoose"], p["quantity"]) for p in again] == [(False, 0), (True, 2)]


def test_cancel_frees_the_lines_and_a_closed_dispute_cannot_be_cancelled(shop, cj):
    order = delivered_order(shop)
    blue = _lines(order)[1]
    cj.post(CREATE, _create_body(order, claims=[_claim(blue, 2)])).ok()
    dispute = Dispute.objects.get()

    assert cj.post(CANCEL, {"orderId": order.public_id, "disputeId": dispute.public_id}).ok()

    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.CANCELLED
    message = cj.post(CANCEL, {"disputeId": dispute.public_id}).error(1607009)
    assert "cannot become" in message
    products = cj.get(PRODUCTS, {"orderId": order.public_id}).ok()["productInfoList"]
    assert [p["quantity"] for p in products] == [1, 2]


def test_list_filters_and_pages(shop, cj):
    first = delivered_order(shop)
    second = delivered_order(shop)
    cj.post(CREATE, _create_body(first, "A")).ok()
    cj.post(CREATE, _create_body(second, "B")).ok()
    newest = Dispute.objects.get(business_dispute_id="B")

    everything = cj.get(LIST).ok()
    by_number = cj.get(LIST, {"orderNumber": second.order_number}).ok()
    by_id = cj.get(LIST, {"disputeId": newest.public_id}).ok()
    second_page = cj.get(LIST, {"pageNum": 2, "pageSize": 1}).ok()

    assert [d["businessDisputeId"] for d in everything["list"]] == ["B", "A"]
    assert [d["id"] for d in by_number["list"]] == [newest.public_id]
    assert [d["id"] for d in by_id["list"]] == [newest.public_id]
    assert (second_page["total"], [d["businessDisputeId"] for d in second_page["list"]]) == (
        2,
        ["A"],
    )
    assert cj.get(LIST, {"orderId": "999"}).ok()["total"] == 0


# --- Refusals: clear errors, nothing changed ------------------------------------------------------


def test_refusals_by_dispute_rules_carry_the_operation_codes(shop, cj):
    order = delivered_order(shop)
    red = _lines(order)[0]
    other = delivered_order(shop)

    assert "1 left to claim" in cj.post(
        CONFIRM, {"orderId": order.public_id, "productInfoList": [_claim(red, 2)]}
    ).error(1607007)
    cj.post(CREATE, _create_body(order, claims=[_claim(red, 2)])).error(1607008)
    cj.post(CREATE, _create_body(order, expectType=9)).error(1600300)
    cj.post(CREATE, _create_body(order)).ok()
    # The same businessDisputeId on another order is refused, not replayed.
    message = cj.post(CREATE, _create_body(other, claims=[_claim(_lines(other)[0], 1)])).error(
        1607008
    )
    assert "was used for another order" in message
    assert Dispute.objects.count() == 1


def test_an_unpaid_order_cannot_be_disputed(shop, cj):
    order = order_services.order_create(
        merchant=shop.merchant, actor=shop.owner, **order_item((shop.world.red, 1))
    )
    line = _lines(order)[0]

    products = cj.get(PRODUCTS, {"orderId": order.public_id}).ok()["productInfoList"]
    cj.post(CONFIRM, {"orderId": order.public_id, "productInfoList": [_claim(line, 1)]}).error(
        1607007
    )
    cj.post(CREATE, _create_body(order)).error(1607008)

    assert [(p["canChoose"], p["quantity"]) for p in products] == [(False, 1)]
    assert Dispute.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"messageText": "bro\u0000ken"}, "NUL"),
        ({"productInfoList": [{"lineItemId": "x", "quantity": 10**30}]}, "quantity"),
        ({"productInfoList": [{"lineItemId": "x", "quantity": "many"}]}, "quantity"),
        ({"productInfoList": "all"}, "productInfoList"),
        ({"productInfoList": [{"lineItemId": "nope", "quantity": 1}]}, "not a line of order"),
        ({"productInfoList": []}, "at least one"),
        ({"disputeReasonId": {"id": 3}}, "disputeReasonId"),
        ({"businessDisputeId": "  "}, "businessDisputeId is required"),
        ({"businessDisputeId": None}, "businessDisputeId"),
        ({"imageUrl": ["file:///etc/passwd"]}, "http(s) URLs"),
        ({"messageText": "x" * 2001}, "longer than 2000"),
    ],
)
def test_bad_create_bodies_are_parameter_errors(shop, cj, overrides, needle):
    order = paid_order(shop)

    message = cj.post(CREATE, _create_body(order, **overrides)).error(1600300)

    assert needle in message
    assert Dispute.objects.count() == 0


def test_malformed_and_missing_bodies(shop, cj):
    order = paid_order(shop)

    cj.post(CREATE, raw_body='{"orderId": "1",').error(16900205)
    cj.post(CREATE, raw_body=b"\xff\xfe").error(16900205)
    cj.post(CREATE, raw_body="[1, 2]").error(1600300)
    cj.post(CONFIRM).error(16900204)
    cj.post(CONFIRM, {"orderId": order.public_id}).error(1600300)
    cj.get(PRODUCTS).error(1600300)
    cj.get(DETAIL).error(1600300)
    cj.get(LIST, {"pageSize": 0}).error(1600300)
    cj.get(LIST, {"pageSize": 101}).error(1600300)
    cj.get(LIST, {"pageNum": 10**12}).error(1600300)
    assert Dispute.objects.count() == 0


def test_unknown_and_other_merchants_ids_answer_like_unknown(shop, cj, stranger):
    order = delivered_order(shop)
    cj.post(CREATE, _create_body(order)).ok()
    dispute = Dispute.objects.get()

    stranger.get(PRODUCTS, {"orderId": order.public_id}).error(1603100)
    stranger.post(
        CONFIRM, {"orderId": order.public_id, "productInfoList": [_claim(_lines(order)[0], 1)]}
    ).error(1603100)
    stranger.post(CREATE, _create_body(order, "X")).error(1603100)
    assert "not found" in stranger.get(DETAIL, {"disputeId": dispute.public_id}).error(1600300)
    stranger.post(CANCEL, {"disputeId": dispute.public_id}).error(1600300)
    assert stranger.get(LIST).ok()["total"] == 0
    cj.get(PRODUCTS, {"orderId": "424242"}).error(1603100)
    cj.get(DETAIL, {"disputeId": "424242"}).error(1600300)
    cj.get(DETAIL, {"disputeId": "abc\u00e9"}).error(1600300)
    # The dispute exists, but not on that order.
    other = delivered_order(shop)
    cj.post(CANCEL, {"orderId": other.public_id, "disputeId": dispute.public_id}).error(1600300)

    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE
    assert Dispute.objects.count() == 1


def test_a_read_only_key_may_read_and_confirm_but_not_create(shop):
    _, key = account_services.apikey_create(
        merchant=shop.merchant, actor=shop.owner, name="RO", scopes=["read"]
    )
    reader = CJClient(Client())
    reader.get_access_token(key).ok()
    order = delivered_order(shop)

    reader.post(
        CONFIRM, {"orderId": order.public_id, "productInfoList": [_claim(_lines(order)[0], 1)]}
    ).ok()
    message = reader.post(CREATE, _create_body(order)).error(1600001)

    assert "'orders' scope" in message
    assert Dispute.objects.count() == 0


# --- Webhook --------------------------------------------------------------------------------------


def _order_callback(shop):
    webhook_set(
        merchant=shop.merchant,
        actor=shop.owner,
        settings_by_topic=[
            CallbackSetting(topic="order", action="ENABLE", urls=("http://localhost:9/hook",))
        ],
    )


def test_opening_and_each_status_change_publish_one_dispute_message(
    shop, cj, tasks, django_capture_on_commit_callbacks
):
    order = delivered_order(shop)
    _order_callback(shop)
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cj.post(CREATE, _create_body(order)).ok()
    dispute = Dispute.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.dispute_start_review(dispute=dispute, actor=make_operator(role="support"))

    messages = list(WebhookMessage.objects.filter(type="DISPUTE").order_by("pk"))
    bodies = [json.loads(m.body) for m in messages]
    pairs = zip(messages, bodies, strict=True)
    assert [(m.topic, b["type"], b["messageType"]) for m, b in pairs] == [
        ("order", "DISPUTE", "INSERT"),
        ("order", "DISPUTE", "UPDATE"),
    ]
    params = bodies[1]["params"]
    assert params["disputeId"] == dispute.public_id
    assert params["businessDisputeId"] == "BD-1"
    assert (params["orderId"], params["orderNumber"]) == (order.public_id, order.order_number)
    assert (params["status"], params["finallyDeal"]) == ("UNDER_REVIEW", None)
    assert params["money"] == f"{dispute.requested_amount_minor / 100:.2f}"
    assert params["fields"] == ["status"]
    assert bodies[0]["params"]["status"] == "AWAITING_RESPONSE"
    delivered = [
        r.kwargs["delivery_id"] for r in tasks.results if r.task.module_path == DELIVER_TASK
    ]
    assert delivered == [m.deliveries.get().pk for m in messages]


def test_the_decision_is_published_with_the_outcome(shop, django_capture_on_commit_callbacks):
    order = delivered_order(shop)
    _order_callback(shop)
    dispute = services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=3,
        expect_type=1,
        message_text="Broken",
        lines=[services.ClaimLine(_lines(order)[0].line_item_id, 1)],
    )

    outcomes.dispute_resolve(
        dispute=dispute,
        actor=make_operator(role="support"),
        outcome=DisputeOutcome.REJECTED,
        note="No damage visible",
    )

    last = json.loads(WebhookMessage.objects.filter(type="DISPUTE").latest("pk").body)
    assert last["messageType"] == "UPDATE"
    assert (last["params"]["status"], last["params"]["finallyDeal"]) == ("RESOLVED", 3)
    assert last["params"]["fields"] == ["status", "finallyDeal"]


def test_no_order_callback_stores_no_message(shop, cj):
    order = delivered_order(shop)

    cj.post(CREATE, _create_body(order)).ok()

    assert WebhookMessage.objects.count() == 0


# --- The document ---------------------------------------------------------------------------------


def test_answers_match_the_openapi_document(shop, cj):
    order = delivered_order(shop)
    red = _lines(order)[0]
    cj.post(CREATE, _create_body(order, "DOC-1")).ok()
    dispute = Dispute.objects.get()
    outcomes.dispute_resolve(
        dispute=dispute, actor=make_operator(role="support"), outcome=DisputeOutcome.REFUNDED
    )
    claim = {"orderId": order.public_id, "productInfoList": [_claim(_lines(order)[1], 1)]}

    answers = {
        ("GET", PRODUCTS): cj.get(PRODUCTS, {"orderId": order.public_id}),
        ("POST", CONFIRM): cj.post(CONFIRM, claim),
        ("POST", CREATE): cj.post(CREATE, _create_body(order, "DOC-1", claims=[_claim(red, 1)])),
        ("GET", LIST): cj.get(LIST),
        ("GET", DETAIL): cj.get(DETAIL, {"disputeId": dispute.public_id}),
        ("GET", ORDER_DETAIL): cj.get(ORDER_DETAIL, {"orderId": order.public_id}),
    }
    cj.post(CREATE, _create_body(order, "DOC-2", claims=[_claim(_lines(order)[1], 1)])).ok()
    answers["POST", CANCEL] = cj.post(
        CANCEL, {"disputeId": Dispute.objects.get(business_dispute_id="DOC-2").public_id}
    )

    document = openapi_document()
    problems = {key: answer_problems(document, *key, r.body) for key, r in answers.items()}
    assert problems == dict.fromkeys(answers, [])
    assert undocumented_operations(document) == [
        op for op in undocumented_operations(document) if not op[1].startswith("disputes/")
    ]
