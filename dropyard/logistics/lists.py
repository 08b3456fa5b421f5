"""Filters and columns of the back-office logistics lists (shipping lines, trackings), for the
generic list (``core.lists``): the existing filter forms stay in front of their selectors."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import PRIMARY, FormFilter, ListTable

from .forms_ops import LineFilterForm, TrackingFilterForm
from .models import ShippingLine, Tracking

BADGE = '<span class="badge {}">{}</span>'


class LineFilter(FormFilter):
    placeholder = _("Code or name")

    class Meta:
        form = LineFilterForm


class TrackingFilter(FormFilter):
    placeholder = _("Tracking number, parcel code or account number")

    class Meta:
        form = TrackingFilterForm


class LineTable(ListTable):
    """Shipping lines: the name (to its rate cards) heads a phone card, the status first."""

    name = tables.Column(
        verbose_name=pgettext_lazy("object", "Name"), attrs={"td": {"class": "list-title"}}
    )
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "font-monospace small"}})
    carrier = tables.Column(accessor="carrier__name", verbose_name=_("Carrier"))
    is_tracked = tables.BooleanColumn(verbose_name=_("Tracked"), yesno=(_("Yes"), _("No")))
    allowed_properties = tables.Column(
        verbose_name=_("Allowed properties"), orderable=False, attrs={"td": {"class": "small"}}
    )
    max_weight_g = tables.Column(
        verbose_name=_("Max weight (g)"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    is_active = tables.Column(verbose_name=_("Status"), attrs=PRIMARY)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "line-table"}

    def render_name(self, value: str, record: ShippingLine) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("logistics_ops:ratecard_list", args=[record.pk]), value
        )

    def render_allowed_properties(self, value) -> str:
        return ", ".join(value) or "—"

    def render_max_weight_g(self, value: int) -> str:
        return str(value) if value else "No limit"

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html(BADGE, "text-bg-success", _("Active"))
        return format_html(BADGE, "text-bg-secondary", _("Inactive"))

    def value_is_active(self, value: bool) -> str:
        return "Active" if value else "Inactive"


class TrackingTable(ListTable):
    """Trackings, newest first: the number heads a phone card, the status first."""

    tracking_number = tables.Column(
        verbose_name=_("Tracking number"), orderable=False, attrs={"td": {"class": "list-title"}}
    )
    carrier = tables.Column(accessor="carrier__name", verbose_name=_("Carrier"), orderable=False)
    reference = tables.Column(
        verbose_name=_("Reference"),
        default="—",
        orderable=False,
        attrs={"td": {"class": "font-monospace small"}},
    )
    merchant = tables.Column(
        accessor="merchant__business_name",
        verbose_name=_("Merchant"),
        orderable=False,
        attrs={"td": {"class": "small"}},
    )
    route = tables.Column(
        accessor="pk", verbose_name=_("Route"), orderable=False, attrs={"td": {"class": "small"}}
    )
    status = tables.Column(verbose_name=_("Status"), orderable=False, attrs=PRIMARY)
    last_event_at = tables.DateTimeColumn(
        verbose_name=_("Last event"),
        format="Y-m-d H:i",
        default="—",
        orderable=False,
        attrs={"td": {"class": "small text-nowrap"}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "tracking-table"}

    def render_tracking_number(self, value: str, record: Tracking) -> str:
        return format_html(
            '<a class="font-monospace" href="{}">{}</a>',
            reverse("logistics_ops:tracking_detail", args=[record.pk]),
            value,
        )

    def render_carrier(self, value: str, record: Tracking) -> str:
        if record.carrier.code.upper() == "SANDBOX":
            return format_html(BADGE, "text-bg-warning", _("Sandbox"))
        return value

    def render_merchant(self, value: str, record: Tracking) -> str:
        return format_html(
            '{} <span class="text-secondary">{}</span>', value, record.merchant.account_number
        )

    def value_merchant(self, value: str) -> str:
        return value

    def render_route(self, record: Tracking) -> str:
        return f"{record.origin_country} → {record.dest_country}"

    def render_status(self, value: int, record: Tracking) -> str:
        return format_html(
            '<span class="badge text-bg-light border">{}</span> {}',
            value,
            record.get_status_display(),
        )

    def value_status(self, record: Tracking) -> str:
        return record.get_status_display()
