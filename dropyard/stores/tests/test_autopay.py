"""Automatic payment of imported store orders within a store's daily cap."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import selectors, services
from dropyard.stores.models import StoreOrder
from dropyard.stores.services.autopay import ALREADY, LEFT, OFF, PAID, store_order_autopay
from dropyard.stores.tasks import stores_autopay_sweep
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order
from dropyard.wallet.models import Payment
from dropyard.wallet.tests.payment_helpers import available, fund
from dropyard.webhooks.models import WebhookMessage
from dropyard.webhooks.services import CallbackSetting, webhook_set

AUTOPAY_TASK = "store_order_autopay_run"


@pytest.fixture
def shop(merchant):
    """An auto-paying store (cap 100.00) whose V1 is connected to the world's red variant."""
    world = make_order_world()
    store = make_store(merchant=merchant, name="Acme Shop")
    (v1,) = import_variants(store, ("V1", world.red.sku))
    connect(store, v1, world.red)
    services.store_settings_update(
        store=store,
        merchant=merchant,
        actor=merchant.owner,
        auto_pay=True,
        auto_pay_daily_cap_minor=10_000,
    )
    store.refresh_from_db()
    return store


def _import(store, order_id, quantity=1):
    return services.store_order_ingest(
        store=store, order=platform_order(order_id, ("V1", quantity)), via="webhook"
    )


def _autopay_runs(tasks):
    return [r.kwargs for r in tasks.results if r.task.name == AUTOPAY_TASK]


@pytest.mark.django_db
def test_an_imported_order_of_an_auto_paying_store_is_paid_once(
    shop, merchant, owner, tasks, django_capture_on_commit_callbacks
):
    fund(merchant, owner, 50_000)
    with django_capture_on_commit_callbacks(execute=True):
        row = _import(shop, "7001")
    assert _autopay_runs(tasks) == [{"store_order_id": row.pk}]

    assert store_order_autopay(store_order_id=row.pk) == PAID
    assert store_order_autopay(store_order_id=row.pk) == ALREADY

    row.refresh_from_db()
    order = Order.objects.get(pk=row.order_id)
    payment = Payment.objects.get(order=order)
    assert order.status == OrderStatus.UNSHIPPED
    assert row.autopaid_minor == payment.net_minor
    assert available(merchant) == 50_000 - payment.net_minor
    assert row.autopay_note == ""
    assert selectors.autopaid_today_minor(shop) == payment.net_minor
    event = AuditEvent.objects.get(action=AuditAction.STORE_ORDER_AUTOPAID)
    assert event.details["amount_minor"] == payment.net_minor
    assert event.details["cap_minor"] == 10_000


@pytest.mark.django_db
def test_the_daily_cap_leaves_the_next_order_to_the_merchant(shop, merchant, owner):
    fund(merchant, owner, 50_000)
    first, second = _import(shop, "7001"), _import(shop, "7002")
    assert store_order_autopay(store_order_id=first.pk) == PAID
    first.refresh_from_db()
    shop.auto_pay_daily_cap_minor = first.autopaid_minor + 1  # room for one, not two
    shop.save(update_fields=["auto_pay_daily_cap_minor"])

    assert store_order_autopay(store_order_id=second.pk) == LEFT

    second.refresh_from_db()
    assert second.autopaid_minor is None
    assert second.autopay_note.startswith("daily cap reached: ")
    assert Order.objects.get(pk=second.order_id).status == OrderStatus.CREATED
    assert Payment.objects.count() == 1
    assert list(selectors.store_orders_autopay_left(store=shop)) == [second]


@pytest.mark.django_db
def test_yesterdays_payments_do_not_count_against_today(shop, merchant, owner):
    fund(merchant, owner, 50_000)
    first, second = _import(shop, "7001"), _import(shop, "7002")
    assert store_order_autopay(store_order_id=first.pk) == PAID
    first.refresh_from_db()
    StoreOrder.objects.filter(pk=first.pk).update(
        autopaid_at=timezone.now() - timedelta(days=1, hours=1)
    )
    shop.auto_pay_daily_cap_minor = first.autopaid_minor + 1
    shop.save(update_fields=["auto_pay_daily_cap_minor"])

    assert store_order_autopay(store_order_id=second.pk) == PAID


@pytest.mark.django_db
def test_a_low_balance_leaves_the_order_unpaid_with_the_reason(shop, merchant, owner):
    fund(merchant, owner, 1000)
    row = _import(shop, "7001")

    assert store_order_autopay(store_order_id=row.pk) == LEFT

    row.refresh_from_db()
    assert row.autopay_note.startswith("not paid automatically: ")
    assert "balance" in row.autopay_note.lower()
    assert Order.objects.get(pk=row.order_id).status == OrderStatus.CREATED  # rolled back
    assert available(merchant) == 1000


@pytest.mark.django_db
def test_auto_pay_off_pays_nothing_and_enqueues_nothing(
    shop, merchant, owner, tasks, django_capture_on_commit_callbacks
):
    fund(merchant, owner, 50_000)
    services.store_settings_update(store=shop, merchant=merchant, actor=owner, auto_pay=False)
    with django_capture_on_commit_callbacks(execute=True):
        row = _import(shop, "7001")

    assert _autopay_runs(tasks) == []
    assert store_order_autopay(store_order_id=row.pk) == OFF
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_the_sweep_enqueues_only_untried_unpaid_orders(shop, merchant, owner, tasks):
    fund(merchant, owner, 50_000)
    paid, untried, left = _import(shop, "7001"), _import(shop, "7002"), _import(shop, "7003")
    assert store_order_autopay(store_order_id=paid.pk) == PAID
    StoreOrder.objects.filter(pk=left.pk).update(autopay_note="daily cap reached: …")
    tasks.clear()

    assert stores_autopay_sweep.call() == 1
    assert _autopay_runs(tasks) == [{"store_order_id": untried.pk}]


@pytest.mark.django_db
def test_a_released_held_order_publishes_order_connnected_and_is_paid(
    merchant, owner, tasks, django_capture_on_commit_callbacks
):
    world = make_order_world()
    store = make_store(merchant=merchant, name="Acme Shop")
    services.store_settings_update(
        store=store, merchant=merchant, actor=owner, auto_pay=True, auto_pay_daily_cap_minor=10_000
    )
    webhook_set(
        merchant=merchant,
        actor=owner,
        settings_by_topic=[
            CallbackSetting(topic="order", action="ENABLE", urls=("https://hooks.example.com/",))
        ],
    )
    (v1,) = import_variants(store, ("V1", world.red.sku))
    held = services.store_order_ingest(
        store=store, order=platform_order("7001", ("V1", 1)), via="webhook"
    )
    assert held.order_id is None
    fund(merchant, owner, 50_000)
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        connect(store, v1, world.red)

    held.refresh_from_db()
    order = Order.objects.get(pk=held.order_id)
    message = WebhookMessage.objects.get(message_type="ORDER_CONNNECTED")
    assert (message.type, message.merchant_id) == ("ORDER", merchant.pk)
    assert json.loads(message.body)["params"]["cjOrderId"] == order.public_id
    assert _autopay_runs(tasks) == [{"store_order_id": held.pk}]
    assert store_order_autopay(store_order_id=held.pk) == PAID
