"""Outbound webhooks: endpoints per merchant and topic, messages, deliveries and their attempts.

A message is stored once, with the exact JSON bytes that are sent and signed. Each delivery of it
(the first one, and one per manual replay) is a ``WebhookDelivery`` that the worker sends until
it is DELIVERED or FAILED; every HTTP try is a ``WebhookAttempt`` row (the delivery log).
"""

from django.db import models
from django.db.models import Q

from dropyard.core.models import TimeStampedModel

from .choices import DeliveryStatus, WebhookMessageType, WebhookTopic, WebhookType


class WebhookEndpoint(TimeStampedModel):
    """A merchant's callback URL for one topic.

    Invariants: at most one endpoint per (merchant, topic); messages are queued only while it is
    ``enabled`` and not paused (``paused_at`` is None); ``paused_at`` and ``pause_reason`` are set
    together by the auto-pause and cleared together by a resume or a new ``webhook/set``;
    ``consecutive_failures`` counts failed attempts since the last 2xx.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    topic = models.CharField(max_length=16, choices=WebhookTopic.choices)
    url = models.URLField(max_length=500, blank=True)
    enabled = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "topic"], name="webhooks_one_endpoint_per_topic"
            ),
            models.CheckConstraint(
                condition=Q(enabled=False) | ~Q(url=""), name="webhooks_enabled_needs_url"
            ),
        ]
        ordering = ["merchant", "topic"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} webhook → {self.url or '(none)'}"

    @property
    def is_active(self) -> bool:
        """True when new messages are queued for this endpoint."""
        return self.enabled and self.paused_at is None


class WebhookMessage(models.Model):
    """One event for one merchant, frozen as the bytes to send.

    Invariants: ``body`` is the exact UTF-8 JSON text sent (and signed), never rewritten;
    ``message_id`` (32 hex) is unique and equals the body's ``messageId``; ``signature`` is
    Base64(HMAC-SHA256(str(openId), body bytes)) as sent in the ``sign`` header.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="webhook_messages"
    )
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    topic = models.CharField(max_length=16, choices=WebhookTopic.choices)
    message_id = models.CharField(max_length=32, unique=True)
    type = models.CharField(max_length=16, choices=WebhookType.choices)
    message_type = models.CharField(max_length=20, choices=WebhookMessageType.choices)
    body = models.TextField()
    signature = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["merchant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.message_type} {self.message_id}"


class WebhookDelivery(models.Model):
    """One delivery run of a message: the first send, or a manual replay.

    Invariants: status goes PENDING → DELIVERED or PENDING → FAILED, never back;
    ``delivered_at`` is set exactly once, with DELIVERED; ``attempts_started`` counts claims
    (an attempt may have been interrupted before its ``WebhookAttempt`` row was written);
    ``lease_until``/``lease_token`` mark the one worker run allowed to send right now.
    """

    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts_started = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    is_replay = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.DELIVERED, delivered_at__isnull=False)
                | (~Q(status=DeliveryStatus.DELIVERED) & Q(delivered_at__isnull=True)),
                name="webhooks_delivered_at_iff_delivered",
            )
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Delivery {self.pk} of {self.message.message_id}: {self.status}"


class WebhookAttempt(models.Model):
    """One HTTP POST of a delivery (or one that was interrupted), as the merchant's log shows it.

    Invariants: ``number`` is unique per delivery; ``ok`` is True exactly for a 2xx answer; the
    delivery turns DELIVERED with its first ``ok`` attempt. ``status_code`` is None when no
    answer arrived (timeout, refused connection, or a run interrupted mid-send).
    """

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    url = models.CharField(max_length=500)
    started_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhooks_attempt_number_unique"
            )
        ]
        indexes = [models.Index(fields=["endpoint", "started_at"])]

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}: {self.status_code}"
