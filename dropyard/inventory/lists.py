"""Filters and columns of the back-office inventory lists, for the generic list (``core.lists``):
warehouses (the existing filter form stays in front of ``selectors.warehouse_list``), a
warehouse's stock rows and its movement history (filters in front of ``selectors.stock_list`` /
``selectors.movement_list``: the warehouse or stock row scopes them)."""

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dropyard.accounts.models import MerchantAccount
from dropyard.core.lists import PRIMARY, ActionColumn, FormFilter, ListFilterSet, ListTable

from . import selectors
from .choices import MovementKind
from .forms_ops import WarehouseFilterForm
from .models import Stock, StockMovement, Warehouse

END = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class WarehouseFilter(FormFilter):
    placeholder = _("Code, name or city")

    class Meta:
        form = WarehouseFilterForm


class WarehouseTable(ListTable):
    """Warehouses: the code (to its stock) heads a phone card, the status first."""

    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "list-title text-nowrap"}})
    name = tables.Column(verbose_name=pgettext_lazy("object", "Name"))
    country = tables.Column(verbose_name=_("Country"))
    city = tables.Column(verbose_name=_("City"), default="—")
    kind = tables.Column(verbose_name=_("Kind"), attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column(accessor="is_active", verbose_name=_("Status"), attrs=PRIMARY)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "warehouse-table"}

    def render_code(self, value: str, record: Warehouse) -> str:
        return format_html(
            '<a class="font-monospace" href="{}">{}</a>',
            reverse("inventory_ops:warehouse_stock", args=[record.public_id]),
            value,
        )

    def render_kind(self, record: Warehouse) -> str:
        if record.supplier:
            return format_html(
                '{} <span class="small text-secondary">({})</span>',
                record.get_kind_display(),
                record.supplier,
            )
        return record.get_kind_display()

    def render_status(self, record: Warehouse) -> str:
        badges = [
            ("text-bg-success", _("Active"))
            if record.is_active
            else ("text-bg-secondary", _("Inactive"))
        ]
        if not record.is_verified:
            badges.append(("text-bg-warning", _("Unverified")))
        return format_html_join(" ", '<span class="badge {}">{}</span>', badges)

    def value_status(self, record: Warehouse) -> str:
        return "Active" if record.is_active else "Inactive"


# --- A warehouse's stock and its movement history ---------------------------------------------

OWNER_CHOICES = (("platform", gettext_lazy("Platform")), ("private", gettext_lazy("Private")))


class StockFilter(ListFilterSet):
    """SKU (variant or product) and owner (platform or one merchant's private stock), in front
    of ``selectors.stock_list``. Takes ``warehouse``."""

    sku = django_filters.CharFilter(label=gettext_lazy("SKU"), max_length=60)
    owner = django_filters.ChoiceFilter(
        label=gettext_lazy("Owner"), choices=OWNER_CHOICES, empty_label=gettext_lazy("Any owner")
    )

    def __init__(self, *args: Any, warehouse: Warehouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warehouse = warehouse
        self.form.fields["sku"].widget.attrs.update(
            {"type": "search", "placeholder": _("Variant or product SKU")}
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        return selectors.stock_list(
            warehouse=self.warehouse,
            sku=(data.get("sku") or "").strip(),
            owner=data.get("owner") or "",
        )


class StockTable(ListTable):
    """A warehouse's stock rows: the SKU heads a phone card, the Adjust button first. Rows
    come from ``selectors.stock_list`` (``available_units``)."""

    variant = tables.Column(
        accessor="variant__sku",
        verbose_name=gettext_lazy("Variant"),
        order_by=("variant__sku", "merchant_id"),
        attrs={"td": {"class": "list-title"}},
    )
    product = tables.Column(
        accessor="variant__product__name",
        verbose_name=gettext_lazy("Product"),
        orderable=False,
        attrs={"td": {"class": "small text-secondary"}},
    )
    on_hand = tables.Column(verbose_name=gettext_lazy("On hand"), attrs=END)
    reserved = tables.Column(verbose_name=gettext_lazy("Reserved"), attrs=END)
    available = tables.Column(
        accessor="available_units",
        verbose_name=gettext_lazy("Available"),
        attrs={"td": {"class": "text-end fw-semibold"}, "th": END["th"]},
    )
    owner = tables.Column(
        accessor="merchant",
        verbose_name=gettext_lazy("Owner"),
        order_by=("merchant__business_name", "variant__sku"),
        empty_values=(),
        attrs={"td": {"class": "small"}},
    )
    action = ActionColumn()

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "stock-table"}
        row_attrs = {"data-testid": "stock-row"}

    def render_variant(self, value: str) -> str:
        return format_html('<span class="font-monospace">{}</span>', value)

    def value_variant(self, value: str) -> str:
        return value

    def render_product(self, value: str) -> str:
        return Truncator(value).chars(40)

    def render_owner(self, value: MerchantAccount | None) -> str:
        if value is None:
            return _("Platform")
        return format_html(
            '{} {} <span class="font-monospace">{}</span>',
            _("Private:"),
            value.business_name,
            value.account_number,
        )

    def value_owner(self, record: Stock) -> str:
        if record.merchant is None:
            return "Platform"
        return f"{record.merchant.business_name} {record.merchant.account_number}"

    def render_action(self, value: int) -> str:
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
            reverse("inventory_ops:stock_adjust", args=[value]),
            _("Adjust"),
        )


class MovementFilter(ListFilterSet):
    """SKU, kind and a date range, in front of ``selectors.movement_list``. Takes
    ``warehouse`` (its history) or ``stock`` (one row's history: no SKU filter)."""

    sku = django_filters.CharFilter(label=gettext_lazy("SKU"), max_length=60)
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"),
        choices=MovementKind.choices,
        empty_label=gettext_lazy("All kinds"),
    )
    since = django_filters.DateFilter(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, warehouse: Warehouse | None = None, stock: Stock | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.warehouse = warehouse
        self.stock = stock
        if stock is not None:
            del self.form.fields["sku"]
        else:
            self.form.fields["sku"].widget.attrs.update(
                {"type": "search", "placeholder": _("Variant SKU")}
            )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        since, until = data.get("since"), data.get("until")
        return selectors.movement_list(
            warehouse=self.warehouse,
            stock=self.stock,
            kind=data.get("kind") or None,
            sku=(data.get("sku") or "").strip(),
            since=_day_start(since) if since else None,
            until=_day_start(until + timedelta(days=1)) if until else None,
        )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class MovementTable(ListTable):
    """Stock movements, newest first: kind and on-hand change first on a phone card. The stock
    page's own history leaves out ``sku`` (``exclude``)."""

    created_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("When"),
        format="Y-m-d H:i",
        attrs={"td": {"class": "text-nowrap small"}},
    )
    kind = tables.Column(verbose_name=gettext_lazy("Kind"), attrs=PRIMARY)
    sku = tables.Column(
        accessor="stock__variant__sku",
        verbose_name=gettext_lazy("SKU"),
        attrs={"td": {"class": "font-monospace small"}},
    )
    on_hand_delta = tables.Column(
        verbose_name=gettext_lazy("On hand ±"),
        attrs={"td": {"class": "text-end", **PRIMARY["td"]}, "th": END["th"]},
    )
    reserved_delta = tables.Column(verbose_name=gettext_lazy("Reserved ±"), attrs=END)
    after = tables.Column(
        accessor="on_hand_after",
        verbose_name=gettext_lazy("After"),
        orderable=False,
        attrs={"td": {"class": "text-end text-nowrap"}, "th": END["th"]},
    )
    reason = tables.Column(
        verbose_name=gettext_lazy("Reason"),
        orderable=False,
        default="—",
        attrs={"td": {"class": "small"}},
    )
    reference = tables.Column(
        verbose_name=gettext_lazy("Reference"),
        orderable=False,
        default="—",
        attrs={"td": {"class": "small font-monospace"}},
    )
    actor = tables.Column(
        accessor="actor__email",
        verbose_name=gettext_lazy("By"),
        orderable=False,
        default=gettext_lazy("system"),
        attrs={"td": {"class": "small"}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "movement-table"}
        row_attrs = {"data-testid": "movement-row"}

    def render_sku(self, value: str, record: StockMovement) -> str:
        if record.stock.merchant_id:
            return format_html('{} <span class="badge text-bg-info">{}</span>', value, _("private"))
        return value

    def value_sku(self, value: str) -> str:
        return value

    def render_on_hand_delta(self, value: int) -> str:
        return f"{value:+d}"

    def value_on_hand_delta(self, value: int) -> int:
        return value  # a plain number in the export: "+3" would read as a formula

    def render_reserved_delta(self, value: int) -> str:
        return f"{value:+d}"

    def value_reserved_delta(self, value: int) -> int:
        return value

    def render_after(self, record: StockMovement) -> str:
        return f"{record.on_hand_after} / {record.reserved_after}"
