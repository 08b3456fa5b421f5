"""Finance back office (operators admin + finance): the finance overview linking every money
page, and the refunds queue. The wire approvals, trial balance and integrity check pages are
``views_ops``; the provider events log is ``views_providers``.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import list_page

from . import ledger, refunds, selectors
from .choices import RefundStatus
from .lists_bills import RefundFilter, RefundTable
from .models import Refund

FINANCE = {OperatorRole.FINANCE}


def _url(name: str, query: str = "") -> str:
    """The page's address, or "" when that page is not installed (its link is hidden)."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


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
                    gettext("Wire approvals"),
                    _url("wallet_ops:wire_list"),
                    gettext("Approve or reject bank transfers"),
                ),
                (
                    gettext("Refunds"),
                    _url("wallet_ops:refund_list"),
                    gettext("Refunds issued and owed"),
                ),
                (
                    gettext("Trial balance"),
                    _url("wallet_ops:trial_balance"),
                    gettext("Every account; totals must be zero"),
                ),
                (
                    gettext("Ledger integrity check"),
                    _url("wallet_ops:integrity_check"),
                    gettext("Recompute balances and sums"),
                ),
                (
                    gettext("Provider events"),
                    _url("wallet_providers_ops:event_list"),
                    gettext("Stripe / PayPal webhooks received"),
                ),
                (
                    gettext("Invoices"),
                    _url("wallet_ops:invoice_list"),
                    gettext("Every merchant's documents"),
                ),
                (
                    gettext("Supplementary bills"),
                    _url("wallet_ops:makeup_list"),
                    gettext("Every merchant's BT bills: filter, cancel unpaid ones"),
                ),
                (
                    gettext("New supplementary bill"),
                    _url("wallet_ops:makeup_create"),
                    gettext("Bill a merchant a price or freight difference"),
                ),
            )
            if url
        ],
    }
    return render(request, "wallet/finance_home.html", context)


@operator_view(roles=FINANCE)
@require_GET
def refund_list(request: HttpRequest) -> HttpResponse:
    """Every merchant's refunds, newest first (the generic list: filters, sorting, CSV). Refunds
    owed to a card / PayPal (PENDING) can be sent again from here, after a confirmation."""
    return list_page(
        request,
        queryset=refunds.refunds_list(),
        filterset_class=RefundFilter,
        filter_kwargs={"select": refunds.refunds_list},
        table_class=RefundTable,
        template="wallet/finance_refunds.html",
        export_name="refunds",
        context={
            "title": gettext("Refunds"),
            "noun": gettext_noop("refund"),
            "noun_plural": gettext_noop("refunds"),
            "empty_text": gettext("No refunds yet.")
            + " "
            + gettext("Refund an order with the form above."),
            "empty_filtered_text": gettext("No refund matches these filters."),
            "results_actions_template": "wallet/partials/_list_export.html",
        },
    )


@operator_view(roles=FINANCE)
@require_POST
def refund_send(request: HttpRequest, public_id: str) -> HttpResponse:
    """Ask the provider again to pay a refund owed to the original method (PENDING → SENT)."""
    refund = get_object_or_404(Refund, public_id=public_id)
    if refund.status != RefundStatus.PENDING:
        messages.info(
            request,
            gettext("Refund %(id)s is not waiting to be sent.") % {"id": refund.public_id},
        )
        return redirect("wallet_ops:refund_list")
    try:
        sent = refunds.refund_send(refund=refund)
    except DomainError as exc:
        messages.error(
            request,
            gettext("Refund %(id)s not sent: %(error)s")
            % {"id": refund.public_id, "error": exc.message},
        )
    else:
        messages.success(
            request,
            gettext("Refund %(id)s sent to %(provider)s.")
            % {"id": sent.public_id, "provider": sent.get_provider_display()},
        )
    return redirect("wallet_ops:refund_list")
