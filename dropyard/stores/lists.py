"""The merchant's store lists (stores, a store's listings, the listing wizard's product choice,
held store orders, pricing rules, store access): filters and columns for the generic list
(``core.lists``).

Each FilterSet takes ``select``: the member-scoped selector already bound to the membership (or
the merchant and store), so the rows are only those the member may open and the selectors keep
the filter rules. Row buttons that post (Re-list, Import now) are buttons of the list's form with
their own ``formaction``: a form may not hold another form.
"""

from typing import Any

import django_filters
import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dropyard.accounts.models import Membership
from dropyard.catalog.lists import picture_column
from dropyard.core.lists import (
    NUMERIC,
    PRIMARY,
    ActionColumn,
    ListTable,
    SelectColumn,
    SelectFilterSet,
    local_time,
)
from dropyard.orders.templatetags.orders_tags import money

from .choices import ListingStatus, Platform, StoreStatus
from .models import Listing, PricingRule, Store, StoreOrder
from .pricing import price_compute

STORE_BADGES = {
    StoreStatus.AUTHORIZED: "text-bg-success",
    StoreStatus.REAUTHORIZE: "text-bg-warning",
}
LISTING_BADGES = {
    ListingStatus.LISTED: "text-bg-success",
    ListingStatus.FAILED: "text-bg-danger",
    ListingStatus.OUT_OF_DATE: "text-bg-warning",
}
SUBTITLE = '{}<div class="small text-secondary">{}</div>'
PRICE_LINE = (
    '<div class="text-nowrap"><code>{}</code> {}<span class="text-secondary">{}</span></div>'
)


# --- Stores ------------------------------------------------------------------------------------


class StoreFilter(SelectFilterSet):
    """Name or domain, platform, status (live stores unless DISCONNECTED is chosen)."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=100)
    platform = django_filters.ChoiceFilter(
        label=gettext_lazy("Platform"),
        empty_label=gettext_lazy("All platforms"),
        choices=Platform.choices,
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("Connected stores"),
        choices=StoreStatus.choices,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_box(_("Store name or domain"))

    def selection(self, data: dict) -> dict[str, Any]:
        return {
            "search": (data.get("q") or "").strip(),
            "platform": data.get("platform") or "",
            "status": data.get("status") or "",
        }


class StoreTable(ListTable):
    """The member's stores: status first on a phone card, then the held orders to fix."""

    name = tables.Column(
        verbose_name=gettext_lazy("Store"),
        order_by=("name", "pk"),
        attrs={"td": {"class": "list-title"}},
    )
    domain = tables.Column(
        verbose_name=gettext_lazy("Domain"),
        attrs={"td": {"class": "small text-secondary text-break"}},
    )
    platform = tables.Column(verbose_name=gettext_lazy("Platform"))
    status = tables.Column(verbose_name=gettext_lazy("Status"), attrs=PRIMARY)
    last_synced_at = tables.Column(
        verbose_name=gettext_lazy("Last sync"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    last_error = tables.Column(
        verbose_name=gettext_lazy("Last error"),
        orderable=False,
        attrs={"td": {"class": "small text-break"}},
    )
    connected_count = tables.Column(verbose_name=gettext_lazy("Connected variants"), attrs=NUMERIC)
    held_count = tables.Column(
        verbose_name=gettext_lazy("Held orders"),
        attrs={"td": {"class": "text-end", **PRIMARY["td"]}, "th": {"class": "text-end"}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "store-table"}
        row_attrs = {"data-testid": lambda record: f"store-{record.public_id}"}

    def render_name(self, value: str, record: Store) -> str:
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a>',
            reverse("stores:detail", args=[record.public_id]),
            value,
        )

    def value_name(self, value: str) -> str:
        return value

    def render_platform(self, record: Store) -> str:
        return record.get_platform_display()

    def render_status(self, record: Store) -> str:
        return format_html(
            '<span class="badge {}">{}</span>{}',
            STORE_BADGES.get(record.status, "text-bg-secondary"),
            record.get_status_display(),
            format_html(
                '<div class="small text-secondary text-break">{}</div>', record.status_reason
            )
            if record.status_reason
            else "",
        )

    def value_status(self, record: Store) -> str:
        return record.get_status_display()

    def render_last_synced_at(self, value) -> str:
        return local_time(value)

    def render_last_error(self, value: str) -> str:
        if not value:
            return ""
        return format_html(
            '<span class="text-danger">{}</span>', value[:119] + "…" if len(value) > 120 else value
        )

    def value_last_error(self, value: str) -> str:
        return value

    def render_connected_count(self, value: int, record: Store) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("stores:connections", args=[record.public_id]), value
        )

    def value_connected_count(self, value: int) -> int:
        return value

    def render_held_count(self, value: int, record: Store) -> str:
        if not value:
            return format_html('<span class="text-secondary">{}</span>', _("none held"))
        return format_html(
            '<a class="text-danger fw-semibold" href="{}?store={}">{}</a>',
            reverse("stores:held"),
            record.public_id,
            _("%(count)d held") % {"count": value},
        )

    def value_held_count(self, value: int) -> int:
        return value


# --- A store's listings ------------------------------------------------------------------------


class ListingFilter(SelectFilterSet):
    """Title or product SKU, listing status."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=100)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("All statuses"),
        choices=ListingStatus.choices,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_box(_("Title or product SKU"))

    def selection(self, data: dict) -> dict[str, Any]:
        return {"search": (data.get("q") or "").strip(), "status": data.get("status") or ""}


class ListingTable(ListTable):
    """A store's listings: status (with the platform's error) and Re-list first on a phone card.
    Give ``store`` and ``live`` (the store syncs: Re-list is offered)."""

    select = SelectColumn(accessor="public_id", label_accessor="title")
    picture = picture_column("product", 40)
    title = tables.Column(
        verbose_name=gettext_lazy("Product"),
        order_by=("title", "pk"),
        attrs={"td": {"class": "list-title text-break"}},
    )
    sku = tables.Column(
        accessor="product__sku",
        verbose_name=gettext_lazy("SKU"),
        order_by=("product__sku", "pk"),
        attrs={"td": {"class": "small font-monospace"}},
    )
    status = tables.Column(verbose_name=gettext_lazy("Status"), attrs=PRIMARY)
    prices = tables.Column(
        accessor="pk",
        verbose_name=gettext_lazy("Prices"),
        orderable=False,
        attrs={"td": {"class": "small"}},
    )
    last_listed_at = tables.Column(
        verbose_name=gettext_lazy("Last listed"),
        order_by=("last_listed_at", "pk"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    action = ActionColumn(accessor="public_id")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "listing-table"}
        row_attrs = {"data-testid": "listing-row"}

    def __init__(self, *args: Any, store: Store, live: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        self.live = live

    def render_title(self, value: str, record: Listing) -> str:
        if not record.platform_product_id:
            return value
        return format_html(
            '{}<div class="small text-secondary">{}</div>',
            value,
            _("store id %(id)s") % {"id": record.platform_product_id},
        )

    def value_title(self, value: str) -> str:
        return value

    def render_status(self, record: Listing) -> str:
        return format_html(
            '<span class="badge {}" data-testid="listing-status">{}</span>{}',
            LISTING_BADGES.get(record.status, "text-bg-secondary"),
            record.get_status_display(),
            format_html(
                '<div class="small text-danger text-break mt-1" data-testid="listing-error">{}'
                "</div>",
                record.error,
            )
            if record.error
            else "",
        )

    def value_status(self, record: Listing) -> str:
        return record.get_status_display()

    def _prices(self, record: Listing) -> list[tuple[str, str, str]]:
        return [
            (
                row.variant.sku,
                money(row.price_minor, self.store.currency),
                _(" (delisted)") if row.delisted else "",
            )
            for row in record.variants.all()
        ]

    def render_prices(self, record: Listing) -> str:
        return format_html_join("", PRICE_LINE, self._prices(record))

    def value_prices(self, record: Listing) -> str:
        return "; ".join(f"{sku} {price}{note}" for sku, price, note in self._prices(record))

    def render_last_listed_at(self, value) -> str:
        return local_time(value)

    def render_action(self, value: str, record: Listing) -> str:
        if self.live and record.status != ListingStatus.LISTING:
            return format_html(
                '<button class="btn btn-outline-primary btn-sm text-nowrap" type="submit" '
                'formaction="{}" data-testid="relist">{}</button>',
                reverse("stores:listing_relist", args=[self.store.public_id, value]),
                _("Re-list"),
            )
        if record.job_id:
            return format_html(
                '<a class="small" href="{}?job={}">{}</a>',
                reverse("stores:listing_progress"),
                record.job_id,
                _("Progress"),
            )
        return ""


# --- The listing wizard's product choice ------------------------------------------------------


class ListableProductFilter(SelectFilterSet):
    """Name or SKU (product or variant), and the whole catalog or My Products only; give
    ``select=partial(selectors_listing.listable_products, merchant=...)``."""

    q = django_filters.CharFilter(label=gettext_lazy("Product name or SKU"), max_length=100)
    mine = django_filters.ChoiceFilter(
        label=gettext_lazy("Products"),
        empty_label=gettext_lazy("The whole catalog"),
        choices=(("on", gettext_lazy("My Products only")),),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_box(_("Name, product SKU or variant SKU"))

    def selection(self, data: dict) -> dict[str, Any]:
        return {"q": (data.get("q") or "").strip(), "saved_only": data.get("mine") == "on"}


class ListableProductTable(ListTable):
    """On-sale catalog products to list (My Products first unless sorted): Choose first on a
    phone card."""

    picture = picture_column("", 48)
    name = tables.Column(
        verbose_name=gettext_lazy("Product"),
        order_by=("name", "pk"),
        attrs={"td": {"class": "list-title text-break"}},
    )
    sku = tables.Column(
        verbose_name=gettext_lazy("SKU"),
        order_by=("sku", "pk"),
        attrs={"td": {"class": "small font-monospace"}},
    )
    cost_from = tables.Column(
        verbose_name=gettext_lazy("Cost from"),
        order_by=("cost_from", "pk"),
        empty_values=(),
        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}},
    )
    action = ActionColumn(accessor="public_id")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "product-choices"}
        row_attrs = {"data-testid": lambda record: f"product-{record.sku}"}

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    def render_name(self, value: str, record: Any) -> str:
        if not record.saved:
            return value
        return format_html('{} <span class="badge text-bg-info">{}</span>', value, _("My Products"))

    def value_name(self, value: str) -> str:
        return value

    def render_cost_from(self, value: int | None) -> str:
        return money(value, self.currency) if value is not None else _("no variant on sale")

    def value_cost_from(self, value: int | None) -> str:
        return money(value, self.currency) if value is not None else ""

    def render_action(self, value: str, record: Any) -> str:
        return format_html(
            '<a class="btn btn-primary btn-sm" href="{}" data-testid="choose-{}">{}</a>',
            reverse("stores:listing_new", args=[value]),
            record.sku,
            _("Choose"),
        )


# --- Held store orders -------------------------------------------------------------------------


class HeldFilter(SelectFilterSet):
    """Store order name or id, store (``?store=<public id>``, as the store pages link it), why
    it is held. Takes ``stores`` (the member's stores)."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=100)
    store = django_filters.ChoiceFilter(
        label=gettext_lazy("Store"), empty_label=gettext_lazy("All stores")
    )
    why = django_filters.ChoiceFilter(
        label=gettext_lazy("Why it is held"),
        empty_label=gettext_lazy("Any reason"),
        choices=[
            ("rule", gettext_lazy("A hold rule (review it)")),
            ("connect", gettext_lazy("A variant to connect")),
        ],
    )

    def __init__(self, *args: Any, stores=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stores = {s.public_id: s for s in stores}
        self.form.fields["store"].choices = [
            ("", _("All stores")),
            *[(s.public_id, s.name) for s in stores],
        ]
        self.search_box(_("Store order name or id"))

    def selection(self, data: dict) -> dict[str, Any]:
        why = data.get("why") or ""
        return {
            "search": (data.get("q") or "").strip(),
            "store": self.stores.get(data.get("store") or ""),
            "by_rule": {"rule": True, "connect": False}.get(why),
        }


class HeldTable(ListTable):
    """Held store orders, newest first: the fix (Import now / Connect variants) first on a
    phone card. ``store`` is left out on one store's page (the view excludes it)."""

    select = SelectColumn(accessor="pk", label_accessor="platform_order_id")
    order = tables.Column(
        accessor="platform_order_id",
        verbose_name=gettext_lazy("Store order"),
        order_by=("platform_order_name", "platform_order_id"),
        attrs={"td": {"class": "list-title fw-semibold text-break"}},
    )
    store = tables.Column(
        accessor="store__name", verbose_name=gettext_lazy("Store"), order_by=("store__name", "pk")
    )
    first_seen_at = tables.Column(
        verbose_name=gettext_lazy("Received"),
        order_by=("first_seen_at", "pk"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    hold_reason = tables.Column(
        verbose_name=gettext_lazy("Why it is held"),
        orderable=False,
        attrs={"td": {"class": "small text-break"}},
    )
    fix = ActionColumn(accessor="pk", verbose_name=gettext_lazy("Fix"))

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "held-table"}
        row_attrs = {"data-testid": lambda record: f"held-{record.platform_order_id}"}

    def render_order(self, record: StoreOrder) -> str:
        return record.platform_order_name or record.platform_order_id

    def render_first_seen_at(self, value, record: StoreOrder) -> str:
        return format_html(
            '<time datetime="{}">{}</time><div class="text-secondary">{}</div>',
            value.isoformat(),
            local_time(value),
            record.get_received_via_display(),
        )

    def value_first_seen_at(self, value) -> str:
        return local_time(value)

    def render_fix(self, value: int, record: StoreOrder) -> str:
        return render_to_string("stores/partials/_held_fix.html", {"o": record})


# --- A store's connections ---------------------------------------------------------------------


class ConnectionFilter(SelectFilterSet):
    """Title or SKU of the store variant, connected or not (``?show=``, as the held list's
    fix links it)."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=100)
    show = django_filters.ChoiceFilter(
        label=gettext_lazy("Connection"),
        empty_label=gettext_lazy("All"),
        choices=[
            ("unconnected", gettext_lazy("Not connected")),
            ("connected", gettext_lazy("Connected")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_box(_("Store variant title or SKU"))

    def selection(self, data: dict) -> dict[str, Any]:
        show = data.get("show") or ""
        return {
            "search": (data.get("q") or "").strip(),
            "unconnected_only": show == "unconnected",
            "connected_only": show == "connected",
        }


class ConnectionTable(ListTable):
    """A store's imported variants and the Dropyard variant each is connected to (or the box to
    connect it, and the suggestions): the connection heads a phone card. Its forms live outside
    the table (``stores/partials/_connection_forms.html``): the row's fields and buttons join
    them with ``form=``. Give ``store`` and ``live``."""

    title = tables.Column(
        verbose_name=gettext_lazy("Store variant"),
        order_by=("title", "variant_title", "pk"),
        attrs={"td": {"class": "list-title text-break"}},
    )
    sku = tables.Column(
        verbose_name=gettext_lazy("SKU"),
        order_by=("sku", "pk"),
        default="—",
        attrs={"td": {"class": "font-monospace small text-break"}},
    )
    price_minor = tables.Column(
        verbose_name=gettext_lazy("Price"),
        order_by=("price_minor", "pk"),
        attrs={"td": {"class": "text-end text-nowrap small"}, "th": {"class": "text-end"}},
    )
    connection = tables.Column(
        accessor="pk",
        verbose_name=gettext_lazy("Dropyard variant"),
        orderable=False,
        attrs={"td": PRIMARY["td"]},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "variant-table"}
        row_attrs = {
            "id": lambda record: f"sv-{record.pk}",
            "data-testid": lambda record: f"variant-{record.platform_variant_id}",
        }

    def __init__(self, *args: Any, store: Store, live: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        self.live = live

    def render_title(self, value: str, record) -> str:
        if not record.variant_title:
            return value
        return format_html(
            '{}<div class="small text-secondary">{}</div>', value, record.variant_title
        )

    def value_title(self, value: str, record) -> str:
        return f"{value} {record.variant_title}".strip()

    def render_price_minor(self, value: int, record) -> str:
        return money(value, record.currency)

    def render_connection(self, record) -> str:
        return render_to_string(
            "stores/partials/_connection_cell.html",
            {"sv": record, "store": self.store, "live": self.live},
        )

    def value_connection(self, record) -> str:
        connection = getattr(record, "connection", None)
        return connection.variant.sku if connection else ""


# --- Pricing rules -----------------------------------------------------------------------------

EXAMPLE_COST_MINOR = 1000  # the cost each rule's example price is computed for ($10.00)


def _rule_price(rule: PricingRule, currency: str) -> str:
    add = f" + {money(rule.add_minor, currency)}" if rule.add_minor else ""
    return f"{rule.multiplier_label}{add}"


class PricingRuleTable(ListTable):
    """The merchant's pricing rules: what each applies to, its terms and the price a $10.00 cost
    lists at; Edit and Delete first on a phone card. Give ``currency`` (the catalog's)."""

    scope = tables.Column(
        accessor="pk",
        verbose_name=gettext_lazy("Applies to"),
        order_by=("store__name", "category__name", "pk"),
        attrs={"td": {"class": "list-title text-break"}},
    )
    price = tables.Column(
        accessor="multiplier_bp",
        verbose_name=gettext_lazy("Price"),
        order_by=("multiplier_bp", "add_minor", "pk"),
    )
    compare_at = tables.Column(
        accessor="compare_at_bp",
        verbose_name=gettext_lazy("Compare-at"),
        order_by=("compare_at_bp", "pk"),
    )
    example = tables.Column(
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}},
    )
    action = ActionColumn(accessor="public_id", verbose_name=gettext_lazy("Actions"))

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "rule-table"}
        row_attrs = {"data-testid": "rule-row"}

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.columns["example"].column.verbose_name = _("A %(cost)s cost lists at") % {
            "cost": money(EXAMPLE_COST_MINOR, currency)
        }

    def render_scope(self, record: PricingRule) -> str:
        return record.scope_display

    def value_scope(self, record: PricingRule) -> str:
        return record.scope_display

    def render_price(self, record: PricingRule) -> str:
        return format_html(
            '<span class="text-nowrap">{}</span> '
            '<span class="d-block d-lg-inline small text-secondary text-nowrap">{}</span>',
            _rule_price(record, self.currency),
            record.get_rounding_display(),
        )

    def value_price(self, record: PricingRule) -> str:
        return f"{_rule_price(record, self.currency)} ({record.get_rounding_display()})"

    def render_compare_at(self, record: PricingRule) -> str:
        if not record.compare_at_bp:
            return "—"
        return _("price %(factor)s") % {"factor": record.compare_at_factor}

    def value_compare_at(self, record: PricingRule) -> str:
        return self.render_compare_at(record) if record.compare_at_bp else ""

    def render_example(self, record: PricingRule) -> str:
        return money(price_compute(EXAMPLE_COST_MINOR, record.terms).price_minor, self.currency)

    def render_action(self, value: str, record: PricingRule) -> str:
        scope = record.scope_display
        return format_html(
            '<div class="d-flex flex-wrap gap-1 justify-content-end">'
            '<a class="btn btn-outline-secondary btn-sm" href="{}" aria-label="{}">{}</a>'
            '<a class="btn btn-outline-danger btn-sm" href="{}" aria-label="{}">{}</a></div>',
            reverse("stores:pricing_rule_edit", args=[value]),
            _("Edit the rule for %(scope)s") % {"scope": scope},
            _("Edit"),
            reverse("stores:pricing_rule_delete", args=[value]),
            _("Delete the rule for %(scope)s") % {"scope": scope},
            _("Delete"),
        )


# --- Store access ------------------------------------------------------------------------------


def member_stores(member: Membership) -> str:
    """The stores a staff member may open, as the access list says it (``member.limited``: the
    live stores of their ``store_ids``, set by the view's page hook)."""
    if not member.store_ids:
        return _("Every store")
    limited = getattr(member, "limited", [])
    return ", ".join(store.name for store in limited) if limited else _("No live store")


class StoreAccessTable(ListTable):
    """The merchant's staff members and the stores each may open; Change first on a phone
    card."""

    email = tables.Column(
        accessor="user__email",
        verbose_name=gettext_lazy("Staff member"),
        order_by=("user__email", "pk"),
        attrs={"td": {"class": "list-title text-break"}},
    )
    stores = tables.Column(
        accessor="pk",
        verbose_name=gettext_lazy("Stores"),
        orderable=False,
        attrs={"td": {"class": "text-break"}},
    )
    change = ActionColumn(accessor="pk", verbose_name=gettext_lazy("Change"))

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "access-table"}
        row_attrs = {"data-testid": lambda record: f"access-{record.pk}"}

    def render_stores(self, record: Membership) -> str:
        if record.store_ids and not getattr(record, "limited", []):
            return format_html('<span class="text-secondary">{}</span>', member_stores(record))
        return member_stores(record)

    def value_stores(self, record: Membership) -> str:
        return member_stores(record)

    def render_change(self, value: int, record: Membership) -> str:
        return format_html(
            '<a class="btn btn-outline-primary btn-sm" href="{}" aria-label="{}">{}</a>',
            reverse("stores:access_edit", args=[value]),
            _("Change the stores of %(email)s") % {"email": record.user.email},
            _("Change"),
        )
