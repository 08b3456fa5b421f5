"""The Sandbox shop's webhook task: a failed send is retried later with a doubling delay, as
the same delivery (same delivery id), and a retry made stale by a later change is dropped."""

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from freezegun import freeze_time

from dropyard.orders.models import Order
from dropyard.stores.models import SandboxShopOrder, StoreWebhookReceipt
from dropyard.stores.sandbox import http, tasks
from dropyard.stores.sandbox import shop as shop_side
from dropyard.stores.sandbox.tasks import MAX_ATTEMPTS, retry_delay, sandbox_webhook_send
from dropyard.stores.tests.sandbox_world import (
    buy,
    in_process_transport,
    last_shop_order,
    make_sandbox_world,
    webhook_tasks,
)

pytestmark = pytest.mark.django_db
REAL_CLIENT = http.client


@pytest.fixture
def sw(merchant):
    return make_sandbox_world(merchant)


def _down(monkeypatch, status: int | None = None) -> None:
    """Dropyard unreachable (``status`` None) or answering ``status``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if status is None:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(status, json={"error": "down"})

    monkeypatch.setattr(
        tasks.http, "client", lambda **kw: REAL_CLIENT(transport=httpx.MockTransport(handler))
    )


def _up(monkeypatch) -> None:
    monkeypatch.setattr(
        tasks.http, "client", lambda **kw: REAL_CLIENT(transport=in_process_transport())
    )


def _retries(sw_tasks) -> list[dict]:
    return [r.kwargs for r in sw_tasks.results if "attempt" in r.kwargs]


def test_the_delay_doubles_from_thirty_seconds():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8)] == [30, 60, 120, 3840]


def test_a_failed_send_is_retried_later_as_the_same_delivery(
    client, sw, tasks, monkeypatch, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    order = last_shop_order(sw)
    (first,) = webhook_tasks(tasks)
    now = timezone.now()
    _down(monkeypatch)

    with freeze_time(now):
        status = sandbox_webhook_send.call(**first)

    (retry,) = [r for r in tasks.results if "attempt" in r.kwargs]
    assert status is None
    assert retry.kwargs == {
        "order_id": order.pk,
        "topic": "orders/create",
        "version": order.change_seq,
        "attempt": 2,
    }
    assert retry.task.run_after == now + timedelta(seconds=30)
    assert Order.objects.count() == 0

    _up(monkeypatch)
    assert sandbox_webhook_send.call(**retry.kwargs) == 200
    assert sandbox_webhook_send.call(**retry.kwargs) == 200  # a replay: dropped by Dropyard

    assert Order.objects.count() == 1
    assert list(StoreWebhookReceipt.objects.values_list("delivery_id", flat=True)) == [
        f"{sw.shop.slug}:{order.pk}:orders/create:{order.change_seq}"
    ]
    assert len(_retries(tasks)) == 1  # success enqueues nothing more
    assert SandboxShopOrder.objects.get(pk=order.pk).webhook_sent_at is not None


def test_a_server_error_is_retried_and_a_refusal_is_not(
    client, sw, tasks, monkeypatch, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    (first,) = webhook_tasks(tasks)

    _down(monkeypatch, 503)
    assert sandbox_webhook_send.call(**first) == 503
    _down(monkeypatch, 401)
    assert sandbox_webhook_send.call(**first) == 401

    assert [r["attempt"] for r in _retries(tasks)] == [2]


def test_retries_stop_after_the_last_attempt(
    client, sw, tasks, monkeypatch, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    order = last_shop_order(sw)
    _down(monkeypatch)

    status = sandbox_webhook_send.call(
        order_id=order.pk, topic="orders/create", version=order.change_seq, attempt=MAX_ATTEMPTS
    )

    assert status is None
    assert _retries(tasks) == []


def test_a_retry_made_stale_by_a_later_change_is_dropped(
    client, sw, tasks, monkeypatch, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    order = last_shop_order(sw)
    version = order.change_seq
    shop_side.order_cancel(shop=sw.shop, order_id=order.pk)
    _up(monkeypatch)

    status = sandbox_webhook_send.call(
        order_id=order.pk, topic="orders/create", version=version, attempt=2
    )

    assert status is None
    assert StoreWebhookReceipt.objects.count() == 0
