"""The returns desk (admin, support, warehouse staff): every return (RMA) with filters, and a
return's page with its receipt, inspection and cancellation forms. Each view parses, calls one
service or selector and renders; a refusal is shown on the page."""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import EXPORT_BUTTON, list_page
from dropyard.core.views_helpers import form_call

from . import returns, returns_inspect, selectors_returns
from .choices import ReturnStatus
from .forms_returns import ReturnCancelForm, ReturnInspectForm, ReturnReceiveForm
from .lists_returns import ReturnFilter, ReturnTable
from .models import ReturnAuthorization

DESK = {OperatorRole.SUPPORT, OperatorRole.WAREHOUSE}
# Cancelling gives a paid return-shipping bill back: a decision for support, not the dock.
DECIDERS = {OperatorRole.SUPPORT}


@operator_view(roles=DESK)
@require_GET
def return_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        queryset=selectors_returns.returns_for_operator(user=request.user),
        filterset_class=ReturnFilter,
        filter_kwargs={
            "select": partial(selectors_returns.returns_for_operator, user=request.user)
        },
        table_class=ReturnTable,
        export_name="returns",
        context={
            "title": gettext("Returns"),
            "noun": gettext_noop("return"),
            "noun_plural": gettext_noop("returns"),
            "empty_filtered_text": gettext("No returns match these filters."),
            "empty_text": gettext("No returns yet: they appear when a dispute ends in a return."),
            "results_actions_template": EXPORT_BUTTON,
        },
    )


def _page(
    request: HttpRequest,
    rma: ReturnAuthorization,
    *,
    receive: ReturnReceiveForm | None = None,
    inspect: ReturnInspectForm | None = None,
    cancel: ReturnCancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    lines = selectors_returns.return_lines(rma)
    limit = returns_inspect.refund_limit(rma, rma.dispute)
    context = {
        "rma": rma,
        "lines": lines,
        "events": rma.events.select_related("actor").order_by("created_at", "pk"),
        "refund_limit": limit,
        "can_receive": rma.status in (ReturnStatus.AUTHORIZED, ReturnStatus.IN_TRANSIT),
        "can_inspect": rma.status == ReturnStatus.RECEIVED,
        "can_cancel": rma.status in (ReturnStatus.AUTHORIZED, ReturnStatus.IN_TRANSIT)
        and request.user.operator_role in {*DECIDERS, OperatorRole.ADMIN},
        "receive_form": receive or ReturnReceiveForm(),
        "inspect_form": inspect or ReturnInspectForm(rma=rma, lines=lines, limit_minor=limit),
        "cancel_form": cancel or ReturnCancelForm(),
    }
    return render(request, "aftersales/ops/return_detail.html", context, status=status)


@operator_view(roles=DESK)
@require_GET
def return_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    rma = selectors_returns.return_get_for_operator(user=request.user, public_id=public_id)
    return _page(request, rma)


@operator_view(roles=DESK)
@require_POST
def return_receive(request: HttpRequest, public_id: str) -> HttpResponse:
    rma = selectors_returns.return_get_for_operator(user=request.user, public_id=public_id)
    form = ReturnReceiveForm(request.POST)
    if form.is_valid() and form_call(
        form,
        lambda: returns.return_receive(rma=rma, actor=request.user, note=form.cleaned_data["note"]),
    ):
        messages.success(request, gettext("Return %(code)s received.") % {"code": rma.code})
        return redirect("aftersales_ops:return", public_id=rma.public_id)
    return _page(request, rma, receive=form, status=400)


@operator_view(roles=DESK)
@require_POST
def return_inspect(request: HttpRequest, public_id: str) -> HttpResponse:
    rma = selectors_returns.return_get_for_operator(user=request.user, public_id=public_id)
    lines = selectors_returns.return_lines(rma)
    limit = returns_inspect.refund_limit(rma, rma.dispute)
    form = ReturnInspectForm(request.POST, rma=rma, lines=lines, limit_minor=limit)
    if form.is_valid() and form_call(
        form,
        lambda: returns_inspect.return_inspect(
            rma=rma,
            actor=request.user,
            results=form.results(),
            refund_amount_minor=form.refund_minor(),
            note=form.cleaned_data["note"],
        ),
    ):
        messages.success(
            request, gettext("Return %(code)s inspected and closed.") % {"code": rma.code}
        )
        return redirect("aftersales_ops:return", public_id=rma.public_id)
    return _page(request, rma, inspect=form, status=400)


@operator_view(roles=DECIDERS)
@require_POST
def return_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    rma = selectors_returns.return_get_for_operator(user=request.user, public_id=public_id)
    form = ReturnCancelForm(request.POST)
    if form.is_valid() and form_call(
        form,
        lambda: returns.return_cancel(
            rma=rma, actor=request.user, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, gettext("Return %(code)s cancelled.") % {"code": rma.code})
        return redirect("aftersales_ops:return", public_id=rma.public_id)
    return _page(request, rma, cancel=form, status=400)
