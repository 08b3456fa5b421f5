"""The merchant's private stock pages (URL namespace ``private_stock``, under /private-stock/):
stock per SKU and warehouse, its ledger, the purchase cart and purchase orders.

Buying runs cart → purchase order (``purchases.purchase_order_create``) → the payment's
confirmation page, which needs the wallet and so lives in ``checkout.views_purchases`` (joined
into this namespace by ``config.urls``). Every read goes through ``private_selectors`` scoped
to ``request.merchant``; every write through ``purchases``.
"""

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dropyard.accounts.choices import Area
from dropyard.catalog import selectors as catalog_selectors
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import list_page
from dropyard.core.money import Money

from . import private_selectors, purchases
from .choices import WarehouseKind
from .exceptions import VariantNotFound
from .forms_private import CartAddForm, CartQuantityForm
from .lists_private import (
    LedgerFilter,
    LedgerTable,
    PrivateStockFilter,
    PrivateStockTable,
    PurchaseOrderFilter,
    PurchaseOrderTable,
)
from .selectors import warehouse_get, warehouse_list

AREA = Area.ORDERS


def money(minor: int, currency: str = "USD") -> str:
    """ "$12.30" for USD, "12.30 EUR" otherwise (display only)."""
    value = Money(int(minor), currency)
    return f"${value.wire()}" if currency == "USD" else str(value)


def _platform_warehouses() -> list:
    return [w for w in warehouse_list() if w.kind == WarehouseKind.PLATFORM]


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- Stock and ledger ---------------------------------------------------------------------------


def _private_list(request: HttpRequest, **kwargs) -> HttpResponse:
    return list_page(
        request,
        context={
            "cart_units": private_selectors.purchase_cart_get(merchant=request.merchant).units,
            "results_actions_template": "core/partials/_list_csv_link.html",
            **kwargs.pop("context"),
        },
        **kwargs,
    )


@merchant_view(area=AREA)
@require_GET
def stock(request: HttpRequest) -> HttpResponse:
    """Private stock per SKU and warehouse: on hand, reserved, available, shipped."""
    select = partial(private_selectors.private_stock_list, merchant=request.merchant)
    return _private_list(
        request,
        queryset=select(),
        filterset_class=PrivateStockFilter,
        filter_kwargs={"select": select, "warehouses": _platform_warehouses()},
        table_class=PrivateStockTable,
        template="inventory/private/stock.html",
        export_name="private-stock",
        context={
            "title": _("Private stock"),
            "tab": "stock",
            "noun": "stock row",
            "noun_plural": "stock rows",
            "empty_template": "inventory/private/_stock_empty.html",
        },
    )


@merchant_view(area=AREA)
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """Every movement of the merchant's private stock, newest first."""
    select = partial(private_selectors.private_flow, merchant=request.merchant)
    return _private_list(
        request,
        queryset=select(),
        filterset_class=LedgerFilter,
        filter_kwargs={"select": select, "warehouses": _platform_warehouses()},
        table_class=LedgerTable,
        template="inventory/private/ledger.html",
        export_name="private-stock-ledger",
        context={
            "title": _("Private stock"),
            "tab": "ledger",
            "noun": "movement",
            "noun_plural": "movements",
            "empty_filtered_text": _("No movements match these filters."),
            "empty_text": _(
                "No movements yet: your private stock has not changed. Buying units through "
                "the purchase cart, and your orders shipping from them, are recorded here."
            ),
        },
    )


# --- Purchase cart ------------------------------------------------------------------------------


def _cart_context(request: HttpRequest, add_form: CartAddForm | None = None) -> dict:
    cart = private_selectors.purchase_cart_get(merchant=request.merchant)
    for line in cart.lines:
        line.unit_label = money(line.unit_price_minor)  # type: ignore[attr-defined]
        line.amount_label = money(line.quantity * line.unit_price_minor)  # type: ignore[attr-defined]
    return {
        "cart": cart,
        "total_label": money(cart.total_minor),
        "add_form": add_form or CartAddForm(warehouses=_platform_warehouses()),
    }


@merchant_view(area=AREA)
@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    """The purchase cart: lines with quantities, availability and amounts; add by SKU."""
    return render(request, "inventory/private/cart.html", _cart_context(request))


@merchant_view(area=AREA)
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add a variant (by SKU, or by vid from the product page) to the purchase cart."""
    form = CartAddForm(request.POST, warehouses=_platform_warehouses())
    back = _next(request, reverse("private_stock:cart"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            vid, sku = (data["vid"] or "").strip(), (data["sku"] or "").strip()
            variant = catalog_selectors.variant_get(vid=vid or None, sku=None if vid else sku)
            warehouse = warehouse_get(public_id=data["storage"]) if data["storage"] else None
            line = purchases.purchase_cart_add(
                merchant=request.merchant,
                variant=variant,
                quantity=data["quantity"],
                warehouse=warehouse,
                actor=request.user,
            )
        except VariantNotFound:
            form.add_error("sku", _("No variant with SKU %(sku)s.") % {"sku": sku or vid})
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Added %(quantity)s × %(sku)s to your purchase cart "
                    "(%(warehouse)s, %(in_cart)s in the cart)."
                )
                % {
                    "quantity": data["quantity"],
                    "sku": variant.sku,
                    "warehouse": line.warehouse.code,
                    "in_cart": line.quantity,
                },
            )
            return redirect(back)
    if back != reverse("private_stock:cart"):
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, errors or _("Could not add to the purchase cart."))
        return redirect(back)
    return render(request, "inventory/private/cart.html", _cart_context(request, form), status=400)


@merchant_view(area=AREA)
def cart_line(request: HttpRequest, line_id: int) -> HttpResponse:
    """Change a line's quantity (0 or the remove button: remove the line). POST only; another
    merchant's line is 404 whatever the method."""
    if private_selectors.purchase_cart_line_get(merchant=request.merchant, line_id=line_id) is None:
        raise Http404("cart line not found")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CartQuantityForm(
        {"quantity": 0 if "remove" in request.POST else request.POST.get("quantity")}
    )
    if not form.is_valid():
        messages.error(request, _("Enter a quantity from 0 to 100000."))
        return redirect("private_stock:cart")
    try:
        line = purchases.purchase_cart_set_quantity(
            merchant=request.merchant, line_id=line_id, quantity=form.cleaned_data["quantity"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Line removed.") if line is None else _("Quantity updated."))
    return redirect("private_stock:cart")


@merchant_view(area=AREA)
@require_POST
def order_create(request: HttpRequest) -> HttpResponse:
    """Confirm the whole cart into a purchase order, then go to its payment confirmation."""
    try:
        order = purchases.purchase_order_create(merchant=request.merchant, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("private_stock:cart")
    messages.success(
        request,
        _("Purchase order %(code)s created: confirm the payment.") % {"code": order.code},
    )
    return redirect("private_stock:order_pay", code=order.code)


# --- Purchase orders ----------------------------------------------------------------------------


@merchant_view(area=AREA)
@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    """The merchant's purchase orders with status, newest first; filters by status and code."""
    select = partial(private_selectors.purchase_order_list, merchant=request.merchant)
    return _private_list(
        request,
        queryset=select(),
        filterset_class=PurchaseOrderFilter,
        filter_kwargs={"select": select},
        table_class=PurchaseOrderTable,
        template="inventory/private/orders.html",
        export_name="purchase-orders",
        context={
            "title": _("Purchase orders"),
            "tab": "orders",
            "noun": "purchase order",
            "noun_plural": "purchase orders",
            "empty_template": "inventory/private/_orders_empty.html",
        },
    )


@merchant_view(area=AREA)
def order_cancel(request: HttpRequest, code: str) -> HttpResponse:
    """Cancel a purchase order awaiting payment. POST only; another merchant's order is 404
    whatever the method."""
    if private_selectors.purchase_order_get(merchant=request.merchant, code=code) is None:
        raise Http404("purchase order not found")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        order = purchases.purchase_order_cancel(
            merchant=request.merchant, code=code, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Purchase order %(code)s cancelled.") % {"code": order.code})
    return redirect("private_stock:orders")
