"""Finance's supplier payout queue (operators admin + finance): the list, one payout's page,
and its decisions — approve, reject with a reason, mark paid with the bank reference — each
behind a confirmation step (GET shows what will happen, POST does it through
``wallet.payouts.payout_transition``)."""

from functools import partial

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import list_page
from dropyard.core.views_helpers import form_call
from dropyard.wallet import payouts
from dropyard.wallet.choices import PAYOUT_TRANSITIONS, PayoutStatus
from dropyard.wallet.models import Payout

from .forms_ship import PayoutPayForm, PayoutRejectForm
from .lists_money import PayoutFilter, PayoutTable

FINANCE = {OperatorRole.FINANCE}


def _payout(public_id: str) -> Payout:
    return get_object_or_404(
        payouts.payout_list().select_related("supplier__user", "requested_by"),
        public_id=str(public_id)[:32],
    )


@operator_view(roles=FINANCE)
@require_GET
def payout_list(request: HttpRequest) -> HttpResponse:
    """Every supplier's payouts, newest first (filters: status, search)."""
    return list_page(
        request,
        queryset=payouts.payout_list(),
        filterset_class=PayoutFilter,
        filter_kwargs={"select": partial(payouts.payout_list)},
        table_class=PayoutTable,
        template="suppliers/ops_payouts.html",
        export_name="supplier-payouts",
        context={
            "title": _("Supplier payouts"),
            "noun": gettext_noop("payout"),
            "noun_plural": gettext_noop("payouts"),
            "empty_text": _("No supplier has requested a payout yet."),
            "empty_filtered_text": _("No payout matches these filters."),
        },
    )


@operator_view(roles=FINANCE)
@require_GET
def payout_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One payout: amount, supplier, bank details, history, and the decisions it allows."""
    payout = _payout(public_id)
    allowed = PAYOUT_TRANSITIONS[payout.status]
    context = {
        "payout": payout,
        "can_approve": PayoutStatus.APPROVED in allowed,
        "can_reject": PayoutStatus.REJECTED in allowed,
        "can_pay": PayoutStatus.PAID in allowed,
        "payable": payouts.payout_summary(supplier=payout.supplier, currency=payout.currency),
    }
    return render(request, "suppliers/ops_payout_detail.html", context)


_DECISIONS: dict[str, tuple[PayoutStatus, type[forms.Form] | None]] = {
    "approve": (PayoutStatus.APPROVED, None),
    "reject": (PayoutStatus.REJECTED, PayoutRejectForm),
    "pay": (PayoutStatus.PAID, PayoutPayForm),
}


def _decide(request: HttpRequest, public_id: str, decision: str) -> HttpResponse:
    """The confirmation page (GET) and the decision (POST) of ``decision``."""
    payout = _payout(public_id)
    to, form_class = _DECISIONS[decision]
    form = (form_class or forms.Form)(request.POST if request.method == "POST" else None)
    if to not in PAYOUT_TRANSITIONS[payout.status]:
        messages.info(
            request,
            _("Payout %(code)s is %(status)s: nothing to decide.")
            % {"code": payout.code, "status": payout.get_status_display()},
        )
        return redirect("suppliers_ops:payout_detail", public_id=payout.public_id)
    if request.method == "POST" and form.is_valid():
        done = form_call(
            form,
            lambda: payouts.payout_transition(
                payout=payout,
                to=to,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                reference=form.cleaned_data.get("reference", ""),
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("Payout %(code)s is now %(status)s.")
                % {"code": done.code, "status": done.get_status_display()},
            )
            return redirect("suppliers_ops:payout_detail", public_id=payout.public_id)
    context = {"payout": payout, "form": form, "decision": decision, "to": to}
    status = 400 if request.method == "POST" else 200
    return render(request, "suppliers/ops_payout_decide.html", context, status=status)


@operator_view(roles=FINANCE)
@require_http_methods(["GET", "POST"])
def payout_approve(request: HttpRequest, public_id: str) -> HttpResponse:
    """Confirm, then approve (REQUESTED → APPROVED)."""
    return _decide(request, public_id, "approve")


@operator_view(roles=FINANCE)
@require_http_methods(["GET", "POST"])
def payout_reject(request: HttpRequest, public_id: str) -> HttpResponse:
    """The reason, then reject (→ REJECTED; the amount is available to the supplier again)."""
    return _decide(request, public_id, "reject")


@operator_view(roles=FINANCE)
@require_http_methods(["GET", "POST"])
def payout_pay(request: HttpRequest, public_id: str) -> HttpResponse:
    """The bank transfer's reference, then mark paid (APPROVED → PAID: the payable is debited)."""
    return _decide(request, public_id, "pay")
