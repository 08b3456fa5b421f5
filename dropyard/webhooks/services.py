"""Webhook writes: register endpoints, publish messages, deliver them, pause, resume and replay.

Other apps call ``webhook_publish`` inside their own transaction; the delivery is enqueued only
after that transaction commits, so a rolled-back change never reaches a merchant.

Delivery guarantee (``webhook_delivery_claim`` → HTTP POST → ``webhook_delivery_record``):

- A delivery row is sent by one worker run at a time: the claim takes a lease
  (``lease_until``/``lease_token``) under a row lock before anything is sent, and only the lease
  holder records the outcome as the delivery's status.
- A delivery that is DELIVERED (or FAILED) is never sent again by the task; a run that finds it
  final does nothing.
- If a run dies after it sent the POST but before it recorded the answer (worker killed, machine
  lost), the lease runs out and a later run sends the same stored bytes again: a live worker runs
  the dead worker's task again once that worker is known dead (``dropyard worker``'s recovery,
  within DROPYARD_WORKER_DEAD_AFTER_SECONDS plus a heartbeat). So delivery is
  **at least once**: a receiver may see one ``messageId`` more than once and must dedupe on it
  (contract §4). What is never duplicated is our own record: the delivery is marked DELIVERED
  once, with one successful attempt.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.db import joins_transaction
from dropyard.core.enqueue import on_commit_enqueue

from .choices import (
    TEST_TYPE_FOR_TOPIC,
    TOPIC_FOR_TYPE,
    CallbackAction,
    DeliveryStatus,
    WebhookMessageType,
    WebhookTopic,
    WebhookType,
)
from .exceptions import (
    CallbackInvalid,
    CallbackLocalhost,
    CallbackNotHttps,
    CallbackTypeInvalid,
    DeliveryNotRetryable,
    EndpointNotActive,
)
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage

logger = logging.getLogger(__name__)

DELIVER_TASK = "dropyard.webhooks.tasks.webhook_deliver"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
EXCERPT_LENGTH = 500
ERROR_LENGTH = 300
# The auto-close rule (contract §4): success below 80% in each of the previous 2 full hours.
PAUSE_SUCCESS_RATE = 0.8
PAUSE_WINDOW_HOURS = 2


# --- Signing ------------------------------------------------------------------------------------


def webhook_sign(*, open_id: int | str, body: bytes) -> str:
    """The ``sign`` header: padded standard Base64 of HMAC-SHA256(key=str(openId), msg=body)."""
    digest = hmac.new(str(open_id).encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _body_text(*, message_id: str, type: str, message_type: str, open_id: int, params: dict) -> str:
    """The JSON text sent: compact, keys in the contract's order, dates and decimals as strings."""
    body = {
        "messageId": message_id,
        "type": type,
        "messageType": message_type,
        "openId": open_id,
        "params": params,
    }
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


# --- Registration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackSetting:
    """One topic of a ``webhook/set`` request: ENABLE with a URL, or CANCEL.

    CANCEL with one URL (the settings page saving an unticked topic) also stores that URL, or
    clears it when it is empty; CANCEL without URLs (the API) keeps the stored URL.
    """

    topic: str
    action: str
    urls: tuple[str, ...] = ()


def webhook_url_check(url: str) -> str:
    """The URL if it may be a callback, else the contract's error (1607000/1607001/1607002).

    https only and never localhost/127.0.0.1, unless ``DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST``
    is on: then http or https to localhost/127.0.0.1 is accepted (development and tests).
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        raise CallbackInvalid(
            _("callback URL is not a valid URL: %(url)s") % {"url": url[:100]}
        ) from None
    if not parts.scheme or not host or len(url) > 500 or any(c.isspace() for c in url):
        raise CallbackInvalid(_("callback URL is not a valid URL: %(url)s") % {"url": url[:100]})
    is_local = host in LOCAL_HOSTS or host.endswith(".localhost")
    if host.replace(".", "").isdigit() and not _is_ip(host):
        # "2130706433" or "127.1": resolvers read these as IPv4 addresses (127.0.0.1).
        raise CallbackInvalid(
            _("callback URL host is not a valid name or address: %(host)s") % {"host": host[:60]}
        )
    if not is_local and _is_private_ip(host):
        # Not in the contract's wording, but the same rule: the worker must not be pointed at
        # the server's own network (names that resolve to private addresses are not checked).
        raise CallbackLocalhost(_("callback URL must be a public address"))
    if is_local and settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST:
        if parts.scheme not in ("http", "https"):
            raise CallbackNotHttps(_("callback URL must start with https://"))
        return url
    if parts.scheme != "https":
        raise CallbackNotHttps(_("callback URL must start with https://"))
    if is_local:
        raise CallbackLocalhost(_("callback URL must not be localhost or 127.0.0.1"))
    return url


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_private_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


def _validated(setting: CallbackSetting) -> CallbackSetting:
    if setting.topic not in WebhookTopic.values:
        raise CallbackInvalid(f"unknown webhook topic: {setting.topic}")
    action = (setting.action or "").upper()
    if action not in CallbackAction.values:
        raise CallbackTypeInvalid(f"{setting.topic}.type must be ENABLE or CANCEL")
    if action == CallbackAction.CANCEL:
        if len(setting.urls) == 1 and (setting.urls[0] or "").strip():
            urls: tuple[str, ...] = (webhook_url_check(setting.urls[0]),)
        else:
            urls = ("",) if len(setting.urls) == 1 else ()
        return CallbackSetting(topic=setting.topic, action=action, urls=urls)
    if len(setting.urls) != 1:
        raise CallbackInvalid(f"{setting.topic}.callbackUrls must hold exactly one URL")
    return CallbackSetting(
        topic=setting.topic, action=action, urls=(webhook_url_check(setting.urls[0]),)
    )


@transaction.atomic
def webhook_set(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    settings_by_topic: list[CallbackSetting],
    request: Any = None,
) -> list[WebhookEndpoint]:
    """Apply ``webhook/set``: ENABLE stores the topic's URL and turns it on (resuming a paused
    topic), CANCEL turns it off and keeps the URL for the settings page (or stores the one URL
    it carries: the page saves a URL typed while the topic is unticked).

    Every topic is validated before anything is written: one bad topic changes nothing. Setting
    the same URL again is accepted (it resumes a paused topic). Audited as WEBHOOK_CHANGED per
    topic that changed.
    """
    if not settings_by_topic:
        raise CallbackInvalid(_("at least one of product, stock, order, logistics is required"))
    validated = [_validated(s) for s in settings_by_topic]
    endpoints = []
    for setting in validated:
        endpoint, _created = WebhookEndpoint.objects.select_for_update(
            of=("self",), no_key=True
        ).get_or_create(merchant=merchant, topic=setting.topic)
        before = (endpoint.url, endpoint.enabled, endpoint.paused_at is not None)
        was_active = endpoint.is_active
        if setting.action == CallbackAction.ENABLE:
            endpoint.url = setting.urls[0]
            endpoint.enabled = True
            _clear_pause(endpoint)
        else:
            endpoint.enabled = False
            if setting.urls:
                endpoint.url = setting.urls[0]
        endpoint.save()
        if endpoint.is_active and not was_active:
            _requeue_pending(endpoint)  # deliveries that waited while it was off or paused
        after = (endpoint.url, endpoint.enabled, endpoint.paused_at is not None)
        if after != before:
            audit_record(
                action=AuditAction.WEBHOOK_CHANGED,
                actor=actor,
                merchant=merchant,
                target=endpoint,
                details={"topic": endpoint.topic, "type": setting.action, "url": endpoint.url},
                request=request,
            )
        endpoints.append(endpoint)
    return endpoints


def _clear_pause(endpoint: WebhookEndpoint) -> None:
    endpoint.paused_at = None
    endpoint.pause_reason = ""
    endpoint.consecutive_failures = 0


def _requeue_pending(endpoint: WebhookEndpoint) -> None:
    """Re-enqueue the deliveries that waited while the endpoint was paused."""
    pending = WebhookDelivery.objects.filter(
        message__endpoint=endpoint, status=DeliveryStatus.PENDING
    ).values_list("pk", flat=True)
    for delivery_id in pending:
        on_commit_enqueue(DELIVER_TASK, delivery_id=delivery_id)


@transaction.atomic
def webhook_resume(
    *, merchant: MerchantAccount, actor: Actor, topic: str, request: Any = None
) -> WebhookEndpoint:
    """Resume a paused topic: clear the pause and send the deliveries that waited.

    Invariant: only the merchant's own endpoint; resuming an unpaused topic changes nothing.
    """
    endpoint = (
        WebhookEndpoint.objects.select_for_update(of=("self",), no_key=True)
        .filter(merchant=merchant, topic=topic)
        .first()
    )
    if endpoint is None or not endpoint.enabled:
        raise EndpointNotActive(_("This topic has no enabled webhook to resume."))
    if endpoint.paused_at is None:
        return endpoint
    _clear_pause(endpoint)
    endpoint.save()
    _requeue_pending(endpoint)
    audit_record(
        action=AuditAction.WEBHOOK_CHANGED,
        actor=actor,
        merchant=merchant,
        target=endpoint,
        details={"topic": topic, "type": "RESUME", "url": endpoint.url},
        request=request,
    )
    return endpoint


# --- Publishing ---------------------------------------------------------------------------------


@joins_transaction
def webhook_publish(
    *,
    merchant: MerchantAccount,
    type: str,
    message_type: str,
    params: dict | Callable[[], dict],
    topic: str | None = None,
) -> WebhookMessage | None:
    """Store a message for ``merchant`` and enqueue its delivery once the caller commits.

    ``type`` is ORDER, LOGISTIC, PRODUCT, VARIANT or STOCK; ``topic`` defaults to the type's
    (ORDER→order, LOGISTIC→logistics, PRODUCT/VARIANT→product, STOCK→stock). Returns None, and
    stores nothing, when the merchant has no enabled, unpaused endpoint for the topic.
    ``params`` must be JSON-serialisable (dates and Decimals become strings); it may be a
    function returning them, called only when there is an endpoint to send to (building an
    ORDER message reads the order's parcel and lines: queries a merchant without an order
    endpoint should not pay for on every status change).

    Invariant: the stored ``body`` is the exact byte sequence that is POSTed and signed.
    """
    if type not in WebhookType.values:
        raise ValueError(f"unknown webhook type: {type!r}")
    if message_type not in WebhookMessageType.values:
        raise ValueError(f"unknown webhook messageType: {message_type!r}")
    topic = topic or TOPIC_FOR_TYPE[type]
    if topic not in WebhookTopic.values:
        raise ValueError(f"unknown webhook topic: {topic!r}")
    endpoint = WebhookEndpoint.objects.filter(
        merchant=merchant, topic=topic, enabled=True, paused_at__isnull=True
    ).first()
    if endpoint is None:
        return None
    if callable(params):
        params = params()
    return _message_create(endpoint=endpoint, type=type, message_type=message_type, params=params)


def _message_create(
    *, endpoint: WebhookEndpoint, type: str, message_type: str, params: dict
) -> WebhookMessage:
    merchant = endpoint.merchant
    message_id = uuid.uuid4().hex
    body = _body_text(
        message_id=message_id,
        type=type,
        message_type=message_type,
        open_id=merchant.open_id,
        params=params,
    )
    message = WebhookMessage.objects.create(
        merchant=merchant,
        endpoint=endpoint,
        topic=endpoint.topic,
        message_id=message_id,
        type=type,
        message_type=message_type,
        body=body,
        signature=webhook_sign(open_id=merchant.open_id, body=body.encode()),
    )
    delivery = WebhookDelivery.objects.create(message=message)
    on_commit_enqueue(DELIVER_TASK, delivery_id=delivery.pk)
    return message


@transaction.atomic
def webhook_send_test(
    *, merchant: MerchantAccount, actor: Actor, topic: str, request: Any = None
) -> WebhookMessage:
    """Queue a test message (messageType UPDATE, ``params.test`` true) to the topic's endpoint.

    Invariant: only to an enabled, unpaused endpoint of ``merchant``.
    """
    endpoint = WebhookEndpoint.objects.filter(merchant=merchant, topic=topic).first()
    if endpoint is None or not endpoint.is_active:
        raise EndpointNotActive(_("Enable this topic (and resume it if paused) to send a test."))
    return _message_create(
        endpoint=endpoint,
        type=TEST_TYPE_FOR_TOPIC[topic],
        message_type=WebhookMessageType.UPDATE,
        params={"test": True, "sentAt": timezone.now(), "sentBy": getattr(actor, "email", "")},
    )


@transaction.atomic
def webhook_replay(
    *, message: WebhookMessage, actor: Actor, request: Any = None
) -> WebhookDelivery:
    """Send a stored message again as a new delivery (same bytes, same messageId).

    Invariant: the endpoint must be enabled and not paused; earlier deliveries are untouched.
    """
    endpoint = WebhookEndpoint.objects.select_for_update(of=("self",), no_key=True).get(
        pk=message.endpoint_id
    )
    if not endpoint.is_active:
        raise EndpointNotActive(_("Enable this topic (and resume it if paused) to replay."))
    delivery = WebhookDelivery.objects.create(message=message, is_replay=True)
    audit_record(
        action=AuditAction.WEBHOOK_REPLAYED,
        actor=actor,
        merchant=message.merchant,
        target=message,
        details={"messageId": message.message_id, "delivery": delivery.pk},
        request=request,
    )
    on_commit_enqueue(DELIVER_TASK, delivery_id=delivery.pk)
    return delivery


@transaction.atomic
def webhook_delivery_retry(
    *, delivery: WebhookDelivery, actor: Actor, request: Any = None
) -> WebhookDelivery:
    """Send the message of a FAILED delivery again (the back office's retry): a new delivery,
    through ``webhook_replay`` (same bytes and messageId, WEBHOOK_REPLAYED audited).

    Invariants: the failed delivery stays FAILED (statuses never go back); a delivery is retried
    once: refused with ``DeliveryNotRetryable`` when it is not FAILED or its message already has
    a later delivery (the row is locked, so two clicks send once); ``EndpointNotActive`` when
    the endpoint is disabled or paused. Nothing changed on a refusal.
    """
    locked = WebhookDelivery.objects.select_for_update(of=("self",)).get(pk=delivery.pk)
    if locked.status != DeliveryStatus.FAILED:
        raise DeliveryNotRetryable(
            _("delivery %(id)s is %(status)s, not failed")
            % {"id": locked.pk, "status": locked.status}
        )
    if WebhookDelivery.objects.filter(message_id=locked.message_id, pk__gt=locked.pk).exists():
        raise DeliveryNotRetryable(_("delivery %(id)s was already sent again") % {"id": locked.pk})
    return webhook_replay(message=locked.message, actor=actor, request=request)


# --- Delivering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryClaim:
    """What a worker run may send: the lease it holds and the bytes and URL to POST."""

    delivery_id: int
    lease_token: str
    number: int
    url: str
    body: bytes
    signature: str


@dataclass(frozen=True)
class ClaimRefused:
    """Why a run sends nothing: final, paused, or leased/not yet due (retry at ``retry_at``)."""

    reason: str
    retry_at: datetime | None = None


def _lease_seconds() -> int:
    return settings.DROPYARD_WEBHOOK_LEASE_SECONDS


@transaction.atomic
def webhook_delivery_claim(*, delivery_id: int) -> DeliveryClaim | ClaimRefused:
    """Take the send lease on a delivery, or say why not.

    Invariant: at most one unexpired lease per delivery; a claim counts an attempt
    (``attempts_started``). A previous claim whose result was never recorded (its run died
    mid-send) is logged as an interrupted attempt before the new one starts.
    """
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("message", "message__endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return ClaimRefused("missing")
    if delivery.status != DeliveryStatus.PENDING:
        return ClaimRefused("final")
    now = timezone.now()
    if delivery.lease_until is not None and delivery.lease_until > now:
        return ClaimRefused("leased", retry_at=delivery.lease_until)
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return ClaimRefused("not due", retry_at=delivery.next_attempt_at)
    endpoint = delivery.message.endpoint
    if not endpoint.is_active:
        return ClaimRefused("paused")  # webhook_resume / webhook_set re-enqueue it
    if (
        delivery.lease_token
        and delivery.lease_until is not None  # set together with lease_token
        and delivery.attempts.count() < delivery.attempts_started
    ):
        WebhookAttempt.objects.create(
            delivery=delivery,
            endpoint=endpoint,
            number=delivery.attempts_started,
            url=endpoint.url,
            started_at=delivery.lease_until - timedelta(seconds=_lease_seconds()),
            error="Interrupted: the worker stopped before the answer was recorded",
        )
    delivery.attempts_started += 1
    delivery.lease_token = secrets.token_hex(16)
    delivery.lease_until = now + timedelta(seconds=_lease_seconds())
    delivery.save(update_fields=["attempts_started", "lease_token", "lease_until", "updated_at"])
    return DeliveryClaim(
        delivery_id=delivery.pk,
        lease_token=delivery.lease_token,
        number=delivery.attempts_started,
        url=endpoint.url,
        body=delivery.message.body.encode(),
        signature=delivery.message.signature,
    )


@dataclass(frozen=True)
class SendOutcome:
    """What one POST gave: an HTTP status (None if no answer), excerpt, error and timing."""

    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    response_excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_backoff(*, attempt: int) -> timedelta:
    """Delay before retry number ``attempt`` + 1: base × 2^(attempt − 1) seconds."""
    base = settings.DROPYARD_WEBHOOK_BACKOFF_SECONDS
    return timedelta(seconds=base * 2 ** (attempt - 1))


@transaction.atomic
def webhook_delivery_record(*, claim: DeliveryClaim, outcome: SendOutcome) -> WebhookDelivery:
    """Record one POST's outcome: DELIVERED on 2xx; else retry later or, at the cap, FAILED.

    Invariant: only the run holding the lease changes the delivery's status; a late result
    from a run whose lease was taken over is logged as an attempt and changes nothing else.
    Failures count towards the endpoint's auto-pause (``webhook_pause_check``).
    """
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("message")
        .get(pk=claim.delivery_id)
    )
    endpoint = WebhookEndpoint.objects.select_for_update(of=("self",), no_key=True).get(
        pk=delivery.message.endpoint_id
    )
    holds_lease = delivery.lease_token == claim.lease_token
    number = claim.number
    if WebhookAttempt.objects.filter(delivery=delivery, number=number).exists():
        # Our lease expired and the next run already logged this number as interrupted.
        number = (delivery.attempts.order_by("-number").values_list("number", flat=True)[0]) + 1
    WebhookAttempt.objects.create(
        delivery=delivery,
        endpoint=endpoint,
        number=number,
        url=claim.url,
        started_at=outcome.started_at,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        ok=outcome.ok and delivery.status != DeliveryStatus.DELIVERED,
        response_excerpt=outcome.response_excerpt[:EXCERPT_LENGTH],
        error=outcome.error[:ERROR_LENGTH],
    )
    if not holds_lease or delivery.status != DeliveryStatus.PENDING:
        return delivery
    delivery.lease_until = None
    delivery.lease_token = ""
    if outcome.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        endpoint.consecutive_failures = 0
        endpoint.save(update_fields=["consecutive_failures", "updated_at"])
    else:
        delivery.last_error = (outcome.error or f"HTTP {outcome.status_code}")[:ERROR_LENGTH]
        if delivery.attempts_started >= settings.DROPYARD_WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = timezone.now() + webhook_backoff(
                attempt=delivery.attempts_started
            )
            on_commit_enqueue_at(delivery.pk, delivery.next_attempt_at)
        endpoint.consecutive_failures += 1
        endpoint.save(update_fields=["consecutive_failures", "updated_at"])
        webhook_pause_check(endpoint=endpoint)
    delivery.save()
    return delivery


def on_commit_enqueue_at(delivery_id: int, run_after: datetime) -> None:
    """Enqueue the delivery task to run no earlier than ``run_after``, after commit."""

    def _enqueue() -> None:
        import_string(DELIVER_TASK).using(run_after=run_after).enqueue(delivery_id=delivery_id)

    transaction.on_commit(_enqueue)


def webhook_pause_check(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> bool:
    """Pause the endpoint if it keeps failing; True if it is paused now.

    Two rules: ``DROPYARD_WEBHOOK_PAUSE_AFTER_FAILURES`` consecutive failed attempts, or (the
    contract's auto-close) a success rate below 80% in each of the previous 2 full clock hours
    (each hour must have attempts). Call it inside a transaction holding the endpoint's lock.
    """
    if endpoint.paused_at is not None:
        return True
    reason = ""
    limit = settings.DROPYARD_WEBHOOK_PAUSE_AFTER_FAILURES
    if limit and endpoint.consecutive_failures >= limit:
        reason = f"{endpoint.consecutive_failures} consecutive failed deliveries"
    elif _hourly_rates_below_threshold(endpoint=endpoint, now=now or timezone.now()):
        reason = "Success below 80% in each of the previous 2 full hours"
    if not reason:
        return False
    endpoint.paused_at = timezone.now()
    endpoint.pause_reason = reason
    endpoint.save(update_fields=["paused_at", "pause_reason", "updated_at"])
    audit_record(
        action=AuditAction.WEBHOOK_CHANGED,
        actor_label="system",
        merchant=endpoint.merchant,
        target=endpoint,
        details={"topic": endpoint.topic, "type": "PAUSE", "reason": reason},
    )
    logger.warning("Webhook %s paused: %s", endpoint.pk, reason)
    return True


def _hourly_rates_below_threshold(*, endpoint: WebhookEndpoint, now: datetime) -> bool:
    hour = now.replace(minute=0, second=0, microsecond=0)
    for back in range(1, PAUSE_WINDOW_HOURS + 1):
        start, end = hour - timedelta(hours=back), hour - timedelta(hours=back - 1)
        counts = WebhookAttempt.objects.filter(
            endpoint=endpoint, started_at__gte=start, started_at__lt=end
        ).aggregate(total=Count("pk"), good=Count("pk", filter=Q(ok=True)))
        if counts["total"] == 0 or counts["good"] >= PAUSE_SUCCESS_RATE * counts["total"]:
            return False
    return True
