"""Merchant catalog pages: search, product page (stock, freight estimate, reviews, reports) and
My Products (URL namespace ``catalog``, mounted at /catalog/; templates under ``catalog/``).

Every page shows stock per warehouse country, and the product page prices freight, so they live
in inventory, the lowest app that sees products, stock and shipping lines.

Each view parses with a form, calls one selector or service and renders. The catalog is shared by
every merchant; what is merchant-owned (My Products, reports, private stock) is read and written
through selectors and services scoped to ``request.merchant``.
"""

from functools import partial

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.accounts.choices import Area
from dropyard.catalog import selectors as catalog_selectors
from dropyard.catalog import services as catalog_services
from dropyard.catalog.choices import ShippingProperty
from dropyard.catalog.models import MyProduct, Product
from dropyard.catalog.search import product_search
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError, NotFound
from dropyard.core.htmx import htmx_partial, render_page_or_partial
from dropyard.core.lists import BulkAction, list_page
from dropyard.core.money import Money
from dropyard.core.pagination import PAGE_SIZE, paginate
from dropyard.logistics import selectors as logistics_selectors

from . import selectors as inventory_selectors
from .forms_catalog import (
    FreightEstimateForm,
    ProductChoiceForm,
    ProductSearchForm,
    ReportForm,
)
from .lists_catalog import MyProductFilter, MyProductTable

REVIEWS_PER_PAGE = 10


# --- Display helpers --------------------------------------------------------------------------


def _money(minor: int, currency: str = "USD") -> str:
    money = Money(int(minor), currency)
    return f"${money.wire()}" if currency == "USD" else str(money)


def _price_label(product: Product) -> str:
    """ "$12.50" or "$12.50–$15.00" over the product's variant prices."""
    low, high = product.min_price_minor, product.max_price_minor
    if high <= low:
        return _money(low)
    return f"{_money(low)}–{_money(high)}"


def _card(product: Product, in_stock: bool) -> Product:
    """Attach what a product card shows besides its picture (``product_picture`` reads the
    prefetched images): price range, in-stock flag."""
    product.price_label = _price_label(product)
    product.in_stock = in_stock
    return product


def _stocked_ids(products: list[Product]) -> set[int]:
    totals = inventory_selectors.stock_totals_by_product([p.pk for p in products])
    return {pk for pk, t in totals.items() if t.total > 0}


def _category_choices() -> list[tuple[int, str]]:
    """The category tree as select options, indented by level ("Home › Kitchen")."""
    choices = []

    def walk(nodes, path):
        for node in nodes:
            names = [*path, node.category.name]
            choices.append((node.category.pk, " › ".join(names)))
            walk(node.children, names)

    walk(catalog_selectors.category_tree(), [])
    return choices


# --- Search -----------------------------------------------------------------------------------


def _search_page(request: HttpRequest, form: ProductSearchForm) -> Page:
    """One page of search results as a Paginator page (the shared pagination partial's input)."""
    filters = form.filters()
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1

    def fetch(page_number: int) -> tuple[int, list[Product]]:
        return product_search(
            keyword=filters.keyword,
            category_id=filters.category_id,
            warehouse_country=filters.warehouse_country or None,
            min_price_minor=filters.min_price_minor,
            max_price_minor=filters.max_price_minor,
            in_stock=True if filters.in_stock else None,
            sort=filters.sort,
            offset=(page_number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )

    total, products = fetch(number)
    last = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    if number > last:
        number = last
        total, products = fetch(number)
    stocked = _stocked_ids(products)
    cards = [_card(p, p.pk in stocked) for p in products]
    return Page(cards, number, Paginator(range(total), PAGE_SIZE))


@merchant_view(area=Area.PRODUCTS)
def search(request: HttpRequest) -> HttpResponse:
    """Catalog search with filters; htmx swaps only the results."""
    form = ProductSearchForm(
        request.GET or None,
        categories=_category_choices(),
        warehouse_countries=inventory_selectors.warehouse_countries(),
    )
    context = {"form": form, "page": _search_page(request, form)}
    return render_page_or_partial(
        request, "catalog/search.html", "catalog/partials/_results.html", context
    )


# --- Product page -----------------------------------------------------------------------------


def _stock_context(product: Product, merchant) -> dict:
    by_country = inventory_selectors.inventory_by_country(product=product, merchant=merchant)
    stock_rows = [
        {
            "country": c.country,
            "country_name": c.area_en,
            "platform": c.platform - c.private,
            "factory": c.factory,
        }
        for c in by_country
    ]
    private_rows = [
        {"warehouse": w.warehouse, "available": w.private}
        for c in by_country
        for w in c.warehouses
        if w.private
    ]
    origins = [c.country for c in by_country if c.total > 0]
    return {
        "stock_rows": [r for r in stock_rows if r["platform"] or r["factory"]],
        "private_rows": private_rows,
        "origin_countries": origins or [logistics_selectors.DEFAULT_ORIGIN_COUNTRY],
        "in_stock": any(c.total > 0 for c in by_country),
    }


def _variants(product: Product, merchant) -> list:
    rows = []
    by_variant = list(inventory_selectors.inventory_by_variant(product=product, merchant=merchant))
    # What this merchant pays: an agreed price (price negotiation) shows with the list price.
    prices = catalog_selectors.unit_prices_for(merchant, [variant for variant, _c in by_variant])
    for variant, per_country in by_variant:
        variant.price_label = _money(prices[variant.pk], variant.currency)
        variant.list_label = (
            _money(variant.price_minor, variant.currency)
            if prices[variant.pk] != variant.price_minor
            else ""
        )
        variant.suggested_label = (
            _money(variant.suggested_price_minor, variant.currency)
            if variant.suggested_price_minor
            else "—"
        )
        variant.available_total = sum(c.total for c in per_country)
        rows.append(variant)
    return rows


def _reviews(request: HttpRequest, product: Product) -> Page:
    page = paginate(
        request,
        catalog_selectors.review_list(product=product),
        param="rpage",
        per_page=REVIEWS_PER_PAGE,
    )
    for review in page.object_list:
        review.stars = "★" * review.rating + "☆" * (5 - review.rating)
    return page


def _report_context(request: HttpRequest, product: Product, form: ReportForm | None = None):
    return {
        "product": product,
        "report_form": form or ReportForm(),
        "reports": catalog_selectors.report_list_for_merchant(merchant=request.merchant).filter(
            product=product
        ),
    }


def _product_context(request: HttpRequest, product: Product, **extra) -> dict:
    merchant = request.merchant
    stock = _stock_context(product, merchant)
    variants = _variants(product, merchant)
    product.price_label = _price_label(product)
    product.in_stock = stock["in_stock"]
    labels = dict(ShippingProperty.choices)
    context = {
        "product": product,
        "images": list(product.images.all()),
        "variants": variants,
        "property_labels": [labels.get(p, p) for p in product.properties or ()],
        "saved": product.pk in catalog_selectors.my_product_ids(merchant=merchant),
        # The purchase cart (private stock) is an orders-area page.
        "can_buy_private": request.membership.has_area(Area.ORDERS),
        "reviews": _reviews(request, product),
        "freight_form": FreightEstimateForm(
            initial={"quantity": 1},
            variants=[v for v in variants if v.is_on_sale],
            origin_countries=stock["origin_countries"],
        ),
        **stock,
        **_report_context(request, product),
    }
    context.update(extra)
    return context


@merchant_view(area=Area.PRODUCTS)
@require_GET
def product_detail(request: HttpRequest, pid: str) -> HttpResponse:
    """The product page; htmx requests for ``#reviews`` get the next page of reviews."""
    product = catalog_selectors.product_get(pid=pid, merchant=request.merchant, for_merchant=True)
    if htmx_partial(request) and request.htmx.target == "reviews":
        return render(
            request, "catalog/partials/_reviews.html", {"reviews": _reviews(request, product)}
        )
    return render(request, "catalog/product_detail.html", _product_context(request, product))


@merchant_view(area=Area.PRODUCTS)
@require_GET
def product_freight(request: HttpRequest, pid: str) -> HttpResponse:
    """Freight estimate for one variant of the product (htmx: the quote; else the page)."""
    product = catalog_selectors.product_get(pid=pid, merchant=request.merchant, for_merchant=True)
    variants = [v for v in product.variants.all() if v.is_on_sale]
    stock = _stock_context(product, request.merchant)
    form = FreightEstimateForm(
        request.GET or None, variants=variants, origin_countries=stock["origin_countries"]
    )
    quote = None
    if form.is_valid():
        data = form.cleaned_data
        variant = next(v for v in variants if v.public_id == data["variant"])
        variant.product = product
        try:
            quote = logistics_selectors.freight_quote(
                items=[(variant, data["quantity"])],
                origin_country=data["origin_country"],
                dest_country=data["dest_country"],
                postcode=data["postcode"].strip(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    status = 400 if form.errors else 200
    if htmx_partial(request):
        context = {"form": form, "quote": quote}
        return render(request, "logistics/partials/_quote.html", context, status=status)
    context = _product_context(request, product, freight_form=form, quote=quote)
    return render(request, "catalog/product_detail.html", context, status=status)


@merchant_view(area=Area.PRODUCTS)
@require_POST
def report(request: HttpRequest, pid: str) -> HttpResponse:
    """Report the product as improper (reason + note); the merchant sees past outcomes."""
    product = catalog_selectors.product_get(pid=pid, merchant=request.merchant, for_merchant=True)
    form = ReportForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            catalog_services.report_create(
                product=product,
                merchant=request.merchant,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        else:
            if not htmx_partial(request):
                messages.success(request, _("Thank you. Our team will review your report."))
                return redirect("catalog:product", pid=product.public_id)
            context = {**_report_context(request, product), "report_sent": True}
            return render(request, "catalog/partials/_report.html", context)
    if htmx_partial(request):
        context = _report_context(request, product, form)
        return render(request, "catalog/partials/_report.html", context, status=status)
    context = _product_context(request, product, report_form=form)
    return render(request, "catalog/product_detail.html", context, status=status)


def _htmx_alert(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """An htmx answer that shows ``message`` in the page's alert area instead of the target."""
    response = render(request, "catalog/partials/_alert.html", {"message": message}, status=status)
    response["HX-Retarget"] = "#page-alerts"
    response["HX-Reswap"] = "innerHTML"
    return response


# --- My Products ------------------------------------------------------------------------------


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(fallback)


def _my_product_change(request: HttpRequest, *, add: bool) -> HttpResponse:
    form = ProductChoiceForm(request.POST)
    if not form.is_valid():
        raise NotFound(_("Product not found"))
    product = catalog_selectors.product_get(
        pid=form.cleaned_data["product"], merchant=request.merchant, for_merchant=True
    )
    change = catalog_services.my_product_add if add else catalog_services.my_product_remove
    try:
        change(merchant=request.merchant, product=product, actor=request.user)
    except DomainError as exc:
        if htmx_partial(request):
            return _htmx_alert(request, exc.message, exc.http_status)
        messages.error(request, exc.message)
        return _back(request, "catalog:my_products")
    done = (
        _("Added %(name)s to My Products.") if add else _("Removed %(name)s from My Products.")
    ) % {"name": product.name}
    if htmx_partial(request):
        if request.htmx.target == "my-product-action":
            context = {"product": product, "saved": add}
            return render(request, "catalog/partials/_my_product_button.html", context)
        return HttpResponse("")
    messages.success(request, done)
    return _back(request, "catalog:my_products")


@merchant_view(area=Area.PRODUCTS)
@require_POST
def my_product_add(request: HttpRequest) -> HttpResponse:
    return _my_product_change(request, add=True)


@merchant_view(area=Area.PRODUCTS)
@require_POST
def my_product_remove(request: HttpRequest) -> HttpResponse:
    """Remove a product from My Products (htmx from the list: the row disappears)."""
    return _my_product_change(request, add=False)


def _remove_saved(request: HttpRequest, saved: QuerySet[MyProduct]) -> None:
    """The bulk "Remove" of My Products: the ticked rows, found in the merchant's own list."""
    removed = 0
    for item in saved.select_related("product"):
        try:
            catalog_services.my_product_remove(
                merchant=request.merchant, product=item.product, actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            removed += 1
    if removed:
        messages.success(
            request,
            ngettext(
                "Removed %(count)d product from My Products.",
                "Removed %(count)d products from My Products.",
                removed,
            )
            % {"count": removed},
        )


@merchant_view(area=Area.PRODUCTS)
@require_http_methods(["GET", "HEAD", "POST"])
def my_products(request: HttpRequest) -> HttpResponse:
    """The merchant's saved products on the generic list (search, category, sale, stock; CSV);
    each can be removed, one by one or ticked in bulk."""
    select = partial(inventory_selectors.my_product_rows, merchant=request.merchant)
    return list_page(
        request,
        queryset=select(),
        filterset_class=MyProductFilter,
        filter_kwargs={"select": select, "categories": _category_choices()},
        table_class=MyProductTable,
        bulk_actions=[
            BulkAction(
                name="remove",
                label=_("Remove from My Products"),
                handler=_remove_saved,
                confirm=_("Remove the selected products from My Products?"),
                style="btn-outline-danger",
                testid="bulk-remove",
            )
        ],
        template="catalog/my_products.html",
        export_name="my-products",
        context={
            "title": _("My Products"),
            "noun": "saved product",
            "noun_plural": "saved products",
            "empty_template": "catalog/partials/_my_products_empty.html",
            "results_actions_template": "core/partials/_list_csv_link.html",
        },
    )
