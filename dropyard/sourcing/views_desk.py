"""The agent desk (back office): the queue of sourcing requests, one request's page with its
actions (claim, quote, publish, fail), its picture, and a merchant's sourcing standing.

Admins and support reach every merchant's requests; an agent only their merchants' (others
are not found: ``selectors_desk``). Every action is a POST with CSRF; failing and publishing
ask for confirmation first (``data-confirm``). A refused action shows the page again with the
form's error (400 malformed, 409 refused by the service).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import list_page
from dropyard.core.views_helpers import form_call

from . import selectors_desk, services_requests
from .choices import OPEN_STATUSES
from .choices import SourcingStatus as S
from .forms_desk import DeskFilter, FailForm, PublishForm, QuoteForm, StandingForm
from .lists_desk import STATUS_TONES, DeskTable, age_label
from .models import SourcingRequest
from .publishing import sourcing_publish

R = OperatorRole
DESK_ROLES = {R.AGENT, R.SUPPORT}
STANDING_ADJUST_ROLES = {R.SUPPORT}  # and admin (always)


@operator_view(roles=DESK_ROLES)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The queue: open requests of the operator's scope, the longest waiting first."""
    user = request.user
    return list_page(
        request,
        queryset=selectors_desk.desk_scope(user),
        filterset_class=DeskFilter,
        filter_kwargs={
            "select": lambda **kw: selectors_desk.desk_queue(user=user, **kw),
            "merchants": selectors_desk.desk_merchants(user),
        },
        table_class=DeskTable,
        template="sourcing/desk/queue.html",
        export_name="sourcing-requests",
        context={
            "noun": gettext_noop("request"),
            "noun_plural": gettext_noop("requests"),
            "empty_filtered_text": _("No sourcing requests match these filters."),
            "empty_text": _("No sourcing requests are waiting."),
        },
    )


def _get(request: HttpRequest, public_id: str) -> SourcingRequest:
    return selectors_desk.desk_request_get(user=request.user, public_id=public_id)


def _render_detail(
    request: HttpRequest, sourcing: SourcingRequest, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    """The request's page; ``bound`` replaces the blank form of the action that failed."""
    is_open = sourcing.status in OPEN_STATUSES
    workable = sourcing.status in (S.CLAIMED, S.QUOTED)
    context: dict[str, Any] = {
        "sourcing": sourcing,
        "merchant": sourcing.merchant,
        "status_tone": STATUS_TONES.get(sourcing.status, "text-bg-light"),
        "age": age_label(sourcing),
        "overdue": selectors_desk.is_overdue(sourcing),
        "events": list(selectors_desk.request_events(sourcing)),
        "quotes": list(selectors_desk.request_quotes(sourcing)),
        "can_claim": sourcing.status == S.SUBMITTED,
        "can_fail": is_open,
        "can_work": workable,
        "can_message": request.user.operator_role in (R.ADMIN, R.AGENT),
        "quota": services_requests.quota_for(sourcing.merchant),
        "claim_form": bound.get("claim"),
        "quote_form": bound.get("quote") or QuoteForm(prefix="quote"),
        "publish_form": bound.get("publish") or PublishForm(prefix="publish", request=sourcing),
        "fail_form": bound.get("fail") or FailForm(prefix="fail"),
    }
    return render(request, "sourcing/desk/detail.html", context, status=status)


@operator_view(roles=DESK_ROLES)
@require_GET
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _render_detail(request, _get(request, public_id))


@operator_view(roles=DESK_ROLES)
@require_GET
def picture(request: HttpRequest, public_id: str) -> FileResponse:
    """The request's uploaded picture, to operators who may see the request; else 404."""
    sourcing = _get(request, public_id)
    if not sourcing.image:
        raise Http404("No picture")
    try:
        stored = sourcing.image.open("rb")
    except OSError as exc:
        raise Http404("The picture is missing") from exc
    response = FileResponse(stored, content_type="image/jpeg")  # re-encoded as JPEG on upload
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _act(
    request: HttpRequest,
    sourcing: SourcingRequest,
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
            return redirect("sourcing_desk:detail", public_id=sourcing.public_id)
        status = 409
    return _render_detail(request, sourcing, status=status, **{key: form})


@operator_view(roles=DESK_ROLES)
@require_POST
def claim(request: HttpRequest, public_id: str) -> HttpResponse:
    sourcing = _get(request, public_id)
    return _act(
        request,
        sourcing,
        "claim",
        forms.Form(request.POST),
        lambda data: services_requests.sourcing_claim(request=sourcing, actor=request.user),
        _("Request claimed: it is yours now."),
    )


@operator_view(roles=DESK_ROLES)
@require_POST
def quote(request: HttpRequest, public_id: str) -> HttpResponse:
    sourcing = _get(request, public_id)

    def run(data: dict[str, Any]) -> object:
        supplier = data["supplier"]
        return services_requests.sourcing_quote_add(
            request=sourcing,
            actor=request.user,
            supplier_name=data["supplier_name"],
            unit_price_minor=data["unit_price"],
            moq=data["moq"],
            lead_time_days=data["lead_time_days"],
            weight_g=data["weight_g"],
            photo_urls=data["photo_urls"],
            note=data["note"],
            supplier_id=supplier.pk if supplier is not None else None,
        )

    return _act(
        request, sourcing, "quote", QuoteForm(request.POST, prefix="quote"), run, _("Quote added.")
    )


@operator_view(roles=DESK_ROLES)
@require_POST
def publish(request: HttpRequest, public_id: str) -> HttpResponse:
    sourcing = _get(request, public_id)
    form = PublishForm(request.POST, prefix="publish", request=sourcing)
    return _act(
        request,
        sourcing,
        "publish",
        form,
        lambda data: sourcing_publish(
            request=sourcing, actor=request.user, **form.service_kwargs()
        ),
        _("Product published."),
    )


@operator_view(roles=DESK_ROLES)
@require_POST
def fail(request: HttpRequest, public_id: str) -> HttpResponse:
    sourcing = _get(request, public_id)
    return _act(
        request,
        sourcing,
        "fail",
        FailForm(request.POST, prefix="fail"),
        lambda data: services_requests.sourcing_fail(
            request=sourcing, actor=request.user, reason=data["reason"]
        ),
        _("Request closed as failed."),
    )


# --- Standing ----------------------------------------------------------------------------------


def _render_standing(
    request: HttpRequest, merchant_pk: int, *, form: StandingForm | None = None, status: int = 200
) -> HttpResponse:
    merchant = selectors_desk.standing_merchant_get(user=request.user, pk=merchant_pk)
    quota = services_requests.quota_for(merchant)
    can_adjust = request.user.operator_role in STANDING_ADJUST_ROLES | {R.ADMIN}
    context = {
        "merchant": merchant,
        "quota": quota,
        "events": selectors_desk.authority_events(merchant),
        "can_adjust": can_adjust,
        "form": form or StandingForm(initial={"level": merchant.level, "score": quota.score}),
    }
    return render(request, "sourcing/desk/standing.html", context, status=status)


@operator_view(roles=DESK_ROLES)
@require_GET
def standing(request: HttpRequest, pk: int) -> HttpResponse:
    """A merchant's level, authority score, quota and score history."""
    return _render_standing(request, pk)


@operator_view(roles=STANDING_ADJUST_ROLES)
@require_POST
def standing_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    merchant = selectors_desk.standing_merchant_get(user=request.user, pk=pk)
    form = StandingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        form_call(
            form,
            lambda: services_requests.standing_adjust(
                merchant=merchant,
                actor=request.user,
                score=data["score"],
                level=data["level"],
                note=data["note"],
            ),
        )
        if not form.errors:
            messages.success(request, _("Standing saved."))
            return redirect("sourcing_desk:standing", pk=merchant.pk)
        return _render_standing(request, pk, form=form, status=409)
    return _render_standing(request, pk, form=form, status=400)
