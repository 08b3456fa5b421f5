"""shopping/pay/payBalance, shopping/pay/payBalanceV2 and createOrderV2 payType 2: paying orders
from the wallet through the full stack."""
# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.core.models import IdempotencyRecord
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.api_fixtures import authed, other_cj, world  # noqa: F401
from dropyard.wallet.models import LedgerTransaction, Payment
from dropyard.wallet.tests.payment_helpers import available, confirmed, fund

pytestmark = pytest.mark.django_db

PAY = "shopping/pay/payBalance"
PAY_V2 = "shopping/pay/payBalanceV2"
CREATE = "shopping/order/createOrderV2"
PAY_FIELDS = {
    "paid",
    "orderAmount",
    "discountAmount",
    "payAmount",
    "currency",
    "balance",
    "transactionId",
}


def order_body(world, number="W-1", **overrides):
    data = {
        "orderNumber": number,
        "shippingCountryCode": "US",
        "shippingCountry": "United States",
        "shippingProvince": "CA",
        "shippingCity": "Los Angeles",
        "shippingZip": "90001",
        "shippingAddress": "1 Main Street",
        "shippingCustomerName": "Jane Doe",
        "shippingPhone": "+1 213 555 0100",
        "logisticName": "CJPacket",
        "fromCountryCode": "CN",
        "products": [{"vid": world.red.public_id, "quantity": 1}],
    }
    data.update(overrides)
    return data


# --- payBalance -----------------------------------------------------------------------------------


def test_pay_balance_pays_one_order_with_the_discount(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)

    data = authed.post(PAY, {"orderId": order.public_id}).ok()

    assert set(data) == PAY_FIELDS | {"orderId"}
    assert data["orderId"] == order.public_id
    assert (data["paid"], data["orderAmount"], data["discountAmount"], data["payAmount"]) == (
        True,
        "15.00",
        "0.30",
        "14.70",
    )
    assert (data["balance"], data["currency"]) == ("85.30", "USD")
    assert data["transactionId"] == Payment.objects.get().transaction.public_id
    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED


def test_pay_balance_confirms_a_created_order_first(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    order_id = authed.post(CREATE, order_body(world, payType=3)).ok()["orderId"]

    data = authed.post(PAY, {"orderId": order_id}).ok()

    assert data["payAmount"] == "14.70"
    assert Order.objects.get(public_id=order_id).status == OrderStatus.UNSHIPPED


def test_insufficient_balance_is_1604000_and_nothing_changes(authed, merchant, owner, world):
    fund(merchant, owner, 1469)
    order_id = authed.post(CREATE, order_body(world, payType=3)).ok()["orderId"]
    transactions = LedgerTransaction.objects.count()

    message = authed.post(PAY, {"orderId": order_id}).error(1604000)

    assert message == "Insufficient balance: 14.70 USD needed, 14.69 available"
    assert Order.objects.get(public_id=order_id).status == OrderStatus.CREATED
    assert available(merchant) == 1469
    assert LedgerTransaction.objects.count() == transactions


def test_replay_with_the_same_key_answers_the_same_and_debits_once(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    headers = {"Idempotency-Key": "pay-once"}

    first = authed.post(PAY, {"orderId": order.public_id}, headers=headers).ok()
    again = authed.post(PAY, {"orderId": order.public_id}, headers=headers).ok()

    assert again == first
    assert available(merchant) == 10_000 - 1470
    assert LedgerTransaction.objects.filter(kind="order_payment").count() == 1
    assert IdempotencyRecord.objects.filter(key="pay-once").count() == 1


def test_paying_again_without_a_key_charges_nothing(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    authed.post(PAY, {"orderId": order.public_id}).ok()

    again = authed.post(PAY, {"orderId": order.public_id}).ok()

    assert (again["paid"], again["payAmount"], again["balance"]) == (False, "0.00", "85.30")


def test_same_key_with_another_body_is_refused(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    _, [one, two] = confirmed(merchant, owner, world, 1, 1)
    headers = {"Idempotency-Key": "k"}
    authed.post(PAY, {"orderId": one.public_id}, headers=headers).ok()

    authed.post(PAY, {"orderId": two.public_id}, headers=headers).error(1600300)

    two.refresh_from_db()
    assert two.status == OrderStatus.UNPAID


def test_another_merchants_order_is_1603100(authed, other_cj, merchant, owner, world):
    _, [order] = confirmed(merchant, owner, world, 1)

    other_cj.post(PAY, {"orderId": order.public_id}).error(1603100)

    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID


@pytest.mark.parametrize("body", [{}, {"orderId": ""}, {"orderId": "  "}])
def test_missing_order_id_is_1600300(authed, body):
    assert "orderId" in authed.post(PAY, body).error(1600300)


def test_deleted_order_is_not_found(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    order_id = authed.post(CREATE, order_body(world, payType=3)).ok()["orderId"]
    authed.delete("shopping/order/deleteOrder", {"orderId": order_id})

    authed.post(PAY, {"orderId": order_id}).error(1603100)

    assert available(merchant) == 10_000


# --- payBalanceV2 ---------------------------------------------------------------------------------


def test_pay_balance_v2_pays_the_cart_flow_parent(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)
    ids = [
        authed.post(CREATE, order_body(world, f"B-{n}", payType=3)).ok()["orderId"] for n in (1, 2)
    ]
    authed.post("shopping/order/addCart", {"cjOrderIdList": ids}).ok()
    shipments = authed.post("shopping/order/addCartConfirm", {"cjOrderIdList": ids}).ok()
    shipment_id = shipments["shipmentsId"]
    pay_id = authed.post(
        "shopping/order/saveGenerateParentOrder", {"shipmentOrderId": shipment_id}
    ).ok()["payId"]

    data = authed.post(PAY_V2, {"shipmentOrderId": shipment_id, "payId": pay_id}).ok()

    assert set(data) == PAY_FIELDS | {"shipmentOrderId", "payId", "orderIds"}
    assert (data["shipmentOrderId"], data["payId"]) == (shipment_id, pay_id)
    assert sorted(data["orderIds"]) == sorted(ids)
    assert (data["orderAmount"], data["discountAmount"], data["payAmount"]) == (
        "30.00",
        "0.60",
        "29.40",
    )
    statuses = set(Order.objects.filter(public_id__in=ids).values_list("status", flat=True))
    assert statuses == {OrderStatus.UNSHIPPED}
    again = authed.post(PAY_V2, {"shipmentOrderId": shipment_id, "payId": pay_id}).ok()
    assert (again["paid"], again["balance"]) == (False, "70.60")


def test_pay_balance_v2_wrong_pay_id_or_foreign_parent_is_1603100(
    authed, other_cj, merchant, owner, world
):
    fund(merchant, owner, 10_000)
    parent, _ = confirmed(merchant, owner, world, 1)

    authed.post(PAY_V2, {"shipmentOrderId": parent.shipments_id, "payId": "1"}).error(1603100)
    other_cj.post(PAY_V2, {"shipmentOrderId": parent.shipments_id, "payId": parent.pay_id}).error(
        1603100
    )

    assert available(merchant) == 10_000


def test_pay_balance_v2_insufficient_balance(authed, merchant, owner, world):
    parent, [order] = confirmed(merchant, owner, world, 1)

    authed.post(PAY_V2, {"shipmentOrderId": parent.shipments_id, "payId": parent.pay_id}).error(
        1604000
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"payId": "1"},
        {"shipmentOrderId": "x", "orderType": 7},
        {"shipmentOrderId": "x", "orderType": 1},
    ],
)
def test_pay_balance_v2_bad_input_is_1600300(authed, body):
    authed.post(PAY_V2, body).error(1600300)


def test_pay_balance_v2_order_type_9_unknown_purchase_order_is_1603100(authed):
    # orderType 9 pays a private inventory purchase order (checkout.purchases).
    authed.post(PAY_V2, {"shipmentOrderId": "x", "orderType": 9}).error(1603100)


# --- createOrderV2 payType 2 ----------------------------------------------------------------------


def test_pay_type_2_pays_from_the_wallet(authed, merchant, owner, world):
    fund(merchant, owner, 10_000)

    data = authed.post(CREATE, order_body(world, payType=2)).ok()

    assert data["orderStatus"] == "UNSHIPPED"
    assert (data["orderAmount"], data["totalDiscountAmount"], data["actualPayment"]) == (
        "15.00",
        "0.30",
        "14.70",
    )
    assert data["shipmentOrderId"]
    assert available(merchant) == 10_000 - 1470


def test_pay_type_2_without_balance_is_1604000_and_the_order_waits_unpaid(authed, merchant, world):
    headers = {"Idempotency-Key": "create-1"}

    message = authed.post(CREATE, order_body(world, payType=2), headers=headers).error(1604000)
    replayed = authed.post(CREATE, order_body(world, payType=2), headers=headers).error(1604000)

    order = Order.objects.select_related("parent").get(merchant=merchant)
    assert order.status == OrderStatus.UNPAID
    assert message == replayed
    assert message == (
        f"orderId {order.public_id}: Insufficient balance: 14.70 USD needed, 0.00 available; "
        f"order confirmed, awaiting payment (shipmentOrderId {order.parent.shipments_id}, "
        f"payId {order.parent.pay_id})"
    )
    assert Order.objects.count() == 1


def test_pay_type_2_order_can_be_paid_after_a_top_up(authed, merchant, owner, world):
    authed.post(CREATE, order_body(world, payType=2)).error(1604000)
    order = Order.objects.select_related("parent").get(merchant=merchant)
    fund(merchant, owner, 2000)

    data = authed.post(
        PAY_V2, {"shipmentOrderId": order.parent.shipments_id, "payId": order.parent.pay_id}
    ).ok()

    assert data["payAmount"] == "14.70"
    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED
