"""Filters and columns of the back-office product list, for the generic list (``core.lists``):
the existing filter form stays in front of ``selectors.product_list``."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import PRIMARY, FormFilter, ListTable
from dropyard.core.money import Money

from .forms_ops import ProductFilterForm
from .models import ImproperReport, Product

BADGE = '<span class="badge {}">{}</span>'


def picture_column(subject: str, size: int = 48) -> tables.TemplateColumn:
    """A list column with ``{% product_picture %}`` of the record's ``subject`` (a path such as
    ``product`` or ``variant``: a Product, Variant or ProductImage; "" for the record itself) in
    a ``size`` px square; unlabelled (the name is in the next column), left out of the CSV,
    first on a phone card."""
    target = f"record.{subject}" if subject else "record"
    return tables.TemplateColumn(
        template_code=(
            "{% load catalog_pictures %}"
            f'{{% product_picture {target} {int(size)} css="product-thumb" %}}'
        ),
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "list-picture"}, "th": {"class": "list-picture"}},
    )


class ProductFilter(FormFilter):
    placeholder = _("Name or SKU (product or variant)")

    class Meta:
        form = ProductFilterForm


class ProductTable(ListTable):
    """Products: the SKU (to its edit page) heads a phone card, the price and status first."""

    sku = tables.Column(
        verbose_name=_("SKU"), orderable=False, attrs={"td": {"class": "list-title text-nowrap"}}
    )
    name = tables.Column(verbose_name=pgettext_lazy("object", "Name"), orderable=False)
    category = tables.Column(
        accessor="category__name",
        verbose_name=_("Category"),
        orderable=False,
        attrs={"td": {"class": "small"}},
    )
    price = tables.Column(
        accessor="min_price_minor",
        verbose_name=_("Price (USD)"),
        orderable=False,
        attrs={
            "td": {"class": "text-end text-nowrap", **PRIMARY["td"]},
            "th": {"class": "text-end"},
        },
    )
    status = tables.Column(
        accessor="is_on_sale", verbose_name=_("Status"), orderable=False, attrs=PRIMARY
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "product-table"}

    def render_sku(self, value: str, record: Product) -> str:
        return format_html(
            '<a class="font-monospace" href="{}">{}</a>',
            reverse("catalog_ops:product_edit", args=[record.public_id]),
            value,
        )

    def render_price(self, record: Product) -> str:
        low, high = Money(record.min_price_minor), Money(record.max_price_minor)
        if high.amount_minor != low.amount_minor:
            return f"{low.wire()}–{high.wire()}"
        return low.wire()

    def value_price(self, record: Product) -> str:
        return self.render_price(record)

    def render_status(self, value: bool) -> str:
        if value:
            return format_html(BADGE, "text-bg-success", _("On sale"))
        return format_html(BADGE, "text-bg-secondary", _("Off sale"))

    def value_status(self, value: bool) -> str:
        return "On sale" if value else "Off sale"


class ReportTable(ListTable):
    """Improper-product reports: the product heads a phone card, the status first."""

    product = tables.Column(
        accessor="product__sku",
        verbose_name=_("Product"),
        orderable=False,
        attrs={"td": {"class": "list-title"}},
    )
    reason = tables.Column(verbose_name=_("Reason"), orderable=False)
    merchant = tables.Column(
        accessor="merchant__business_name", verbose_name=_("Merchant"), orderable=False
    )
    created_at = tables.DateTimeColumn(
        verbose_name=_("Reported"),
        format="Y-m-d H:i",
        orderable=False,
        attrs={"td": {"class": "text-nowrap"}},
    )
    status = tables.TemplateColumn(
        template_code='{% include "catalog/ops/partials/_report_status.html" with report=record %}',
        verbose_name=_("Status"),
        orderable=False,
        attrs=PRIMARY,
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "report-table"}

    def render_product(self, value: str, record: ImproperReport) -> str:
        name = record.product.name
        return format_html(
            '<a href="{}">{} {}</a>',
            reverse("catalog_ops:report_detail", args=[record.pk]),
            value,
            name if len(name) <= 40 else name[:39] + "…",
        )

    def render_reason(self, record: ImproperReport) -> str:
        return record.get_reason_display()
