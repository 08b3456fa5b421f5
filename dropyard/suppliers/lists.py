"""Columns of the supplier portal's product list and the operators' review queue, for the
generic list (``core.lists``)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dropyard.core.lists import NUMERIC, PRIMARY, ListTable, local_time
from dropyard.core.money import Money

from .choices import ReviewStatus
from .models import SupplierProductReview

STATUS_BADGES = {
    ReviewStatus.DRAFT: "text-bg-secondary",
    ReviewStatus.SUBMITTED: "text-bg-warning",
    ReviewStatus.APPROVED: "text-bg-success",
    ReviewStatus.REJECTED: "text-bg-danger",
}


def status_badge(review: SupplierProductReview) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(review.status, "text-bg-secondary"),
        review.get_status_display(),
    )


def _price_range(review: SupplierProductReview) -> str:
    product = review.product
    low, high = Money(product.min_price_minor), Money(product.max_price_minor)
    return str(low) if low == high else f"{low} – {high}"


class SupplierProductTable(ListTable):
    """The supplier's products: name (the card's title), SKU, category, price, review status."""

    name = tables.Column(
        accessor="product__name",
        verbose_name=_("Product"),
        order_by=("product__name", "pk"),
        attrs={"td": {"class": "list-title"}},
    )
    sku = tables.Column(
        accessor="product__sku",
        verbose_name=_("SKU"),
        attrs={"td": {"class": "text-nowrap font-monospace"}},
    )
    category = tables.Column(accessor="product__category__name", verbose_name=_("Category"))
    price = tables.Column(
        accessor="product__min_price_minor", verbose_name=_("Price"), orderable=False, attrs=NUMERIC
    )
    status = tables.Column(verbose_name=_("Review"), attrs=PRIMARY)
    updated_at = tables.Column(verbose_name=_("Changed"), attrs={"td": {"class": "text-nowrap"}})

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "supplier-product-table"}

    def render_name(self, value: str, record: SupplierProductReview) -> str:
        url = reverse("suppliers_portal:product", kwargs={"pid": record.product.public_id})
        return format_html('<a href="{}">{}</a>', url, value)

    def render_price(self, record: SupplierProductReview) -> str:
        return _price_range(record)

    def render_status(self, record: SupplierProductReview) -> str:
        return status_badge(record)

    def render_updated_at(self, value) -> str:
        return local_time(value)

    def value_status(self, record: SupplierProductReview) -> str:
        return str(record.get_status_display())


class ReviewTable(ListTable):
    """The operators' queue: product (the card's title), supplier, submitted, status."""

    name = tables.Column(
        accessor="product__name",
        verbose_name=_("Product"),
        orderable=False,
        attrs={"td": {"class": "list-title"}},
    )
    supplier = tables.Column(accessor="supplier__company_name", verbose_name=_("Supplier"))
    category = tables.Column(accessor="product__category__name", verbose_name=_("Category"))
    price = tables.Column(
        accessor="product__min_price_minor", verbose_name=_("Price"), orderable=False, attrs=NUMERIC
    )
    submitted_at = tables.Column(
        verbose_name=_("Submitted"), default="—", attrs={"td": {"class": "text-nowrap"}}
    )
    status = tables.Column(verbose_name=_("Status"), orderable=False, attrs=PRIMARY)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "review-table"}

    def render_name(self, value: str, record: SupplierProductReview) -> str:
        url = reverse("suppliers_ops:review", kwargs={"pk": record.pk})
        return format_html('<a href="{}">{}</a>', url, value)

    def render_price(self, record: SupplierProductReview) -> str:
        return _price_range(record)

    def render_submitted_at(self, value) -> str:
        return local_time(value)

    def render_status(self, record: SupplierProductReview) -> str:
        return status_badge(record)

    def value_status(self, record: SupplierProductReview) -> str:
        return str(record.get_status_display())
