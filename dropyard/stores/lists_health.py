"""The connection-health page's three tables (``health.connection_health``) on the generic
list's table (``core.lists.table_page``): sortable, paged, phone cards.

The rows are the report's own objects (Python lists, sorted in Python by the columns'
accessors), already limited to the stores the member may open. Give ``exclude=("store",)``
when the page is about one store.
"""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dropyard.core.lists import PRIMARY, ActionColumn, ListTable, local_time

from .health import HeldOrder, UnconnectedVariant
from .models import ProductConnection, StoreVariant

RIGHT = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
FIX = {"td": {**RIGHT["td"], **PRIMARY["td"]}, "th": RIGHT["th"]}
MUTED = '{}<div class="small text-secondary font-monospace text-break">{}</div>'


def _fix_url(store: Any, store_variant: StoreVariant) -> str:
    """The store's connections page opened at this variant (its row scrolled to)."""
    base = reverse("stores:connections", args=[store.public_id])
    return f"{base}?sv={store_variant.pk}#sv-{store_variant.pk}"


def _variant_label(row: UnconnectedVariant) -> str:
    return row.sku or row.platform_variant_id


class UnconnectedTable(ListTable):
    """Unconnected variants that received orders: the most held first unless sorted; Connect
    (or why not) first on a phone card, then the held count."""

    title = tables.Column(
        verbose_name=gettext_lazy("Store variant"),
        order_by=("title", "platform_variant_id"),
        empty_values=(),
        attrs={"td": {"class": "list-title text-break"}},
    )
    store = tables.Column(
        accessor="store__name",
        verbose_name=gettext_lazy("Store"),
        attrs={"td": {"class": "text-break"}},
    )
    orders = tables.Column(verbose_name=gettext_lazy("Orders"), attrs=RIGHT)
    held = tables.Column(verbose_name=gettext_lazy("Held"), attrs=FIX)
    fix = ActionColumn(accessor="platform_variant_id", verbose_name=gettext_lazy("Fix"), attrs=FIX)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "unconnected-table"}
        row_attrs = {"data-testid": lambda record: f"unconnected-{record.platform_variant_id}"}

    def render_title(self, record: UnconnectedVariant) -> str:
        return format_html(
            MUTED,
            record.title or record.platform_variant_id,
            f"{record.sku or _('no SKU')} · {record.platform_variant_id}",
        )

    def value_title(self, record: UnconnectedVariant) -> str:
        return record.title

    def render_orders(self, value: int, record: UnconnectedVariant) -> str:
        units = ngettext("%(count)s unit", "%(count)s units", record.quantity) % {
            "count": record.quantity
        }
        return format_html('{}<div class="small text-secondary">{}</div>', value, units)

    def value_orders(self, value: int) -> int:
        return value

    def render_held(self, value: int) -> str:
        if not value:
            return "0"
        return format_html(
            '<span class="text-danger fw-semibold">{}</span>',
            _("%(count)d held") % {"count": value},
        )

    def value_held(self, value: int) -> int:
        return value

    def render_fix(self, record: UnconnectedVariant) -> str:
        if record.store_variant is None:
            return format_html(
                '<span class="small text-secondary">{}</span>',
                _("Not in the imported catalog yet"),
            )
        return format_html(
            '<a class="btn btn-outline-primary btn-sm" href="{}">{}</a>',
            _fix_url(record.store, record.store_variant),
            _("Connect"),
        )


class HeldOrderTable(ListTable):
    """The store orders held for those variants, newest first unless sorted; what each waits
    for (a link to connect each variant) first on a phone card."""

    order = tables.Column(
        accessor="order__platform_order_name",
        verbose_name=gettext_lazy("Store order"),
        order_by=("order__platform_order_name", "order__platform_order_id"),
        empty_values=(),
        attrs={"td": {"class": "list-title text-break"}},
    )
    store = tables.Column(
        accessor="order__store__name",
        verbose_name=gettext_lazy("Store"),
        attrs={"td": {"class": "text-break"}},
    )
    received = tables.Column(
        accessor="order__first_seen_at",
        verbose_name=gettext_lazy("Received"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    missing = tables.Column(
        accessor="order__pk",
        verbose_name=gettext_lazy("Waiting for"),
        orderable=False,
        attrs={"td": {"class": "small text-break", **PRIMARY["td"]}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "held-orders"}
        row_attrs = {"data-testid": lambda record: f"held-{record.order.platform_order_id}"}

    def render_order(self, record: HeldOrder) -> str:
        return record.order.platform_order_name or record.order.platform_order_id

    def value_order(self, record: HeldOrder) -> str:
        return self.render_order(record)

    def render_received(self, value: Any) -> str:
        return local_time(value)

    def value_received(self, value: Any) -> str:
        return local_time(value)

    def render_missing(self, record: HeldOrder) -> str:
        links = []
        for row in record.missing:
            if row.store_variant is None:
                links.append(
                    format_html(
                        "{}", _("%(variant)s (not imported)") % {"variant": _variant_label(row)}
                    )
                )
            else:
                links.append(
                    format_html(
                        '<a href="{}">{}</a>',
                        _fix_url(row.store, row.store_variant),
                        _("connect %(variant)s") % {"variant": _variant_label(row)},
                    )
                )
        return format_html_join(", ", "{}", ((link,) for link in links))

    def value_missing(self, record: HeldOrder) -> str:
        return ", ".join(_variant_label(row) for row in record.missing)


class OffSaleTable(ListTable):
    """Connected variants whose Dropyard product went off sale: Replace first on a phone card."""

    store_variant = tables.Column(
        verbose_name=gettext_lazy("Store variant"),
        order_by=("store_variant__title", "pk"),
        attrs={"td": {"class": "list-title text-break"}},
    )
    store = tables.Column(
        accessor="store__name",
        verbose_name=gettext_lazy("Store"),
        attrs={"td": {"class": "text-break"}},
    )
    variant = tables.Column(
        verbose_name=gettext_lazy("Dropyard variant"),
        order_by=("variant__sku", "pk"),
        attrs={"td": {"class": "text-break"}},
    )
    fix = ActionColumn(verbose_name=gettext_lazy("Fix"), attrs=FIX)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "offsale-table"}
        row_attrs = {
            "data-testid": lambda record: f"offsale-{record.store_variant.platform_variant_id}"
        }

    def render_store_variant(self, value: StoreVariant) -> str:
        return str(value)

    def render_variant(self, record: ProductConnection) -> str:
        product = record.variant.product
        reason = (
            _("Off sale: %(reason)s") % {"reason": product.off_sale_reason}
            if product.off_sale_reason
            else _("Off sale")
        )
        return format_html(
            '<span class="font-monospace small">{}</span> {}<div class="small text-danger">{}'
            "</div>",
            record.variant.sku,
            product.name,
            reason,
        )

    def value_variant(self, record: ProductConnection) -> str:
        return f"{record.variant.sku} {record.variant.product.name}"

    def render_fix(self, record: ProductConnection) -> str:
        return format_html(
            '<a class="btn btn-outline-primary btn-sm" href="{}">{}</a>',
            _fix_url(record.store, record.store_variant),
            _("Replace"),
        )
