"""Filters and columns of the logistics lists for the generic list (``core.lists``): the
back office's shipping lines, a line's rate cards and trackings (the existing filter forms stay
in front of their selectors), a tracking's events, and a merchant's default line per
destination country."""

from collections.abc import Sequence
from typing import Any

import django_filters
import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names

from dropyard.core.lists import PRIMARY, ActionColumn, FormFilter, ListTable, SelectFilterSet

from .forms_ops import LineFilterForm, RateCardFilterForm, TrackingFilterForm
from .models import DefaultShippingLine, RateCard, ShippingLine, Tracking

BADGE = '<span class="badge {}">{}</span>'


class LineFilter(FormFilter):
    placeholder = _("Code or name")

    class Meta:
        form = LineFilterForm


class TrackingFilter(FormFilter):
    placeholder = _("Tracking number, parcel code or account number")

    class Meta:
        form = TrackingFilterForm


class RateCardFilter(FormFilter):
    """Origin and destination country, in front of ``selectors.rate_card_list`` (give
    ``select=partial(selectors.rate_card_list, line=line)``)."""

    class Meta:
        form = RateCardFilterForm


class RateCardTable(ListTable):
    """A line's rate cards in route order: the route heads a phone card, the pricing first.
    Amounts are in the card's minor units (¢), as the import file's columns are checked."""

    route = tables.Column(
        accessor="origin_country",
        verbose_name=gettext_lazy("Route"),
        order_by=("origin_country", "dest_country", "postcode_prefix"),
        attrs={"td": {"class": "list-title text-nowrap"}},
    )
    postcode_prefix = tables.Column(
        verbose_name=gettext_lazy("Postcode"),
        empty_values=(),
        attrs={"td": {"class": "font-monospace small"}},
    )
    pricing = tables.Column(
        accessor="pricing_mode",
        verbose_name=gettext_lazy("Pricing"),
        orderable=False,
        attrs={"td": {"class": "small", **PRIMARY["td"]}},
    )
    days = tables.Column(
        accessor="max_days",
        verbose_name=gettext_lazy("Days"),
        order_by=("max_days", "min_days"),
        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "ratecard-table"}
        row_attrs = {"data-testid": "ratecard-row"}

    def render_route(self, record: RateCard) -> str:
        return f"{record.origin_country} → {record.dest_country}"

    def render_postcode_prefix(self, value: str) -> str:
        return value or _("all")

    def render_pricing(self, record: RateCard) -> str:
        if record.pricing_mode == "bands":
            count = len(record.bands)
            parts = [ngettext("%(n)s weight band", "%(n)s weight bands", count) % {"n": count}]
        else:
            parts = [
                _("first %(first_g)s g: %(first)s¢, then %(step)s¢ per %(step_g)s g")
                % {
                    "first_g": record.first_weight_g,
                    "first": record.first_price_minor,
                    "step": record.step_price_minor,
                    "step_g": record.step_weight_g,
                }
            ]
        if record.handling_fee_minor:
            parts.append(_("handling %(fee)s¢") % {"fee": record.handling_fee_minor})
        if record.remote_surcharge_minor:
            parts.append(_("remote +%(fee)s¢") % {"fee": record.remote_surcharge_minor})
        return " · ".join(parts)

    def render_days(self, record: RateCard) -> str:
        return f"{record.min_days}–{record.max_days}"


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
        return str(value) if value else gettext("No limit")

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
            record.status,  # the contract's code (``value`` is the choice's label)
            record.get_status_display(),
        )

    def value_status(self, record: Tracking) -> str:
        return record.get_status_display()


class TrackingEventTable(ListTable):
    """A tracking's events on its page (``core.lists.table_page``), newest first unless sorted
    (by time or status): the status first on a phone card. Times in UTC, as the carriers give
    them."""

    event_time = tables.DateTimeColumn(
        verbose_name=_("Time (UTC)"),
        format="Y-m-d H:i:s",
        order_by=("event_time", "pk"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    status = tables.Column(
        verbose_name=_("Status"),
        order_by=("status", "event_time", "pk"),
        attrs={"td": {"class": "small", **PRIMARY["td"]}},
    )
    activity = tables.Column(
        verbose_name=_("Activity"),
        orderable=False,
        attrs={"td": {"class": "list-title text-break"}},
    )
    place = tables.Column(
        accessor="location_city",
        verbose_name=_("Place"),
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "small"}},
    )
    source = tables.Column(
        verbose_name=_("Source"), orderable=False, attrs={"td": {"class": "small"}}
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "event-table"}
        row_attrs = {"data-testid": "event-row"}

    def render_status(self, value: int, record: Any) -> str:
        return format_html(
            '<span class="badge text-bg-light border">{}</span> {}',
            record.status,  # the contract's code (``value`` is the choice's label)
            record.get_status_display(),
        )

    def render_place(self, record: Any) -> str:
        return ", ".join(part for part in (record.location_city, record.location_country) if part)

    def render_source(self, record: Any) -> str:
        source = record.get_source_display()
        return f"{source} · {record.actor.email}" if record.actor else source


# --- A merchant's default lines ----------------------------------------------------------------


class DefaultLineFilter(SelectFilterSet):
    """One destination country among those the merchant set a default for (give ``countries``:
    their codes, and ``select``: ``partial(selectors.default_lines_list, merchant)``)."""

    dest = django_filters.ChoiceFilter(
        label=_("Destination country"), empty_label=_("All countries")
    )

    def __init__(self, *args: Any, countries: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = sorted(
            ((code, country_names.name(code) or code) for code in countries),
            key=lambda pair: pair[1],
        )
        self.form.fields["dest"].choices = [(code, f"{name} ({code})") for code, name in named]

    def selection(self, data: dict) -> dict[str, Any]:
        return {"dest_country": data.get("dest") or ""}


class DefaultLineTable(ListTable):
    """A merchant's default line per destination country: Change (fills the form below the
    list) and Clear first on a phone card. Each row's Clear is a form of its own."""

    destination = tables.Column(
        accessor="dest_country",
        verbose_name=_("Destination"),
        order_by=("dest_country",),
        attrs={"td": {"class": "list-title"}},
    )
    line = tables.Column(
        accessor="line__name", verbose_name=_("Shipping line"), order_by=("line__name", "pk")
    )
    fallback = tables.Column(verbose_name=_("When it cannot ship"), order_by=("fallback", "pk"))
    actions = ActionColumn(accessor="dest_country", verbose_name=_("Actions"))

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "default-lines"}
        row_attrs = {"data-testid": lambda record: f"default-line-{record.dest_country}"}

    def render_destination(self, value: str) -> str:
        return format_html(
            '{} <span class="text-secondary small">{}</span>', country_names.name(value), value
        )

    def value_destination(self, value: str) -> str:
        return f"{country_names.name(value)} ({value})"

    def render_fallback(self, record: DefaultShippingLine) -> str:
        return record.get_fallback_display()

    def render_actions(self, value: str) -> str:
        return render_to_string("logistics/partials/_default_line_actions.html", {"code": value})
