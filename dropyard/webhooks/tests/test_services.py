"""Webhook services and the delivery task, against a real local receiver (no HTTP mocks)."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.webhooks import services
from dropyard.webhooks import tasks as tasks_module
from dropyard.webhooks.choices import DeliveryStatus
from dropyard.webhooks.exceptions import (
    CallbackInvalid,
    CallbackLocalhost,
    CallbackNotHttps,
    CallbackTypeInvalid,
    DeliveryNotRetryable,
    EndpointNotActive,
)
from dropyard.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from dropyard.webhooks.services import CallbackSetting

from .conftest import failed_delivery, set_endpoint
from .receiver import expected_sign, start_receiver

pytestmark = pytest.mark.django_db

ORDER_PARAMS = {"cjOrderId": "210711100018043276", "orderStatus": "SHIPPED", "fields": ["x"]}


def _publish(merchant, **kwargs):
    defaults = {"type": "ORDER", "message_type": "UPDATE", "params": ORDER_PARAMS}
    return services.webhook_publish(merchant=merchant, **{**defaults, **kwargs})


def _deliver(message: WebhookMessage) -> str:
    delivery = message.deliveries.get()
    return tasks_module.webhook_deliver.call(delivery_id=delivery.pk)


def _queued(tasks_backend) -> list[tuple[int, object]]:
    return [(r.kwargs["delivery_id"], r.task.run_after) for r in tasks_backend.results]


# --- Publishing -----------------------------------------------------------------------------------


def test_publish_without_endpoint_stores_nothing(merchant, tasks):
    assert _publish(merchant) is None
    assert WebhookMessage.objects.count() == 0
    assert tasks.results == []


def test_publish_to_cancelled_or_paused_topic_stores_nothing(merchant, receiver, tasks):
    endpoint = set_endpoint(merchant, "order", receiver.url)
    endpoint.paused_at = timezone.now()
    endpoint.save()
    assert _publish(merchant) is None
    services.webhook_set(
        merchant=merchant,
        actor=merchant.owner,
        settings_by_topic=[CallbackSetting(topic="order", action="CANCEL")],
    )
    assert _publish(merchant) is None
    assert WebhookMessage.objects.count() == 0


def test_publish_only_to_the_topic_of_the_type(merchant, receiver):
    set_endpoint(merchant, "logistics", receiver.url)
    assert _publish(merchant, type="ORDER") is None
    message = _publish(merchant, type="LOGISTIC", params={"orderId": "1"})
    assert (message.topic, message.type) == ("logistics", "LOGISTIC")


@pytest.mark.parametrize(
    ("type_", "topic"),
    [
        ("ORDER", "order"),
        ("LOGISTIC", "logistics"),
        ("PRODUCT", "product"),
        ("VARIANT", "product"),
        ("STOCK", "stock"),
    ],
)
def test_publish_derives_topic_from_type(merchant, receiver, type_, topic):
    set_endpoint(merchant, topic, receiver.url)
    message = _publish(merchant, type=type_)
    assert message.topic == topic
    assert message.endpoint.topic == topic


def test_publish_rejects_unknown_type_and_message_type(merchant, order_endpoint):
    with pytest.raises(ValueError, match="unknown webhook type"):
        _publish(merchant, type="REFUND")
    with pytest.raises(ValueError, match="unknown webhook messageType"):
        _publish(merchant, message_type="UPSERT")
    assert WebhookMessage.objects.count() == 0


def test_publish_body_and_sign_are_exact(
    merchant, order_endpoint, django_capture_on_commit_callbacks, tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _publish(merchant)
    assert len(message.message_id) == 32
    int(message.message_id, 16)
    expected = (
        f'{{"messageId":"{message.message_id}","type":"ORDER","messageType":"UPDATE",'
        f'"openId":{merchant.open_id},'
        '"params":{"cjOrderId":"210711100018043276","orderStatus":"SHIPPED","fields":["x"]}}'
    )
    assert message.body == expected
    assert message.signature == expected_sign(merchant.open_id, expected.encode())
    delivery = message.deliveries.get()
    assert _queued(tasks) == [(delivery.pk, None)]


def test_publish_enqueues_nothing_when_the_caller_rolls_back(merchant, order_endpoint, tasks):
    def caller() -> None:
        with transaction.atomic():
            _publish(merchant)
            raise RuntimeError("caller failed")

    with pytest.raises(RuntimeError):
        caller()
    assert WebhookMessage.objects.count() == 0
    assert tasks.results == []


def test_publish_serialises_dates_and_decimals(merchant, order_endpoint):
    from decimal import Decimal

    moment = timezone.now().replace(microsecond=0)
    message = _publish(merchant, params={"payDate": moment, "amount": Decimal("12.50")})
    params = json.loads(message.body)["params"]
    assert params == {"payDate": moment.isoformat().replace("+00:00", "Z"), "amount": "12.50"}


# --- Delivery -------------------------------------------------------------------------------------


def test_delivery_posts_the_stored_bytes_signed(merchant, order_endpoint, receiver):
    message = _publish(merchant)
    assert _deliver(message) == DeliveryStatus.DELIVERED
    (request,) = receiver.requests
    assert request.body == message.body.encode()
    assert request.sign_ok is True
    assert request.headers["sign"] == expected_sign(merchant.open_id, message.body.encode())
    assert request.headers["content-type"] == "application/json"
    assert receiver.accepted == [message.message_id]
    delivery = message.deliveries.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.delivered_at is not None
    (attempt,) = delivery.attempts.all()
    assert (attempt.number, attempt.status_code, attempt.ok, attempt.error) == (1, 200, True, "")
    assert '"result": "success"' in attempt.response_excerpt


def test_delivered_delivery_is_never_sent_again(merchant, order_endpoint, receiver):
    message = _publish(merchant)
    _deliver(message)
    assert _deliver(message) == "final"
    assert len(receiver.requests) == 1
    assert WebhookAttempt.objects.count() == 1


def test_failure_schedules_retry_with_backoff(
    merchant, settings, tasks, django_capture_on_commit_callbacks
):
    settings.DROPYARD_WEBHOOK_BACKOFF_SECONDS = 60
    failing = start_receiver(merchant.open_id, status=500)
    try:
        set_endpoint(merchant, "order", failing.url)
        message = _publish(merchant)
        delivery = message.deliveries.get()
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            result = tasks_module.webhook_deliver.call(delivery_id=delivery.pk)
    finally:
        failing.stop()
    delivery.refresh_from_db()
    assert result == DeliveryStatus.PENDING
    assert delivery.attempts_started == 1
    assert delivery.last_error == "HTTP 500"
    assert before + timedelta(seconds=59) < delivery.next_attempt_at
    assert delivery.next_attempt_at < timezone.now() + timedelta(seconds=61)
    assert _queued(tasks)[-1] == (delivery.pk, delivery.next_attempt_at)
    (attempt,) = delivery.attempts.all()
    assert (attempt.status_code, attempt.ok) == (500, False)


def test_backoff_doubles(settings):
    settings.DROPYARD_WEBHOOK_BACKOFF_SECONDS = 10
    assert [services.webhook_backoff(attempt=n).total_seconds() for n in (1, 2, 3, 4)] == [
        10,
        20,
        40,
        80,
    ]


def test_early_run_is_deferred_until_due(merchant, order_endpoint, receiver, tasks):
    message = _publish(merchant)
    delivery = message.deliveries.get()
    due = timezone.now() + timedelta(minutes=5)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=due)
    assert _deliver(message) == "not due"
    assert receiver.requests == []
    assert _queued(tasks)[-1] == (delivery.pk, due)


def test_terminal_failure_after_attempt_cap(merchant, settings):
    settings.DROPYARD_WEBHOOK_BACKOFF_SECONDS = 0
    settings.DROPYARD_WEBHOOK_MAX_ATTEMPTS = 3
    settings.DROPYARD_WEBHOOK_PAUSE_AFTER_FAILURES = 0
    failing = start_receiver(merchant.open_id, status=503)
    try:
        set_endpoint(merchant, "order", failing.url)
        message = _publish(merchant)
        results = [_deliver(message) for _ in range(4)]
    finally:
        failing.stop()
    assert results == ["PENDING", "PENDING", "FAILED", "final"]
    delivery = message.deliveries.get()
    assert (delivery.status, delivery.attempts_started, delivery.delivered_at) == (
        DeliveryStatus.FAILED,
        3,
        None,
    )
    assert list(delivery.attempts.values_list("number", "status_code")) == [
        (1, 503),
        (2, 503),
        (3, 503),
    ]
    assert len(failing.requests) == 3


def test_unreachable_endpoint_records_the_error(merchant, settings):
    settings.DROPYARD_WEBHOOK_BACKOFF_SECONDS = 0
    dead = start_receiver(merchant.open_id)
    url = dead.url
    dead.stop()  # nothing listens on the port any more
    set_endpoint(merchant, "order", url)
    message = _publish(merchant)
    assert _deliver(message) == DeliveryStatus.PENDING
    (attempt,) = WebhookAttempt.objects.all()
    assert attempt.status_code is None
    assert attempt.error.startswith("ConnectError")


def test_interrupted_send_is_completed_once_after_the_lease_expires(
    merchant, order_endpoint, receiver
):
    message = _publish(merchant)
    delivery = message.deliveries.get()
    # A run claims the delivery and dies before recording anything.
    claim = services.webhook_delivery_claim(delivery_id=delivery.pk)
    assert claim.number == 1
    # While its lease holds, another run sends nothing.
    assert _deliver(message) == "leased"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert _deliver(message) == DeliveryStatus.DELIVERED
    delivery.refresh_from_db()
    assert delivery.attempts_started == 2
    assert list(delivery.attempts.values_list("number", "ok", "status_code")) == [
        (1, False, None),
        (2, True, 200),
    ]
    assert delivery.attempts.get(number=1).error.startswith("Interrupted")
    # The dead run's late answer changes nothing and is not a second success.
    late = services.SendOutcome(started_at=timezone.now(), duration_ms=5, status_code=200)
    services.webhook_delivery_record(claim=claim, outcome=late)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts.filter(ok=True).count() == 1
    assert receiver.accepted == [message.message_id]


# --- Auto-pause -----------------------------------------------------------------------------------


def test_pause_after_consecutive_failures(merchant, settings, tasks):
    settings.DROPYARD_WEBHOOK_BACKOFF_SECONDS = 0
    settings.DROPYARD_WEBHOOK_PAUSE_AFTER_FAILURES = 2
    failing = start_receiver(merchant.open_id, status=500)
    try:
        set_endpoint(merchant, "order", failing.url)
        first, second = _publish(merchant), _publish(merchant)
        _deliver(first)
        endpoint = WebhookEndpoint.objects.get()
        assert (endpoint.consecutive_failures, endpoint.paused_at) == (1, None)
        _deliver(second)
        endpoint.refresh_from_db()
        assert endpoint.paused_at is not None
        assert endpoint.pause_reason == "2 consecutive failed deliveries"
        assert _deliver(first) == "paused"  # queued retries wait
        assert _publish(merchant) is None  # nothing new is queued
    finally:
        failing.stop()
    assert len(failing.requests) == 2
    event = AuditEvent.objects.filter(action=AuditAction.WEBHOOK_CHANGED).latest("pk")
    assert (event.actor_label, event.details["type"]) == ("system", "PAUSE")


def test_success_resets_the_failure_count(merchant, order_endpoint, receiver):
    WebhookEndpoint.objects.filter(pk=order_endpoint.pk).update(consecutive_failures=7)
    _deliver(_publish(merchant))
    order_endpoint.refresh_from_db()
    assert order_endpoint.consecutive_failures == 0


def _attempts(endpoint, when, *, good: int, bad: int) -> None:
    message = _publish(endpoint.merchant)
    delivery = message.deliveries.get()
    for n in range(good + bad):
        WebhookAttempt.objects.create(
            delivery=delivery,
            endpoint=endpoint,
            number=n + 1,
            url=endpoint.url,
            started_at=when,
            ok=n < good,
            status_code=200 if n < good else 500,
        )


@pytest.mark.parametrize(
    ("two_hours_ago", "last_hour", "paused"),
    [
        ((7, 3), (7, 3), True),  # 70% and 70%
        ((8, 2), (7, 3), False),  # exactly 80% is not below
        ((7, 3), (0, 0), False),  # no traffic last hour
        ((0, 5), (9, 1), False),  # the last hour recovered
        ((0, 1), (0, 1), True),
    ],
)
def test_pause_when_success_below_80_percent_in_each_of_two_full_hours(
    merchant, order_endpoint, settings, two_hours_ago, last_hour, paused
):
    settings.DROPYARD_WEBHOOK_PAUSE_AFTER_FAILURES = 0
    now = timezone.now().replace(minute=10)
    hour = now.replace(minute=0, second=0, microsecond=0)
    _attempts(
        order_endpoint, hour - timedelta(minutes=90), good=two_hours_ago[0], bad=two_hours_ago[1]
    )
    _attempts(order_endpoint, hour - timedelta(minutes=30), good=last_hour[0], bad=last_hour[1])
    # The current, unfinished hour never counts.
    _attempts(order_endpoint, hour + timedelta(minutes=5), good=50, bad=0)
    assert services.webhook_pause_check(endpoint=order_endpoint, now=now) is paused
    order_endpoint.refresh_from_db()
    assert (order_endpoint.paused_at is not None) is paused


def test_resume_clears_pause_and_requeues_waiting_deliveries(
    merchant, order_endpoint, receiver, tasks, django_capture_on_commit_callbacks
):
    message = _publish(merchant)
    delivery = message.deliveries.get()
    WebhookEndpoint.objects.filter(pk=order_endpoint.pk).update(
        paused_at=timezone.now(), pause_reason="x", consecutive_failures=20
    )
    tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = services.webhook_resume(merchant=merchant, actor=merchant.owner, topic="order")
    assert (endpoint.paused_at, endpoint.pause_reason, endpoint.consecutive_failures) == (
        None,
        "",
        0,
    )
    assert _queued(tasks) == [(delivery.pk, None)]
    assert _deliver(message) == DeliveryStatus.DELIVERED


def test_webhook_set_again_resumes_a_paused_topic(merchant, order_endpoint, receiver):
    WebhookEndpoint.objects.filter(pk=order_endpoint.pk).update(paused_at=timezone.now())
    endpoint = set_endpoint(merchant, "order", receiver.url)
    assert endpoint.paused_at is None
    assert endpoint.is_active is True


def test_resume_of_another_merchants_topic_is_refused(merchant, other_merchant, order_endpoint):
    with pytest.raises(EndpointNotActive):
        services.webhook_resume(merchant=other_merchant, actor=other_merchant.owner, topic="order")


# --- Replay and test messages ---------------------------------------------------------------------


def test_replay_creates_a_new_delivery_with_the_same_bytes(merchant, order_endpoint, receiver):
    message = _publish(merchant)
    _deliver(message)
    replay = services.webhook_replay(message=message, actor=merchant.owner)
    assert replay.is_replay is True
    assert tasks_module.webhook_deliver.call(delivery_id=replay.pk) == DeliveryStatus.DELIVERED
    assert [r.body for r in receiver.requests] == [message.body.encode()] * 2
    assert message.deliveries.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.WEBHOOK_REPLAYED).count() == 1


def test_replay_refused_while_paused(merchant, order_endpoint):
    message = _publish(merchant)
    WebhookEndpoint.objects.filter(pk=order_endpoint.pk).update(paused_at=timezone.now())
    with pytest.raises(EndpointNotActive):
        services.webhook_replay(message=message, actor=merchant.owner)
    assert message.deliveries.count() == 1


def test_send_test_message(merchant, receiver):
    set_endpoint(merchant, "stock", receiver.url)
    message = services.webhook_send_test(merchant=merchant, actor=merchant.owner, topic="stock")
    body = json.loads(message.body)
    assert (body["type"], body["messageType"], body["params"]["test"]) == ("STOCK", "UPDATE", True)
    assert _deliver(message) == DeliveryStatus.DELIVERED
    with pytest.raises(EndpointNotActive):
        services.webhook_send_test(merchant=merchant, actor=merchant.owner, topic="order")


# --- Registration ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://example.com/hook", CallbackNotHttps),
        ("ftp://example.com/hook", CallbackNotHttps),
        ("example.com/hook", CallbackInvalid),
        ("https://", CallbackInvalid),
        ("https://exa mple.com/", CallbackInvalid),
        ("https://example.com:99999/", CallbackInvalid),
        ("https://localhost/hook", CallbackLocalhost),
        ("https://127.0.0.1/hook", CallbackLocalhost),
        ("http://localhost/hook", CallbackNotHttps),
        ("https://10.0.0.5/hook", CallbackLocalhost),
        ("https://192.168.1.10/hook", CallbackLocalhost),
        ("https://[::1]/hook", CallbackLocalhost),
        ("https://169.254.169.254/latest", CallbackLocalhost),
        ("https://2130706433/hook", CallbackInvalid),  # resolvers read it as 127.0.0.1
        ("https://127.1/hook", CallbackInvalid),
    ],
)
def test_url_rules_in_production(settings, url, error):
    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    with pytest.raises(error):
        services.webhook_url_check(url)


def test_url_rules_with_localhost_allowed(settings):
    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    assert services.webhook_url_check("http://127.0.0.1:8123/h") == "http://127.0.0.1:8123/h"
    assert services.webhook_url_check("http://localhost/h") == "http://localhost/h"
    with pytest.raises(CallbackNotHttps):
        services.webhook_url_check("http://example.com/h")
    with pytest.raises(CallbackLocalhost):
        services.webhook_url_check("http://10.1.2.3/h")
    assert services.webhook_url_check("https://93.184.215.14/h") == "https://93.184.215.14/h"


def test_enable_after_cancel_sends_the_deliveries_that_waited(
    merchant, order_endpoint, receiver, tasks, django_capture_on_commit_callbacks
):
    message = _publish(merchant)
    delivery = message.deliveries.get()
    services.webhook_set(
        merchant=merchant,
        actor=merchant.owner,
        settings_by_topic=[CallbackSetting(topic="order", action="CANCEL")],
    )
    assert _deliver(message) == "paused"
    tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_endpoint(merchant, "order", receiver.url)
    assert _queued(tasks) == [(delivery.pk, None)]
    assert _deliver(message) == DeliveryStatus.DELIVERED


def test_webhook_set_is_all_or_nothing(merchant):
    with pytest.raises(CallbackTypeInvalid):
        services.webhook_set(
            merchant=merchant,
            actor=merchant.owner,
            settings_by_topic=[
                CallbackSetting(topic="order", action="ENABLE", urls=("https://a.example/h",)),
                CallbackSetting(topic="stock", action="ALL", urls=("https://a.example/h",)),
            ],
        )
    assert WebhookEndpoint.objects.count() == 0


def test_webhook_set_same_url_twice_is_fine_and_audited_once(merchant):
    setting = CallbackSetting(topic="order", action="ENABLE", urls=("https://a.example/h",))
    for _ in range(2):
        services.webhook_set(merchant=merchant, actor=merchant.owner, settings_by_topic=[setting])
    assert list(WebhookEndpoint.objects.values_list("topic", "url", "enabled")) == [
        ("order", "https://a.example/h", True)
    ]
    events = AuditEvent.objects.filter(action=AuditAction.WEBHOOK_CHANGED)
    assert [e.details for e in events] == [
        {"topic": "order", "type": "ENABLE", "url": "https://a.example/h"}
    ]


def test_sender_refuses_a_name_that_resolves_to_a_private_address(settings, monkeypatch):
    # Registration only sees the name; the sender checks what it resolves to before connecting.
    from dropyard.webhooks import tasks as webhook_tasks  # noqa: PLC0415

    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    answers = {
        "inside.example": "10.0.0.7",
        "metadata.example": "169.254.169.254",
        "shop.example": "93.184.215.14",
    }

    def fake_getaddrinfo(host, port, proto=0):
        return [(2, 1, 6, "", (answers[host], port))]

    monkeypatch.setattr(webhook_tasks.socket, "getaddrinfo", fake_getaddrinfo)

    assert webhook_tasks.refused_address("https://inside.example/h") == (
        "refused: inside.example resolves to a non-public address (10.0.0.7)"
    )
    assert webhook_tasks.refused_address("https://metadata.example/h").startswith("refused:")
    assert webhook_tasks.refused_address("https://shop.example/h") == ""
    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    assert webhook_tasks.refused_address("http://127.0.0.1:9/h") == ""


# --- The back office's retry of a failed delivery ---------------------------------------------


def test_retry_sends_the_message_again_once(merchant, operator_admin):
    set_endpoint(merchant, "order", "https://hooks.example.com/orders")
    failed = failed_delivery(merchant)

    retry = services.webhook_delivery_retry(delivery=failed, actor=operator_admin)

    assert (retry.message_id, retry.status, retry.is_replay) == (
        failed.message_id,
        DeliveryStatus.PENDING,
        True,
    )
    assert WebhookDelivery.objects.get(pk=failed.pk).status == DeliveryStatus.FAILED
    event = AuditEvent.objects.get(action=AuditAction.WEBHOOK_REPLAYED)
    assert (event.actor, event.details["delivery"]) == (operator_admin, retry.pk)
    with pytest.raises(DeliveryNotRetryable, match="already sent again"):
        services.webhook_delivery_retry(delivery=failed, actor=operator_admin)
    assert failed.message.deliveries.count() == 2


def test_retry_refuses_a_delivery_that_did_not_fail(merchant, operator_admin):
    set_endpoint(merchant, "order", "https://hooks.example.com/orders")
    message = services.webhook_publish(
        merchant=merchant, type="ORDER", message_type="UPDATE", params={"orderId": "1"}
    )

    with pytest.raises(DeliveryNotRetryable, match="is PENDING, not failed"):
        services.webhook_delivery_retry(delivery=message.deliveries.get(), actor=operator_admin)

    assert message.deliveries.count() == 1


def test_retry_to_a_paused_endpoint_is_refused(merchant, operator_admin):
    endpoint = set_endpoint(merchant, "order", "https://hooks.example.com/orders")
    failed = failed_delivery(merchant)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_at="2026-01-01T00:00:00Z")

    with pytest.raises(EndpointNotActive):
        services.webhook_delivery_retry(delivery=failed, actor=operator_admin)

    assert failed.message.deliveries.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.WEBHOOK_REPLAYED).exists()
