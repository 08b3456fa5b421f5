"""Merchant order pages (the "orders" area): list with tabs, filters and bulk confirm, detail,
manual order, CSV import / export and merge. The pages that cancel (they refund what was paid)
and the payment page (wallet prices, card / PayPal) are the checkout's (``checkout.views_orders``),
in the same "orders" URL namespace.

Every lookup goes through selectors scoped to ``request.merchant`` (another merchant's order,
payment or import answers 404); every write is one service call; refusals become messages.
Object routes look the object up before checking the method, so a foreign id is a 404 for
any method.
"""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext
from django.views.decorators.http import require_POST

from dropyard.catalog import selectors as catalog_selectors
from dropyard.core import selectors as core_selectors
from dropyard.core import services as core_services
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import BulkAction, list_page, tab_links
from dropyard.core.views_helpers import flash_outcome, list_response
from dropyard.logistics import selectors as logistics_selectors

from . import csv_io, selectors, services
from .choices import OrderSource, OrderStatus
from .forms import (
    AddressForm,
    ImportForm,
    LineFormSet,
    ManualOrderForm,
    OrderFilterForm,
    PickForm,
    lines_data_with,
    lines_from_formset,
)
from .lists import OrderFilter, OrderTable
from .models import Order
from .parcel_photos import parcel_photos, photo_url
from .status_labels import StatusGroup
from .view_helpers import MAX_BULK, back_url, detail_redirect, selected_orders

AREA = "orders"
S = OrderStatus
TAB_LABELS = [("", gettext_lazy("All")), *StatusGroup.choices]
PRE_PAYMENT = (S.CREATED, S.IN_CART, S.UNPAID)


# --- List, export, bulk actions ------------------------------------------------------------------


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "")
    return tab if tab in selectors.TABS else ""


def _select(request: HttpRequest) -> Callable[..., QuerySet[Order]]:
    """``selectors.order_list`` for the member's stores and the tab; the filters complete it."""
    return partial(
        selectors.order_list,
        merchant=request.merchant,
        tab=_tab(request),
        store_ids=request.membership.store_scope,
    )


def _bulk_actions(request: HttpRequest) -> list[BulkAction]:
    actions = [
        BulkAction(
            name="confirm",
            label=gettext("Confirm selected"),
            url=reverse("orders:bulk_confirm"),
            style="btn-outline-primary",
        ),
        BulkAction(
            name="confirm_pay",
            label=gettext("Confirm and pay selected"),
            url=reverse("orders:bulk_confirm"),
            style="btn-outline-success",
        ),
    ]
    # "Pay from wallet" (wallet:pay) needs the wallet permission too.
    if request.membership.has_area("wallet"):
        actions.append(
            BulkAction(
                name="pay",
                label=gettext("Pay selected from wallet…"),
                url=reverse("wallet:pay"),
                style="btn-success",
                testid="bulk-pay-wallet",
            )
        )
    actions.append(
        BulkAction(
            name="cancel",
            label=gettext("Cancel selected…"),
            url=reverse("orders:bulk_cancel"),
            style="btn-outline-danger",
        )
    )
    return actions


@merchant_view(area=AREA)
def order_list(request: HttpRequest) -> HttpResponse:
    tab = _tab(request)
    select = _select(request)
    counts = selectors.order_tab_counts(
        merchant=request.merchant, store_ids=request.membership.store_scope
    )
    counts[""] = sum(counts.values())
    tabs = tab_links(request, TAB_LABELS, counts)
    return list_page(
        request,
        queryset=select(),
        filterset_class=OrderFilter,
        filter_kwargs={"select": select},
        table_class=OrderTable,
        bulk_actions=_bulk_actions(request),
        template="orders/order_list.html",
        export_name="orders",
        id_field="public_id",
        context={
            "title": gettext("Orders"),
            "tab": tab,
            "tabs": tabs,
            "noun": gettext_noop("order"),
            "noun_plural": gettext_noop("orders"),
            "empty_template": "orders/partials/_empty.html",
        },
    )


@merchant_view(area=AREA)
def order_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV in the import / export layout, streamed row by row (no size
    limit, constant memory). The list's own ``?export=csv`` gives its columns instead."""
    orders = _select(request)(**OrderFilterForm(request.GET or None).filters())
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        csv_io.export_stream(orders), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
    return response


def _reasons(intercepted) -> str:
    parts = []
    for item in intercepted:
        label = item.order.code if item.order is not None else item.order_id
        parts.append(f"{label}: " + "; ".join(str(r.get("message", "")) for r in item.reasons))
    return " · ".join(parts)


def _not_confirmed(intercepted) -> str:
    return gettext("Not confirmed: %(reasons)s") % {"reasons": _reasons(intercepted)}


@merchant_view(area=AREA)
@require_POST
def bulk_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm the selected orders together (the cart path: one payment order for them)."""
    orders, missing = selected_orders(request)
    if not orders:
        messages.error(request, gettext("Select at least one order to confirm."))
        return redirect(back_url(request))
    result = services.cart_confirm(merchant=request.merchant, orders=orders, actor=request.user)
    if result.success_count:
        messages.success(
            request,
            ngettext(
                "%(count)d order confirmed and stock reserved.",
                "%(count)d orders confirmed and stock reserved.",
                result.success_count,
            )
            % {"count": result.success_count},
        )
    if result.intercepted:
        messages.error(request, _not_confirmed(result.intercepted))
    if missing:
        messages.error(
            request,
            ngettext(
                "%(count)d selected order was not found.",
                "%(count)d selected orders were not found.",
                len(missing),
            )
            % {"count": len(missing)},
        )
    if result.shipments_id and (
        request.POST.get("pay") or request.POST.get("action") == "confirm_pay"
    ):
        # "Confirm and pay": the confirmed orders' payment, one page for all of them.
        try:
            parent = services.parent_order_generate(
                merchant=request.merchant, shipments_id=result.shipments_id, actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(services.parent_order_pay_url(parent))
    return redirect(back_url(request))


# --- Detail and per-order actions ----------------------------------------------------------------


def _tracking(request: HttpRequest, parcels) -> dict[str, dict]:
    numbers = [p.tracking_number for p in parcels if p.tracking_number]
    out = {}
    for tracking in logistics_selectors.tracking_list_for_merchant(
        merchant=request.merchant, numbers=numbers
    ):
        events = list(logistics_selectors.tracking_events(tracking=tracking)[:20])
        out[tracking.tracking_number] = {"tracking": tracking, "events": events}
    return out


@merchant_view(area=AREA)
def order_detail(request: HttpRequest, key: str) -> HttpResponse:
    order = selectors.order_get(
        merchant=request.merchant, key=key, store_ids=request.membership.store_scope
    )
    parcels = selectors.order_parcels(order=order, include_cancelled=True)
    tracking = _tracking(request, parcels)
    photos = parcel_photos(parcel_ids=[parcel.pk for parcel in parcels])  # the order's own
    for parcel in parcels:
        parcel.tracking = tracking.get(parcel.tracking_number)
        parcel.photo_links = [photo_url(p) for p in photos if p.parcel_id == parcel.pk]
    breakdown = order.cost_breakdown or {}
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "parcels": parcels,
        "events": list(selectors.order_events(order=order)),
        "breakdown": breakdown,
        "freight_parcels": (breakdown.get("freight") or {}).get("parcels") or [],
        "can_confirm": order.status in (S.CREATED, S.IN_CART),
        "can_cancel": order.status in (S.CREATED, S.IN_CART, S.UNPAID, S.UNSHIPPED),
        "can_delete": order.status in (S.CREATED, S.IN_CART) and order.merge_id is None,
        "can_edit_address": order.status in PRE_PAYMENT,
        "can_pay": order.status == S.UNPAID and order.parent_id is not None,
        "can_pay_wallet": order.status == S.UNPAID and request.membership.has_area("wallet"),
        "can_unmerge": order.merge_id is not None and order.status in PRE_PAYMENT,
        "remainders": selectors.order_cancellable_remainders(order=order, parcels=parcels),
    }
    return render(request, "orders/order_detail.html", context)


def _order_for_post(request: HttpRequest, key: str) -> Order | HttpResponse:
    """The merchant's order (404 otherwise, whatever the method), or 405 unless POST."""
    order = selectors.order_get(
        merchant=request.merchant, key=key, store_ids=request.membership.store_scope
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return order


@merchant_view(area=AREA)
def order_confirm(request: HttpRequest, key: str) -> HttpResponse:
    order = _order_for_post(request, key)
    if isinstance(order, HttpResponse):
        return order
    result = services.cart_confirm(merchant=request.merchant, orders=[order], actor=request.user)
    if result.success_count:
        messages.success(
            request, gettext("Order confirmed and stock reserved. You can now pay it.")
        )
    else:
        messages.error(request, _not_confirmed(result.intercepted))
    return detail_redirect(order)


@merchant_view(area=AREA)
def order_delete(request: HttpRequest, key: str) -> HttpResponse:
    order = selectors.order_get(
        merchant=request.merchant, key=key, store_ids=request.membership.store_scope
    )
    if request.method == "POST":
        if flash_outcome(
            request,
            lambda: services.order_delete(order=order, actor=request.user),
            success=gettext("Order %(code)s (%(number)s) deleted.")
            % {"code": order.code, "number": order.order_number},
        ):
            return redirect("orders:list")
        return detail_redirect(order)
    return render(request, "orders/order_delete.html", {"order": order})


@merchant_view(area=AREA)
def order_address(request: HttpRequest, key: str) -> HttpResponse:
    order = selectors.order_get(
        merchant=request.merchant, key=key, store_ids=request.membership.store_scope
    )
    if order.status not in PRE_PAYMENT:
        messages.error(request, gettext("The address can only be changed before payment."))
        return detail_redirect(order)
    initial = {name: getattr(order, name) for name in AddressForm.base_fields}
    form = AddressForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.order_update_address(order=order, actor=request.user, **form.address())
        except DomainError as exc:
            for name, message in ((exc.extra or {}).get("errors") or {}).items():
                if name in form.fields:
                    form.add_error(name, message)
            if not form.errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("Address saved; the order was routed again."))
            return detail_redirect(order)
    return render(request, "orders/order_address.html", {"order": order, "form": form})


@merchant_view(area=AREA)
def order_pay(request: HttpRequest, key: str) -> HttpResponse:
    """Generate (or refresh) the payment of the order's confirmation and open its page."""
    order = _order_for_post(request, key)
    if isinstance(order, HttpResponse):
        return order
    if order.parent is None:
        messages.error(request, gettext("Confirm the order first."))
        return detail_redirect(order)
    try:
        parent = services.parent_order_generate(
            merchant=request.merchant, shipments_id=order.parent.shipments_id, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return detail_redirect(order)
    return redirect(services.parent_order_pay_url(parent))


@merchant_view(area=AREA)
def order_unmerge(request: HttpRequest, key: str) -> HttpResponse:
    order = _order_for_post(request, key)
    if isinstance(order, HttpResponse):
        return order
    if order.merge is None:
        messages.error(request, gettext("This order is not merged."))
        return detail_redirect(order)
    flash_outcome(
        request,
        lambda: services.merge_undo(merge=order.merge, actor=request.user),
        success=gettext("Merge undone: each order ships on its own again."),
    )
    return detail_redirect(order)


# --- Manual order --------------------------------------------------------------------------------


@merchant_view(area=AREA)
def order_new(request: HttpRequest) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    form = ManualOrderForm(posted)
    formset = LineFormSet(posted, prefix="lines")
    if posted is not None and ("add_line" in posted or "add_variant" in posted):
        # One more line row (empty, or the variant picked in the picker), no JavaScript needed;
        # the order fields are kept unvalidated.
        return _order_new_with_line(request, posted)
    if posted is not None:
        valid = form.is_valid() & formset.is_valid()
        lines = lines_from_formset(formset) if formset.is_valid() else []
        if valid and not lines:
            formset._non_form_errors = formset.error_class([gettext("Add at least one line.")])
            valid = False
        if valid:
            try:
                order = services.order_create(
                    merchant=request.merchant,
                    actor=request.user,
                    lines=lines,
                    source=OrderSource.MANUAL,
                    platform="manual",
                    **form.order_kwargs(),
                )
            except DomainError as exc:
                errors = (exc.extra or {}).get("errors") or {}
                for name, message in errors.items():
                    if name in form.fields:
                        form.add_error(name, message)
                if not any(n in form.fields for n in errors):
                    form.add_error(None, exc.message)
            else:
                messages.success(request, gettext("Order %(code)s created.") % {"code": order.code})
                return detail_redirect(order)
    return _order_new_page(request, form, formset)


def _order_new_with_line(request: HttpRequest, posted) -> HttpResponse:
    sku = ""
    if "add_variant" in posted:
        pick = PickForm(posted)
        picked = catalog_selectors.variants_by_keys(
            [pick.data.get("add_variant", "")], merchant=request.merchant
        )
        if pick.is_valid() and pick.cleaned_data["add_variant"] in picked:
            sku = picked[pick.cleaned_data["add_variant"]].sku
        else:
            messages.error(request, gettext("That product is not in the catalog any more."))
            return _order_new_page(
                request, ManualOrderForm(initial=posted.dict()), LineFormSet(posted, prefix="lines")
            )
    data = lines_data_with(posted, sku=sku)
    return _order_new_page(
        request, ManualOrderForm(initial=data.dict()), LineFormSet(data, prefix="lines")
    )


def _order_new_page(request: HttpRequest, form, formset) -> HttpResponse:
    """The new-order page; each line row shows the picture and name of the variant it names."""
    typed = [line["variant"].value() or "" for line in formset]
    found = catalog_selectors.variants_by_keys(typed, merchant=request.merchant)
    for line, key in zip(formset, typed, strict=True):
        line.picked = found.get(str(key).strip())
    return render(request, "orders/order_new.html", {"form": form, "formset": formset})


# --- CSV import ----------------------------------------------------------------------------------


@merchant_view(area=AREA)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = core_services.job_create(
                kind=csv_io.IMPORT_KIND,
                title=f"Order import — {upload.name}"[:200],
                merchant=request.merchant,
                actor=request.user,
                params={"filename": upload.name[:200], "size": upload.size},
                task_path=csv_io.IMPORT_TASK,
                request=request,
            )
            csv_io.store_upload(job=job, chunks=upload.chunks())
        return redirect("orders:import_status", pk=job.pk)
    recent = core_selectors.job_list_for_member(membership=request.membership).filter(
        kind=csv_io.IMPORT_KIND
    )[:5]
    context = {
        "form": form,
        "columns": csv_io.COLUMNS,
        "required": csv_io.REQUIRED_COLUMNS,
        "recent": recent,
    }
    return render(request, "orders/import.html", context)


@merchant_view(area=AREA)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(csv_io.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orders-template.csv"'
    return response


def _import_job(request: HttpRequest, pk: int):
    job = core_selectors.job_get_for_member(membership=request.membership, pk=pk)
    if job.kind != csv_io.IMPORT_KIND:
        raise Http404("import not found")
    return job


@merchant_view(area=AREA)
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import_job(request, pk)
    summary = csv_io.import_summary(job) if job.is_finished else None
    context = {"job": job, "summary": summary}
    return list_response(
        request, "orders/import_status.html", "orders/partials/_import_status.html", context
    )


@merchant_view(area=AREA)
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import_job(request, pk)
    summary = csv_io.import_summary(job)
    errors = summary.errors if summary is not None else []
    response = HttpResponse(csv_io.error_report_csv(errors), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="order-import-{job.pk}-errors.csv"'
    # Customers' names and addresses: no shared or browser cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


# --- Merge ---------------------------------------------------------------------------------------


@merchant_view(area=AREA)
def merge_list(request: HttpRequest) -> HttpResponse:
    groups = services.merge_candidates(merchant=request.merchant)
    scope = request.membership.store_scope
    if scope is not None:
        # A staff member limited to some stores sees only groups made of those stores' orders.
        visible = {
            o.pk
            for o in selectors.order_list(merchant=request.merchant, store_ids=scope).filter(
                pk__in=[o.pk for g in groups for o in g.orders]
            )
        }
        groups = [g for g in groups if all(o.pk in visible for o in g.orders)]
    return render(request, "orders/merge_list.html", {"groups": groups})


@merchant_view(area=AREA)
def merge_preview(request: HttpRequest) -> HttpResponse:
    """GET ?ids=…: the preview (nothing changes); POST the same ids with ``confirmed``: merge."""
    data = request.POST if request.method == "POST" else request.GET
    ids = [i for i in data.getlist("ids") if i][:MAX_BULK]
    orders, missing = selectors.orders_get_many(
        merchant=request.merchant, keys=ids, store_ids=request.membership.store_scope
    )
    if missing or len(orders) < 2:
        messages.error(request, gettext("Choose at least two of your unpaid orders to merge."))
        return redirect("orders:merge_list")
    if request.method == "POST":
        try:
            merge = services.orders_merge(
                merchant=request.merchant, orders=orders, actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("orders:merge_list")
        saved = merge.postage_before_minor - merge.postage_after_minor
        messages.success(
            request,
            gettext(
                "%(count)s orders merged into one shipment; freight saved %(amount)s %(currency)s."
            )
            % {
                "count": len(orders),
                "amount": csv_io._amount(saved, merge.currency),
                "currency": merge.currency,
            },
        )
        return redirect("orders:detail", key=orders[0].public_id)
    try:
        preview = services.merge_preview(merchant=request.merchant, orders=orders)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orders:merge_list")
    return render(request, "orders/merge_preview.html", {"preview": preview, "ids": ids})
