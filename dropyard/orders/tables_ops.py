"""The back-office order list's table (django-tables2): sortable columns, links to the
operator's order page. Self-contained (no view state) so a generic list page can reuse it."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import PRIMARY, ListTable

from .models import Order
from .templatetags.orders_tags import money, status_class


class OperatorOrderTable(ListTable):
    """One row per order: code (link), merchant, number, customer, country, status, problems,
    total, created. Sorting is by database columns only (``order_by`` on each)."""

    code = tables.Column(
        verbose_name=_("Order"), attrs={"td": {"class": "font-monospace list-title"}}
    )
    merchant = tables.Column(
        accessor="merchant__business_name",
        verbose_name=_("Merchant"),
        order_by="merchant__business_name",
    )
    order_number = tables.Column(verbose_name=_("Number"), attrs={"td": {"class": "text-break"}})
    shipping_customer_name = tables.Column(verbose_name=_("Customer"))
    shipping_country_code = tables.Column(verbose_name=_("Country"))
    status = tables.Column(verbose_name=_("Status"), attrs=PRIMARY)
    problems = tables.Column(verbose_name=_("Flags"), empty_values=(), orderable=False)
    total_amount_minor = tables.Column(
        verbose_name=_("Total"),
        attrs={"td": {"class": "text-end", **PRIMARY["td"]}, "th": {"class": "text-end"}},
    )
    created_at = tables.DateTimeColumn(
        verbose_name=pgettext_lazy("when", "Created"), format="Y-m-d H:i"
    )

    class Meta(ListTable.Meta):
        model = Order
        fields = ()
        sequence = (
            "code",
            "merchant",
            "order_number",
            "shipping_customer_name",
            "shipping_country_code",
            "status",
            "problems",
            "total_amount_minor",
            "created_at",
        )
        order_by = ("-created_at",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "ops-orders"}
        row_attrs = {"data-testid": "ops-order-row"}
        empty_text = _("No orders match these filters.")

    def render_code(self, value: str, record: Order) -> Any:
        url = reverse("orders_ops:detail", args=[record.public_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_status(self, value: str, record: Order) -> Any:
        sub = record.get_sub_status_display() if record.sub_status else ""
        return format_html(
            '<span class="badge {}">{}</span>{}',
            status_class(record.status),  # value is the display label (a choices field)
            record.get_status_display(),
            format_html(' <span class="small text-secondary">{}</span>', sub) if sub else "",
        )

    def render_problems(self, record: Order) -> Any:
        flags = [
            format_html('<span class="badge text-bg-{}">{}</span>', tone, label)
            for flag, tone, label in (
                (record.on_hold, "warning", _("On hold")),
                (record.logistics_miss, "danger", _("No line")),
            )
            if flag
        ]
        return format_html_join(" ", "{}", ((flag,) for flag in flags)) if flags else "—"

    def render_total_amount_minor(self, value: int, record: Order) -> str:
        return money(value, record.currency)
