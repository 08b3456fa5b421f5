"""Merchant pages for pricing rules and the listing wizard (the "stores" permission area):
the rules (list, form with a live price preview, delete with confirmation), the wizard
(choose a product, then variants, texts, images, prices and stores), the progress of its jobs,
and each store's listings with their status and a "re-list" action.

Thin: lookups go through member-scoped selectors (another merchant's rule, store or listing is
404 for any method) and every write is one service call whose refusal becomes a form error or
a message."""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from dropyard.catalog.models import Product, Variant
from dropyard.core import selectors as core_selectors
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError, NotFound
from dropyard.core.htmx import htmx_partial
from dropyard.core.lists import BulkAction, SearchFilter, list_page
from dropyard.core.models import Job
from dropyard.core.views_helpers import flash_outcome

from . import selectors, selectors_listing, services
from .choices import StoreStatus
from .forms_listing import CATALOG_CURRENCY, ListingForm, PricingRuleForm
from .lists import (
    ListableProductFilter,
    ListableProductTable,
    ListingFilter,
    ListingTable,
    PricingRuleTable,
)
from .models import Listing
from .pricing import DEFAULT_TERMS, Prices, RuleTerms, price_compute
from .services.listing import LISTING_JOB_KIND
from .views import _post_only, _store

AREA = "stores"
PREVIEW_COSTS = (500, 840, 1999, 4550)  # example costs the preview prices, minor units
MAX_PROGRESS_JOBS = 20


# --- Pricing rules -----------------------------------------------------------------------------


def _examples(terms: RuleTerms | None) -> list[tuple[int, Prices]]:
    return [(cost, price_compute(cost, terms)) for cost in PREVIEW_COSTS] if terms else []


@merchant_view(area=AREA)
def pricing_rule_list(request: HttpRequest) -> HttpResponse:
    """The merchant's pricing rules on the generic list: search by store or category, sortable,
    CSV; each with Edit and Delete (a confirmation page)."""
    select = partial(selectors_listing.pricing_rule_list, merchant=request.merchant)
    return list_page(
        request,
        queryset=select(),
        filterset_class=SearchFilter,
        filter_kwargs={"search_with": select, "placeholder": _("Store or category")},
        table_class=PricingRuleTable,
        table_kwargs={"currency": CATALOG_CURRENCY},
        template="stores/pricing_rules.html",
        export_name="pricing-rules",
        context={
            "title": _("Pricing rules"),
            "default_examples": _examples(DEFAULT_TERMS),
            "currency": CATALOG_CURRENCY,
            "noun": gettext_noop("pricing rule"),
            "noun_plural": gettext_noop("pricing rules"),
            "empty_template": "stores/partials/_rules_empty.html",
            "results_actions_template": "core/partials/_list_csv_link.html",
        },
    )


def _rule_form_page(
    request: HttpRequest, form: PricingRuleForm, rule: object = None
) -> HttpResponse:
    terms = form.terms() if form.is_bound else DEFAULT_TERMS
    context = {
        "form": form,
        "rule": rule,
        "examples": _examples(terms),
        "currency": CATALOG_CURRENCY,
    }
    if htmx_partial(request):
        return render(request, "stores/partials/_pricing_preview.html", context)
    return render(
        request,
        "stores/pricing_rule_form.html",
        context,
        status=400 if form.is_bound and request.method == "POST" else 200,
    )


def _rule_save(request: HttpRequest, form: PricingRuleForm, rule: object = None) -> bool:
    try:
        if rule is None:
            services.pricing_rule_create(
                merchant=request.merchant, actor=request.user, **form.service_kwargs()
            )
        else:
            services.pricing_rule_update(
                merchant=request.merchant, rule=rule, actor=request.user, **form.service_kwargs()
            )
    except DomainError as exc:
        form.add_service_errors((exc.extra or {}).get("errors") or {}, exc.message)
        return False
    return True


@merchant_view(area=AREA)
def pricing_rule_create(request: HttpRequest) -> HttpResponse:
    """GET the form (an htmx GET with the typed values answers the preview only); POST saves."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PricingRuleForm(data, merchant=request.merchant)
    if request.method == "POST" and form.is_valid() and _rule_save(request, form):
        messages.success(request, _("Pricing rule saved. New listings use it from now on."))
        return redirect("stores:pricing_rules")
    return _rule_form_page(request, form)


@merchant_view(area=AREA)
def pricing_rule_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    rule = selectors_listing.pricing_rule_get(merchant=request.merchant, public_id=public_id)
    data = request.POST if request.method == "POST" else (request.GET or None)
    if data is None:
        form = PricingRuleForm.for_rule(rule, merchant=request.merchant)
    else:
        form = PricingRuleForm(data, merchant=request.merchant)
    if request.method == "POST" and form.is_valid() and _rule_save(request, form, rule):
        messages.success(request, _("Pricing rule saved. Re-list products to apply it to them."))
        return redirect("stores:pricing_rules")
    if data is None:
        context = {
            "form": form,
            "rule": rule,
            "examples": _examples(rule.terms),
            "currency": CATALOG_CURRENCY,
        }
        return render(request, "stores/pricing_rule_form.html", context)
    return _rule_form_page(request, form, rule)


@merchant_view(area=AREA)
def pricing_rule_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the confirmation page; POST from it deletes the rule."""
    rule = selectors_listing.pricing_rule_get(merchant=request.merchant, public_id=public_id)
    if request.method == "POST":
        flash_outcome(
            request,
            lambda: services.pricing_rule_delete(
                merchant=request.merchant, rule=rule, actor=request.user
            ),
            success=_("Pricing rule “%(rule)s” deleted.") % {"rule": rule.scope_label},
        )
        return redirect("stores:pricing_rules")
    return render(request, "stores/pricing_rule_delete.html", {"rule": rule})


# --- The listing wizard ------------------------------------------------------------------------


def _live_stores(request: HttpRequest):  # noqa: ANN202 - a QuerySet[Store]
    return selectors.store_list_for_member(membership=request.membership).filter(
        status=StoreStatus.AUTHORIZED
    )


@merchant_view(area=AREA)
def listing_choose(request: HttpRequest) -> HttpResponse:
    """Step 1: choose an on-sale catalog product (the merchant's saved products first) on the
    generic list: search by name or SKU, My Products only, sortable, pages."""
    select = partial(selectors_listing.listable_products, merchant=request.merchant)
    return list_page(
        request,
        queryset=select().prefetch_related("images"),
        filterset_class=ListableProductFilter,
        filter_kwargs={"select": lambda **kw: select(**kw).prefetch_related("images")},
        table_class=ListableProductTable,
        table_kwargs={"currency": CATALOG_CURRENCY},
        template="stores/listing_choose.html",
        export_name="catalog-products",
        context={
            "title": _("List a product"),
            "store_count": _live_stores(request).count(),
            "noun": gettext_noop("product"),
            "noun_plural": gettext_noop("products"),
            "empty_template": "stores/partials/_choose_empty.html",
        },
    )


@dataclass(frozen=True)
class VariantRow:
    """One variant in the wizard: its cost and the rules' price on each chosen store."""

    variant: Variant
    field: object
    prices: list[tuple[object, Prices]]
    checked: bool


def _product(pid: str) -> Product:
    product = (
        Product.objects.filter(public_id=pid, is_on_sale=True)
        .select_related("category__parent__parent")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("position", "pk")), "images"
        )
        .first()
    )
    if product is None:
        raise NotFound(_("Product not found"))
    return product


def _ints(values: object) -> set[int]:
    """The pks a (bound or initial) multiple-choice field holds, ignoring junk."""
    if not isinstance(values, list | tuple):
        return set()
    return {int(v) for v in values if str(v).isdigit()}


@merchant_view(area=AREA)
def listing_new(request: HttpRequest, pid: str) -> HttpResponse:
    """Step 2: the product's variants, texts, images, prices and stores; POST starts one job
    per store and shows their progress."""
    product = _product(pid)
    stores = _live_stores(request)
    if request.method == "POST":
        form = ListingForm(request.POST, product=product, stores=stores)
    else:
        initial = {
            "variants": [v.pk for v in product.variants.all() if v.is_on_sale],
            "title": product.name[:255],
            "description_html": product.description_html,
            "images": [i.pk for i in product.images.all()][:1],
            "stores": [s.public_id for s in stores[:1]],
        }
        form = ListingForm(initial=initial, product=product, stores=stores)
    if form.is_bound and form.is_valid():
        chosen = set(form.cleaned_data["variants"])
        draft = services.ListingDraft(
            product=product,
            variants=[v for v in form.variant_list if v.pk in chosen],
            title=form.cleaned_data["title"],
            description_html=form.cleaned_data["description_html"],
            image_ids=form.cleaned_data["images"],
            prices=form.typed_prices(),
        )
        try:
            jobs = services.listing_start(
                merchant=request.merchant,
                actor=request.user,
                draft=draft,
                stores=list(form.cleaned_data["stores"]),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Listing %(title)s on %(count)d store.",
                    "Listing %(title)s on %(count)d stores.",
                    len(jobs),
                )
                % {"title": draft.title.strip(), "count": len(jobs)},
            )
            query = "&".join(f"job={job.pk}" for job in jobs)
            return redirect(f"{reverse('stores:listing_progress')}?{query}")
    store_list = list(stores)
    chosen_variants, chosen_images = _ints(form["variants"].value()), _ints(form["images"].value())
    rows = []
    for variant in form.variant_list:
        rows.append(
            VariantRow(
                variant=variant,
                field=form.price_field(variant.pk),
                prices=[
                    (
                        store,
                        selectors_listing.prices_for(
                            merchant=request.merchant, store=store, variants=[variant]
                        )[variant.pk],
                    )
                    for store in store_list
                ],
                checked=variant.pk in chosen_variants,
            )
        )
    context = {
        "product": product,
        "form": form,
        "rows": rows,
        "stores": store_list,
        "images": [(i, i.pk in chosen_images) for i in product.images.all()],
        "currency": CATALOG_CURRENCY,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "stores/listing_new.html", context, status=status)


@merchant_view(area=AREA)
def listing_progress(request: HttpRequest) -> HttpResponse:
    """The progress of listing jobs (``?job=<id>`` repeated), polling while any runs; another
    merchant's job, or a job of another kind, is 404; without jobs, the jobs page."""
    ids = [int(i) for i in request.GET.getlist("job") if i.isdigit()][:MAX_PROGRESS_JOBS]
    if not ids:
        return redirect("core:job_list")
    jobs: list[Job] = [
        core_selectors.job_get_for_member(membership=request.membership, pk=pk) for pk in ids
    ]
    if any(job.kind != LISTING_JOB_KIND for job in jobs):
        raise NotFound(_("Job not found"))
    stores = {
        listing.job_id: listing.store
        for listing in Listing.objects.filter(job__in=jobs).select_related("store")
    }
    context = {
        "jobs": [(job, stores.get(job.pk)) for job in jobs],
        "running": any(not job.is_finished for job in jobs),
        "query": "&".join(f"job={job.pk}" for job in jobs),
    }
    if htmx_partial(request):
        return render(request, "stores/partials/_listing_progress.html", context)
    return render(request, "stores/listing_progress.html", context)


# --- A store's listings ------------------------------------------------------------------------


def _relist(request: HttpRequest, listings: QuerySet[Listing]) -> HttpResponse | None:
    """The bulk "Re-list" of a store's listings: each ticked listing (found in the store's own
    listings) is sent again; then the progress of the jobs started."""
    jobs = []
    for listing in listings:
        try:
            jobs.append(
                services.listing_relist(
                    merchant=request.merchant, actor=request.user, listing=listing
                )
            )
        except DomainError as exc:
            messages.error(request, f"{listing.title}: {exc.message}")
    if not jobs:
        return None
    query = "&".join(f"job={job.pk}" for job in jobs[:MAX_PROGRESS_JOBS])
    return redirect(f"{reverse('stores:listing_progress')}?{query}")


@merchant_view(area=AREA)
def listing_list(request: HttpRequest, public_id: str) -> HttpResponse:
    """A store's listings on the generic list: search, status, sortable, CSV; Re-list each or
    the ticked ones."""
    store = _store(request, public_id)
    live = store.status == StoreStatus.AUTHORIZED
    select = partial(selectors_listing.listing_list, merchant=request.merchant, store=store)
    return list_page(
        request,
        queryset=select(),
        filterset_class=ListingFilter,
        filter_kwargs={"select": select},
        table_class=ListingTable,
        table_kwargs={"store": store, "live": live, **({} if live else {"exclude": ("select",)})},
        bulk_actions=[BulkAction(name="relist", label=_("Re-list"), handler=_relist)]
        if live
        else [],
        template="stores/listings.html",
        export_name=f"listings-{store.public_id}",
        id_field="public_id",
        context={
            "title": _("Listings"),
            "store": store,
            "live": live,
            "noun": gettext_noop("listing"),
            "noun_plural": gettext_noop("listings"),
            "empty_template": "stores/partials/_listings_empty.html",
            "results_actions_template": "core/partials/_list_csv_link.html",
        },
    )


@merchant_view(area=AREA)
def listing_relist(request: HttpRequest, public_id: str, listing_id: str) -> HttpResponse:
    store = _store(request, public_id)
    listing = selectors_listing.listing_get(
        merchant=request.merchant, store=store, public_id=listing_id
    )
    if refused := _post_only(request):
        return refused
    try:
        job = services.listing_relist(
            merchant=request.merchant, actor=request.user, listing=listing
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("stores:listings", public_id=store.public_id)
    messages.success(
        request,
        _("Listing %(title)s on %(store)s again.") % {"title": listing.title, "store": store.name},
    )
    return redirect(f"{reverse('stores:listing_progress')}?job={job.pk}")
