"""The private stock pages' filters and columns (stock, ledger, purchase orders), for the
generic list (``core.lists``).

Each FilterSet takes ``select``: the ``private_selectors`` function already bound to the
merchant, so the rows are that merchant's only and the selectors keep the filter rules. On a
phone the available units, a movement's deltas and an order's amount, status and Pay come first.
"""

from typing import Any

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dropyard.catalog.lists import picture_column
from dropyard.core.lists import (
    NUMERIC,
    PRIMARY,
    ActionColumn,
    ListTable,
    SelectFilterSet,
    local_time,
)
from dropyard.core.money import Money

from .choices import MovementKind, PurchaseOrderStatus
from .models import PurchaseOrder, Stock, StockMovement

STATUS_BADGES = {
    PurchaseOrderStatus.WAIT_PAY: "text-bg-warning",
    PurchaseOrderStatus.COMPLETED: "text-bg-success",
    PurchaseOrderStatus.CANCELLED: "text-bg-secondary",
}


def _warehouse_choices(warehouses) -> list[tuple[str, str]]:
    return [("", _("All warehouses")), *[(w.public_id, f"{w.code} · {w.name}") for w in warehouses]]


def _ledger_url(sku: str) -> str:
    return f"{reverse('private_stock:ledger')}?{urlencode({'sku': sku})}"


class PrivateStockFilter(SelectFilterSet):
    """SKU or product (part of), warehouse. Takes ``warehouses`` (the platform warehouses)."""

    q = django_filters.CharFilter(label=gettext_lazy("SKU or product"), max_length=100)
    storage = django_filters.ChoiceFilter(
        label=gettext_lazy("Warehouse"), empty_label=gettext_lazy("All warehouses")
    )

    def __init__(self, *args: Any, warehouses=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["storage"].choices = _warehouse_choices(warehouses)
        self.search_box(_("SKU or product name"))

    def selection(self, data: dict) -> dict[str, Any]:
        storage = data.get("storage") or ""
        return {
            "keyword": (data.get("q") or "").strip(),
            "storage_ids": [storage] if storage else [],
        }


class LedgerFilter(SelectFilterSet):
    """SKU (exact, of the variant or its product), order code, warehouse, kind of movement."""

    sku = django_filters.CharFilter(label=gettext_lazy("SKU"), max_length=60)
    reference = django_filters.CharFilter(label=gettext_lazy("Order code"), max_length=64)
    storage = django_filters.ChoiceFilter(
        label=gettext_lazy("Warehouse"), empty_label=gettext_lazy("All warehouses")
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Movement"),
        empty_label=gettext_lazy("All movements"),
        choices=MovementKind.choices,
    )

    def __init__(self, *args: Any, warehouses=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["storage"].choices = _warehouse_choices(warehouses)

    def selection(self, data: dict) -> dict[str, Any]:
        return {
            "sku": (data.get("sku") or "").strip(),
            "reference": (data.get("reference") or "").strip(),
            "storage_id": data.get("storage") or "",
            "kind": data.get("kind") or "",
        }


class PurchaseOrderFilter(SelectFilterSet):
    """Order code, SKU or product name (part of); status."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=64)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("All statuses"),
        choices=PurchaseOrderStatus.choices,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_box(_("Order code, SKU or product"))

    def selection(self, data: dict) -> dict[str, Any]:
        return {"search": (data.get("q") or "").strip(), "status": data.get("status") or ""}


class PrivateStockTable(ListTable):
    """A SKU in a warehouse: on hand, reserved, available (first on a phone card), shipped."""

    picture = picture_column("variant", 40)
    sku = tables.Column(
        accessor="variant__sku",
        verbose_name=gettext_lazy("SKU"),
        order_by=("variant__sku", "warehouse__code"),
        attrs={"td": {"class": "list-title"}},
    )
    product = tables.Column(
        accessor="variant__product__name",
        verbose_name=gettext_lazy("Product"),
        order_by=("variant__product__name", "variant__sku"),
        attrs={"td": {"class": "small text-break"}},
    )
    warehouse = tables.Column(
        accessor="warehouse__code",
        verbose_name=gettext_lazy("Warehouse"),
        order_by=("warehouse__code", "variant__sku"),
    )
    on_hand = tables.Column(verbose_name=gettext_lazy("On hand"), attrs=NUMERIC)
    reserved = tables.Column(verbose_name=gettext_lazy("Reserved"), attrs=NUMERIC)
    available_units = tables.Column(
        verbose_name=gettext_lazy("Available"),
        attrs={
            "td": {"class": "text-end fw-semibold", "data-testid": "available", **PRIMARY["td"]},
            "th": {"class": "text-end"},
        },
    )
    shipped_units = tables.Column(verbose_name=gettext_lazy("Shipped"), attrs=NUMERIC)
    ledger = tables.Column(
        accessor="variant__sku",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end"}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "private-stock-table"}
        row_attrs = {"data-testid": "private-stock-row"}

    def render_sku(self, value: str) -> str:
        return format_html(
            '<a class="font-monospace text-nowrap" href="{}" title="{}">{}</a>',
            _ledger_url(value),
            _("Ledger of %(sku)s") % {"sku": value},
            value,
        )

    def value_sku(self, value: str) -> str:
        return value

    def render_warehouse(self, value: str, record: Stock) -> str:
        return format_html(
            '{} <span class="small text-secondary d-none d-md-inline">{} · {}</span>',
            value,
            record.warehouse.name,
            record.warehouse.country,
        )

    def value_warehouse(self, value: str) -> str:
        return value

    def render_ledger(self, value: str) -> str:
        return format_html(
            '<a class="small text-nowrap" href="{}">{}</a>', _ledger_url(value), _("Ledger")
        )


def _delta(value: int) -> str:
    return f"{value:+d}" if value else "—"


class LedgerTable(ListTable):
    """Private stock movements, newest first; the deltas first on a phone card."""

    created_at = tables.Column(
        verbose_name=gettext_lazy("When"),
        order_by=("created_at", "pk"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    kind = tables.Column(
        verbose_name=gettext_lazy("Movement"), attrs={"td": {"class": "list-title"}}
    )
    sku = tables.Column(
        accessor="stock__variant__sku",
        verbose_name=gettext_lazy("SKU"),
        order_by=("stock__variant__sku", "-created_at"),
        attrs={"td": {"class": "font-monospace small"}},
    )
    warehouse = tables.Column(
        accessor="stock__warehouse__code",
        verbose_name=gettext_lazy("Warehouse"),
        orderable=False,
        attrs={"td": {"class": "text-nowrap"}},
    )
    on_hand_delta = tables.Column(
        verbose_name=gettext_lazy("On hand"),
        orderable=False,
        attrs={"td": {"class": "text-end", **PRIMARY["td"]}, "th": {"class": "text-end"}},
    )
    reserved_delta = tables.Column(
        verbose_name=gettext_lazy("Reserved"),
        orderable=False,
        attrs={"td": {"class": "text-end", **PRIMARY["td"]}, "th": {"class": "text-end"}},
    )
    after = tables.Column(
        accessor="on_hand_after",
        verbose_name=gettext_lazy("After (on hand / reserved)"),
        orderable=False,
        attrs={"td": {"class": "text-end text-nowrap small"}, "th": {"class": "text-end"}},
    )
    reference = tables.Column(
        verbose_name=gettext_lazy("Reference"),
        orderable=False,
        default="—",
        attrs={"td": {"class": "small font-monospace text-break"}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "ledger-table"}
        row_attrs = {"data-testid": "ledger-row"}

    def render_created_at(self, value) -> str:
        return local_time(value)

    def render_kind(self, record: StockMovement) -> str:
        return record.get_kind_display()

    def render_on_hand_delta(self, value: int) -> str:
        return _delta(value)

    def render_reserved_delta(self, value: int) -> str:
        return _delta(value)

    def render_after(self, record: StockMovement) -> str:
        return f"{record.on_hand_after} / {record.reserved_after}"


class PurchaseOrderTable(ListTable):
    """Purchase orders, newest first: amount, status and Pay / Cancel first on a phone card."""

    code = tables.Column(
        verbose_name=gettext_lazy("Order"),
        order_by=("code",),
        attrs={"td": {"class": "list-title font-monospace small text-break"}},
    )
    created_at = tables.Column(
        verbose_name=gettext_lazy("Created"),
        order_by=("created_at", "pk"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    units = tables.Column(verbose_name=gettext_lazy("Units"), default=0, attrs=NUMERIC)
    amount_minor = tables.Column(
        verbose_name=gettext_lazy("Amount"),
        order_by=("amount_minor", "pk"),
        attrs={
            "td": {"class": "text-end text-nowrap", **PRIMARY["td"]},
            "th": {"class": "text-end"},
        },
    )
    status = tables.Column(verbose_name=gettext_lazy("Status"), attrs=PRIMARY)
    actions = ActionColumn(accessor="code")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "orders-table"}
        row_attrs = {"data-testid": "order-row"}

    def render_created_at(self, value) -> str:
        return local_time(value)

    def render_amount_minor(self, value: int, record: PurchaseOrder) -> str:
        money = Money(int(value), record.currency)
        return f"${money.wire()}" if record.currency == "USD" else str(money)

    def render_status(self, record: PurchaseOrder) -> str:
        return format_html(
            '<span class="badge {}" data-testid="order-status">{}</span>',
            STATUS_BADGES.get(record.status, "text-bg-light"),
            record.get_status_display(),
        )

    def value_status(self, record: PurchaseOrder) -> str:
        return record.get_status_display()

    def render_actions(self, value: str, record: PurchaseOrder) -> str:
        if record.status == PurchaseOrderStatus.WAIT_PAY:
            # Cancel is a button of the list's form (a form may not hold another form).
            return format_html(
                '<div class="d-flex flex-wrap gap-1 justify-content-end">'
                '<a class="btn btn-sm btn-success" href="{}" data-testid="order-pay">{}</a>'
                '<button class="btn btn-sm btn-outline-secondary" type="submit" formaction="{}" '
                'data-confirm="{}" data-testid="order-cancel">{}</button></div>',
                reverse("private_stock:order_pay", args=[value]),
                _("Pay"),
                reverse("private_stock:order_cancel", args=[value]),
                _("Cancel %(code)s?") % {"code": value},
                _("Cancel"),
            )
        if record.paid_at:
            return format_html(
                '<span class="small text-secondary">{}</span>',
                _("paid %(date)s") % {"date": local_time(record.paid_at, "%Y-%m-%d")},
            )
        return ""
