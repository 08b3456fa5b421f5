"""The back office's "Change warehouse or line" page, in the "orders_ops" namespace under
/ops/orders/<key>/replan/ (``config.urls`` joins it to ``orders.urls_ops``).

Three steps, one URL: GET lists the feasible warehouse + line options
(``orders.services.order_replan_options``: freight, delivery days, difference against now);
a POST of an option and a reason shows the confirmation (what changes, and the money: charged
from the wallet, refunded, or only the totals); a POST of that confirmation calls
``checkout.replan.order_replan`` once. A refusal (picking started meanwhile, balance too low…)
shows the options again with the service's message as the form's error.

The order is looked up through ``orders.selectors_ops.order_get_for_operator`` (an agent's
request for an unassigned merchant's order answers 404, whatever the method).
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dropyard.core.access import operator_view
from dropyard.core.forms import BootstrapFormMixin
from dropyard.core.money import format_money
from dropyard.core.views_helpers import form_call
from dropyard.inventory.selectors import warehouse_get
from dropyard.logistics.selectors import shipping_line_get
from dropyard.orders import services as order_services
from dropyard.orders.models import Order
from dropyard.orders.selectors_ops import order_get_for_operator
from dropyard.orders.services.replan import REASON_MAX, ReplanOption
from dropyard.orders.views_ops import OPS_ROLES
from dropyard.wallet import selectors as wallet_selectors

from . import replan
from .replan import ReplanOutcome


class ReplanForm(BootstrapFormMixin, forms.Form):
    """The option chosen (``<warehouse pk>:<line pk>``, one of the feasible ones but the
    current), the reason, and whether the operator has seen the confirmation."""

    option = forms.ChoiceField(
        label=_("Warehouse and line"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a warehouse and line."),
            "invalid_choice": _(
                "That warehouse and line cannot ship this order now: choose again."
            ),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the order's history (the merchant sees it too)."),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, options: Sequence[ReplanOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = {o.key: o for o in options if not o.current}
        self.fields["option"].choices = [(key, key) for key in self.options]  # type: ignore[attr-defined]


def _apply(request: HttpRequest, order: Order, option: ReplanOption, reason: str) -> ReplanOutcome:
    return replan.order_replan(
        order=order,
        actor=request.user,  # type: ignore[arg-type]
        warehouse=warehouse_get(code=option.warehouse_code),
        line=shipping_line_get(pk=option.line_id),
        reason=reason,
    )


def _success(outcome: ReplanOutcome, option: ReplanOption) -> str:
    text = gettext("Order %(code)s now ships from %(warehouse)s on %(line)s.") % {
        "code": outcome.result.order.code,
        "warehouse": option.warehouse_code,
        "line": option.line_name,
    }
    if outcome.charge is not None:
        text += " " + gettext(
            "%(amount)s charged from the merchant's wallet (supplementary bill %(bill)s)."
        ) % {
            "amount": format_money(outcome.charge.amount_minor, outcome.charge.currency),
            "bill": outcome.charge.code,
        }
    if outcome.refund is not None:
        text += " " + gettext("%(amount)s refunded to the merchant (%(refund)s).") % {
            "amount": format_money(outcome.refund.amount_minor, outcome.refund.currency),
            "refund": outcome.refund.code,
        }
    return text


@operator_view(roles=OPS_ROLES)
def order_replan(request: HttpRequest, key: str) -> HttpResponse:
    """The options (GET), the confirmation (POST), the change (POST with ``confirmed``)."""
    order = order_get_for_operator(user=request.user, key=key)
    found = order_services.order_replan_options(order=order)
    form = ReplanForm(request.POST if request.method == "POST" else None, options=found.options)
    chosen, status = None, 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            chosen = form.options[form.cleaned_data["option"]]
            status = 200
            if form.cleaned_data["confirmed"]:
                reason = form.cleaned_data["reason"]
                outcome = form_call(form, lambda: _apply(request, order, chosen, reason))
                if outcome is not None:
                    messages.success(request, _success(outcome, chosen))
                    return redirect("orders_ops:detail", order.public_id)
                # Refused: back to the options, whose state may have changed meanwhile.
                found = order_services.order_replan_options(order=order)
                chosen, status = None, 409
    context = {
        "title": _("Change warehouse or line"),
        "order": order,
        "form": form,
        "found": found,
        "chosen": chosen,
        "selected": form.data.get("option", "") if form.is_bound else "",
        **(_money_preview(order, found.paid, chosen) if chosen is not None else {}),
    }
    return render(request, "orders/ops/order_replan.html", context, status=status)


def _money_preview(order: Order, paid: bool, chosen: ReplanOption) -> dict[str, int]:
    """What the confirmation says the change does to money (``checkout.replan``'s rules): a
    paid order with a wallet payment is charged or refunded the difference, an unpaid one only
    gets a new total."""
    delta = chosen.delta_minor
    if paid:
        if wallet_selectors.order_payment_get(order=order) is None:
            return {}
        return {"charge_minor": max(delta, 0), "refund_minor": max(-delta, 0)}
    return {"new_total_minor": chosen.total_minor}
