"""Supplier portal: the supplier's own warehouse and the stock of its approved products there.

Only ``request.supplier``'s warehouse and variants are reachable; another supplier's variant
answers 404. Stock changes go through the inventory services (movements, audit).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dropyard.core.access import supplier_view
from dropyard.core.views_helpers import flash_outcome, form_call

from . import selectors, services
from .forms import StockSetForm, SupplierWarehouseForm

WAREHOUSE_FIELDS = (
    "name",
    "country",
    "region",
    "city",
    "address1",
    "address2",
    "postcode",
    "contact_name",
    "contact_phone",
)


@supplier_view
@require_http_methods(["GET", "POST"])
def warehouse(request: HttpRequest) -> HttpResponse:
    """Create or edit the supplier's warehouse (one per supplier)."""
    current = selectors.supplier_warehouse_get(supplier=request.supplier)
    if request.method == "GET":
        initial = (
            {f: getattr(current, f) for f in WAREHOUSE_FIELDS}
            if current
            else {"country": request.supplier.country}
        )
        form = SupplierWarehouseForm(initial=initial)
    else:
        form = SupplierWarehouseForm(request.POST)
        if form.is_valid():
            saved = form_call(
                form,
                lambda: services.supplier_warehouse_save(
                    supplier=request.supplier, actor=request.user, **form.cleaned_data
                ),
            )
            if saved is not None:
                messages.success(request, gettext("Warehouse saved."))
                return redirect("suppliers_portal:stock")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "warehouse": current}
    return render(request, "suppliers/portal/warehouse.html", context, status=status)


@supplier_view
@require_http_methods(["GET"])
def stock(request: HttpRequest) -> HttpResponse:
    """Every approved variant with its units on hand, reserved and available in the warehouse,
    each with a form to set the units on hand."""
    supplier = request.supplier
    rows = {s.variant_id: s for s in selectors.supplier_stock_list(supplier=supplier)}
    variants = list(selectors.supplier_stockable_variants(supplier=supplier))
    context = {
        "warehouse": selectors.supplier_warehouse_get(supplier=supplier),
        "rows": [
            (variant, rows.get(variant.pk), StockSetForm(initial={"variant": variant.public_id}))
            for variant in variants
        ],
        "total_on_hand": sum(s.on_hand for s in rows.values()),
    }
    return render(request, "suppliers/portal/stock.html", context)


@supplier_view
@require_POST
def stock_set(request: HttpRequest) -> HttpResponse:
    """Set one variant's units on hand (with a reason); the change is a stock movement."""
    form = StockSetForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Enter a whole number of units ≥ 0 and a reason."))
        return redirect("suppliers_portal:stock")
    variant = selectors.supplier_variant_get(
        supplier=request.supplier, vid=form.cleaned_data["variant"]
    )
    flash_outcome(
        request,
        lambda: services.supplier_stock_set(
            supplier=request.supplier,
            variant=variant,
            quantity=form.cleaned_data["quantity"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        ),
        success=gettext("Stock of %(sku)s saved.") % {"sku": variant.sku},
    )
    return redirect("suppliers_portal:stock")
