"""Warehouse back office: queue, pick list, packing slip, pack and ship screens."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import EXPORT_BUTTON, BulkAction, list_page
from dropyard.core.views_helpers import form_call
from dropyard.inventory import selectors as inventory_selectors
from dropyard.logistics.carriers import adapter_for, tracking_url
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel, ParcelPhoto
from dropyard.orders.parcel_photos import parcel_photos, photo_url

from . import selectors, services
from .exceptions import OrderOnHold, WeightImplausible
from .forms_ops import PackForm, ParcelPhotoForm, ShipForm
from .lists import QueueFilter, QueueTable, WarehousePickFilter, WarehousePickTable, queue_tab

WAREHOUSE_STAFF = {OperatorRole.WAREHOUSE}
PS = ParcelStatus


def _queue_url(parcel: Parcel, tab: str = PS.READY) -> str:
    url = reverse("fulfillment_ops:queue", kwargs={"public_id": parcel.warehouse.public_id})
    return f"{url}?tab={tab}"


@operator_view(roles=WAREHOUSE_STAFF)
@require_GET
def warehouse_list(request: HttpRequest) -> HttpResponse:
    """Pick a warehouse; each shows how many parcels wait at each step."""
    return list_page(
        request,
        queryset=selectors.warehouse_queue_rows(),
        filterset_class=WarehousePickFilter,
        table_class=WarehousePickTable,
        template="fulfillment/ops/warehouse_list.html",
        export_name="warehouse-queues",
        context={
            "title": _("Warehouse work"),
            "results_actions_template": EXPORT_BUTTON,
            "noun": gettext_noop("warehouse"),
            "noun_plural": gettext_noop("warehouses"),
            "empty_filtered_text": _("No warehouses match these filters."),
            "empty_text": _("No warehouses yet. Warehouses are created under Inventory."),
        },
    )


@operator_view(roles=WAREHOUSE_STAFF)
@require_GET
def queue(request: HttpRequest, public_id: str) -> HttpResponse:
    """One warehouse's work queue: a tab per step, filters, oldest parcel first."""
    warehouse = inventory_selectors.warehouse_get(public_id=public_id)
    tab = queue_tab(request.GET.get("tab"))
    hide = ["shipped" if tab != selectors.SHIPPED_TODAY else "ready"]
    if tab not in (PS.READY, PS.PICKING):
        hide.append("select")
    actions = []
    if tab == PS.READY:
        actions.append(
            BulkAction(
                name="start_picking",
                label=_("Start picking the ticked parcels"),
                url=reverse("fulfillment_ops:start_picking", args=[warehouse.public_id]),
                style="btn-primary",
                testid="start-picking",
            )
        )
    elif tab == PS.PICKING:
        actions.append(
            BulkAction(
                name="print",
                label=_("Pick list of the ticked parcels"),
                url=reverse("fulfillment_ops:pick_list", args=[warehouse.public_id]),
                style="btn-outline-primary",
                testid="print-ticked",
                method="get",
                new_tab=True,
            )
        )
    return list_page(
        request,
        queryset=selectors.parcel_queue(warehouse=warehouse, status=tab),
        filterset_class=QueueFilter,
        filter_kwargs={
            "warehouse": warehouse,
            "tab": tab,
            "lines": selectors.parcel_queue_lines(warehouse=warehouse),
        },
        table_class=QueueTable,
        table_kwargs={"exclude": hide},
        bulk_actions=actions,
        template="fulfillment/ops/queue.html",
        export_name=f"queue-{warehouse.code}-{tab}",
        context={
            "warehouse": warehouse,
            "tab": tab,
            "tabs": selectors.QUEUE_TABS,
            "counts": selectors.parcel_queue_counts(warehouse=warehouse),
            # The count's noun, translated by the list template (zh: "个包裹").
            "noun": gettext_noop("parcel"),
            "noun_plural": gettext_noop("parcels"),
            "bulk_testid": "queue-form",
            "empty_template": "fulfillment/ops/partials/_queue_empty.html",
        },
    )


@operator_view(roles=WAREHOUSE_STAFF)
@require_POST
def start_picking(request: HttpRequest, public_id: str) -> HttpResponse:
    """Bulk READY → PICKING for the ticked parcels, then their pick list."""
    warehouse = inventory_selectors.warehouse_get(public_id=public_id)
    chosen = request.POST.getlist("parcel")
    parcels = selectors.parcels_get_many(warehouse=warehouse, public_ids=chosen)
    queue_url = reverse("fulfillment_ops:queue", kwargs={"public_id": warehouse.public_id})
    if not parcels:
        messages.error(request, _("Tick at least one parcel to pick."))
        return redirect(queue_url)
    try:
        services.parcel_start_picking(parcels=parcels, actor=request.user)
    except ParcelRefused as exc:
        messages.error(request, exc.message)
        return redirect(queue_url)
    started = ngettext(
        "Picking started for %(count)d parcel.",
        "Picking started for %(count)d parcels.",
        len(parcels),
    )
    messages.success(request, started % {"count": len(parcels)})
    query = "&".join(f"parcel={p.public_id}" for p in parcels)
    pick_url = reverse("fulfillment_ops:pick_list", kwargs={"public_id": warehouse.public_id})
    return redirect(f"{pick_url}?{query}")


@operator_view(roles=WAREHOUSE_STAFF)
@require_GET
def pick_list(request: HttpRequest, public_id: str) -> HttpResponse:
    """Printable pick list: the ticked parcels (``?parcel=``), else every parcel being picked."""
    warehouse = inventory_selectors.warehouse_get(public_id=public_id)
    chosen = request.GET.getlist("parcel")
    if chosen:
        parcels = selectors.parcels_get_many(warehouse=warehouse, public_ids=chosen)
    else:
        parcels = list(selectors.parcel_queue(warehouse=warehouse, status=PS.PICKING))
    rows = services.pick_list(parcels=parcels)
    context = {
        "warehouse": warehouse,
        "parcels": parcels,
        "rows": rows,
        "units": sum(row.quantity for row in rows),
    }
    return render(request, "fulfillment/ops/pick_list.html", context)


def _parcel(public_id: str) -> Parcel:
    return selectors.parcel_get(public_id=public_id)


def _hold_text(exc: OrderOnHold) -> str:
    """The services' hold refusal in the packer's language (the reason is the operator's)."""
    return " ".join(
        _(
            "Order %(code)s is on hold: %(reason)s. "
            "Release it before the parcel is packed or shipped."
        )
        % hold
        for hold in exc.extra["holds"]
    )


def _translate_hold[T](call: Callable[[], T]) -> T:
    """Run ``call``; a hold refusal comes back worded by ``_hold_text`` (same class)."""
    try:
        return call()
    except OrderOnHold as exc:
        raise OrderOnHold(_hold_text(exc), extra=exc.extra) from exc


@operator_view(roles=WAREHOUSE_STAFF)
@require_GET
def parcel_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A parcel: status, lines, recipient, shipping, the remainder it split into, history."""
    parcel = _parcel(public_id)
    context = {
        "parcel": parcel,
        "order": parcel.orders.all()[0] if parcel.orders.all() else None,
        "history": selectors.parcel_history(parcel=parcel),
        "splits": parcel.splits.order_by("pk"),
        "tracking_url": tracking_url(parcel.carrier, parcel.tracking_number),
        "tracking": selectors.parcel_tracking(parcel=parcel),
        "computed_weight_g": services.parcel_computed_weight_g(parcel),
        "photos": _photos(parcel),
    }
    return render(request, "fulfillment/ops/parcel_detail.html", context)


@operator_view(roles=WAREHOUSE_STAFF)
@require_GET
def packing_slip(request: HttpRequest, public_id: str) -> HttpResponse:
    """Printable packing slip: recipient and contents, no prices."""
    parcel = _parcel(public_id)
    orders = list(parcel.orders.all())
    return render(
        request,
        "fulfillment/ops/packing_slip.html",
        {"parcel": parcel, "orders": orders, "order": orders[0] if orders else None},
    )


@operator_view(roles=WAREHOUSE_STAFF)
@require_http_methods(["GET", "POST"])
def parcel_pack(request: HttpRequest, public_id: str) -> HttpResponse:
    """Enter the weight on the scale; an implausible weight asks to re-weigh and confirm."""
    parcel = _parcel(public_id)
    form = PackForm(request.POST or None)
    weight_warning = None
    if request.method == "POST" and form.is_valid():
        try:
            services.parcel_pack(
                parcel=parcel,
                actor=request.user,
                measured_weight_g=form.cleaned_data["measured_weight_g"],
                confirm_weight=form.cleaned_data["confirm_weight"],
            )
        except WeightImplausible as exc:
            # Worded here rather than taken from the service: the packer reads it in their language.
            weight_warning = _(
                "The scale says %(measured)d g but the contents should weigh about %(computed)d g "
                "(more than %(percent)d%% off): check the contents and re-weigh, then confirm "
                "the weight."
            ) % {
                "measured": form.cleaned_data["measured_weight_g"],
                "computed": exc.extra["computed_weight_g"],
                "percent": round(services.WEIGHT_TOLERANCE * 100),
            }
        except OrderOnHold as exc:
            form.add_error(None, _hold_text(exc))
        except ParcelRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Parcel %(code)s packed.") % {"code": parcel.code})
            return redirect(_queue_url(parcel, PS.PACKED))
    context = {
        "parcel": parcel,
        "form": form,
        "weight_warning": weight_warning,
        "computed_weight_g": services.parcel_computed_weight_g(parcel),
        "held": parcel.held_orders,
        "can_pack": parcel.status == PS.PICKING and not parcel.held_orders,
        **_photo_context(parcel),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "fulfillment/ops/parcel_pack.html", context, status=status)


def _photos(parcel: Parcel) -> list[tuple[ParcelPhoto, str]]:
    """The parcel's photos with a signed link each (warehouse staff may see every parcel)."""
    return [(photo, photo_url(photo)) for photo in parcel_photos(parcel_ids=[parcel.pk])]


def _photo_context(parcel: Parcel, form: ParcelPhotoForm | None = None) -> dict:
    photos = _photos(parcel)
    return {
        "photos": photos,
        "photo_form": form or ParcelPhotoForm(),
        "photos_required": parcel.warehouse.parcel_photos_required,
        "can_photograph": parcel.status in services.PHOTO_STATUSES
        and len(photos) < ParcelPhoto.MAX_PHOTOS,
    }


@operator_view(roles=WAREHOUSE_STAFF)
@require_POST
def parcel_photos_add(request: HttpRequest, public_id: str) -> HttpResponse:
    """Store the photos the packer took (one or more files); back to the pack page."""
    parcel = _parcel(public_id)
    form = ParcelPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        added = 0
        for upload in form.cleaned_data["photo"]:
            try:
                services.parcel_photo_add(parcel=parcel, upload=upload, actor=request.user)
            except ParcelRefused as exc:
                form.add_error("photo", f"{upload.name}: {exc.message}")
            else:
                added += 1
        if added:
            saved = ngettext("%(count)d photo saved.", "%(count)d photos saved.", added)
            messages.success(request, saved % {"count": added})
        if not form.errors:
            return redirect("fulfillment_ops:parcel_pack", public_id=parcel.public_id)
    context = {
        "parcel": parcel,
        "form": PackForm(),
        "computed_weight_g": services.parcel_computed_weight_g(parcel),
        "held": parcel.held_orders,
        "can_pack": parcel.status == PS.PICKING and not parcel.held_orders,
        **_photo_context(parcel, form),
    }
    return render(request, "fulfillment/ops/parcel_pack.html", context, status=400)


@operator_view(roles=WAREHOUSE_STAFF)
@require_http_methods(["GET", "POST"])
def parcel_ship(request: HttpRequest, public_id: str) -> HttpResponse:
    """Carrier, tracking number and quantities; a summary to confirm; then ship."""
    parcel = _parcel(public_id)
    carriers = selectors.parcel_carriers(parcel=parcel)
    adapter_codes = frozenset(c.code.upper() for c in carriers if adapter_for(c) is not None)
    form = ShipForm(
        request.POST or None, parcel=parcel, carriers=carriers, adapter_codes=adapter_codes
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["confirmed"]:
            confirming = True  # show the summary with a confirm button (same form, confirmed=1)
        else:
            shipment = form_call(
                form,
                lambda: _translate_hold(
                    lambda: services.parcel_ship(
                        parcel=parcel,
                        actor=request.user,
                        carrier=form.cleaned_data["carrier"],
                        tracking_number=form.cleaned_data["tracking_number"],
                        shipped_quantities=form.shipped_quantities(),
                    )
                ),
            )
            if shipment is not None:
                text = _("Parcel %(code)s shipped with %(tracking)s.") % {
                    "code": parcel.code,
                    "tracking": shipment.parcel.tracking_number,
                }
                if shipment.remainder is not None:
                    text += " " + _("The missing units wait in parcel %(code)s.") % {
                        "code": shipment.remainder.code
                    }
                messages.success(request, text)
                return redirect("fulfillment_ops:parcel_detail", public_id=parcel.public_id)
    context = {
        "parcel": parcel,
        "form": form,
        "confirming": confirming,
        "adapter_codes": sorted(adapter_codes),
        "held": parcel.held_orders,
        "can_ship": parcel.status == PS.PACKED,
    }
    status = 400 if request.method == "POST" and not confirming else 200
    return render(request, "fulfillment/ops/parcel_ship.html", context, status=status)
