"""Filters and columns of the operator's message threads, for the generic list
(``core.lists``): the existing filter form stays in front of ``selectors.thread_list_for_agent``."""

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import PRIMARY, FormFilter, ListTable

from .forms import ThreadFilterForm


class ThreadFilter(FormFilter):
    class Meta:
        form = ThreadFilterForm

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        search, unread_only = self.form.values()
        return self.select(search=search, unread_only=unread_only)


class ThreadTable(ListTable):
    """One row per merchant conversation; the unread count first on a phone card. The agent
    column is for admins (the view excludes it for agents)."""

    business_name = tables.Column(
        verbose_name=_("Merchant"), orderable=False, attrs={"td": {"class": "list-title"}}
    )
    account_number = tables.Column(
        verbose_name=_("Account"), orderable=False, attrs={"td": {"class": "small font-monospace"}}
    )
    agent = tables.Column(verbose_name=_("Agent"), orderable=False, default=_("none"))
    last_message_at = tables.Column(
        verbose_name=_("Last message"),
        orderable=False,
        default=_("No messages yet"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    unread_count = tables.Column(verbose_name=_("Unread"), orderable=False, attrs=PRIMARY)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "thread-list"}
        row_attrs = {"data-testid": "thread-row"}

    def render_business_name(self, value: str, record) -> str:
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a>',
            reverse("sourcing:ops_thread", args=[record.pk]),
            value,
        )

    def render_agent(self, value) -> str:
        return value.display_name

    def render_last_message_at(self, value, record) -> str:
        plural = "" if record.message_count == 1 else "s"
        when = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return f"{when} · {record.message_count} message{plural}"

    def render_unread_count(self, value: int) -> str:
        if not value:
            return ""
        return format_html(
            '<span class="badge rounded-pill text-bg-danger" data-testid="unread-count">'
            "{} unread</span>",
            value,
        )
