"""Columns of the back-office account lists, for the generic list (``core.lists``)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from dropyard.core.lists import ListTable

from .models import MerchantAccount


class MerchantTable(ListTable):
    """Operator merchant list: business (the card's title), account, owner, members, level,
    agent. Rows come from ``selectors.merchant_list`` (``member_count``, ``owner_email``)."""

    business_name = tables.Column(
        verbose_name="Business",
        order_by=("business_name", "pk"),
        attrs={"td": {"class": "list-title"}},
    )
    account_number = tables.Column(
        verbose_name="Account number", attrs={"td": {"class": "text-nowrap font-monospace"}}
    )
    owner_email = tables.Column(verbose_name="Owner email", orderable=False, default="—")
    member_count = tables.Column(
        verbose_name="Members",
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    level = tables.Column(verbose_name="Level", attrs={"td": {"class": "text-nowrap"}})
    agent = tables.Column(verbose_name="Agent", orderable=False, default="—")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "merchant-table"}

    def render_business_name(self, value: str, record: MerchantAccount) -> str:
        sandbox = (
            format_html(' <span class="badge text-bg-secondary">Sandbox</span>')
            if record.is_sandbox
            else ""
        )
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("accounts_ops:merchant_detail", args=[record.pk]),
            value,
            sandbox,
        )

    def render_agent(self, value) -> str:
        return value.display_name
