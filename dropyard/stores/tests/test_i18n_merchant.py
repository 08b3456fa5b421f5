"""A merchant's store and wallet pages in Simplified Chinese for a member who chose it
(``User.language``), English for everyone else.

The Chinese assertions need the zh-hans catalog to hold these pages' translations."""

import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.checkout.services import pay_from_wallet
from dropyard.orders import services as order_services
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.stores.tests.factories import make_store
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(merchant):
    return make_store(merchant=merchant, name="Tee Shop")


def _store_settings(store):
    return reverse("stores:detail", args=[store.public_id])


def _wallet(store):
    return reverse("wallet:home")


def _profit(store):
    return reverse("wallet:profit")


@pytest.mark.parametrize(
    ("page", "chinese", "english"),
    [
        (
            _store_settings,
            ("保存设置", "按目的地设置物流渠道", "库存与物流", "断开连接…", "连接状况"),
            "Save settings",
        ),
        (
            _wallet,
            ("可用余额", "全部充值记录", "近 30 天", "对账单", "交易记录"),
            "Available balance",
        ),
        (_profit, ("利润报表", "开始日期", "此期间暂无已支付的订单。"), "Profit report"),
    ],
)
def test_page_is_in_chinese_for_a_chinese_speaking_owner(
    client, owner, store, page, chinese, english
):
    client.force_login(account_services.user_language_set(user=owner, language="zh-hans"))

    response = client.get(page(store))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    for words in chinese:
        assert words in html, words
    assert english not in html


def test_store_and_wallet_pages_stay_english_without_a_language(client, owner, store):
    client.force_login(owner)

    detail = client.get(reverse("stores:detail", args=[store.public_id])).content.decode()
    wallet = client.get(reverse("wallet:home")).content.decode()

    assert ">Save settings</button>" in detail
    assert "Shipping lines by destination" in detail
    assert "Available balance" in wallet
    assert "保存设置" not in detail
    assert "可用余额" not in wallet


def test_chart_series_names_are_in_chinese_for_a_chinese_speaking_owner(client, merchant, owner):
    # The charts draw only with data: a top-up and one paid order.
    world = make_order_world()
    fund(merchant, owner, 10_000)
    order = order_services.order_create(
        merchant=merchant, actor=owner, shop_amount_minor=4_000, **order_item((world.red, 1))
    )
    order_services.cart_add(merchant=merchant, orders=[order], actor=owner)
    order_services.cart_confirm(merchant=merchant, orders=[order], actor=owner)
    pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    client.force_login(account_services.user_language_set(user=owner, language="zh-hans"))

    home = client.get(reverse("dashboard:home")).content.decode()
    wallet = client.get(reverse("wallet:home")).content.decode()

    # Read by dashboard.js and charts.js as the series names.
    assert 'data-label-paid="已支付"' in home
    assert 'data-label-orders="已付订单数"' in home
    assert 'data-label-spent="支出"' in wallet
    assert 'data-label-topped-up="充值"' in wallet
