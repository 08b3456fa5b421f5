"""Columns of the merchant's sourcing request list, for the generic list (``core.lists``)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import NUMERIC, PRIMARY, ListTable, local_time
from dropyard.core.money import Money, format_money

from .models import SourcingRequest

_DIR = "sourcing/requests/"


class SourcingRequestTable(ListTable):
    """One row per request: picture, product (name, code, link), platform, target price,
    status (first on a phone card) and when it was asked."""

    picture = tables.TemplateColumn(
        template_name=_DIR + "_picture_cell.html",
        accessor="pk",
        verbose_name=_("Picture"),
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "list-picture"}},
    )
    product = tables.TemplateColumn(
        template_name=_DIR + "_product_cell.html",
        accessor="product_name",
        verbose_name=_("Product"),
        order_by=("product_name",),
        attrs={"td": {"class": "list-title"}},
    )
    platform = tables.TemplateColumn(
        template_name=_DIR + "_platform_cell.html",
        verbose_name=_("Platform"),
        order_by=("platform",),
    )
    target_price_minor = tables.Column(verbose_name=_("Target price"), default="—", attrs=NUMERIC)
    status = tables.TemplateColumn(
        template_name=_DIR + "_status_cell.html",
        verbose_name=_("Status"),
        order_by=("status",),
        attrs=PRIMARY,
    )
    created_at = tables.Column(
        verbose_name=_("Asked"), attrs={"td": {"class": "small text-nowrap"}}
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "sourcing-table"}
        row_attrs = {"data-testid": "sourcing-row"}

    def render_target_price_minor(self, value: int, record: SourcingRequest) -> str:
        return format_money(value, record.currency)

    def value_target_price_minor(self, value: int | None, record: SourcingRequest) -> str:
        return "" if value is None else str(Money(value, record.currency))

    def render_created_at(self, value) -> str:
        return local_time(value)

    def value_product(self, record: SourcingRequest) -> str:
        return f"{record.code} {record.product_name}"

    def value_platform(self, record: SourcingRequest) -> str:
        return str(record.get_platform_display())

    def value_status(self, record: SourcingRequest) -> str:
        return str(record.get_status_display())
