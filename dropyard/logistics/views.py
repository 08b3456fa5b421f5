"""Merchant shipping pages: the freight calculator and default shipping lines per destination.

Each view parses with a form, calls one selector or service and renders. Default lines are read
and written through selectors and services scoped to ``request.merchant``.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dropyard.accounts.choices import Area
from dropyard.catalog import selectors as catalog_selectors
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.htmx import htmx_partial
from dropyard.inventory import selectors as inventory_selectors

from . import selectors, services
from .forms import CannotShipForm, DefaultLineClearForm, DefaultLineForm, FreightCalculatorForm


def _warehouse_countries() -> list[str]:
    return sorted({w.country for w in inventory_selectors.warehouse_list()})


# --- Freight calculator -----------------------------------------------------------------------


@merchant_view(area=Area.PRODUCTS)
def freight_calculator(request: HttpRequest) -> HttpResponse:
    """GET with a cart, an origin and a destination prices it on every line (htmx: the result)."""
    form = FreightCalculatorForm(request.GET or None, origin_countries=_warehouse_countries())
    quote = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            items = selectors.cart_variants_resolve(items=data["items"], by="sku")
            quote = selectors.freight_quote(
                items=items,
                origin_country=data["origin_country"],
                dest_country=data["dest_country"],
                postcode=data["postcode"].strip(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    status = 400 if form.errors else 200
    context = {"form": form, "quote": quote}
    if htmx_partial(request):
        return render(request, "logistics/partials/_quote.html", context, status=status)
    return render(request, "logistics/freight_calculator.html", context, status=status)


# --- Default shipping lines -------------------------------------------------------------------


def _defaults_page(request: HttpRequest, form: DefaultLineForm, *, status: int = 200):
    context = {"form": form, "defaults": selectors.default_lines_list(request.merchant)}
    return render(request, "logistics/default_lines.html", context, status=status)


@merchant_view(area=Area.SETTINGS)
def default_lines(request: HttpRequest) -> HttpResponse:
    """The merchant's default line per destination country; POST sets one."""
    if request.method != "POST":
        country = request.GET.get("country", "").upper()
        initial = {"dest_country": country}
        current = selectors.default_line_for(request.merchant, country) if country else None
        if current is not None:
            initial.update(line=current.line_id, fallback=current.fallback)
        return _defaults_page(request, DefaultLineForm(initial=initial))
    form = DefaultLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.default_line_set(
                merchant=request.merchant,
                dest_country=data["dest_country"],
                line=data["line"],
                fallback=data["fallback"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"Default line for {data['dest_country']} set to {data['line'].name}."
            )
            return redirect("logistics:default_lines")
    return _defaults_page(request, form, status=400)


@merchant_view(area=Area.SETTINGS)
@require_POST
def default_line_clear(request: HttpRequest) -> HttpResponse:
    """Remove the default line of one destination country."""
    form = DefaultLineClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a country.")
        return redirect("logistics:default_lines")
    country = form.cleaned_data["dest_country"]
    if services.default_line_clear(
        merchant=request.merchant, dest_country=country, actor=request.user
    ):
        messages.success(request, f"Default line for {country} cleared.")
    else:
        messages.info(request, f"There was no default line for {country}.")
    return redirect("logistics:default_lines")


def _product_lookup(text: str):
    """The product with that SKU, variant SKU or public id, or None."""
    for key in ("sku", "variant_sku", "pid"):
        try:
            return catalog_selectors.product_get(**{key: text})
        except DomainError:
            continue
    return None


@merchant_view(area=Area.SETTINGS)
def cannot_ship(request: HttpRequest) -> HttpResponse:
    """Pick a product: the destinations where the merchant's default line cannot ship it."""
    form = CannotShipForm(request.GET or None)
    product = None
    rows = None
    if form.is_valid():
        product = _product_lookup(form.cleaned_data["product"].strip())
        if product is None:
            form.add_error("product", "No product with that SKU or id.")
        else:
            rows = selectors.countries_where_default_cannot_ship(
                merchant=request.merchant, product=product
            )
    context = {
        "form": form,
        "product": product,
        "rows": rows,
        "has_defaults": selectors.default_lines_list(request.merchant).exists(),
    }
    status = 400 if form.errors else 200
    if htmx_partial(request):
        return render(request, "logistics/partials/_cannot_ship.html", context, status=status)
    return render(request, "logistics/cannot_ship.html", context, status=status)
