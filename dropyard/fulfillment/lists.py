"""The warehouse picker's and the work queue's filters and columns, for the generic list
(``core.lists``).

The filters stay in the selector (``selectors.parcel_queue``: its search, country and line
rules are tested there); ``QueueFilter`` is the form in front of it. On a phone the row's
main action (Pack / Ship) and its slip come first on the parcel's card.
"""

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_countries import countries

from dropyard.core.lists import PRIMARY, ActionColumn, ListFilterSet, ListTable, SelectColumn
from dropyard.inventory.models import Warehouse
from dropyard.orders.models import Parcel

from . import selectors
from .selectors import QUEUE_TABS

END = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


def _country_code(value: str | None) -> str:
    """An ISO country code typed in a filter box, or "" when it is not one."""
    code = (value or "").strip().upper()
    return code if countries.alpha2(code) else ""


class WarehousePickFilter(ListFilterSet):
    """Search (code, name or city) and country, in front of ``selectors.warehouse_queue_rows``."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=64)
    country = django_filters.CharFilter(label=gettext_lazy("Country"), max_length=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Code, name or city")})
        fields["country"].widget.attrs.update(
            {"class": "form-control text-uppercase", "placeholder": _("Country (CN)")}
        )

    def filter_queryset(self, queryset: QuerySet[Warehouse]) -> QuerySet[Warehouse]:
        data = self.form.cleaned_data
        return selectors.warehouse_queue_rows(
            search=(data.get("q") or "").strip(), country=_country_code(data.get("country"))
        )


class WarehousePickTable(ListTable):
    """The warehouses to work in, with their parcels at each step: the code heads a phone card,
    the Open queue button first. Rows: ``selectors.warehouse_queue_rows``."""

    code = tables.Column(
        verbose_name=gettext_lazy("Warehouse"), attrs={"td": {"class": "list-title"}}
    )
    country = tables.Column(verbose_name=gettext_lazy("Country"))
    ready = tables.Column(
        accessor="n_ready",
        verbose_name=gettext_lazy("Ready"),
        attrs=END,
    )
    picking = tables.Column(accessor="n_picking", verbose_name=gettext_lazy("Picking"), attrs=END)
    packed = tables.Column(
        accessor="n_packed",
        verbose_name=pgettext_lazy("parcels packed", "Packed"),
        attrs=END,
    )
    oldest_ready = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Ready since"),
        format="Y-m-d H:i",
        default="—",
        attrs={"td": {"class": "small text-nowrap"}},
    )
    action = ActionColumn(accessor="public_id")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "warehouse-queue-table"}
        row_attrs = {"data-testid": "warehouse-queue-row"}

    def render_code(self, value: str, record: Warehouse) -> str:
        inactive = (
            format_html(' <span class="badge text-bg-secondary">{}</span>', _("Inactive"))
            if not record.is_active
            else ""
        )
        return format_html(
            '<a class="font-monospace" href="{}">{}</a> {}{}',
            reverse("fulfillment_ops:queue", args=[record.public_id]),
            value,
            record.name,
            inactive,
        )

    def value_code(self, value: str, record: Warehouse) -> str:
        return f"{value} {record.name}"

    def render_action(self, value: str) -> str:
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            reverse("fulfillment_ops:queue", args=[value]),
            _("Open queue"),
        )


class QueueFilter(ListFilterSet):
    """Search (parcel code, order code or number), shipping line, destination country.

    Takes ``warehouse``, ``tab`` (a ``QUEUE_TABS`` key) and ``lines`` (the line choices)."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=64)
    line = django_filters.ChoiceFilter(
        label=gettext_lazy("Shipping line"), empty_label=gettext_lazy("All lines")
    )
    country = django_filters.CharFilter(label=gettext_lazy("Destination country"), max_length=2)
    tab = django_filters.CharFilter(widget=forms.HiddenInput)

    def __init__(self, *args, warehouse, tab: str, lines=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.warehouse = warehouse
        self.tab = tab
        fields = self.form.fields
        fields["line"].choices = [("", _("All lines")), *[(line.pk, line.name) for line in lines]]
        fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Parcel code, order code or order number")}
        )
        fields["country"].widget.attrs.update(
            {"class": "form-control text-uppercase", "placeholder": _("Country (US)")}
        )

    def filter_queryset(self, queryset: QuerySet[Parcel]) -> QuerySet[Parcel]:
        data = self.form.cleaned_data
        line = data.get("line")
        return selectors.parcel_queue(
            warehouse=self.warehouse,
            status=self.tab,
            line_id=int(line) if line else None,
            country=_country_code(data.get("country")),
            search=(data.get("q") or "").strip(),
        )


def queue_tab(value: str | None) -> str:
    """The queue tab named by ``?tab=``; the first tab when it is not one."""
    keys = [key for key, _label in QUEUE_TABS]
    return value if value in keys else keys[0]


class QueueTable(ListTable):
    """The queue's columns. ``select`` shows on the Ready and Picking tabs only, ``ready`` or
    ``shipped`` by tab (the view excludes the others)."""

    select = SelectColumn(accessor="public_id", field_name="parcel", label_accessor="code")
    code = tables.Column(
        verbose_name=gettext_lazy("Parcel"),
        orderable=False,
        attrs={"td": {"class": "list-title text-nowrap"}},
    )
    orders = tables.Column(
        accessor="pk",
        verbose_name=gettext_lazy("Orders"),
        orderable=False,
        attrs={"td": {"class": "small"}},
    )
    destination = tables.Column(
        accessor="pk", verbose_name=pgettext_lazy("shipping", "Destination"), orderable=False
    )
    line = tables.Column(
        accessor="line__name",
        verbose_name=gettext_lazy("Line"),
        orderable=False,
        default="—",
        attrs={"td": {"class": "small"}},
    )
    units = tables.Column(
        verbose_name=gettext_lazy("Units"),
        orderable=False,
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    ready = tables.DateTimeColumn(
        accessor="ready_at",
        verbose_name=gettext_lazy("Ready since"),
        format="Y-m-d H:i",
        orderable=False,
        default="—",
        attrs={"td": {"class": "small text-nowrap"}},
    )
    shipped = tables.Column(
        accessor="shipped_at",
        verbose_name=gettext_lazy("Shipped"),
        orderable=False,
        attrs={"td": {"class": "small text-nowrap"}},
    )
    action = tables.Column(
        accessor="public_id",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end text-nowrap", **PRIMARY["td"]}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "queue-table"}
        row_attrs = {"data-testid": "queue-row"}

    def render_code(self, value: str, record: Parcel) -> str:
        remainder = (
            format_html(' <span class="badge text-bg-warning">{}</span>', _("remainder"))
            if record.split_from_id
            else ""
        )
        return format_html(
            '<a class="font-monospace" href="{}">{}</a>{}',
            reverse("fulfillment_ops:parcel_detail", args=[record.public_id]),
            value,
            remainder,
        )

    def render_orders(self, record: Parcel) -> str:
        return format_html_join(
            "<br>",
            '{} <span class="text-secondary">({})</span>',
            ((o.code, o.order_number) for o in record.orders.all()),
        )

    def value_orders(self, record: Parcel) -> str:
        return "; ".join(o.code for o in record.orders.all())

    def render_destination(self, record: Parcel) -> str:
        order = next(iter(record.orders.all()), None)
        return f"{order.shipping_city}, {order.shipping_country_code}" if order else ""

    def render_shipped(self, value, record: Parcel) -> str:
        return format_html(
            "{} {}", timezone.localtime(value).strftime("%H:%M"), record.tracking_number
        )

    def render_action(self, value: str, record: Parcel) -> str:
        return render_to_string("fulfillment/ops/partials/_queue_action.html", {"parcel": record})
