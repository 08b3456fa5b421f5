"""Issue 13's end-to-end journey on one delivered order (red × 1, blue × 3): the merchant works
through the developer API (disputes/*, getOrderDetail), the operator and the warehouse through
the real services. Three disputes: a refund for the red line, a resend of one blue unit shipped
with the Sandbox carrier, a return of one blue unit to the CN warehouse, inspected, restocked
into the merchant's private stock and refunded. The money must add up exactly."""

import json
from decimal import Decimal

import pytest
from django.db.models import Sum

from dropyard.accounts.tests.factories import make_operator
from dropyard.aftersales import outcomes, returns, returns_inspect, services
from dropyard.aftersales.choices import DisputeOutcome, ReturnStatus
from dropyard.aftersales.exceptions import ReturnRefused
from dropyard.aftersales.models import Dispute, ReturnAuthorization
from dropyard.aftersales.returns_inspect import InspectResult
from dropyard.aftersales.tests.factories import delivered_order, make_shop, ship
from dropyard.aftersales.tests.test_api_disputes import (
    CONFIRM,
    CREATE,
    DETAIL,
    LIST,
    ORDER_DETAIL,
    PRODUCTS,
    _claim,
    _client,
    _create_body,
    _lines,
    _order_callback,
)
from dropyard.core.testing.openapi import answer_problems, openapi_document
from dropyard.demo.carrier import load_sandbox_carrier
from dropyard.inventory import services as inventory_services
from dropyard.inventory.models import Stock
from dropyard.logistics.carriers import SANDBOX_CODE, sandbox_number_valid
from dropyard.orders.choices import OrderStatus, OrderType
from dropyard.orders.models import Order, Parcel
from dropyard.wallet.choices import InvoiceKind
from dropyard.wallet.ledger import ledger_integrity_check, trial_balance_totals
from dropyard.wallet.models import Invoice, Payment
from dropyard.wallet.tests.payment_helpers import available
from dropyard.webhooks.models import WebhookMessage

pytestmark = pytest.mark.django_db


def _minor(wire: str) -> int:
    return int(Decimal(wire) * 100)


def _open(cj, order, number, line, *, expect):
    """disputeConfirmInfo then create for one unit of ``line``; the new dispute's id is read
    back with getDisputeList (create answers only true). Returns (confirm answer, id)."""
    confirm = cj.post(
        CONFIRM, {"orderId": order.public_id, "productInfoList": [_claim(line, 1)]}
    ).ok()
    assert str(expect) in confirm["expectResultOptionList"]
    body = _create_body(order, number, claims=[_claim(line, 1)], expectType=expect)
    assert cj.post(CREATE, body).ok() is True
    found = cj.get(LIST, {"orderId": order.public_id}).ok()["list"]
    [item] = [d for d in found if d["businessDisputeId"] == number]
    asked = "0.00" if expect == 2 else confirm["maxAmount"]  # a resend asks for no money
    assert (item["status"], item["money"]) == ("AWAITING_RESPONSE", asked)
    return confirm, item["id"]


def _private_blue(shop) -> int:
    row = Stock.objects.filter(
        variant=shop.world.blue, warehouse=shop.world.cn, merchant=shop.merchant
    ).first()
    return row.on_hand if row else 0


def test_api_dispute_journey():
    shop = make_shop()
    cj = _client(shop.merchant, shop.owner)
    world = shop.world
    inventory_services.warehouse_update(warehouse=world.cn, actor=None, accepts_returns=True)
    load_sandbox_carrier()
    order = delivered_order(shop, (world.red, 1), (world.blue, 3))
    red, blue = _lines(order)
    _order_callback(shop)
    support = make_operator(role="support")
    warehouse = make_operator(role="warehouse")
    payment = Payment.objects.get(order=order)

    products = cj.get(PRODUCTS, {"orderId": order.public_id}).ok()["productInfoList"]
    assert [(p["lineItemId"], p["canChoose"], p["quantity"]) for p in products] == [
        (red.line_item_id, True, 1),
        (blue.line_item_id, True, 3),
    ]

    # 1. Refund for the red line (1 of 2 lines), granted after review: exactly the cap.
    confirm, refund_id = _open(cj, order, "BD-REFUND", red, expect=1)
    cap = _minor(confirm["maxAmount"])
    dispute = Dispute.objects.get(public_id=refund_id)
    services.dispute_start_review(dispute=dispute, actor=support)
    before = available(shop.merchant)
    outcomes.dispute_resolve(dispute=dispute, actor=support, outcome=DisputeOutcome.REFUNDED)

    assert available(shop.merchant) - before == cap
    [note] = Invoice.objects.filter(merchant=shop.merchant, kind=InvoiceKind.CREDIT_NOTE)
    assert note.total_minor == cap
    detail = cj.get(DETAIL, {"disputeId": refund_id}).ok()
    assert (detail["status"], detail["finallyDeal"], detail["refundAmount"]) == (
        "RESOLVED",
        1,
        confirm["maxAmount"],
    )
    assert detail["returnInfo"] is None

    # 2. Resend of one blue unit: a free order, shipped with the Sandbox carrier.
    _, resend_id = _open(cj, order, "BD-RESEND", blue, expect=2)
    before = available(shop.merchant)
    outcomes.dispute_resolve(
        dispute=Dispute.objects.get(public_id=resend_id),
        actor=support,
        outcome=DisputeOutcome.RESENT,
    )

    assert available(shop.merchant) == before
    detail = cj.get(DETAIL, {"disputeId": resend_id}).ok()
    resend = Order.objects.get(public_id=detail["resendOrderId"])
    assert (detail["status"], detail["finallyDeal"], detail["resendOrderCode"]) == (
        "RESOLVED",
        2,
        resend.code,
    )
    assert (resend.order_type, resend.original_order_id, resend.total_amount_minor) == (
        OrderType.RESEND,
        order.pk,
        0,
    )
    assert [(x.variant_id, x.quantity) for x in resend.lines.all()] == [(world.blue.pk, 1)]
    sandbox_carrier = world.cn.carriers.get(code=SANDBOX_CODE)
    assert ship(resend, worker=warehouse, carrier=sandbox_carrier).status == OrderStatus.SHIPPED
    [parcel] = Parcel.objects.filter(orders=resend)
    assert parcel.carrier.code == SANDBOX_CODE
    assert parcel.tracking_number.startswith("SBX")
    assert sandbox_number_valid(parcel.tracking_number)

    # 3. Return of one blue unit: not to a US warehouse, to the CN one; received, inspected,
    # restocked into the merchant's private stock, refunded after receipt.
    confirm, return_id = _open(cj, order, "BD-RETURN", blue, expect=3)
    return_cap = _minor(confirm["maxAmount"])
    dispute = Dispute.objects.get(public_id=return_id)
    with pytest.raises(ReturnRefused) as refused:
        outcomes.dispute_resolve(
            dispute=dispute,
            actor=support,
            outcome=DisputeOutcome.RETURN_ACCEPTED,
            warehouse=world.us,
        )
    assert refused.value.message == f"warehouse {world.us.code} (US) does not accept returns"
    assert cj.get(DETAIL, {"disputeId": return_id}).ok()["status"] == "AWAITING_RESPONSE"
    assert not ReturnAuthorization.objects.exists()

    outcomes.dispute_resolve(
        dispute=dispute,
        actor=support,
        outcome=DisputeOutcome.RETURN_ACCEPTED,
        warehouse=world.cn.code,
    )
    rma = ReturnAuthorization.objects.get(dispute=dispute)
    info = cj.get(DETAIL, {"disputeId": return_id}).ok()["returnInfo"]
    assert (info["code"], info["status"], info["warehouseCode"], info["warehouseCountry"]) == (
        rma.code,
        "AUTHORIZED",
        world.cn.code,
        "CN",
    )
    assert (info["trackingNumber"], info["refundAmount"]) == (None, "0.00")

    returns.return_ship(
        merchant=shop.merchant, rma=rma, actor=shop.owner, carrier="UPS", tracking_number="1Z42"
    )
    returns.return_receive(rma=rma, actor=warehouse)
    stock_before, before = _private_blue(shop), available(shop.merchant)
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.RECEIVED
    assert returns_inspect.refund_limit(rma, dispute) == return_cap
    returns_inspect.return_inspect(
        rma=rma,
        actor=support,
        results=[InspectResult(line_id=rma.lines.get().pk, restock_private=1)],
        refund_amount_minor=return_cap,
    )

    assert _private_blue(shop) - stock_before == 1
    assert available(shop.merchant) - before == return_cap
    detail = cj.get(DETAIL, {"disputeId": return_id}).ok()
    assert (detail["status"], detail["finallyDeal"], detail["refundAmount"]) == (
        "RESOLVED",
        4,
        confirm["maxAmount"],
    )
    info = detail["returnInfo"]
    assert (info["status"], info["warehouseCode"], info["carrier"], info["trackingNumber"]) == (
        "CLOSED",
        world.cn.code,
        "UPS",
        "1Z42",
    )
    assert info["refundAmount"] == confirm["maxAmount"]
    answer = cj.get(DETAIL, {"disputeId": return_id})
    assert answer_problems(openapi_document(), "GET", DETAIL, answer.body) == []

    # The order: three disputes; of blue, one unit was resent, one returned, one is left.
    order_detail = cj.get(ORDER_DETAIL, {"orderId": order.public_id}).ok()
    assert order_detail["disputeIds"] == [return_id, resend_id, refund_id]
    left = cj.get(PRODUCTS, {"orderId": order.public_id}).ok()["productInfoList"]
    assert [p["quantity"] for p in left] == [0, 1]

    # The money: two refunds, exactly the caps, within what was paid; the books balance.
    refunded = payment.refunds.aggregate(total=Sum("amount_minor"))["total"]
    assert refunded == cap + return_cap <= payment.net_minor
    assert sorted(
        Invoice.objects.filter(merchant=shop.merchant, kind=InvoiceKind.CREDIT_NOTE).values_list(
            "total_minor", flat=True
        )
    ) == sorted([cap, return_cap])
    assert ledger_integrity_check() == []
    assert set(trial_balance_totals().values()) <= {0}

    # The webhook: one INSERT per dispute, one UPDATE per status change.
    bodies = [
        json.loads(m.body)
        for m in WebhookMessage.objects.filter(type="DISPUTE", topic="order").order_by("pk")
    ]
    assert [
        (b["params"]["businessDisputeId"], b["messageType"], b["params"]["status"])
        + (b["params"]["finallyDeal"],)
        for b in bodies
    ] == [
        ("BD-REFUND", "INSERT", "AWAITING_RESPONSE", None),
        ("BD-REFUND", "UPDATE", "UNDER_REVIEW", None),
        ("BD-REFUND", "UPDATE", "RESOLVED", 1),
        ("BD-RESEND", "INSERT", "AWAITING_RESPONSE", None),
        ("BD-RESEND", "UPDATE", "RESOLVED", 2),
        ("BD-RETURN", "INSERT", "AWAITING_RESPONSE", None),
        ("BD-RETURN", "UPDATE", "RESOLVED", 4),
    ]
    assert bodies[4]["params"]["resendOrderId"] == resend.public_id
