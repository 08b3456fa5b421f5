"""Filters and columns of the price request lists (merchant and operator), for the generic list
(``core.lists``); the scoped selectors in ``selectors_prices`` do the filtering."""

from typing import Any

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dropyard.core.lists import NUMERIC, PRIMARY, ListTable, SelectFilterSet, local_time
from dropyard.core.money import Money

from .choices import NegotiationStatus
from .models import PriceNegotiation

_SMALL = {"td": {"class": "small text-nowrap"}}
BADGES = {
    NegotiationStatus.OPEN: "text-bg-warning",
    NegotiationStatus.ANSWERED: "text-bg-success",
    NegotiationStatus.DECLINED: "text-bg-secondary",
    NegotiationStatus.WITHDRAWN: "text-bg-light",
}


def usd(minor: int | None) -> str:
    """ "$12.50" ("—" for none)."""
    return "—" if minor is None else f"${Money(int(minor), 'USD').wire()}"


class NegotiationFilter(SelectFilterSet):
    """Search (SKU, product, request id; operators also the merchant) and status."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=100)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("All statuses"),
        choices=NegotiationStatus.choices,
    )

    def __init__(self, *args: Any, placeholder: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_box(placeholder)

    def selection(self, data: dict) -> dict[str, Any]:
        return {"search": (data.get("q") or "").strip(), "status": data.get("status") or ""}


class _NegotiationTable(ListTable):
    variant = tables.Column(
        accessor="variant__sku",
        verbose_name=gettext_lazy("Product"),
        orderable=False,
        attrs={"td": {"class": "list-title"}},
    )
    status = tables.Column(verbose_name=gettext_lazy("Status"), orderable=False, attrs=PRIMARY)
    monthly_quantity = tables.Column(
        verbose_name=gettext_lazy("Monthly qty"), orderable=False, attrs=NUMERIC
    )
    target_price_minor = tables.Column(
        verbose_name=gettext_lazy("Target"), orderable=False, attrs=NUMERIC
    )
    list_price = tables.Column(
        accessor="variant__price_minor",
        verbose_name=gettext_lazy("List price"),
        orderable=False,
        attrs=NUMERIC,
    )
    created_at = tables.Column(verbose_name=gettext_lazy("Asked"), orderable=False, attrs=_SMALL)

    detail_url_name = ""

    def _href(self, record: PriceNegotiation) -> str:
        return reverse(self.detail_url_name, args=[record.variant.product.public_id])

    def render_variant(self, record: PriceNegotiation) -> str:
        options = " / ".join(str(v) for v in record.variant.options.values())
        return format_html(
            '<a class="fw-semibold text-break" href="{}">{}</a>'
            '<div class="small text-secondary"><span class="font-monospace">{}</span>{}</div>',
            self._href(record),
            record.variant.product.name,
            record.variant.sku,
            f" · {options}" if options else "",
        )

    def value_variant(self, record: PriceNegotiation) -> str:
        return f"{record.variant.sku} {record.variant.product.name}"

    def render_status(self, record: PriceNegotiation) -> str:
        badge = format_html(
            '<span class="badge {}" data-testid="negotiation-status">{}</span>',
            BADGES.get(record.status, "text-bg-light"),
            record.get_status_display(),
        )
        if record.status == NegotiationStatus.ANSWERED:
            return format_html(
                '{} <span class="fw-semibold text-nowrap" data-testid="answered-price">{}</span>',
                badge,
                usd(record.answered_price_minor),
            )
        return badge

    def value_status(self, record: PriceNegotiation) -> str:
        return str(record.get_status_display())

    def render_target_price_minor(self, value: int) -> str:
        return usd(value)

    def render_list_price(self, value: int) -> str:
        return usd(value)

    def render_created_at(self, value) -> str:
        return local_time(value)


class MerchantNegotiationTable(_NegotiationTable):
    """The merchant's requests: the answer (or the reason) next to the status."""

    answer = tables.Column(
        accessor="answer_note",
        verbose_name=gettext_lazy("Agent's answer"),
        orderable=False,
        default="",
        attrs={"td": {"class": "small text-break"}},
    )
    actions = tables.Column(
        accessor="public_id",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end"}},
    )
    detail_url_name = "catalog:product"

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "negotiation-table"}
        row_attrs = {"data-testid": "negotiation-row"}
        sequence = (
            "variant",
            "status",
            "monthly_quantity",
            "target_price_minor",
            "list_price",
            "answer",
            "created_at",
            "actions",
        )

    def render_actions(self, record: PriceNegotiation) -> str:
        if record.status != NegotiationStatus.OPEN:
            return ""
        return format_html(
            '<a class="btn btn-outline-danger btn-sm" href="{}" data-testid="withdraw-link">{}</a>',
            reverse("sourcing_prices:withdraw", args=[record.public_id]),
            _("Withdraw"),
        )


class OperatorNegotiationTable(_NegotiationTable):
    """The agent's queue: the merchant, and a link to answer."""

    merchant = tables.Column(
        accessor="merchant__business_name", verbose_name=gettext_lazy("Merchant"), orderable=False
    )
    detail_url_name = "sourcing_prices:ops_detail"

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "ops-negotiation-table"}
        row_attrs = {"data-testid": "ops-negotiation-row"}
        sequence = (
            "variant",
            "merchant",
            "status",
            "monthly_quantity",
            "target_price_minor",
            "list_price",
            "created_at",
        )

    def _href(self, record: PriceNegotiation) -> str:
        return reverse(self.detail_url_name, args=[record.public_id])
