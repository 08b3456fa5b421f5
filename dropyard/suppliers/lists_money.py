"""Generic-list filters and columns of the supplier's earnings (the entries on its payable) and
of finance's payout queue (``core.lists``)."""

from typing import Any

import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import PRIMARY, FormFilter, ListTable
from dropyard.orders.templatetags.orders_tags import money
from dropyard.wallet.choices import LedgerKind, PayoutStatus
from dropyard.wallet.lists import MoneyColumn, WhenColumn
from dropyard.wallet.models import Entry, Payout


class EarningsFilterForm(forms.Form):
    """Earnings only, payouts only, or both."""

    kind = forms.ChoiceField(
        required=False,
        label=_("Kind"),
        choices=[
            ("", _("Earnings and payouts")),
            (LedgerKind.SUPPLIER_EARNING, _("Earnings")),
            (LedgerKind.SUPPLIER_PAYOUT, _("Payouts")),
        ],
    )

    def filters(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {"kind": self.cleaned_data["kind"]}


class EarningsFilter(FormFilter):
    class Meta:
        form = EarningsFilterForm


class EarningsTable(ListTable):
    """The payable's entries, newest first: what was earned (parcel) or paid out."""

    created_at = WhenColumn(accessor="transaction__created_at", verbose_name=_("Date"))
    kind = tables.Column(
        accessor="transaction__kind",
        verbose_name=_("Kind"),
        attrs={"td": {"class": "small list-title"}},
    )
    reference = tables.Column(
        accessor="transaction__reference_id",
        verbose_name=_("Parcel / payout"),
        orderable=False,
        attrs={"td": {"class": "small font-monospace text-break"}},
    )
    amount = tables.Column(
        accessor="amount_minor",
        verbose_name=_("Amount"),
        attrs={
            "td": {"class": "text-end text-nowrap", **PRIMARY["td"], "data-testid": "entry-amount"},
            "th": {"class": "text-end"},
        },
    )
    balance = MoneyColumn(
        accessor="balance_after_minor", verbose_name=_("Payable after"), orderable=False
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "earnings-table"}
        row_attrs = {"data-testid": "earnings-row"}

    def render_kind(self, record: Entry) -> str:
        return record.transaction.kind_label

    def render_reference(self, value: str, record: Entry) -> str:
        if record.transaction.kind == LedgerKind.SUPPLIER_PAYOUT:
            return f"PO{value}"
        return value

    def render_amount(self, value: int, record: Entry) -> str:
        return ("+" if value > 0 else "") + money(value, record.currency)

    def value_amount(self, value: int, record: Entry) -> str:
        return money(value, record.currency)


class PayoutFilterForm(forms.Form):
    """Finance's queue: status (default: those waiting for finance) and a search."""

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("Every status")), *PayoutStatus.choices],
    )

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {"q": self.cleaned_data["q"], "status": self.cleaned_data["status"]}


class PayoutFilter(FormFilter):
    placeholder = _("Payout code or supplier")

    class Meta:
        form = PayoutFilterForm


class PayoutTable(ListTable):
    """Payouts, newest first; the code links to the payout's page (its decisions)."""

    code = tables.Column(
        accessor="public_id",
        verbose_name=_("Payout"),
        attrs={"td": {"class": "list-title font-monospace"}},
    )
    created_at = WhenColumn(verbose_name=_("Requested"))
    supplier = tables.Column(accessor="supplier__company_name", verbose_name=_("Supplier"))
    status = tables.Column(verbose_name=_("Status"), attrs=PRIMARY)
    amount = MoneyColumn(accessor="amount_minor", verbose_name=_("Amount"), primary=True)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "payout-table"}
        row_attrs = {"data-testid": "payout-row"}

    def render_code(self, record: Payout) -> str:
        url = reverse("suppliers_ops:payout_detail", args=[record.public_id])
        return format_html('<a href="{}">{}</a>', url, record.code)

    def value_code(self, record: Payout) -> str:
        return record.code

    def render_status(self, record: Payout) -> str:
        return record.get_status_display()
