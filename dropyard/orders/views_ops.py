"""Back-office order pages (operators admin, support, agent) under /ops/orders/: the list
across merchants, and the actions that do not touch money — hold / release, internal note.
The detail, the cancel (it refunds), the change of warehouse or line (it may charge or refund
the freight difference) and finance's manual refund need the wallet: they are
``checkout.views_ops`` and ``checkout.views_replan``, in the same namespace.

Every lookup goes through ``selectors_ops`` (an agent's request for an unassigned merchant's
order answers 404, whatever the method); every action is a confirmation page (GET) and one
service call (POST, CSRF); a refusal re-shows the page with the service's message.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import list_page
from dropyard.core.views_helpers import form_call

from . import services
from .filters_ops import OperatorOrderFilter
from .forms_ops import HoldForm, NoteForm, ReleaseForm
from .models import Order
from .selectors_ops import order_get_for_operator, order_list_for_operator
from .tables_ops import OperatorOrderTable

# Admin always passes operator_view; finance reaches only the detail and the refund.
OPS_ROLES = {OperatorRole.SUPPORT, OperatorRole.AGENT}
PER_PAGE = 25


@operator_view(roles=OPS_ROLES)
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """Every order of the operator's scope, filtered, sorted and paginated (the generic list)."""
    return list_page(
        request,
        queryset=order_list_for_operator(user=request.user),
        filterset_class=OperatorOrderFilter,
        filter_kwargs={"user": request.user},
        table_class=OperatorOrderTable,
        template="orders/ops/order_list.html",
        export_name="orders",
        per_page=PER_PAGE,
        context={
            # The count's noun, translated by the list template (zh: "个订单").
            "noun": gettext_noop("order"),
            "noun_plural": gettext_noop("orders"),
            "empty_filtered_text": _("No orders match these filters."),
            "empty_text": _("No orders yet."),
        },
    )


@dataclass(frozen=True)
class _Action:
    """One action page: its form, the service call, and the words on the page."""

    form_class: type[forms.Form]
    run: Callable[[HttpRequest, Order, dict[str, Any]], object]
    success: StrOrPromise  # "{code}" is the order's code
    title: StrOrPromise
    intro: StrOrPromise
    submit: StrOrPromise
    tone: str  # Bootstrap button colour


def _action_view(name: str, action: _Action) -> Callable[..., HttpResponse]:
    """The view of one action: its confirmation page (GET) and its service call (POST). The
    order is looked up in the operator's scope first, so a foreign order is 404 for any
    method; a refusal re-shows the page with the service's message (409)."""

    def view(request: HttpRequest, key: str) -> HttpResponse:
        order = order_get_for_operator(user=request.user, key=key)
        form = action.form_class(request.POST if request.method == "POST" else None)
        status = 200
        if form.is_bound:
            status = 400  # a form error, unless the service runs
            if form.is_valid():
                form_call(form, lambda: action.run(request, order, form.cleaned_data))
                if not form.errors:
                    messages.success(request, action.success.format(code=order.code))
                    return redirect("orders_ops:detail", order.public_id)
                status = 409  # the service refused: its message is the form's error
        context = {"order": order, "form": form, **vars(action)}
        return render(request, "orders/ops/order_action.html", context, status=status)

    view.__name__ = view.__qualname__ = name
    return operator_view(roles=OPS_ROLES)(view)


order_hold = _action_view(
    "order_hold",
    _Action(
        form_class=HoldForm,
        run=lambda request, order, data: services.order_hold(
            order=order, actor=request.user, reason=data["reason"]
        ),
        success=_("Order {code} is on hold: the warehouse will not pick it."),
        title=_("Put the order on hold"),
        intro=_("The warehouse will not start picking this order until it is released."),
        submit=_("Put on hold"),
        tone="warning",
    ),
)
order_release = _action_view(
    "order_release",
    _Action(
        form_class=ReleaseForm,
        run=lambda request, order, data: services.order_release(
            order=order, actor=request.user, note=data["note"]
        ),
        success=_("Order {code} is released."),
        title=_("Release the hold"),
        intro=_("The order goes back into the warehouse's queue."),
        submit=_("Release"),
        tone="primary",
    ),
)
order_note_add = _action_view(
    "order_note_add",
    _Action(
        form_class=NoteForm,
        run=lambda request, order, data: services.order_internal_note_add(
            order=order, actor=request.user, body=data["body"]
        ),
        success=_("Note added to order {code}."),
        title=_("Add an internal note"),
        intro=_("Visible to operators only."),
        submit=_("Add the note"),
        tone="primary",
    ),
)
