"""Filters and columns of the merchant's webhook delivery log, for the generic list
(``core.lists``): the existing filter form stays in front of the scoped selector."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import PRIMARY, FormFilter, ListTable

from .forms import MessageFilterForm
from .models import WebhookMessage


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
