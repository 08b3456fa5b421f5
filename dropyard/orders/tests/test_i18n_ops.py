"""The back-office order pages in Simplified Chinese for an operator who chose it
(``User.language``), English for everyone else, and the order CSV exports in English whatever
the language."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from dropyard.accounts import services as account_services
from dropyard.orders import csv_io, services
from dropyard.orders.choices import OrderStatus, OrderSubStatus
from dropyard.orders.models import Order
from dropyard.orders.status_labels import order_status_label
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.wallet import reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def order(assigned, world):
    return services.order_create(
        merchant=assigned, actor=assigned.owner, **order_item((world.red, 1), number="ZH-1")
    )


def _chinese(user):
    return account_services.user_language_set(user=user, language="zh-hans")


def test_order_list_is_in_chinese_for_a_chinese_speaking_admin(client, operator_admin, order):
    client.force_login(_chinese(operator_admin))

    response = client.get(reverse("orders_ops:list"))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<h1 class="h3">订单</h1>' in html
    assert ">筛选</button>" in html
    assert "1 个订单" in html
    assert "全部商户" in html  # the filter's empty choice (django-filter, lazy label)
    assert "商户" in html
    assert "创建时间" in html
    assert ">Filter</button>" not in html


def test_order_list_stays_english_for_an_admin_without_a_language(client, operator_admin, order):
    client.force_login(operator_admin)

    response = client.get(reverse("orders_ops:list"))

    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<h1 class="h3">Orders</h1>' in html
    assert ">Filter</button>" in html
    assert "1 order<" in html
    assert "订单" not in html


def test_order_detail_and_history_are_in_chinese_for_the_agent(client, agent, order):
    client.force_login(_chinese(agent))

    response = client.get(reverse("orders_ops:detail", args=[order.public_id]))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    for words in ("收货地址", "商品明细", "操作记录", "内部备注", "暂停…", "运费"):
        assert words in html, words
    assert 'data-testid="order-status">已创建</span>' in html
    # The history's creation row, in the status vocabulary (group, then its detail).
    assert '<strong data-testid="timeline-status">待处理</strong>' in html
    assert "· 已创建，尚未确认</span>" in html
    assert order.code in html
    assert "ZH-1" in html


def test_hold_page_and_its_message_are_in_chinese(client, agent, order):
    client.force_login(_chinese(agent))

    page = client.get(reverse("orders_ops:hold", args=[order.public_id]))
    response = client.post(
        reverse("orders_ops:hold", args=[order.public_id]), {"reason": "地址待核实"}, follow=True
    )

    assert '<h1 class="h3">暂停订单</h1>' in page.content.decode()
    assert ">返回订单</a>" in page.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        f"订单 {order.code} 已暂停：仓库不会拣货。"
    ]
    order.refresh_from_db()
    assert order.on_hold
    assert order.hold_reason == "地址待核实"


def test_hold_message_stays_english_for_english_users(client, agent, order):
    client.force_login(agent)

    response = client.post(
        reverse("orders_ops:hold", args=[order.public_id]), {"reason": "Check address"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        f"Order {order.code} is on hold: the warehouse will not pick it."
    ]


def test_status_vocabulary_reads_in_the_active_language():
    label = order_status_label(OrderStatus.UNSHIPPED, OrderSubStatus.PENDING)

    with translation.override("zh-hans"):
        chinese = (label.label, str(label.detail), label.text)
    with translation.override("en"):
        english = (label.label, str(label.detail), label.text)

    assert chinese == ("处理中", "已付款，等待仓库处理", "处理中: 已付款，等待仓库处理")
    assert english == (
        "Processing",
        "Paid, waiting for the warehouse",
        "Processing: Paid, waiting for the warehouse",
    )


def test_csv_rows_are_english_even_while_chinese_is_active(merchant, world):
    services.order_create(merchant=merchant, actor=merchant.owner, **order_item((world.red, 1)))
    orders = Order.objects.filter(merchant=merchant)

    with translation.override("zh-hans"):
        listing = "".join(csv_io.export_stream(orders))
        history = "".join(reports.order_history_csv_stream(orders))

    for text in (listing, history):
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert [(r["status_label"], r["status_detail"]) for r in rows] == [
            ("Pending", "Created, not confirmed yet")
        ]


def test_order_csv_exports_stay_english_for_a_chinese_speaking_merchant(client, merchant, world):
    owner = _chinese(merchant.owner)
    services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))
    client.force_login(owner)

    listing = client.get(reverse("orders:export"))
    history = client.get(reverse("wallet:order_export"))

    assert listing["Content-Language"] == "zh-hans"  # the request ran in Chinese
    rows = list(
        csv.DictReader(io.StringIO(b"".join(listing.streaming_content).decode("utf-8-sig")))
    )
    wallet_rows = list(
        csv.DictReader(io.StringIO(b"".join(history.streaming_content).decode("utf-8-sig")))
    )
    expected = ("CREATED", "Pending", "Created, not confirmed yet")
    assert [(r["status"], r["status_label"], r["status_detail"]) for r in rows] == [expected]
    assert [(r["status"], r["status_label"], r["status_detail"]) for r in wallet_rows] == [expected]
