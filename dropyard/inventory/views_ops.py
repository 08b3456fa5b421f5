"""Operator back office for inventory: warehouses, stock receipts and adjustments, history."""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import EXPORT_BUTTON, list_page
from dropyard.core.views_helpers import flash_outcome, form_call

from . import selectors, services
from .forms_ops import StockAdjustForm, StockReceiveForm, WarehouseForm
from .lists import (
    MovementFilter,
    MovementTable,
    StockFilter,
    StockTable,
    WarehouseFilter,
    WarehouseTable,
)
from .models import Stock, Warehouse

WAREHOUSE_STAFF = {OperatorRole.WAREHOUSE}
WAREHOUSE_FIELDS = (
    "code",
    "name",
    "country",
    "region",
    "city",
    "address1",
    "address2",
    "postcode",
    "contact_name",
    "contact_phone",
    "kind",
    "supplier",
    "is_verified",
    "is_self_pickup",
    "parcel_photos_required",
    "accepts_returns",
)


def _warehouse(public_id: str) -> Warehouse:
    return selectors.warehouse_get(public_id=public_id)


# --- Warehouses -------------------------------------------------------------------------------


@operator_view(roles=WAREHOUSE_STAFF)
@require_GET
def warehouse_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        queryset=selectors.warehouse_list(active_only=False),
        filterset_class=WarehouseFilter,
        filter_kwargs={"select": partial(selectors.warehouse_list, active_only=False)},
        table_class=WarehouseTable,
        template="inventory/ops/warehouse_list.html",
        export_name="warehouses",
        context={
            "title": gettext("Warehouses"),
            "noun": gettext_noop("warehouse"),
            "noun_plural": gettext_noop("warehouses"),
            "empty_filtered_text": gettext("No warehouses match these filters."),
            "empty_text": gettext("No warehouses yet."),
        },
    )


def _warehouse_initial(warehouse: Warehouse) -> dict:
    initial = {name: getattr(warehouse, name) for name in WAREHOUSE_FIELDS}
    initial["supplier"] = warehouse.supplier_id
    initial["carriers"] = [carrier.pk for carrier in warehouse.carriers.all()]
    return initial


@operator_view(roles=WAREHOUSE_STAFF)
@require_http_methods(["GET", "POST"])
def warehouse_create(request: HttpRequest) -> HttpResponse:
    form = WarehouseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        warehouse = form_call(
            form, lambda: services.warehouse_create(actor=request.user, **form.cleaned_data)
        )
        if warehouse is not None:
            messages.success(
                request, gettext("Warehouse %(code)s created.") % {"code": warehouse.code}
            )
            return redirect("inventory_ops:warehouse_stock", public_id=warehouse.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "warehouse": None}
    return render(request, "inventory/ops/warehouse_form.html", context, status=status)


@operator_view(roles=WAREHOUSE_STAFF)
@require_http_methods(["GET", "POST"])
def warehouse_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    warehouse = _warehouse(public_id)
    if request.method == "GET":
        form = WarehouseForm(initial=_warehouse_initial(warehouse))
    else:
        form = WarehouseForm(request.POST)
        if form.is_valid():
            updated = form_call(
                form,
                lambda: services.warehouse_update(
                    warehouse=warehouse, actor=request.user, **form.cleaned_data
                ),
            )
            if updated is not None:
                messages.success(
                    request, gettext("Warehouse %(code)s saved.") % {"code": warehouse.code}
                )
                return redirect("inventory_ops:warehouse_stock", public_id=warehouse.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "warehouse": warehouse}
    return render(request, "inventory/ops/warehouse_form.html", context, status=status)


@operator_view(roles=WAREHOUSE_STAFF)
@require_POST
def warehouse_active(request: HttpRequest, public_id: str) -> HttpResponse:
    """Activate or deactivate (``is_active`` = "true" / "false" in the form)."""
    warehouse = _warehouse(public_id)
    is_active = request.POST.get("is_active") == "true"
    flash_outcome(
        request,
        lambda: services.warehouse_set_active(
            warehouse=warehouse, is_active=is_active, actor=request.user
        ),
        success=(
            gettext("Warehouse %(code)s is active.")
            if is_active
            else gettext("Warehouse %(code)s is inactive.")
        )
        % {"code": warehouse.code},
    )
    return redirect("inventory_ops:warehouse_stock", public_id=warehouse.public_id)


# --- Stock ------------------------------------------------------------------------------------


def _stock_page(
    request: HttpRequest, warehouse: Warehouse, *, receive_form=None, status: int = 200
) -> HttpResponse:
    """The warehouse's details, its stock rows (the generic list) and the receive form; a
    failed receipt shows the page again with the form's errors (``status`` 400)."""
    return list_page(
        request,
        queryset=selectors.stock_list(warehouse=warehouse),
        filterset_class=StockFilter,
        filter_kwargs={"warehouse": warehouse},
        table_class=StockTable,
        template="inventory/ops/warehouse_stock.html",
        export_name=f"stock-{warehouse.code}",
        status=status,
        context={
            "title": warehouse.name,
            "warehouse": warehouse,
            "receive_form": receive_form or StockReceiveForm(),
            "receive_open": receive_form is not None,
            "recent_movements": selectors.movement_list(warehouse=warehouse)[:5],
            "results_actions_template": EXPORT_BUTTON,
            "noun": "stock row",
            "noun_plural": "stock rows",
            "empty_filtered_text": _("No stock matches these filters."),
            "empty_text": _("No stock in this warehouse yet. Receive some with the form."),
        },
    )


@operator_view(roles=WAREHOUSE_STAFF)
@require_GET
def warehouse_stock(request: HttpRequest, public_id: str) -> HttpResponse:
    """A warehouse's details, its stock rows and the receive form."""
    return _stock_page(request, _warehouse(public_id))


@operator_view(roles=WAREHOUSE_STAFF)
@require_POST
def stock_receive(request: HttpRequest, public_id: str) -> HttpResponse:
    warehouse = _warehouse(public_id)
    form = StockReceiveForm(request.POST)
    if form.is_valid():
        movement = form_call(
            form,
            lambda: services.stock_receive(
                warehouse=warehouse, actor=request.user, **form.service_kwargs()
            ),
        )
        if movement is not None:
            messages.success(
                request,
                gettext("Received %(quantity)s × %(sku)s; on hand now %(on_hand)s.")
                % {
                    "quantity": movement.on_hand_delta,
                    "sku": form.cleaned_data["sku"].sku,
                    "on_hand": movement.on_hand_after,
                },
            )
            return redirect("inventory_ops:warehouse_stock", public_id=warehouse.public_id)
    return _stock_page(request, warehouse, receive_form=form, status=400)


def _adjust_page(
    request: HttpRequest, stock: Stock, form: StockAdjustForm, *, status: int = 200
) -> HttpResponse:
    return list_page(
        request,
        queryset=selectors.movement_list(stock=stock),
        filterset_class=MovementFilter,
        filter_kwargs={"stock": stock},
        table_class=MovementTable,
        table_kwargs={"exclude": ("sku",)},
        template="inventory/ops/stock_adjust.html",
        export_name=f"movements-{stock.warehouse.code}-{stock.variant.sku}",
        status=status,
        context={
            "title": stock.variant.sku,
            "stock": stock,
            "warehouse": stock.warehouse,
            "form": form,
            "results_actions_template": EXPORT_BUTTON,
            "noun": "movement",
            "noun_plural": "movements",
            "empty_filtered_text": _("No movements match these filters."),
            "empty_text": _("No movements yet."),
        },
    )


@operator_view(roles=WAREHOUSE_STAFF)
@require_http_methods(["GET", "POST"])
def stock_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    """One stock row: its quantities, the ± adjustment form and its movements."""
    stock = selectors.stock_get(pk=pk)
    if request.method == "GET":
        return _adjust_page(request, stock, StockAdjustForm())
    form = StockAdjustForm(request.POST)
    if form.is_valid():
        movement = form_call(
            form,
            lambda: services.stock_adjust(stock=stock, actor=request.user, **form.cleaned_data),
        )
        if movement is not None:
            messages.success(
                request,
                gettext("Adjusted %(sku)s by %(delta)s; on hand now %(on_hand)s.")
                % {
                    "sku": stock.variant.sku,
                    "delta": f"{movement.on_hand_delta:+}",
                    "on_hand": movement.on_hand_after,
                },
            )
            return redirect("inventory_ops:stock_adjust", pk=stock.pk)
    return _adjust_page(request, stock, form, status=400)


@operator_view(roles=WAREHOUSE_STAFF)
@require_GET
def movement_list(request: HttpRequest, public_id: str) -> HttpResponse:
    """A warehouse's movement history, filtered by SKU, kind and dates."""
    warehouse = _warehouse(public_id)
    return list_page(
        request,
        queryset=selectors.movement_list(warehouse=warehouse),
        filterset_class=MovementFilter,
        filter_kwargs={"warehouse": warehouse},
        table_class=MovementTable,
        template="inventory/ops/movement_list.html",
        export_name=f"movements-{warehouse.code}",
        context={
            "title": _("Movement history · %(code)s") % {"code": warehouse.code},
            "warehouse": warehouse,
            "results_actions_template": EXPORT_BUTTON,
            "noun": "movement",
            "noun_plural": "movements",
            "empty_filtered_text": _("No movements match these filters."),
            "empty_text": _("No movements yet: receipts, adjustments and orders add them."),
        },
    )
