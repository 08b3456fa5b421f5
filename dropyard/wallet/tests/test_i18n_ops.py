"""The finance back office in Simplified Chinese for a finance operator who chose it, English
for the others; the wallet's refusals in the merchant's language, the API's in English."""
# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_operator
from dropyard.orders.tests.api_fixtures import authed  # noqa: F401
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet.choices import MakeupStatus, MakeupType
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(db):
    return make_operator(role="finance")


def _chinese(user):
    return account_services.user_language_set(user=user, language="zh-hans")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("wallet_ops:home", ["待审核电汇", "电汇审核", "所有科目；合计必须为零"]),
        ("wallet_ops:refund_list", ["打开退款表单", "全部去向", "暂无退款。"]),
        ("wallet_ops:trial_balance", ["试算平衡", "运行完整性检查"]),
        ("wallet_ops:integrity_check", ["账本完整性检查", "未发现问题：账本平衡。"]),
        ("wallet_ops:makeup_create", ["新建补款账单", "商户账号", "关联订单（选填）", "核对…"]),
    ],
)
def test_finance_pages_are_in_chinese_for_a_chinese_speaking_finance_operator(
    client, finance, name, words
):
    client.force_login(_chinese(finance))

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert [w for w in words if w not in html] == []


def test_finance_home_stays_english_for_an_english_finance_operator(client, finance):
    client.force_login(finance)

    response = client.get(reverse("wallet_ops:home"))

    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert "Wire transfers to decide" in html
    assert "Wire approvals" in html
    assert "电汇" not in html


def test_makeup_form_errors_are_in_chinese(client, finance):
    client.force_login(_chinese(finance))

    response = client.post(
        reverse("wallet_ops:makeup_create"),
        {"merchant": "DY00000000", "amount": "5.00", "type": "product", "reason": "差价"},
    )

    assert "没有使用此账号的商户。" in response.content.decode()


def _bill_over_balance(merchant, owner):
    """A 15.00 USD bill of ``merchant``, whose wallet holds 10.00."""
    fund(merchant, owner, 1_000)
    return wallet_bills.makeup_create(
        merchant=merchant, amount_minor=1_500, reason="weight difference", type=MakeupType.FREIGHT
    )


def test_a_chinese_speaking_merchant_short_of_balance_is_refused_in_chinese(
    client, merchant, owner
):
    bill = _bill_over_balance(merchant, owner)
    client.force_login(_chinese(owner))

    response = client.post(reverse("wallet:makeup_pay"), {"codes": [bill.code]}, follow=True)

    html = response.content.decode()
    assert "余额不足：需要 15.00 USD，可用 10.00" in html
    assert "Insufficient balance" not in html
    bill.refresh_from_db()
    assert bill.status == MakeupStatus.UNPAID


def test_the_same_refusal_over_the_api_stays_english(client, authed, merchant, owner):
    bill = _bill_over_balance(merchant, owner)
    client.force_login(_chinese(owner))  # the API's client carries a Chinese-speaking session
    created = authed.post("shopping/makeup/createPayOrder", {"orderCodes": [bill.code]}).ok()

    message = authed.post(
        "shopping/pay/payBalanceV2",
        {"shipmentOrderId": created["payOrderCode"], "payId": created["payId"], "orderType": 24},
    ).error(1604000)

    assert message == "Insufficient balance: 15.00 USD needed, 10.00 available"
