"""Finance back-office pages: the wire-transfer approval queue, the trial balance and the
ledger integrity check."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import list_page

from . import ledger, selectors, topups
from .choices import Provider
from .forms import WireDecisionForm
from .lists_topups import WireFilter, WireTable
from .models import TopUp
from .views import proof_response

FINANCE = {OperatorRole.FINANCE}


def _wire(public_id: str) -> TopUp:
    return get_object_or_404(
        TopUp.objects.select_related("merchant", "decided_by", "created_by"),
        public_id=public_id,
        provider=Provider.WIRE,
    )


@operator_view(roles=FINANCE)
@require_GET
def wire_list(request: HttpRequest) -> HttpResponse:
    """Every merchant's wire transfers: those to decide (oldest first) unless another status is
    asked for; each row opens the transfer, where approve and reject are (each confirmed)."""
    return list_page(
        request,
        queryset=selectors.wire_queue(),
        filterset_class=WireFilter,
        filter_kwargs={"select": selectors.wire_queue},
        table_class=WireTable,
        template="wallet/ops/wire_list.html",
        export_name="wire-transfers",
        context={
            "title": gettext("Wire transfers"),
            "noun": gettext_noop("wire transfer"),
            "noun_plural": gettext_noop("wire transfers"),
            "empty_text": gettext(
                "No wire transfer is waiting for a decision. Choose another status to see "
                "decided ones."
            ),
            "empty_filtered_text": gettext(
                "No wire transfer matches these filters. Clear them, or choose another status."
            ),
            "results_actions_template": "wallet/partials/_list_export.html",
        },
    )


@operator_view(roles=FINANCE)
@require_GET
def wire_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One wire transfer with its proof and the approve / reject forms."""
    topup = _wire(public_id)
    context = {"topup": topup, "form": WireDecisionForm(), "pending": topup.status == "pending"}
    return render(request, "wallet/ops/wire_detail.html", context)


@operator_view(roles=FINANCE)
@require_POST
def wire_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    """Approve (credit the wallet) or reject (with a reason) a pending wire transfer."""
    topup = _wire(public_id)
    form = WireDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("wallet_ops:wire_detail", public_id=topup.public_id)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        topups.wire_decide(
            topup=topup, actor=request.user, approve=approve, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("wallet_ops:wire_detail", public_id=topup.public_id)
    done = (
        gettext("Wire transfer %(id)s approved and credited.")
        if approve
        else gettext("Wire transfer %(id)s rejected.")
    )
    messages.success(request, done % {"id": topup.public_id})
    return redirect("wallet_ops:wire_list")


@operator_view(roles=FINANCE)
@require_GET
def wire_proof(request: HttpRequest, public_id: str) -> FileResponse:
    """The proof of transfer the merchant uploaded."""
    return proof_response(_wire(public_id))


@operator_view(roles=FINANCE)
@require_GET
def trial_balance(request: HttpRequest) -> HttpResponse:
    """Every ledger account's balance; the total per currency is zero."""
    return render(request, "wallet/ops/trial_balance.html", {"tb": ledger.trial_balance()})


@operator_view(roles=FINANCE)
@require_GET
def integrity_check(request: HttpRequest) -> HttpResponse:
    """Run the ledger integrity check (read-only aggregate queries) and list what it finds."""
    problems = ledger.ledger_integrity_check()
    return render(request, "wallet/ops/integrity.html", {"problems": problems})
