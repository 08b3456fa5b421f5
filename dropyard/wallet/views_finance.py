"""Finance back office (operators admin + finance): the finance overview linking every money
page, and the refunds queue. The wire approvals, trial balance and integrity check pages are
``views_ops``; the provider events log is ``views_providers``.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.errors import DomainError
from dropyard.core.pagination import paginate
from dropyard.core.views_helpers import list_response

from . import ledger, refunds, selectors
from .choices import RefundDestination, RefundStatus
from .models import Refund

FINANCE = {OperatorRole.FINANCE}


def _url(name: str, query: str = "") -> str:
    """The page's address, or "" when that page is not installed (its link is hidden)."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


class RefundFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *RefundStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    destination = forms.ChoiceField(
        required=False,
        choices=[("", "Any destination"), *RefundDestination.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": "", "destination": ""}
        return {k: self.cleaned_data[k] for k in ("status", "destination")}


@operator_view(roles=FINANCE)
@require_GET
def finance_home(request: HttpRequest) -> HttpResponse:
    """What needs finance's attention (pending wires, refunds owed to a card / PayPal), the
    trial balance totals, and links to every finance page."""
    tb_totals = ledger.trial_balance_totals()
    context = {
        "pending_wires": selectors.wire_queue().count(),
        "pending_refunds": refunds.refunds_list(status=RefundStatus.PENDING).count(),
        "tb_totals": sorted(tb_totals.items()),
        "tb_balanced": all(v == 0 for v in tb_totals.values()),
        "links": [
            (label, url, note)
            for label, url, note in (
                (
                    "Wire approvals",
                    _url("wallet_ops:wire_list"),
                    "Approve or reject bank transfers",
                ),
                ("Refunds", _url("wallet_ops:refund_list"), "Refunds issued and owed"),
                (
                    "Trial balance",
                    _url("wallet_ops:trial_balance"),
                    "Every account; totals must be zero",
                ),
                (
                    "Ledger integrity check",
                    _url("wallet_ops:integrity_check"),
                    "Recompute balances and sums",
                ),
                (
                    "Provider events",
                    _url("wallet_providers_ops:event_list"),
                    "Stripe / PayPal webhooks received",
                ),
                ("Invoices", _url("wallet_ops:invoice_list"), "Every merchant's documents"),
                (
                    "Supplementary bills",
                    _url("wallet_ops:makeup_list"),
                    "Every merchant's BT bills: filter, cancel unpaid ones",
                ),
                (
                    "New supplementary bill",
                    _url("wallet_ops:makeup_create"),
                    "Bill a merchant a price or freight difference",
                ),
            )
            if url
        ],
    }
    return render(request, "wallet/finance_home.html", context)


@operator_view(roles=FINANCE)
@require_GET
def refund_list(request: HttpRequest) -> HttpResponse:
    """Every refund, newest first; filter by status and destination. Refunds owed to a card /
    PayPal (PENDING) can be sent again from here."""
    form = RefundFilterForm(request.GET)
    filters = form.filters()
    context = {
        "filter_form": form,
        "filtered": any(filters.values()),
        "page": paginate(request, refunds.refunds_list(**filters)),
        "pending": RefundStatus.PENDING,
    }
    return list_response(
        request, "wallet/finance_refunds.html", "wallet/finance_refund_rows.html", context
    )


@operator_view(roles=FINANCE)
@require_POST
def refund_send(request: HttpRequest, public_id: str) -> HttpResponse:
    """Ask the provider again to pay a refund owed to the original method (PENDING → SENT)."""
    refund = get_object_or_404(Refund, public_id=public_id)
    if refund.status != RefundStatus.PENDING:
        messages.info(request, f"Refund {refund.public_id} is not waiting to be sent.")
        return redirect("wallet_ops:refund_list")
    try:
        sent = refunds.refund_send(refund=refund)
    except DomainError as exc:
        messages.error(request, f"Refund {refund.public_id} not sent: {exc.message}")
    else:
        messages.success(request, f"Refund {sent.public_id} sent to {sent.get_provider_display()}.")
    return redirect("wallet_ops:refund_list")
