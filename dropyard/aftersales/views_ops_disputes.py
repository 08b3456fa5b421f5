"""The operator dispute desk under /ops/after-sales/disputes/ (namespace "aftersales_ops").

- ``dispute_list`` ("disputes"): the desk, most urgent first, overdue rows flagged;
- ``dispute_detail`` ("dispute"): one dispute with its order, lines, money, evidence, thread,
  timeline and the actions the role may take;
- one POST view per action (CSRF; decisions are confirmed in the browser first): start the
  review, assign, message the merchant, ask for more evidence, decide.

Who may do what (admin always may; see ``core.access.operator_view``):

- look (desk and detail): support, agent, finance — an agent only the disputes of the
  merchants assigned to them (``selectors.disputes_for_operator``: another merchant's
  dispute answers 404 for every method);
- work the case (start the review, message the merchant, ask for more evidence): the same
  roles. Talking to the merchant is the agent's daily job;
- assign: support (the desk's dispatcher); others take a case by starting its review;
- decide: support and finance; finance only refunds and rejects (money and its refusal), a
  resend or a return moves goods and stays with support. An agent never decides: a decision
  spends the platform's money or goods, and the agent is the merchant's advocate.

A refusal from a service (``DomainError``) is shown on the page as the form's error (400 for a
malformed form, 409 for a refused change), never as a server error.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import EXPORT_BUTTON, list_page
from dropyard.core.money import Money
from dropyard.core.views_helpers import form_call

from . import claims, links, outcomes, selectors, services
from .choices import DisputeOutcome, DisputeStatus, ExpectType
from .forms_ops_disputes import (
    AssignForm,
    DisputeDeskFilter,
    EvidenceRequestForm,
    MessageForm,
    RefundDecisionForm,
    RejectDecisionForm,
    ResendDecisionForm,
    ReturnDecisionForm,
)
from .models import Dispute
from .tables_ops_disputes import STATUS_TONES, DisputeDeskTable, due_label

R = OperatorRole
VIEW_ROLES = {R.SUPPORT, R.AGENT, R.FINANCE}
WORK_ROLES = VIEW_ROLES
ASSIGN_ROLES = {R.SUPPORT}
DECIDE_ROLES = {R.SUPPORT, R.FINANCE}
# Which outcomes each deciding role may choose (admin: every one).
OUTCOMES_BY_ROLE = {
    R.ADMIN: frozenset(DisputeOutcome.values) - {DisputeOutcome.NONE},
    R.SUPPORT: frozenset(DisputeOutcome.values) - {DisputeOutcome.NONE},
    R.FINANCE: frozenset({DisputeOutcome.REFUNDED, DisputeOutcome.REJECTED}),
}
DECISION_FORMS: dict[str, type[forms.Form]] = {
    DisputeOutcome.REFUNDED: RefundDecisionForm,
    DisputeOutcome.RESENT: ResendDecisionForm,
    DisputeOutcome.RETURN_ACCEPTED: ReturnDecisionForm,
    DisputeOutcome.REJECTED: RejectDecisionForm,
}
PREFIXES = {
    DisputeOutcome.REFUNDED: "refund",
    DisputeOutcome.RESENT: "resend",
    DisputeOutcome.RETURN_ACCEPTED: "return",
    DisputeOutcome.REJECTED: "reject",
}


@operator_view(roles=VIEW_ROLES)
@require_GET
def dispute_list(request: HttpRequest) -> HttpResponse:
    """The desk: the disputes of the operator's scope, open ones by default, by due time."""
    return list_page(
        request,
        queryset=selectors.disputes_for_operator(user=request.user),
        filterset_class=DisputeDeskFilter,
        filter_kwargs={"select": lambda **kw: selectors.disputes_desk(user=request.user, **kw)},
        table_class=DisputeDeskTable,
        template="aftersales/ops/dispute_list.html",
        export_name="disputes",
        context={
            "noun": gettext_noop("dispute"),
            "noun_plural": gettext_noop("disputes"),
            "results_actions_template": EXPORT_BUTTON,
            "empty_filtered_text": _("No disputes match these filters."),
            "empty_text": _("No disputes."),
            "review_days": settings.DROPYARD_DISPUTE_REVIEW_WORKING_DAYS,
        },
    )


# --- Detail ------------------------------------------------------------------------------------


def _money(dispute: Dispute) -> dict[str, Any]:
    payment = claims.order_payment(dispute.order)
    left = claims.refundable_left(payment)
    return {
        "payment": payment,
        "refundable_left": left,
        "refund_limit": min(dispute.max_amount_minor, left),
    }


def _status_label(value: str) -> str:
    return str(DisputeStatus(value).label) if value in DisputeStatus.values else value


def _decimal(minor: int, currency: str) -> str:
    return Money(minor, currency).wire()


def _options(dispute: Dispute, role: str) -> set[str]:
    """The outcomes this role may choose for this dispute now (none once it is decided)."""
    if not dispute.is_open:
        return set()
    allowed = set(OUTCOMES_BY_ROLE.get(role, frozenset()))
    possible = claims.expect_options(dispute.order, reason=dispute.reason)
    if ExpectType.RESEND not in possible:
        allowed.discard(DisputeOutcome.RESENT)
    if ExpectType.RETURN not in possible:
        allowed.discard(DisputeOutcome.RETURN_ACCEPTED)
    if _money(dispute)["refund_limit"] <= 0:
        allowed.discard(DisputeOutcome.REFUNDED)
    return allowed


def _decision_form(outcome: str, dispute: Dispute, data: Any = None) -> forms.Form:
    kwargs: dict[str, Any] = {"prefix": PREFIXES[outcome]}
    if outcome == DisputeOutcome.RETURN_ACCEPTED:
        kwargs["warehouses"] = selectors.return_warehouses()
    if outcome == DisputeOutcome.REFUNDED and data is None:
        asked = dispute.requested_amount_minor or dispute.max_amount_minor
        kwargs["initial"] = {"amount": _decimal(asked, dispute.currency)}
    form = DECISION_FORMS[outcome](data, **kwargs)
    if outcome == DisputeOutcome.REFUNDED:
        limit = _money(dispute)["refund_limit"]
        form.fields["amount"].help_text = _("At most %(max)s %(currency)s.") % {
            "max": _decimal(limit, dispute.currency),
            "currency": dispute.currency,
        }
        form.fields["amount"].widget.attrs["max"] = _decimal(limit, dispute.currency)
    return form


def _render_detail(
    request: HttpRequest, dispute: Dispute, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    """The detail page; ``bound`` replaces the blank form of the action that failed."""
    role = request.user.operator_role
    options = _options(dispute, role)
    is_open = dispute.is_open
    # A failed decision's form stays on the page with its error, even if the choice is gone.
    decision_forms = {
        outcome: bound.get(PREFIXES[outcome]) or _decision_form(outcome, dispute)
        for outcome in DECISION_FORMS
        if outcome in options or PREFIXES[outcome] in bound
    }
    evidence = list(selectors.dispute_evidence(dispute=dispute))
    context = {
        "dispute": dispute,
        "order": dispute.order,
        "lines": list(selectors.dispute_lines(dispute=dispute)),
        "thread": list(selectors.dispute_thread(dispute=dispute)),
        "events": [
            (event, _status_label(event.from_status), _status_label(event.to_status))
            for event in selectors.dispute_events(dispute=dispute)
        ],
        "evidence": [(item, links.evidence_url(item)) for item in evidence],
        "due": due_label(dispute),
        "overdue": selectors.is_overdue(dispute),
        "status_tone": STATUS_TONES.get(dispute.status, "text-bg-light"),
        **_money(dispute),
        "can_review": is_open
        and role in WORK_ROLES | {R.ADMIN}
        and dispute.status != DisputeStatus.UNDER_REVIEW,
        "can_work": is_open and role in WORK_ROLES | {R.ADMIN},
        "can_assign": is_open and role in ASSIGN_ROLES | {R.ADMIN},
        "message_form": bound.get("message") or MessageForm(prefix="message"),
        "evidence_form": bound.get("evidence") or EvidenceRequestForm(prefix="evidence"),
        "assign_form": bound.get("assign") or AssignForm(prefix="assign", dispute=dispute),
        "refund_form": decision_forms.get(DisputeOutcome.REFUNDED),
        "resend_form": decision_forms.get(DisputeOutcome.RESENT),
        "return_form": decision_forms.get(DisputeOutcome.RETURN_ACCEPTED),
        "reject_form": decision_forms.get(DisputeOutcome.REJECTED),
        "review_form": bound.get("review"),
    }
    return render(request, "aftersales/ops/dispute_detail.html", context, status=status)


@operator_view(roles=VIEW_ROLES)
@require_GET
def dispute_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    dispute = selectors.dispute_get_for_operator(user=request.user, public_id=public_id)
    return _render_detail(request, dispute)


# --- Actions -----------------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    dispute: Dispute,
    key: str,
    form: forms.Form,
    run: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Validate ``form``, call the service; success → back to the page with ``success``;
    otherwise the page again with the form's errors (400 malformed, 409 refused)."""
    status = 400
    if form.is_valid():
        form_call(form, lambda: run(form.cleaned_data))
        if not form.errors:
            messages.success(request, success)
            return redirect("aftersales_ops:dispute", public_id=dispute.public_id)
        status = 409
    return _render_detail(request, dispute, status=status, **{key: form})


def _get(request: HttpRequest, public_id: str) -> Dispute:
    return selectors.dispute_get_for_operator(user=request.user, public_id=public_id)


@operator_view(roles=WORK_ROLES)
@require_POST
def dispute_review(request: HttpRequest, public_id: str) -> HttpResponse:
    """Take the dispute: UNDER_REVIEW, and assigned to the operator when nobody has it."""
    dispute = _get(request, public_id)
    return _act(
        request,
        dispute,
        "review",
        forms.Form(request.POST),
        lambda data: services.dispute_start_review(dispute=dispute, actor=request.user),
        _("Review started."),
    )


@operator_view(roles=ASSIGN_ROLES)
@require_POST
def dispute_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    dispute = _get(request, public_id)
    return _act(
        request,
        dispute,
        "assign",
        AssignForm(request.POST, prefix="assign", dispute=dispute),
        lambda data: services.dispute_assign(
            dispute=dispute, actor=request.user, assignee=data["assignee"]
        ),
        _("Assignment saved."),
    )


@operator_view(roles=WORK_ROLES)
@require_POST
def dispute_message(request: HttpRequest, public_id: str) -> HttpResponse:
    dispute = _get(request, public_id)
    return _act(
        request,
        dispute,
        "message",
        MessageForm(request.POST, prefix="message"),
        lambda data: services.dispute_message_post(
            dispute=dispute, actor=request.user, side="operator", body=data["body"]
        ),
        _("Message sent to the merchant."),
    )


@operator_view(roles=WORK_ROLES)
@require_POST
def dispute_evidence(request: HttpRequest, public_id: str) -> HttpResponse:
    dispute = _get(request, public_id)
    return _act(
        request,
        dispute,
        "evidence",
        EvidenceRequestForm(request.POST, prefix="evidence"),
        lambda data: services.dispute_request_evidence(
            dispute=dispute, actor=request.user, message=data["message"]
        ),
        _("More evidence requested: the dispute waits for the merchant."),
    )


def _resolve(request: HttpRequest, dispute: Dispute, outcome: str, data: dict[str, Any]) -> object:
    options: dict[str, Any] = {}
    amount_minor = None
    if outcome == DisputeOutcome.REFUNDED:
        amount_minor = Money.from_decimal(data["amount"], dispute.currency).amount_minor
    if data.get("warehouse") is not None:
        options["warehouse"] = data["warehouse"]
    if data.get("charge"):
        options["charge"] = data["charge"]
    return outcomes.dispute_resolve(
        dispute=dispute,
        actor=request.user,
        outcome=outcome,
        amount_minor=amount_minor,
        note=data.get("note", ""),
        **options,
    )


@operator_view(roles=DECIDE_ROLES)
@require_POST
def dispute_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    """Refund, resend, accept a return or reject (``outcomes.dispute_resolve``)."""
    dispute = _get(request, public_id)
    outcome = request.POST.get("outcome", "")
    if outcome not in DECISION_FORMS:
        return _render_detail(request, dispute, status=400)
    if outcome not in OUTCOMES_BY_ROLE.get(request.user.operator_role, frozenset()):
        raise PermissionDenied(_("Your role cannot choose this outcome"))
    form = _decision_form(outcome, dispute, request.POST)
    if dispute.is_open and outcome not in _options(dispute, request.user.operator_role):
        form.is_valid()
        form.add_error(None, _("This outcome is not possible for this order."))
        return _render_detail(request, dispute, status=409, **{PREFIXES[outcome]: form})
    labels = {
        DisputeOutcome.REFUNDED: _("Refund issued: the dispute is resolved."),
        DisputeOutcome.RESENT: _("Resend ordered: the dispute is resolved."),
        DisputeOutcome.RETURN_ACCEPTED: _("Return accepted: the dispute is resolved."),
        DisputeOutcome.REJECTED: _("Dispute rejected."),
    }
    return _act(
        request,
        dispute,
        PREFIXES[outcome],
        form,
        lambda data: _resolve(request, dispute, outcome, data),
        labels[outcome],
    )
