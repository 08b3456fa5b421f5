"""Columns of the back-office account lists, for the generic list (``core.lists``)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import PRIMARY, ListTable

from .models import MerchantAccount, SupplierApplication


class MerchantTable(ListTable):
    """Operator merchant list: business (the card's title), account, owner, members, level,
    agent. Rows come from ``selectors.merchant_list`` (``member_count``, ``owner_email``)."""

    business_name = tables.Column(
        verbose_name=_("Business"),
        order_by=("business_name", "pk"),
        attrs={"td": {"class": "list-title"}},
    )
    account_number = tables.Column(
        verbose_name=_("Account number"), attrs={"td": {"class": "text-nowrap font-monospace"}}
    )
    owner_email = tables.Column(verbose_name=_("Owner email"), orderable=False, default="—")
    member_count = tables.Column(
        verbose_name=_("Members"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    level = tables.Column(verbose_name=_("Level"), attrs={"td": {"class": "text-nowrap"}})
    agent = tables.Column(verbose_name=_("Agent"), orderable=False, default="—")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "merchant-table"}

    def render_business_name(self, value: str, record: MerchantAccount) -> str:
        sandbox = (
            format_html(' <span class="badge text-bg-secondary">{}</span>', "Sandbox")
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


class SupplierApplicationTable(ListTable):
    """Operator supplier applications: company (the card's title), applicant, country, dates;
    the status first on a phone card."""

    company_name = tables.Column(verbose_name=_("Company"), attrs={"td": {"class": "list-title"}})
    applicant = tables.Column(accessor="applicant__email", verbose_name=_("Applicant"))
    country = tables.Column(verbose_name=_("Country"))
    created_at = tables.DateTimeColumn(
        verbose_name=_("Submitted"), format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}}
    )
    status = tables.TemplateColumn(
        template_code=(
            '{% include "accounts/ops/partials/_application_status.html" with application=record %}'
        ),
        verbose_name=_("Status"),
        attrs=PRIMARY,
    )
    reviewed_at = tables.Column(
        verbose_name=_("Reviewed"), default="—", attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "supplier-table"}

    def render_company_name(self, value: str, record: SupplierApplication) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("accounts_ops:supplier_detail", args=[record.pk]), value
        )

    def render_reviewed_at(self, value, record: SupplierApplication) -> str:
        day = date_format(timezone.localtime(value), "Y-m-d")
        return f"{day} · {record.reviewed_by.email}" if record.reviewed_by else day
