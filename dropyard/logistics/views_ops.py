"""Operator back office for logistics: shipping lines, rate cards (CSV import/export), and
trackings (list, events, manual events, Sandbox "deliver now")."""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.core.access import operator_view
from dropyard.core.errors import DomainError
from dropyard.core.htmx import htmx_partial
from dropyard.core.lists import list_page, table_page
from dropyard.core.views_helpers import flash_outcome, form_call

from . import selectors, services
from .carriers import is_sandbox
from .forms_ops import (
    ManualTrackingEventForm,
    RateCardFilterForm,
    RateCardImportForm,
    ShippingLineForm,
)
from .lists import (
    LineFilter,
    LineTable,
    RateCardFilter,
    RateCardTable,
    TrackingEventTable,
    TrackingFilter,
    TrackingTable,
)

LINE_FIELDS = (
    "name",
    "carrier",
    "is_tracked",
    "allowed_properties",
    "max_weight_g",
    "volumetric_divisor",
)


# --- Shipping lines ---------------------------------------------------------------------------


@operator_view()
@require_GET
def line_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        queryset=selectors.shipping_line_list(),
        filterset_class=LineFilter,
        filter_kwargs={"select": selectors.shipping_line_list},
        table_class=LineTable,
        template="logistics/ops/line_list.html",
        export_name="shipping-lines",
        context={
            "title": gettext("Shipping lines"),
            "noun": gettext_noop("shipping line"),
            "noun_plural": gettext_noop("shipping lines"),
            "empty_filtered_text": gettext("No shipping lines match these filters."),
            "empty_text": gettext("No shipping lines yet."),
        },
    )


@operator_view()
@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest) -> HttpResponse:
    form = ShippingLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        line = form_call(
            form, lambda: services.shipping_line_create(actor=request.user, **form.cleaned_data)
        )
        if line is not None:
            messages.success(
                request, gettext("Shipping line %(name)s created.") % {"name": line.name}
            )
            return redirect("logistics_ops:ratecard_list", pk=line.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "line": None}
    return render(request, "logistics/ops/line_form.html", context, status=status)


@operator_view()
@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.shipping_line_get(pk=pk)
    if request.method == "GET":
        initial = {name: getattr(line, name) for name in LINE_FIELDS}
        form = ShippingLineForm(editing=True, initial=initial)
    else:
        form = ShippingLineForm(request.POST, editing=True)
        if form.is_valid():
            updated = form_call(
                form,
                lambda: services.shipping_line_update(
                    line=line, actor=request.user, **form.cleaned_data
                ),
            )
            if updated is not None:
                messages.success(
                    request,
                    gettext("Shipping line %(name)s saved.") % {"name": form.cleaned_data["name"]},
                )
                return redirect("logistics_ops:ratecard_list", pk=line.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "line": line}
    return render(request, "logistics/ops/line_form.html", context, status=status)


@operator_view()
@require_POST
def line_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Activate or deactivate (``is_active`` = "true" / "false" in the form)."""
    line = selectors.shipping_line_get(pk=pk)
    is_active = request.POST.get("is_active") == "true"
    flash_outcome(
        request,
        lambda: services.shipping_line_set_active(
            line=line, actor=request.user, is_active=is_active
        ),
        success=(gettext("%(name)s is active.") if is_active else gettext("%(name)s is inactive."))
        % {"name": line.name},
    )
    return redirect("logistics_ops:ratecard_list", pk=line.pk)


# --- Rate cards -------------------------------------------------------------------------------


@operator_view()
@require_GET
def ratecard_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A line's details and its rate cards, filtered by origin and destination country."""
    line = selectors.shipping_line_get(pk=pk)
    return list_page(
        request,
        queryset=selectors.rate_card_list(line=line),
        filterset_class=RateCardFilter,
        filter_kwargs={"select": partial(selectors.rate_card_list, line=line)},
        table_class=RateCardTable,
        template="logistics/ops/ratecard_list.html",
        export_name=f"rate-cards-{line.code}",
        context={
            "title": line.name,
            "line": line,
            "results_actions_template": "logistics/ops/partials/_ratecard_export.html",
            "noun": "rate card",
            "noun_plural": "rate cards",
            "empty_filtered_text": _("No rate cards on this route."),
            "empty_text": _("No rate cards for this line yet. Import a CSV."),
        },
    )


@operator_view()
@require_GET
def ratecard_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The line's rate cards (with the page's filters) as a CSV download in the import format."""
    line = selectors.shipping_line_get(pk=pk)
    filters = RateCardFilterForm(request.GET).filters()
    text = services.rate_cards_export_csv(queryset=selectors.rate_card_list(line=line, **filters))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rate-cards-{line.code}.csv"'
    return response


@operator_view()
@require_http_methods(["GET", "POST"])
def ratecard_import(request: HttpRequest) -> HttpResponse:
    """Upload a rate-card CSV: all rows are imported, or none and every row error is listed."""
    form = RateCardImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.rate_cards_import_csv(
                    file=form.cleaned_data["file"], actor=request.user
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                if result.ok:
                    messages.success(
                        request,
                        gettext("Rate cards imported: %(summary)s.") % {"summary": result.summary},
                    )
                    return redirect("logistics_ops:ratecard_import")
    context = {"form": form, "result": result}
    return render(request, "logistics/ops/ratecard_import.html", context, status=status)


# --- Trackings --------------------------------------------------------------------------------

TRACKING_ROLES = ("warehouse", "support")


@operator_view(TRACKING_ROLES)
@require_GET
def tracking_list(request: HttpRequest) -> HttpResponse:
    """Every tracking, newest first: search by number, reference or account; filter by status."""
    return list_page(
        request,
        queryset=selectors.tracking_list(),
        filterset_class=TrackingFilter,
        filter_kwargs={"select": selectors.tracking_list},
        table_class=TrackingTable,
        template="logistics/ops/tracking_list.html",
        export_name="trackings",
        context={
            "title": gettext("Trackings"),
            "noun": gettext_noop("tracking"),
            "noun_plural": gettext_noop("trackings"),
            "empty_filtered_text": gettext("No trackings match these filters."),
            "empty_text": gettext("No trackings yet: they appear when a warehouse ships a parcel."),
        },
    )


def _tracking_page(
    request: HttpRequest, pk: int, *, form: ManualTrackingEventForm | None = None, status=200
) -> HttpResponse:
    tracking = selectors.tracking_get(pk=pk)
    events = TrackingEventTable(selectors.tracking_events(tracking=tracking))
    context = {
        "tracking": tracking,
        "is_sandbox": is_sandbox(tracking.carrier),
        "event_table": events,
        "events": table_page(request, events),
        "form": form or ManualTrackingEventForm(initial={"country": tracking.dest_country}),
    }
    if htmx_partial(request) and request.htmx.target == "events":  # a sort or page link
        response = render(request, "logistics/ops/partials/_tracking_events.html", context)
    else:
        response = render(request, "logistics/ops/tracking_detail.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@operator_view(TRACKING_ROLES)
@require_GET
def tracking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A tracking, its events (newest first) and the form to record one by hand."""
    return _tracking_page(request, pk)


@operator_view(TRACKING_ROLES)
@require_POST
def tracking_event_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a checkpoint by hand (audited); the page asks for confirmation first."""
    tracking = selectors.tracking_get(pk=pk)
    form = ManualTrackingEventForm(request.POST)
    if form.is_valid():
        event = form_call(
            form,
            lambda: services.tracking_manual_event(
                tracking=tracking, actor=request.user, request=request, **form.service_kwargs()
            ),
        )
        if event is not None:
            messages.success(
                request,
                gettext("Event recorded: %(status)s.") % {"status": event.get_status_display()},
            )
            return redirect("logistics_ops:tracking_detail", pk=tracking.pk)
    return _tracking_page(request, pk, form=form, status=400)


@operator_view(TRACKING_ROLES)
@require_POST
def tracking_sandbox_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Sandbox carrier only: play the rest of the scripted journey now (demo helper)."""
    tracking = selectors.tracking_get(pk=pk)
    flash_outcome(
        request,
        lambda: services.sandbox_tracking_complete(tracking=tracking),
        success=gettext("Sandbox journey of %(tracking)s played to its end.")
        % {"tracking": tracking.tracking_number},
    )
    return redirect("logistics_ops:tracking_detail", pk=tracking.pk)
