"""The AS service center's columns, for the generic list (``core.lists``): the order (our
code and the merchant's number), the claimed products' pictures, reason, expected outcome,
amount asked, status, due time and when it was opened. Status, due time and the "View"
button head a phone card."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import NUMERIC, PRIMARY, ActionColumn, ListTable, local_time
from dropyard.core.money import format_money

THUMBS_MAX = 3


class DisputeTable(ListTable):
    order = tables.Column(
        accessor="order__code",
        verbose_name=_("Order"),
        order_by=("order__code",),
        attrs={"td": {"class": "list-title"}},
    )
    products = tables.Column(
        accessor="pk", verbose_name=_("Products"), orderable=False, exclude_from_export=True
    )
    reason = tables.Column(accessor="reason", verbose_name=_("Reason"), order_by=("reason",))
    expect = tables.Column(
        accessor="expect_type", verbose_name=_("Expected outcome"), order_by=("expect_type",)
    )
    amount = tables.Column(
        accessor="requested_amount_minor",
        verbose_name=_("Amount asked"),
        order_by=("requested_amount_minor",),
        attrs=NUMERIC,
    )
    status = tables.Column(accessor="status", verbose_name=_("Status"), attrs=PRIMARY)
    due = tables.Column(
        accessor="due_at",
        verbose_name=_("Due"),
        order_by=("due_at",),
        attrs={"td": {"class": "small text-nowrap", **PRIMARY["td"]}, "th": PRIMARY["th"]},
    )
    created = tables.Column(
        accessor="created_at",
        verbose_name=pgettext_lazy("when", "Created"),
        order_by=("created_at",),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    action = ActionColumn(accessor="public_id")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "dispute-table"}
        row_attrs = {"data-testid": "dispute-row"}

    def render_order(self, value: str, record) -> str:
        return format_html(
            '<a href="{}" class="font-monospace">{}</a>'
            '<div class="small text-secondary text-break">{}</div>'
            '<div class="small text-secondary">{}</div>',
            reverse("aftersales:dispute", args=[record.public_id]),
            value,
            record.order.order_number,
            _("Dispute %(id)s") % {"id": record.public_id},
        )

    def value_order(self, value: str, record) -> str:
        return f"{value} {record.order.order_number}"

    def render_products(self, value: int, record) -> str:
        lines = list(record.lines.all())
        return render_to_string(
            "aftersales/partials/_thumbs.html",
            {"lines": lines[:THUMBS_MAX], "more": max(0, len(lines) - THUMBS_MAX)},
        )

    def render_reason(self, value: int, record) -> str:
        return record.get_reason_display()

    def value_reason(self, value: int, record) -> str:
        return record.get_reason_display()

    def render_expect(self, value: int, record) -> str:
        return record.get_expect_type_display()

    def value_expect(self, value: int, record) -> str:
        return record.get_expect_type_display()

    def render_amount(self, value: int, record) -> str:
        return format_money(value, record.currency)

    def value_amount(self, value: int, record) -> str:
        return format_money(value, record.currency)

    def render_status(self, value: str, record) -> str:
        return render_to_string("aftersales/partials/_status.html", {"dispute": record})

    def value_status(self, value: str, record) -> str:
        return record.get_status_display()

    def render_due(self, value, record) -> str:
        return render_to_string("aftersales/partials/_due_cell.html", {"dispute": record})

    def value_due(self, value, record) -> str:
        return local_time(value) if record.is_open else ""

    def render_created(self, value) -> str:
        return local_time(value)

    def value_created(self, value) -> str:
        return local_time(value)

    def render_action(self, value: str) -> str:
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
            reverse("aftersales:dispute", args=[value]),
            _("View"),
        )
