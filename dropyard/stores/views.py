"""Merchant store pages (the "stores" permission area): the platforms and the merchant's stores,
a store's settings and disconnection, its product connections, and the held store orders.

Every lookup goes through selectors scoped to the member (``request.membership``: the merchant,
and a staff member's store scope), so another merchant's store, or one outside the member's
scope, answers 404 for any method; every write is one service call and a refusal becomes a
message or a form error. Credentials are never read here.
"""

from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from dropyard.catalog.exceptions import VariantNotFound
from dropyard.catalog.models import Variant
from dropyard.catalog.selectors import variant_get
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.htmx import htmx_partial
from dropyard.core.lists import BulkAction, list_page, table_page
from dropyard.core.views_helpers import flash_outcome

from . import selectors, services
from .choices import ConnectionHow, Platform, StoreStatus
from .exceptions import StoreNotFound
from .forms import (
    ConnectVariantForm,
    DisconnectForm,
    ShippingDefaultForm,
    StoreSettingsForm,
)
from .health import connection_health
from .lists import (
    ConnectionFilter,
    ConnectionTable,
    HeldFilter,
    HeldTable,
    StoreFilter,
    StoreTable,
)
from .lists_health import HeldOrderTable, OffSaleTable, UnconnectedTable
from .models import Store, StoreOrder, StoreVariant
from .suggestions import suggestions_for

AREA = "stores"


@dataclass(frozen=True)
class PlatformCard:
    """A platform on the stores page; ``connect_url`` is None until its connect page exists."""

    platform: str
    label: str
    how: str
    connect_url: str | None
    store_count: int


# (platform, URL name of its connect page, how connecting works). A connect page is linked only
# when its URL resolves: the page shows what works, never a button to a page not built yet.
PLATFORMS = [
    (
        Platform.SANDBOX,
        "stores:connect_sandbox",
        gettext_lazy(
            "A practice store built into Dropyard, with a public storefront where you place "
            "test orders yourself."
        ),
    ),
    (
        Platform.SHOPIFY,
        "stores:connect_shopify",
        gettext_lazy(
            "Authorize Dropyard in your Shopify admin; orders arrive by webhook, "
            "tracking goes back."
        ),
    ),
    (
        Platform.MEDUSA,
        "stores:connect_medusa",
        gettext_lazy(
            "Paste a secret API key of your Medusa v2 store; orders are polled, tracking goes back."
        ),
    ),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _store(request: HttpRequest, public_id: str) -> Store:
    return selectors.store_get_for_member(membership=request.membership, public_id=public_id)


def _post_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@merchant_view(area=AREA)
def store_list(request: HttpRequest) -> HttpResponse:
    """The platforms (connect cards) and the member's stores on the generic list: search,
    platform, status (the disconnected stores only when that status is chosen), CSV."""
    live = list(selectors.store_list_for_member(membership=request.membership))
    cards = [
        PlatformCard(
            platform=platform.value,
            label=platform.label,
            how=how,
            connect_url=_url(url_name),
            store_count=sum(1 for s in live if s.platform == platform),
        )
        for platform, url_name, how in PLATFORMS
    ]
    disconnected = selectors.store_list_for_member(
        membership=request.membership, status=StoreStatus.DISCONNECTED
    ).count()
    select = partial(selectors.store_list_for_member, membership=request.membership)
    return list_page(
        request,
        queryset=select(),
        filterset_class=StoreFilter,
        filter_kwargs={"select": select},
        table_class=StoreTable,
        template="stores/store_list.html",
        export_name="stores",
        context={
            "title": _("Stores"),
            "cards": cards,
            "disconnected_count": disconnected,
            "held_count": sum(s.held_count for s in live),
            "noun": gettext_noop("store"),
            "noun_plural": gettext_noop("stores"),
            "empty_template": "stores/partials/_store_list_empty.html",
            "results_actions_template": "core/partials/_list_csv_link.html",
        },
    )


@merchant_view(area=AREA)
def store_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """The store's status and settings; POST saves the settings (all or nothing)."""
    store = _store(request, public_id)
    form = StoreSettingsForm.for_store(store, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.store_settings_update(
                store=store, merchant=request.merchant, actor=request.user, **form.changes()
            )
        except DomainError as exc:
            form.add_service_errors((exc.extra or {}).get("errors") or {}, exc.message)
        else:
            messages.success(request, _("Settings of %(store)s saved.") % {"store": store.name})
            return redirect("stores:detail", public_id=store.public_id)
    context = {
        "store": store,
        "form": form,
        "live": store.status != StoreStatus.DISCONNECTED,
        "connected_count": store.connections.count(),
        "variant_count": store.variants.count(),
        "held_count": selectors.store_order_held_list(
            merchant=request.merchant, store=store
        ).count(),
        "autopaid_today_minor": selectors.autopaid_today_minor(store),
        "autopay_left": list(selectors.store_orders_autopay_left(store=store)),
        "flagged": list(selectors.store_orders_flagged(store=store)),
        "failed_push_count": selectors.tracking_push_failed_count(
            merchant=request.merchant, store=store
        ),
        "shipping_defaults": list(store.shipping_defaults.select_related("line")),
        "shipping_form": ShippingDefaultForm(),
    }
    return render(request, "stores/store_detail.html", context, status=400 if form.errors else 200)


@merchant_view(area=AREA)
def shipping_default_set(request: HttpRequest, public_id: str) -> HttpResponse:
    """POST from the store page: the store's shipping line for one destination (or clear it)."""
    store = _store(request, public_id)  # another merchant's store: 404 before anything else
    if (refused := _post_only(request)) is not None:
        return refused
    form = ShippingDefaultForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a destination country (and a shipping line to set one)."))
        return redirect("stores:detail", public_id=store.public_id)
    line = form.cleaned_data["line"]
    country = form.cleaned_data["dest_country"]
    flash_outcome(
        request,
        lambda: services.store_shipping_default_set(
            store=store,
            merchant=request.merchant,
            actor=request.user,
            dest_country=country,
            line=line,
        ),
        success=(
            _("Orders of %(store)s to %(country)s ask for %(line)s.")
            % {"store": store.name, "country": country, "line": line.name}
            if line is not None
            else _("Orders of %(store)s to %(country)s follow your default lines.")
            % {"store": store.name, "country": country}
        ),
    )
    return redirect("stores:detail", public_id=store.public_id)


@merchant_view(area=AREA)
def store_disconnect(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the confirmation page. POST from it (``confirm=disconnect``): disconnect. A POST
    without the confirmation shows the page again and changes nothing."""
    store = _store(request, public_id)
    form = DisconnectForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if flash_outcome(
            request,
            lambda: services.store_disconnect(
                store=store,
                merchant=request.merchant,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            ),
            success=_(
                "%(store)s is disconnected: it no longer syncs, and its credentials were deleted."
            )
            % {"store": store.name},
        ):
            return redirect("stores:list")
        return redirect("stores:detail", public_id=store.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "stores/store_disconnect.html", {"store": store}, status=status)


# --- Connections -------------------------------------------------------------------------------


@merchant_view(area=AREA)
def connection_list(request: HttpRequest, public_id: str) -> HttpResponse:
    """A store's imported variants on the generic list (search, connected or not, CSV), each
    with its connection, or the box to connect it and the suggestions for it."""
    store = _store(request, public_id)
    only = request.GET.get("sv", "")
    select = partial(
        selectors.store_variant_list,
        merchant=request.merchant,
        store=store,
        pk=int(only) if only.isdigit() else None,
    )
    live = store.status != StoreStatus.DISCONNECTED

    def suggest(records) -> None:
        # Suggestions for the page's unconnected variants only (see stores.suggestions).
        found = suggestions_for(merchant=request.merchant, store_variants=records) if live else {}
        for store_variant in records:
            store_variant.suggestions = found.get(store_variant.pk, [])

    return list_page(
        request,
        queryset=select(),
        filterset_class=ConnectionFilter,
        filter_kwargs={"select": select},
        table_class=ConnectionTable,
        table_kwargs={"store": store, "live": live},
        page_hook=suggest,
        template="stores/connections.html",
        export_name=f"connections-{store.public_id}",
        context={
            "title": _("Connections"),
            "store": store,
            "live": live,
            "variant_count": store.variants.count(),
            "connected_count": store.connections.count(),
            "held_count": selectors.store_order_held_list(
                merchant=request.merchant, store=store
            ).count(),
            "noun": gettext_noop("store variant"),
            "noun_plural": gettext_noop("store variants"),
            "empty_template": "stores/partials/_connections_empty.html",
            "results_actions_template": "stores/partials/_connection_results_actions.html",
        },
    )


def _back_to_connections(request: HttpRequest, store: Store) -> HttpResponse:
    """The connections page again, keeping only its own filter and page from ``query``."""
    url = reverse("stores:connections", kwargs={"public_id": store.public_id})
    posted = QueryDict(request.POST.get("query", ""))
    kept = {name: posted[name] for name in ("show", "page") if posted.get(name)}
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


@merchant_view(area=AREA)
def connections_by_sku(request: HttpRequest, public_id: str) -> HttpResponse:
    store = _store(request, public_id)
    if refused := _post_only(request):
        return refused
    try:
        made = services.connections_auto_by_sku(store=store, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)d variant connected by SKU; held orders they complete were released.",
                    "%(count)d variants connected by SKU; held orders they complete were released.",
                    len(made),
                )
                % {"count": len(made)},
            )
        else:
            messages.info(request, _("No unconnected variant has the SKU of a Dropyard variant."))
    return _back_to_connections(request, store)


def _store_variant(request: HttpRequest, store: Store, pk: int) -> StoreVariant:
    """One of ``store``'s imported variants (404 for any other, whatever the method)."""
    variant = selectors.store_variant_get(merchant=request.merchant, pk=pk)
    if variant.store_id != store.pk:
        raise StoreNotFound(_("store variant %(id)s not found") % {"id": pk})
    return variant


def variant_by_sku_or_id(key: str) -> Variant | None:
    """The Dropyard variant a merchant typed: by SKU first, else by variant id (vid)."""
    for lookup in ({"sku": key}, {"vid": key}):
        try:
            return variant_get(**lookup)
        except VariantNotFound:
            continue
    return None


@merchant_view(area=AREA)
def connection_create(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    store = _store(request, public_id)
    store_variant = _store_variant(request, store, pk)
    if refused := _post_only(request):
        return refused
    form = ConnectVariantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the SKU or id of a Dropyard variant."))
        return _back_to_connections(request, store)
    key = form.cleaned_data["variant"]
    variant = variant_by_sku_or_id(key)
    if variant is None:
        messages.error(request, _("No Dropyard variant has the SKU or id %(key)s.") % {"key": key})
        return _back_to_connections(request, store)
    flash_outcome(
        request,
        lambda: services.connection_create(
            merchant=request.merchant,
            store_variant=store_variant,
            variant=variant,
            actor=request.user,
        ),
        success=_("%(variant)s is connected to %(sku)s.")
        % {"variant": store_variant, "sku": variant.sku},
    )
    return _back_to_connections(request, store)


@merchant_view(area=AREA)
def suggestion_accept(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    """One click on a suggestion: connect the store variant to the suggested variant (``vid``)
    and release the held orders it completes."""
    store = _store(request, public_id)
    store_variant = _store_variant(request, store, pk)
    if refused := _post_only(request):
        return refused
    try:
        variant = variant_get(vid=request.POST.get("vid", "").strip() or None)
    except VariantNotFound:
        messages.error(request, _("That suggestion is no longer in the catalog."))
        return _back_to_connections(request, store)
    flash_outcome(
        request,
        lambda: services.connection_create(
            merchant=request.merchant,
            store_variant=store_variant,
            variant=variant,
            actor=request.user,
            how=ConnectionHow.SUGGESTED,
        ),
        success=_("%(variant)s is connected to %(sku)s.")
        % {"variant": store_variant, "sku": variant.sku},
    )
    return _back_to_connections(request, store)


@merchant_view(area=AREA)
def connection_delete(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    store = _store(request, public_id)
    store_variant = _store_variant(request, store, pk)
    if refused := _post_only(request):
        return refused
    connection = getattr(store_variant, "connection", None)
    if connection is None:
        messages.error(request, _("%(variant)s is not connected.") % {"variant": store_variant})
        return _back_to_connections(request, store)
    flash_outcome(
        request,
        lambda: services.connection_delete(
            merchant=request.merchant, connection=connection, actor=request.user
        ),
        success=_("%(variant)s is no longer connected; its new orders will be held.")
        % {"variant": store_variant},
    )
    return _back_to_connections(request, store)


# --- Held orders -------------------------------------------------------------------------------


def _import_held(request: HttpRequest, rows: QuerySet[StoreOrder]) -> None:
    """The bulk "Import now" of the held list: each ticked order a hold rule held (found in the
    member's own held orders) is imported; the others are left as they are, and said so."""
    imported, skipped = 0, 0
    for row in rows.select_related("store"):
        if not row.held_by_rule:
            skipped += 1
            continue
        try:
            services.store_order_import_now(
                store_order=row, merchant=request.merchant, actor=request.user
            )
        except DomainError as exc:
            messages.error(request, f"{row.platform_order_name or row.platform_order_id}: {exc}")
        else:
            imported += 1
    if imported:
        messages.success(
            request,
            ngettext(
                "%(count)d held order reviewed: imported unless a line still needs connecting.",
                "%(count)d held orders reviewed: imported unless a line still needs connecting.",
                imported,
            )
            % {"count": imported},
        )
    if skipped:
        messages.info(
            request,
            ngettext(
                "%(count)d order waits for a variant to connect, not for a review.",
                "%(count)d orders wait for a variant to connect, not for a review.",
                skipped,
            )
            % {"count": skipped},
        )


@merchant_view(area=AREA)
def held_list(request: HttpRequest) -> HttpResponse:
    """Held store orders on the generic list (of one store with ``?store=<public id>``: that
    store's page), with the fix of each and a bulk "Import now" for the rule-held ones."""
    store = None
    if request.GET.get("store"):
        store = _store(request, request.GET["store"])  # another merchant's store: 404
    select = partial(selectors.store_order_held_list_for_member, membership=request.membership)
    stores = selectors.store_list_for_member(
        membership=request.membership, include_disconnected=True
    )
    return list_page(
        request,
        queryset=select(store=store),
        filterset_class=HeldFilter,
        filter_kwargs={"select": select, "stores": list(stores)},
        table_class=HeldTable,
        table_kwargs={"exclude": ("store",)} if store else {},
        bulk_actions=[
            BulkAction(
                name="import",
                label=_("Import now"),
                handler=_import_held,
                style="btn-primary",
                testid="bulk-import",
            )
        ],
        template="stores/held_list.html",
        export_name="held-store-orders",
        context={
            "title": _("Held store orders"),
            "store": store,
            "noun": gettext_noop("held order"),
            "noun_plural": gettext_noop("held orders"),
            "empty_filtered_text": _("No held store order matches these filters."),
            "empty_text": _(
                "No held store orders: every store order received so far had all its variants "
                "connected. Orders held later show here with what to fix."
            ),
            "results_actions_template": "core/partials/_list_csv_link.html",
        },
    )


@merchant_view(area=AREA)
def held_import_now(request: HttpRequest, pk: int) -> HttpResponse:
    """POST from the held orders page: import an order a store's hold rule held."""
    try:
        row = selectors.store_order_get(merchant=request.merchant, pk=pk)
    except StoreNotFound:
        raise Http404("store order not found") from None
    store = _store(request, row.store.public_id)  # a staff member's store scope
    if (refused := _post_only(request)) is not None:
        return refused
    flash_outcome(
        request,
        lambda: services.store_order_import_now(
            store_order=row, merchant=request.merchant, actor=request.user
        ),
        success=_("%(order)s of %(store)s reviewed: imported unless a line still needs connecting.")
        % {"order": row.platform_order_name or row.platform_order_id, "store": store.name},
    )
    return redirect(f"{reverse('stores:held')}?store={store.public_id}")


# The health page's three tables: (context name, table class, query prefix, results element id).
HEALTH_TABLES = (
    ("unconnected", UnconnectedTable, "u", "unconnected"),
    ("held", HeldOrderTable, "h", "held"),
    ("off_sale", OffSaleTable, "o", "offsale"),
)


@merchant_view(area=AREA)
def health(request: HttpRequest) -> HttpResponse:
    """Connection health of the member's stores (of one with ``?store=<public id>``): three
    sortable, paged tables; an htmx sort or page link answers only its table."""
    store = None
    if request.GET.get("store"):
        store = _store(request, request.GET["store"])
    report = connection_health(membership=request.membership, store=store)
    context: dict = {"store": store, "health": report}
    for name, table_class, prefix, results_id in HEALTH_TABLES:
        table = table_class(
            getattr(report, name), prefix=prefix, exclude=("store",) if store else ()
        )
        context[f"{name}_table"] = table
        context[f"{name}_page"] = table_page(request, table)
        if htmx_partial(request) and request.htmx.target == results_id:
            response = render(request, f"stores/partials/_health_{results_id}.html", context)
            break
    else:
        response = render(request, "stores/health.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
