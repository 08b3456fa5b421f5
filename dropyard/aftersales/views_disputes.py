"""The merchant's AS service center (the "orders" area): the dispute list with its tabs, one
dispute's page (money, lines, history, thread; reply, cancel) and opening a dispute from an
order in two steps (choose → review the caps, add photos → open).

Lookups go through selectors scoped to ``request.merchant`` and the member's stores (another
merchant's dispute or order answers 404); every write is one service call; refusals become
form errors or messages, never a 500.
"""

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import SearchFilter, list_page, tab_links
from dropyard.orders import selectors as order_selectors
from dropyard.orders.models import Order

from . import claims, selectors, selectors_center, services
from .choices import GOODS_REASONS, DisputeReason, DisputeSource, ExpectType, MessageSide
from .exceptions import EvidenceRefused
from .forms_disputes import DisputeOpenForm, DisputeReplyForm, initial_from_query
from .lists_disputes import DisputeTable
from .models import Dispute

AREA = "orders"
DEFAULT_TAB = "awaiting"
TAB_LABELS = [
    ("awaiting", gettext_lazy("Awaiting response")),
    ("reviewing", gettext_lazy("Dispute reviewing")),
    ("processed", pgettext_lazy("dispute", "Processed")),
    ("cancelled", pgettext_lazy("dispute", "Cancelled")),
    ("all", gettext_lazy("All")),
]
TAB_KEYS = {key for key, _label in TAB_LABELS}


# --- The AS service center -----------------------------------------------------------------------


def _tab(request: HttpRequest, counts: dict[str, int]) -> str:
    """The tab asked for; without one, the first status tab that has disputes (a merchant whose
    disputes are all processed does not land on an empty "Awaiting response")."""
    tab = request.GET.get("tab")
    if tab in TAB_KEYS:
        return tab
    return next((key for key, _label in TAB_LABELS[:4] if counts.get(key)), DEFAULT_TAB)


@merchant_view(area=AREA)
def center(request: HttpRequest) -> HttpResponse:
    """The merchant's disputes by tab (counts on each), searchable by order number, order
    code or dispute id."""
    counts: dict[str, int] = selectors.tab_counts(merchant=request.merchant)
    counts["all"] = sum(counts.values())
    tab = _tab(request, counts)
    select = partial(
        selectors_center.dispute_list,
        merchant=request.merchant,
        tab=tab,
        store_ids=request.membership.store_scope,
    )
    tabs = tab_links(request, TAB_LABELS, counts)
    return list_page(
        request,
        queryset=select(),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": select,
            "placeholder": _("Order number, order code or dispute id"),
        },
        table_class=DisputeTable,
        template="aftersales/center.html",
        export_name="disputes",
        id_field="public_id",
        context={
            "title": _("AS service center"),
            "tab": tab,
            "tabs": tabs,
            "keep_params": [("tab", tab)],
            "counts_total": counts["all"],
            "noun": gettext_noop("dispute"),
            "noun_plural": gettext_noop("disputes"),
            "empty_template": "aftersales/partials/_center_empty.html",
        },
    )


# --- One dispute ---------------------------------------------------------------------------------


def _dispute(request: HttpRequest, public_id: str) -> Dispute:
    return selectors_center.dispute_get(
        merchant=request.merchant,
        public_id=public_id,
        store_ids=request.membership.store_scope,
    )


def _return_url(dispute: Dispute) -> str:
    """The dispute's return (RMA) page, once the returns pages exist and it has one."""
    rma = getattr(dispute, "returnauthorization", None)
    key = getattr(rma, "public_id", None)
    if not key:
        return ""
    try:
        return reverse("aftersales:return_detail", kwargs={"public_id": key})
    except NoReverseMatch:
        return ""


@merchant_view(area=AREA)
def dispute_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the dispute; POST: a reply with files (``dispute_message_post``, merchant side)."""
    dispute = _dispute(request, public_id)
    form = None
    if dispute.is_open:
        form = DisputeReplyForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This dispute is closed: messages can no longer be added."))
            return redirect("aftersales:dispute", public_id=dispute.public_id)
        if form.is_valid():
            try:
                services.dispute_message_post(
                    dispute=dispute,
                    actor=request.user,
                    side=MessageSide.MERCHANT,
                    body=form.cleaned_data["body"],
                    uploads=request.FILES.getlist("evidence"),
                )
            except EvidenceRefused as exc:
                form.add_error("evidence", exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect("aftersales:dispute", public_id=dispute.public_id)
    parts = selectors_center.dispute_page(dispute=dispute)
    context = {
        "dispute": dispute,
        "order": dispute.order,
        "parts": parts,
        "form": form,
        "return_url": _return_url(dispute),
        "refund": dispute.refund,
    }
    return render(
        request,
        "aftersales/dispute_detail.html",
        context,
        status=400 if form and form.errors else 200,
    )


@merchant_view(area=AREA)
def dispute_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: ask for confirmation; POST: withdraw the dispute (``dispute_cancel``)."""
    dispute = _dispute(request, public_id)
    if request.method == "POST":
        try:
            services.dispute_cancel(merchant=request.merchant, dispute=dispute, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Dispute %(id)s was cancelled; its items can be claimed again.")
                % {"id": dispute.public_id},
            )
        return redirect("aftersales:dispute", public_id=dispute.public_id)
    if not dispute.is_open:
        messages.error(request, _("This dispute is closed: it can no longer be cancelled."))
        return redirect("aftersales:dispute", public_id=dispute.public_id)
    return render(request, "aftersales/dispute_cancel.html", {"dispute": dispute})


# --- Opening a dispute ---------------------------------------------------------------------------


def _open_form(
    request: HttpRequest, order: Order, rooms: list, data: Any = None
) -> DisputeOpenForm:
    paid = claims.refundable_left(claims.order_payment(order)) > 0
    return DisputeOpenForm(
        data,
        initial=initial_from_query(request.GET, rooms) if data is None else None,
        rooms=rooms,
        expect_options=claims.expect_options(order, paid=paid),
        goods_reasons=GOODS_REASONS,
    )


def _review(order: Order, form: DisputeOpenForm) -> dict[str, Any] | None:
    """The chosen lines and their caps for the review step (None: a refusal, on the form)."""
    try:
        chosen = services.chosen_lines(order, form.claim_lines())
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    return {
        "chosen": chosen,
        "caps": claims.caps_for(order, chosen),
        "refund_applies": form.refund_applies(),
        "reason_label": DisputeReason(form.cleaned_data["reason"]).label,
        "expect_label": ExpectType(form.cleaned_data["expect"]).label,
    }


@merchant_view(area=AREA)
def dispute_open(request: HttpRequest, public_id: str) -> HttpResponse:
    """Open a dispute on the order: GET the form (prefilled from the query string);
    POST ``step=review`` shows the caps and the photo upload; ``step=open`` opens it
    (``dispute_create``); ``step=edit`` goes back to the form with what was chosen."""
    order = order_selectors.order_get(
        merchant=request.merchant, key=public_id, store_ids=request.membership.store_scope
    )
    rooms = claims.line_rooms(order)
    if not claims.is_disputable(order) or not any(room.room for room in rooms):
        return render(
            request,
            "aftersales/dispute_ineligible.html",
            {"order": order, "disputable": claims.is_disputable(order)},
        )
    step = request.POST.get("step", "") if request.method == "POST" else ""
    form = _open_form(request, order, rooms, request.POST if step else None)
    context: dict[str, Any] = {"order": order, "form": form, "step": "choose"}
    if step in ("review", "open") and form.is_valid():
        review = _review(order, form)
        if review is not None:
            context.update(review, step="review")
            if step == "open":
                done = _create(request, order, form)
                if done is not None:
                    return done
    status = 400 if step in ("review", "open") and form.errors else 200
    return render(request, "aftersales/dispute_open.html", context, status=status)


def _create(request: HttpRequest, order: Order, form: DisputeOpenForm) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        dispute = services.dispute_create(
            merchant=request.merchant,
            actor=request.user,
            order=order,
            reason=data["reason"],
            expect_type=data["expect"],
            refund_type=data["refund_type"],
            message_text=data["message"],
            lines=form.claim_lines(),
            uploads=request.FILES.getlist("evidence"),
            source=DisputeSource.WEB,
        )
    except EvidenceRefused as exc:
        form.add_error("evidence", exc.message)
        return None
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(
        request,
        _("Dispute %(id)s opened on order %(code)s. We answer by %(due)s.")
        % {
            "id": dispute.public_id,
            "code": order.code,
            "due": timezone.localtime(dispute.due_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return redirect("aftersales:dispute", public_id=dispute.public_id)
