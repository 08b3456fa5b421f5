"""Webhook reads, scoped to one merchant; ``webhook_delivery_failed_list`` is the back office's
(operator admins: every merchant)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from dropyard.accounts.models import MerchantAccount

from .choices import DeliveryStatus, WebhookTopic
from .exceptions import WebhookMessageNotFound
from .models import WebhookDelivery, WebhookEndpoint, WebhookMessage


@dataclass(frozen=True)
class TopicRow:
    """One topic on the settings page: its endpoint, if the merchant ever set one."""

    topic: str
    label: StrOrPromise  # lazy: read in the language of the page
    endpoint: WebhookEndpoint | None


def webhook_endpoint_rows(*, merchant: MerchantAccount) -> list[TopicRow]:
    """Every topic in contract order, with the merchant's endpoint for it (or None)."""
    endpoints = {e.topic: e for e in WebhookEndpoint.objects.filter(merchant=merchant)}
    return [
        TopicRow(topic=value, label=label, endpoint=endpoints.get(value))
        for value, label in WebhookTopic.choices
    ]


def webhook_callbacks(*, merchant: MerchantAccount) -> dict[str, dict]:
    """``setting/get``'s ``callback``: per topic ``{type: ENABLE|CANCEL, urls: [...]}``.

    A paused topic reads as CANCEL: nothing is being sent to it (the contract's auto-close).
    """
    endpoints = {e.topic: e for e in WebhookEndpoint.objects.filter(merchant=merchant)}
    callbacks = {}
    for topic in WebhookTopic.values:
        endpoint = endpoints.get(topic)
        if endpoint is not None and endpoint.is_active:
            callbacks[topic] = {"type": "ENABLE", "urls": [endpoint.url]}
        else:
            callbacks[topic] = {"type": "CANCEL", "urls": []}
    return callbacks


@dataclass(frozen=True)
class MessageFilters:
    """Delivery log filters; empty values mean "any"."""

    topic: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


def webhook_message_list(
    *, merchant: MerchantAccount, filters: MessageFilters | None = None
) -> QuerySet[WebhookMessage]:
    """The merchant's messages, newest first, annotated with ``latest_status`` (the status of
    the newest delivery, i.e. the replay if there was one) and ``latest_attempts``."""
    filters = filters or MessageFilters()
    latest = WebhookDelivery.objects.filter(message=OuterRef("pk")).order_by("-created_at", "-pk")
    qs = WebhookMessage.objects.filter(merchant=merchant).annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_attempts=Subquery(latest.values("attempts_started")[:1]),
    )
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.status:
        qs = qs.filter(latest_status=filters.status)
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs.order_by("-created_at", "-pk")


def webhook_message_get(*, merchant: MerchantAccount, pk: int) -> WebhookMessage:
    """One of the merchant's messages; ``WebhookMessageNotFound`` for anyone else's."""
    message = (
        WebhookMessage.objects.select_related("endpoint").filter(merchant=merchant, pk=pk).first()
    )
    if message is None:
        raise WebhookMessageNotFound(_("Webhook message not found"))
    return message


def webhook_delivery_list(*, message: WebhookMessage) -> list[WebhookDelivery]:
    """A message's deliveries, oldest first, each with its attempts loaded in order."""
    return list(
        WebhookDelivery.objects.filter(message=message)
        .prefetch_related("attempts")
        .order_by("created_at", "pk")
    )


STATUS_CHOICES = DeliveryStatus.choices


def webhook_delivery_failed_list(*, search: str = "") -> QuerySet[WebhookDelivery]:
    """FAILED deliveries of every merchant, latest failure first, each with ``retried``: its
    message has a later delivery (a retry or a merchant's replay). ``search`` matches the
    message id's start or the merchant's name or account number."""
    later = WebhookDelivery.objects.filter(message=OuterRef("message"), pk__gt=OuterRef("pk"))
    qs = WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED)
    if search:
        qs = qs.filter(
            Q(message__message_id__istartswith=search)
            | Q(message__merchant__business_name__icontains=search)
            | Q(message__merchant__account_number__iexact=search)
        )
    return (
        qs.select_related("message__merchant", "message__endpoint")
        .annotate(retried=Exists(later))
        .order_by("-updated_at", "-pk")
    )
