"""Filters and columns of finance's refunds queue (``refunds.refunds_list``) and of the
supplementary (BT…) bill lists, the merchant's and finance's (``selectors.makeup_list``), for
the generic list (``core.lists``). The forms only parse; the selectors keep the scoping and the
search rules. Row actions that post (send a refund again, pay one bill) are buttons of the
list's form with their own ``formaction`` and a confirmation."""

from typing import Any

import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import PRIMARY, FormFilter, ListTable, SelectColumn

from .choices import MakeupStatus, MakeupType, RefundDestination, RefundStatus
from .lists import (
    ActionColumn,
    CodeColumn,
    DatedSearchForm,
    MerchantColumn,
    MoneyColumn,
    TemplateCell,
    WhenColumn,
)
from .models import Makeup, Refund

# --- Refunds (finance) ----------------------------------------------------------------------------


class RefundFilterForm(DatedSearchForm):
    """Search (RF…, an order, a merchant, the reason), status, destination, day range."""

    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *RefundStatus.choices]
    )
    destination = forms.ChoiceField(
        required=False,
        label=_("Destination"),
        choices=[("", _("Any destination")), *RefundDestination.choices],
    )

    passed = ("status", "destination")
    placeholder = _("Refund (RF…), order, merchant or reason")


class RefundFilter(FormFilter):
    class Meta:
        form = RefundFilterForm


class RefundTable(ListTable):
    """Every refund, newest first: status, amount and "Send again" (owed ones) head a card."""

    code = CodeColumn(verbose_name=_("Refund"))
    created_at = WhenColumn(verbose_name=_("Date"))
    merchant = MerchantColumn()
    order = tables.Column(
        accessor="order__code",
        verbose_name=_("Order"),
        default="—",
        attrs={"td": {"class": "small font-monospace"}},
    )
    reason = tables.Column(
        verbose_name=_("Reason"), orderable=False, attrs={"td": {"class": "small text-break"}}
    )
    destination = tables.Column(verbose_name=_("Destination"), attrs={"td": {"class": "small"}})
    status = TemplateCell(
        template="wallet/partials/_refund_status.html",
        name="refund",
        verbose_name=_("Status"),
        order_by=("status",),
        attrs=PRIMARY,
    )
    amount = MoneyColumn(accessor="amount_minor", verbose_name=_("Amount"), primary=True)
    action = ActionColumn(template="wallet/ops/partials/_refund_row_action.html", name="refund")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "refund-table"}
        row_attrs = {"data-testid": "refund-row"}

    def render_destination(self, record: Refund) -> str:
        if record.destination == RefundDestination.WALLET:
            return record.get_destination_display()
        return f"{record.get_destination_display()} ({record.get_provider_display()})"


# --- Supplementary bills --------------------------------------------------------------------------


class MakeupFilterForm(DatedSearchForm):
    """The merchant's bills: search (BT…, an order, the reason), status, type, day range."""

    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *MakeupStatus.choices]
    )
    type = forms.ChoiceField(
        required=False, label=_("Type"), choices=[("", _("Any type")), *MakeupType.choices]
    )

    passed = ("status", "type")
    placeholder = _("Bill (BT…), order code or reason")


class OpsMakeupFilterForm(MakeupFilterForm):
    """Finance's bills: the merchant's account number too (``merchant``, exact, any case)."""

    merchant = forms.CharField(required=False, max_length=32, label=_("Merchant account number"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merchant"].widget.attrs.update({"type": "search", "placeholder": "DY12345678"})
        self.order_fields(["merchant", "q", "status", "type", "date_from", "date_to"])

    def filters(self) -> dict[str, Any]:
        filters = super().filters()
        if filters:
            filters["account_number"] = self.cleaned_data["merchant"].strip()
        return filters


class MakeupFilter(FormFilter):
    class Meta:
        form = MakeupFilterForm


class OpsMakeupFilter(FormFilter):
    class Meta:
        form = OpsMakeupFilterForm


class UnpaidSelectColumn(SelectColumn):
    """A bill's checkbox (posted as ``codes``), for unpaid bills only."""

    def render(self, value: Any, record: Makeup) -> str:
        return super().render(value, record) if record.status == MakeupStatus.UNPAID else ""


class MakeupTable(ListTable):
    """The merchant's supplementary bills, newest first (the view excludes ``merchant``):
    checkboxes for the unpaid ones; status, amount and "Pay from wallet" head a phone card."""

    select = UnpaidSelectColumn(accessor="code", field_name="codes", label_accessor="code")
    code = CodeColumn(verbose_name=_("Bill"), accessor="code")
    created_at = WhenColumn(verbose_name=_("Date"))
    merchant = MerchantColumn()
    related_order = tables.Column(
        accessor="related_order__code",
        verbose_name=_("Order"),
        default="—",
        attrs={"td": {"class": "small font-monospace"}},
    )
    type = tables.Column(verbose_name=_("Type"), attrs={"td": {"class": "small"}})
    reason = tables.Column(
        verbose_name=_("Reason"), orderable=False, attrs={"td": {"class": "small text-break"}}
    )
    status = TemplateCell(
        template="wallet/partials/_makeup_status.html",
        name="bill",
        verbose_name=_("Status"),
        order_by=("status",),
        attrs=PRIMARY,
    )
    amount = MoneyColumn(accessor="amount_minor", verbose_name=_("Amount"), primary=True)
    action = ActionColumn(template="wallet/partials/_makeup_row_action.html", name="bill")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "makeup-table"}
        row_attrs = {"data-testid": "makeup-row"}

    def render_related_order(self, value: str, record: Makeup) -> str:
        url = reverse("orders:detail", args=[record.related_order.public_id])
        return format_html('<a href="{}">{}</a>', url, value)


class OpsMakeupTable(MakeupTable):
    """Finance's bills (the view excludes ``select``): the merchant, and "Cancel…" (a page that
    asks for the reason first) on unpaid ones."""

    action = ActionColumn(template="wallet/ops/partials/_makeup_row_action.html", name="bill")

    class Meta(MakeupTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "ops-makeup-table"}
        row_attrs = {"data-testid": "ops-makeup-row"}

    def render_related_order(self, value: str, record: Makeup) -> str:
        return value  # the order's page is the merchant's
