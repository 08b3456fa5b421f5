"""The supplier-shipped queue (portal): the parcels routed to the supplier's warehouses, to
pack, to ship and shipped; pack and ship with tracking through ``suppliers.shipping`` (the
fulfillment services). Another supplier's parcel answers 404."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dropyard.core.access import supplier_view
from dropyard.core.errors import DomainError
from dropyard.fulfillment import selectors as fulfillment_selectors
from dropyard.fulfillment.exceptions import WeightImplausible

from . import shipping
from .forms_ship import PackForm, ShipForm

TAB_LABELS = {
    "to_pack": gettext_lazy("To pack"),
    "to_ship": gettext_lazy("To ship"),
    "shipped": gettext_lazy("Shipped"),
}
SHIPPED_SHOWN = 50  # the shipped tab shows the latest ones; older ones are in the earnings


def _queue_url(tab: str) -> str:
    return f"{reverse('suppliers_portal:parcels')}?tab={tab}"


@supplier_view
@require_GET
def parcel_queue(request: HttpRequest) -> HttpResponse:
    """The queue of one tab (``?tab=``, default "to pack"), each parcel a card with its order,
    lines, ship-to address and the tab's action."""
    supplier = request.supplier  # type: ignore[attr-defined]
    tab = request.GET.get("tab", "")
    if tab not in shipping.QUEUE_TABS:
        tab = "to_pack"
    parcels = list(shipping.supplier_parcels(supplier=supplier, tab=tab)[:SHIPPED_SHOWN])
    counts = shipping.supplier_parcel_counts(supplier=supplier)
    cards = []
    for parcel in parcels:
        orders = list(parcel.orders.all())
        cards.append(
            {
                "parcel": parcel,
                "order": orders[0] if orders else None,
                "order_codes": [o.code for o in orders],
                "pack_form": PackForm(
                    prefix=parcel.public_id,
                    initial={"measured_weight_g": parcel.actual_weight_g or None},
                ),
                "ship_form": ShipForm(
                    prefix=parcel.public_id,
                    carriers=fulfillment_selectors.parcel_carriers(parcel=parcel),
                    default=parcel.line.carrier if parcel.line_id else None,
                ),
            }
        )
    context = {
        "supplier": supplier,
        "tab": tab,
        "tabs": [(key, str(label), counts[key]) for key, label in TAB_LABELS.items()],
        "cards": cards,
    }
    return render(request, "suppliers/portal_parcels.html", context)


@supplier_view
def parcel_pack(request: HttpRequest, public_id: str) -> HttpResponse:
    """Pack one parcel at the typed weight (picking it first when it is still ready). The
    parcel is looked up before the method check: another supplier's is 404 for any method."""
    supplier = request.supplier  # type: ignore[attr-defined]
    parcel = shipping.supplier_parcel_get(supplier=supplier, public_id=public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PackForm(request.POST, prefix=parcel.public_id)
    if not form.is_valid():
        messages.error(
            request, _("Parcel %(code)s: type its weight in grams.") % {"code": parcel.code}
        )
        return redirect(_queue_url("to_pack"))
    try:
        shipping.supplier_parcel_pack(
            supplier=supplier,
            parcel=parcel,
            actor=request.user,
            measured_weight_g=form.cleaned_data["measured_weight_g"],
            confirm_weight=form.cleaned_data["confirm_weight"],
        )
    except WeightImplausible as exc:
        messages.warning(
            request,
            _("Parcel %(code)s: %(error)s (tick “I re-weighed it” to keep this weight).")
            % {"code": parcel.code, "error": exc.message},
        )
        return redirect(_queue_url("to_pack"))
    except DomainError as exc:
        messages.error(request, f"{parcel.code}: {exc.message}")
        return redirect(_queue_url("to_pack"))
    messages.success(request, _("Parcel %(code)s packed.") % {"code": parcel.code})
    return redirect(_queue_url("to_pack"))


@supplier_view
def parcel_ship(request: HttpRequest, public_id: str) -> HttpResponse:
    """Ship one packed parcel with a carrier and tracking number; its earning is credited in
    the same transaction (``shipping.supplier_parcel_ship``). Looked up before the method
    check, like ``parcel_pack``."""
    supplier = request.supplier  # type: ignore[attr-defined]
    parcel = shipping.supplier_parcel_get(supplier=supplier, public_id=public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ShipForm(
        request.POST,
        prefix=parcel.public_id,
        carriers=fulfillment_selectors.parcel_carriers(parcel=parcel),
    )
    if not form.is_valid():
        messages.error(
            request,
            _("Parcel %(code)s: choose the carrier and type the tracking number.")
            % {"code": parcel.code},
        )
        return redirect(_queue_url("to_ship"))
    try:
        result = shipping.supplier_parcel_ship(
            supplier=supplier,
            parcel=parcel,
            actor=request.user,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except DomainError as exc:
        messages.error(request, f"{parcel.code}: {exc.message}")
        return redirect(_queue_url("to_ship"))
    messages.success(
        request,
        _("Parcel %(code)s shipped with %(tracking)s.")
        % {"code": parcel.code, "tracking": result.shipment.parcel.tracking_number},
    )
    return redirect(_queue_url("to_ship"))
