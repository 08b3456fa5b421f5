"""Filters and columns of the returns desk (``selectors_returns.returns_for_operator``) for the
generic list (``core.lists``)."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import NUMERIC, PRIMARY, FormFilter, ListTable, local_time
from dropyard.core.money import Money

from .forms_returns import ReturnFilterForm
from .models import ReturnAuthorization


class ReturnFilter(FormFilter):
    placeholder = _("RMA, order, tracking number or account number")

    class Meta:
        form = ReturnFilterForm


class ReturnTable(ListTable):
    """Returns, newest first: the RMA code (to its page) and the status head a phone card."""

    code = tables.Column(
        verbose_name=_("Return"), attrs={"td": {"class": "list-title text-nowrap"}}
    )
    created_at = tables.Column(verbose_name=_("Authorized"))
    merchant = tables.Column(accessor="merchant__account_number", verbose_name=_("Merchant"))
    order = tables.Column(
        accessor="order__code", verbose_name=_("Order"), attrs={"td": {"class": "font-monospace"}}
    )
    warehouse = tables.Column(accessor="warehouse__code", verbose_name=_("Warehouse"))
    tracking_number = tables.Column(verbose_name=_("Tracking number"), default="—")
    shipping = tables.Column(
        accessor="shipping_quote_minor", verbose_name=_("Return shipping"), attrs=NUMERIC
    )
    status = tables.Column(verbose_name=_("Status"), attrs=PRIMARY)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "return-table"}
        row_attrs = {"data-testid": "return-row"}

    def render_code(self, value: str, record: ReturnAuthorization) -> str:
        return format_html(
            '<a class="font-monospace" href="{}">{}</a>',
            reverse("aftersales_ops:return", args=[record.public_id]),
            value,
        )

    def render_created_at(self, value: Any) -> str:
        return local_time(value)

    def value_created_at(self, value: Any) -> str:
        return local_time(value)

    def render_shipping(self, value: int, record: ReturnAuthorization) -> str:
        return f"{Money(value, record.currency).wire()} {record.currency}"

    def render_status(self, record: ReturnAuthorization) -> str:
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            "secondary" if not record.is_open else "primary",
            record.get_status_display(),
        )

    def value_status(self, record: ReturnAuthorization) -> str:
        return record.status
