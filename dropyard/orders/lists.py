"""The merchant order list's filters and columns, for the generic list (``core.lists``)."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import PRIMARY, FormFilter, ListTable, SelectColumn

from .choices import OrderStatus
from .forms import OrderFilterForm
from .templatetags.orders_tags import money

PRE_PAYMENT = {OrderStatus.CREATED, OrderStatus.IN_CART, OrderStatus.UNPAID}


class OrderFilter(FormFilter):
    """The order list's filters (``forms.OrderFilterForm``: search, status, country, store,
    problem, creation dates) in front of ``selectors.order_list``, which keeps their rules."""

    class Meta:
        form = OrderFilterForm


class OrderTable(ListTable):
    """The order list's columns; status, total and the row's main action head a phone card."""

    select = SelectColumn(accessor="public_id", label_accessor="order_number")
    number = tables.TemplateColumn(
        template_name="orders/partials/_order_number_cell.html",
        accessor="order_number",
        verbose_name=_("Order"),
        order_by=("order_number",),
        attrs={"td": {"class": "list-title"}},
    )
    created = tables.DateTimeColumn(
        accessor="created_at",
        verbose_name=pgettext_lazy("when", "Created"),
        format="Y-m-d H:i",
        order_by=("created_at",),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    customer = tables.Column(
        accessor="shipping_customer_name", verbose_name=_("Customer"), orderable=False
    )
    destination = tables.Column(
        accessor="shipping_country_code",
        verbose_name=pgettext_lazy("shipping", "Destination"),
        orderable=False,
    )
    store = tables.Column(
        accessor="store_name",
        verbose_name=_("Store"),
        orderable=False,
        attrs={"td": {"class": "small"}},
    )
    status = tables.TemplateColumn(
        template_name="orders/partials/_order_status_cell.html",
        verbose_name=_("Status"),
        order_by=("status", "sub_status"),
        attrs=PRIMARY,
    )
    total = tables.Column(
        accessor="total_amount_minor",
        verbose_name=_("Total"),
        attrs={
            "td": {"class": "text-end text-nowrap", "data-primary": "1"},
            "th": {"class": "text-end"},
        },
    )
    action = tables.Column(
        accessor="public_id",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end", "data-primary": "1"}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "order-table"}
        row_attrs = {"data-testid": "order-row"}

    def value_number(self, value: str) -> str:
        return value

    def render_destination(self, value: str, record) -> str:
        return format_html(
            '{} <span class="small text-secondary">{}</span>', value, record.shipping_city
        )

    def value_destination(self, value: str, record) -> str:
        return f"{value} {record.shipping_city}".strip()

    def render_store(self, value: str) -> str:
        return value or "—"

    def render_total(self, value: int, record) -> str:
        return money(value, record.currency)

    def value_status(self, record) -> str:
        return record.get_status_display()

    def render_action(self, value: str, record) -> str:
        label = _("Pay…") if record.status in PRE_PAYMENT else _("View")
        style = "btn-primary" if record.status in PRE_PAYMENT else "btn-outline-secondary"
        # The cell template adds the after-sales "Dispute" button (a template tag of the app
        # above orders, so orders never import it).
        return render_to_string(
            "orders/partials/_order_action_cell.html",
            {
                "record": record,
                "style": style,
                "url": reverse("orders:detail", args=[value]),
                "label": label,
            },
        )
