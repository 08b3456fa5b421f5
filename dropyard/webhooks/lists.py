"""Filters and columns of the merchant's webhook delivery log and of the back office's failed
deliveries, for the generic list (``core.lists``): the filters stay in front of the selectors."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import PRIMARY, FormFilter, ListTable, SelectColumn

from .forms import MessageFilterForm
from .models import WebhookDelivery, WebhookMessage


class MessageFilter(FormFilter):
    class Meta:
        form = MessageFilterForm


class MessageTable(ListTable):
    """Messages, newest first: the message id heads a phone card, the delivery status first."""

    created_at = tables.DateTimeColumn(
        verbose_name=_("Time"),
        format="Y-m-d H:i:s",
        orderable=False,
        attrs={"td": {"class": "text-nowrap small"}},
    )
    topic = tables.Column(verbose_name=_("Topic"), orderable=False)
    type = tables.Column(verbose_name=_("Type"), orderable=False)
    message_id = tables.Column(
        verbose_name=_("Message id"), orderable=False, attrs={"td": {"class": "list-title"}}
    )
    status = tables.Column(
        accessor="latest_status",
        verbose_name=_("Status"),
        orderable=False,
        attrs=PRIMARY,
        empty_values=(),
    )
    attempts = tables.Column(
        accessor="latest_attempts", verbose_name=_("Attempts"), orderable=False
    )

    class Meta(ListTable.Meta):
        row_attrs = {"data-testid": "message-row"}

    def render_topic(self, record: WebhookMessage) -> str:
        return record.get_topic_display()

    def render_type(self, value: str, record: WebhookMessage) -> str:
        return format_html(
            '{} <span class="text-secondary small">{}</span>', value, record.message_type
        )

    def render_message_id(self, value: str, record: WebhookMessage) -> str:
        return format_html(
            '<a class="font-monospace small" href="{}">{}</a>',
            reverse("webhooks:message_detail", args=[record.pk]),
            value,
        )

    def render_status(self, value: str) -> str:
        return render_to_string("webhooks/partials/_status_badge.html", {"status": value})


class FailedDeliveryTable(ListTable):
    """Failed deliveries of every merchant: whose, which message, where to, why; ``retried``
    when the message was sent again since (the selector's annotation)."""

    select = SelectColumn(accessor="pk", label_accessor="message__message_id")
    updated_at = tables.DateTimeColumn(
        verbose_name=_("Failed"), format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap small"}}
    )
    merchant = tables.Column(
        accessor="message__merchant__business_name", verbose_name=_("Merchant"), orderable=False
    )
    message = tables.Column(
        accessor="message__message_id",
        verbose_name=_("Message"),
        orderable=False,
        attrs={"td": {"class": "list-title"}},
    )
    url = tables.Column(
        accessor="message__endpoint__url",
        verbose_name=_("Endpoint"),
        orderable=False,
        attrs={"td": {"class": "small text-break"}},
    )
    attempts_started = tables.Column(verbose_name=_("Attempts"), orderable=False)
    last_error = tables.Column(
        verbose_name=_("Last error"), orderable=False, attrs={"td": {"class": "small text-break"}}
    )
    retried = tables.BooleanColumn(verbose_name=_("Retried"), orderable=False, attrs=PRIMARY)

    class Meta(ListTable.Meta):
        row_attrs = {"data-testid": "failed-delivery-row"}

    def render_message(self, value: str, record: WebhookDelivery) -> str:
        return format_html(
            '<span class="font-monospace small">{}</span><div class="small text-secondary">'
            "{} {}</div>",
            value,
            record.message.type,
            record.message.message_type,
        )

    def value_message(self, value: str) -> str:
        return value

    def render_retried(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("Retried"))
        return "—"

    def value_retried(self, value: bool) -> str:
        return "yes" if value else ""
