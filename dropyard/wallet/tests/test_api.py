"""shopping/pay/getBalance and shopping/makeup/* through the full stack (paying orders from the
wallet, ``payBalance`` / ``payBalanceV2``, is the checkout's: ``checkout/tests/test_api.py``)."""
# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.orders.tests.api_fixtures import authed, other_cj, world  # noqa: F401
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet.choices import MakeupStatus, MakeupType
from dropyard.wallet.models import Makeup
from dropyard.wallet.tests.payment_helpers import available, fund

pytestmark = pytest.mark.django_db

BALANCE = "shopping/pay/getBalance"
PAY_V2 = "shopping/pay/payBalanceV2"
MAKEUP_LIST = "shopping/makeup/list"
PAY_ORDER = "shopping/makeup/createPayOrder"


# --- getBalance ---------------------------------------------------------------------------------


def test_balance_fields_are_decimal_strings(authed, merchant, owner):
    fund(merchant, owner, 123_456)

    data = authed.get(BALANCE).ok()

    assert data == {
        "amount": "1234.56",
        "freezeAmount": "0.00",
        "noWithdrawalAmount": "1234.56",
    }


def test_balance_of_a_new_merchant_is_zero(authed):
    assert authed.get(BALANCE).ok()["amount"] == "0.00"


def test_balance_needs_a_token(cj):
    cj.get(BALANCE, token=None).error(1600002)


# --- makeup -------------------------------------------------------------------------------------


def _bill(merchant, amount=250, type=MakeupType.FREIGHT):
    return wallet_bills.makeup_create(
        merchant=merchant, amount_minor=amount, reason="weight difference", type=type
    )


def test_makeup_list_pages_the_merchants_bills(authed, merchant, other_merchant):
    bills = [_bill(merchant, 100 + n) for n in range(3)]
    _bill(other_merchant)

    page = authed.post(MAKEUP_LIST, {"page": 1, "size": 2}).ok()
    last = authed.post(MAKEUP_LIST, {"page": 2, "size": 2}).ok()

    assert (page["pageNumber"], page["pageSize"], page["totalRecords"], page["totalPages"]) == (
        1,
        2,
        3,
        2,
    )
    assert [b["orderId"] for b in page["content"] + last["content"]] == [
        b.code for b in reversed(bills)
    ]
    assert set(page["content"][0]) == {
        "orderId",
        "relationOrderId",
        "payOrderId",
        "amount",
        "reason",
        "type",
        "diffUseType",
        "status",
        "createDate",
        "paymentDate",
    }
    assert page["content"][0]["amount"] == "1.02"


def test_makeup_list_filters_and_validates(authed, merchant):
    _bill(merchant, type=MakeupType.PRODUCT)

    assert authed.post(MAKEUP_LIST, {"type": "freight"}).ok()["totalRecords"] == 0
    assert authed.post(MAKEUP_LIST, {"status": "UNPAID"}).ok()["totalRecords"] == 1
    assert authed.post(MAKEUP_LIST, {"page": 9}).ok()["content"] == []
    authed.post(MAKEUP_LIST, {"page": 0}).error(1600300)
    authed.post(MAKEUP_LIST, {"size": 101}).error(1600300)
    authed.post(MAKEUP_LIST, {"type": "tax"}).error(1600300)


def test_makeup_pay_order_then_pay_balance_v2_order_type_24(authed, merchant, owner):
    fund(merchant, owner, 1000)
    one, two = _bill(merchant, 250), _bill(merchant, 300, MakeupType.PRODUCT)

    created = authed.post(PAY_ORDER, {"orderCodes": [one.code, two.code]}).ok()
    paid = authed.post(
        PAY_V2,
        {"shipmentOrderId": created["payOrderCode"], "payId": created["payId"], "orderType": 24},
        headers={"Idempotency-Key": "makeup-1"},
    ).ok()
    replay = authed.post(
        PAY_V2,
        {"shipmentOrderId": created["payOrderCode"], "payId": created["payId"], "orderType": 24},
        headers={"Idempotency-Key": "makeup-1"},
    ).ok()

    assert created["amount"] == "5.50"
    assert created["orderCodes"] == [one.code, two.code]
    assert (paid["payAmount"], paid["balance"], sorted(paid["orderIds"])) == (
        "5.50",
        "4.50",
        sorted([one.code, two.code]),
    )
    assert replay == paid
    assert available(merchant) == 450
    assert set(Makeup.objects.values_list("status", flat=True)) == {MakeupStatus.PAID}


def test_makeup_pay_order_refuses_foreign_and_empty_codes(authed, other_merchant):
    theirs = _bill(other_merchant)

    authed.post(PAY_ORDER, {"orderCodes": [theirs.code]}).error(1603100)
    authed.post(PAY_ORDER, {"orderCodes": []}).error(1600300)
    authed.post(PAY_ORDER, {"orderCodes": "BT1"}).error(1600300)
    theirs.refresh_from_db()
    assert theirs.pay_order_code == ""


def test_makeup_insufficient_balance_is_1604000(authed, merchant):
    bill = _bill(merchant, 250)
    created = authed.post(PAY_ORDER, {"orderCodes": [bill.code]}).ok()

    authed.post(
        PAY_V2,
        {"shipmentOrderId": created["payOrderCode"], "payId": created["payId"], "orderType": 24},
    ).error(1604000)

    bill.refresh_from_db()
    assert bill.status == MakeupStatus.UNPAID
