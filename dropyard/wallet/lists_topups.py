"""Filters and columns of the top-up lists, for the generic list (``core.lists``): the merchant's
own top-ups (``selectors.merchant_topups``) and finance's wire-transfer queue
(``selectors.wire_queue``). The forms only parse; the selectors keep the scoping and the search
rules. Codes (TU…) are shown, never database ids."""

from typing import Any

import django_tables2 as tables
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import PRIMARY, FormFilter, ListTable

from .choices import Provider, TopUpStatus
from .lists import (
    ActionColumn,
    CodeColumn,
    DatedSearchForm,
    MerchantColumn,
    MoneyColumn,
    TemplateCell,
    WhenColumn,
)
from .models import TopUp

# The wire queue's status filter: the pending queue unless finance asks for another.
WIRE_STATUSES = {
    "pending": TopUpStatus.PENDING,
    "succeeded": TopUpStatus.SUCCEEDED,
    "rejected": TopUpStatus.REJECTED,
    "all": "",
}


class TopUpFilterForm(DatedSearchForm):
    """The merchant's top-ups: code or reference, status, method, day range."""

    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *TopUpStatus.choices]
    )
    provider = forms.ChoiceField(
        required=False, label=_("Method"), choices=[("", _("Any method")), *Provider.choices]
    )

    passed = ("status", "provider")
    placeholder = _("Code (TU…) or bank reference")


class TopUpFilter(FormFilter):
    class Meta:
        form = TopUpFilterForm


class WireFilterForm(DatedSearchForm):
    """Finance's wire queue: code, bank reference or merchant; status (pending by default)."""

    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[
            ("pending", _("Waiting for a decision")),
            ("succeeded", _("Credited")),
            ("rejected", _("Rejected")),
            ("all", _("All")),
        ],
    )

    placeholder = _("Code (TU…), bank reference or merchant")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["q", "status", "date_from", "date_to"])

    def filters(self) -> dict[str, Any]:
        filters = super().filters()
        # A valid status holds even when another field (a date) is refused.
        status = getattr(self, "cleaned_data", {}).get("status") or "pending"
        return {**filters, "status": WIRE_STATUSES[status]}


class WireFilter(FormFilter):
    class Meta:
        form = WireFilterForm


STATUS_BADGE = "wallet/partials/_topup_status_badge.html"


class TopUpTable(ListTable):
    """The merchant's top-ups, newest first: status, amount and "View" head a phone card."""

    code = CodeColumn(verbose_name=_("Top-up"), url_name="wallet:topup_detail")
    created_at = WhenColumn(verbose_name=_("Date"))
    provider = tables.Column(verbose_name=_("Method"))
    status = TemplateCell(
        template=STATUS_BADGE, name="topup", verbose_name=_("Status"), attrs=PRIMARY
    )
    amount = MoneyColumn(accessor="amount_minor", verbose_name=_("Amount"), primary=True)
    fee = MoneyColumn(accessor="fee_minor", verbose_name=_("Fee"))
    action = ActionColumn(template="wallet/partials/_topup_row_action.html", name="topup")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "topup-table"}
        row_attrs = {"data-testid": "topup-row"}

    def render_provider(self, record: TopUp) -> str:
        if record.provider == Provider.SANDBOX:
            return format_html('<span class="badge text-bg-warning">{}</span>', _("Sandbox"))
        return record.get_provider_display()

    def value_provider(self, record: TopUp) -> str:
        return record.get_provider_display()


class WireTable(ListTable):
    """Finance's wire transfers, oldest first: status, amount and "Review…" (the transfer's
    page, where approve and reject are, each with its confirmation) head a phone card."""

    code = CodeColumn(verbose_name=_("Top-up"), url_name="wallet_ops:wire_detail")
    created_at = WhenColumn(verbose_name=_("Submitted"))
    merchant = MerchantColumn()
    wire_reference = tables.Column(
        verbose_name=_("Bank reference"), orderable=False, attrs={"td": {"class": "text-break"}}
    )
    status = TemplateCell(
        template=STATUS_BADGE, name="topup", verbose_name=_("Status"), attrs=PRIMARY
    )
    amount = MoneyColumn(accessor="amount_minor", verbose_name=_("Amount"), primary=True)
    action = ActionColumn(template="wallet/ops/partials/_wire_row_action.html", name="topup")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "wire-table"}
        row_attrs = {"data-testid": "wire-row"}
