"""My Products' filters and columns, for the generic list (``core.lists``).

The rows are ``selectors.my_product_rows`` (the merchant's saved products, with ``in_stock``);
``MyProductFilter`` is the form in front of it, so the search, category and stock rules stay in
the selectors. On a phone the price, the stock and the Remove button come first on the card.
"""

from typing import Any

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dropyard.catalog.lists import picture_column
from dropyard.catalog.models import MyProduct
from dropyard.core.lists import (
    PRIMARY,
    ActionColumn,
    ListTable,
    SelectColumn,
    SelectFilterSet,
)
from dropyard.core.money import Money

YES_NO = {"yes": True, "no": False}


def _usd(minor: int) -> str:
    return f"${Money(int(minor)).wire()}"


class MyProductFilter(SelectFilterSet):
    """Search (name or SKU), category (with its sub-categories), on / off sale, in / out of
    stock. Takes ``select`` (``partial(selectors.my_product_rows, merchant=...)``) and
    ``categories`` (the category choices)."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=200)
    category = django_filters.ChoiceFilter(
        label=gettext_lazy("Category"), empty_label=gettext_lazy("All categories")
    )
    sale = django_filters.ChoiceFilter(
        label=gettext_lazy("Sale"),
        empty_label=gettext_lazy("On or off sale"),
        choices=[("yes", gettext_lazy("On sale")), ("no", gettext_lazy("Off sale"))],
    )
    stock = django_filters.ChoiceFilter(
        label=gettext_lazy("Stock"),
        empty_label=gettext_lazy("Any stock"),
        choices=[("yes", gettext_lazy("In stock")), ("no", gettext_lazy("Out of stock"))],
    )

    def __init__(self, *args: Any, categories=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["category"].choices = [("", _("All categories")), *categories]
        self.search_box(_("Name or SKU"))

    def selection(self, data: dict[str, Any]) -> dict[str, Any]:
        category = data.get("category")
        return dict(
            keyword=(data.get("q") or "").strip(),
            category_id=int(category) if category else None,
            on_sale=YES_NO.get(data.get("sale") or ""),
            in_stock=YES_NO.get(data.get("stock") or ""),
        )


class MyProductTable(ListTable):
    """Saved products, newest saved first: picture, name (to the product page), SKU, price
    range, stock, when saved and Remove."""

    select = SelectColumn(accessor="pk", label_accessor="product__name")
    picture = picture_column("product", 48)
    product = tables.Column(
        accessor="product__name",
        verbose_name=gettext_lazy("Product"),
        order_by=("product__name", "pk"),
        attrs={"td": {"class": "list-title text-break"}},
    )
    sku = tables.Column(
        accessor="product__sku",
        verbose_name=gettext_lazy("SKU"),
        order_by=("product__sku",),
        attrs={"td": {"class": "small font-monospace text-nowrap"}},
    )
    price = tables.Column(
        accessor="product__min_price_minor",
        verbose_name=gettext_lazy("Price"),
        order_by=("product__min_price_minor", "pk"),
        attrs={
            "td": {"class": "text-end text-nowrap", **PRIMARY["td"]},
            "th": {"class": "text-end"},
        },
    )
    in_stock = tables.Column(
        verbose_name=gettext_lazy("Stock"), order_by=("in_stock", "pk"), attrs=PRIMARY
    )
    created_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Saved"),
        format="Y-m-d",
        order_by=("created_at", "pk"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    remove = ActionColumn(accessor="product__public_id")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "my-products-table"}
        row_attrs = {"data-testid": "my-product-row"}

    def render_product(self, value: str, record: MyProduct) -> str:
        off = (
            ""
            if record.product.is_on_sale
            else format_html(' <span class="small text-danger">{}</span>', _("off sale"))
        )
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("catalog:product", args=[record.product.public_id]),
            value,
            off,
        )

    def value_product(self, value: str) -> str:
        return value

    def value_created_at(self, value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d")

    def render_price(self, record: MyProduct) -> str:
        low, high = record.product.min_price_minor, record.product.max_price_minor
        return _usd(low) if high <= low else f"{_usd(low)}–{_usd(high)}"

    def value_price(self, record: MyProduct) -> str:
        return self.render_price(record)

    def render_in_stock(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("In stock"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("Out of stock"))

    def value_in_stock(self, value: bool) -> str:
        return _("In stock") if value else _("Out of stock")

    def render_remove(self, value: str) -> str:
        # A button of the list's form (a form may not hold another form): it posts this one
        # product to the remove view; with htmx the row goes away.
        url = reverse("catalog:my_product_remove")
        return format_html(
            '<button class="btn btn-sm btn-outline-danger" type="submit" formaction="{}" '
            'name="product" value="{}" hx-post="{}" hx-target="closest tr" '
            'hx-swap="outerHTML" data-testid="my-product-remove">{}</button>',
            url,
            value,
            url,
            _("Remove"),
        )
