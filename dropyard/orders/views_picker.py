"""The product picker of the manual order page: an htmx search answering variants with their
picture, options, SKU, price and the stock this merchant can order from.

Scoped like order creation: on-sale variants of on-sale products (the shared catalog every
merchant may order), with stock counted from shared warehouses plus only this merchant's own
private stock. A bad query (NUL, over 100 characters) is a 400 with the reason, shown in place.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from dropyard.catalog import selectors as catalog_selectors
from dropyard.core.access import merchant_view
from dropyard.inventory import selectors as inventory_selectors

from .forms import PickerSearchForm

AREA = "orders"
MIN_QUERY = 2  # one letter matches half the catalog


@merchant_view(area=AREA)
@require_GET
def variant_picker(request: HttpRequest) -> HttpResponse:
    form = PickerSearchForm(request.GET)
    template = "orders/partials/_picker_results.html"
    if not form.is_valid():
        reason = "; ".join(form.errors.get("q", [gettext("invalid search")]))
        error = gettext("Search: %(reason)s") % {"reason": reason}
        return render(request, template, {"error": error}, status=400)
    q = form.cleaned_data["q"]
    variants = (
        catalog_selectors.variant_picker_search(q=q, merchant=request.merchant)
        if len(q) >= MIN_QUERY
        else []
    )
    available = inventory_selectors.available_by_variant(
        [v.pk for v in variants], merchant=request.merchant
    )
    prices = catalog_selectors.unit_prices_for(request.merchant, variants)
    for variant in variants:
        variant.available = available[variant.pk]
        variant.unit_price_minor = prices[variant.pk]  # the merchant's agreed price, else list
    context = {"q": q, "variants": variants, "too_short": 0 < len(q) < MIN_QUERY}
    return render(request, template, context)
