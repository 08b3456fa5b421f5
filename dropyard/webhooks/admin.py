"""Read-only admin for webhook endpoints, messages and deliveries (writes go through services)."""

from django.contrib import admin

from dropyard.core.admin import ReadOnlyAdmin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["merchant", "topic", "url", "enabled", "paused_at", "consecutive_failures"]
    list_filter = ["topic", "enabled"]
    list_select_related = ["merchant"]


@admin.register(WebhookMessage)
class WebhookMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "merchant", "topic", "type", "message_type", "message_id"]
    list_filter = ["topic", "type"]
    search_fields = ["message_id"]
    list_select_related = ["merchant"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "message", "status", "attempts_started", "next_attempt_at"]
    list_filter = ["status"]
    list_select_related = ["message"]


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "delivery", "number", "status_code", "ok", "duration_ms"]
    list_filter = ["ok"]
