"""Merchant shipping pages that read warehouse stock: the freight calculator (origins are the
warehouse countries) and the countries where the merchant's default line cannot ship a product
(origins are where it is stocked). Served at /shipping/ in the ``logistics`` URL namespace with
logistics' own pages (``config/urls.py`` joins the two lists).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dropyard.accounts.choices import Area
from dropyard.catalog import selectors as catalog_selectors
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.htmx import htmx_partial
from dropyard.logistics import selectors as logistics_selectors

from . import selectors as inventory_selectors
from .forms_shipping import CannotShipForm, FreightCalculatorForm

# --- Freight calculator -----------------------------------------------------------------------


@merchant_view(area=Area.PRODUCTS)
def freight_calculator(request: HttpRequest) -> HttpResponse:
    """GET with a cart, an origin and a destination prices it on every line (htmx: the result)."""
    form = FreightCalculatorForm(
        request.GET or None, origin_countries=inventory_selectors.warehouse_countries()
    )
    quote = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            items = logistics_selectors.cart_variants_resolve(items=data["items"], by="sku")
            quote = logistics_selectors.freight_quote(
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


# --- Countries where the default line cannot ship -----------------------------------------


def _product_lookup(text: str, merchant):
    """The product with that SKU, variant SKU or public id (that ``merchant`` may see), or None."""
    for key in ("sku", "variant_sku", "pid"):
        try:
            return catalog_selectors.product_get(
                **{key: text}, merchant=merchant, for_merchant=True
            )
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
        product = _product_lookup(form.cleaned_data["product"].strip(), request.merchant)
        if product is None:
            form.add_error("product", _("No product with that SKU or id."))
        else:
            rows = inventory_selectors.countries_where_default_cannot_ship(
                merchant=request.merchant, product=product
            )
    context = {
        "form": form,
        "product": product,
        "rows": rows,
        "has_defaults": logistics_selectors.default_lines_list(request.merchant).exists(),
    }
    status = 400 if form.errors else 200
    if htmx_partial(request):
        return render(request, "logistics/partials/_cannot_ship.html", context, status=status)
    return render(request, "logistics/cannot_ship.html", context, status=status)
