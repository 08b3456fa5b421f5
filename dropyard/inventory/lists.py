"""Filters and columns of the back-office warehouse list, for the generic list (``core.lists``):
the existing filter form stays in front of ``selectors.warehouse_list``."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import PRIMARY, FormFilter, ListTable

from .forms_ops import WarehouseFilterForm
from .models import Warehouse


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
