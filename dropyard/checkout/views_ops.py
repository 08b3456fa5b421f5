"""Back-office order pages that need the wallet, in the "orders_ops" namespace under
/ops/orders/ (``config.urls`` joins them to ``orders.urls_ops``): the order detail (with what
was paid and refunded), the cancel with its refund (``checkout.cancellation``), and finance's
manual refund (``wallet.refunds.refund_manual``), reached from the detail or from the refunds
queue (``refund_lookup``: an order code → its refund form).

Orders are looked up through ``orders.selectors_ops.order_get_for_operator``, the one scope
(an agent's request for an unassigned merchant's order answers 404, whatever the method).
"""

import secrets
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.errors import DomainError
from dropyard.core.forms import BootstrapFormMixin
from dropyard.core.money import Money
from dropyard.core.views_helpers import form_call
from dropyard.orders import selectors as order_selectors
from dropyard.orders.choices import OrderStatus
from dropyard.orders.forms import CancelForm
from dropyard.orders.selectors_ops import order_get_for_operator, order_internal_notes
from dropyard.orders.services.operator import HOLDABLE
from dropyard.orders.services.replan import replan_blocked
from dropyard.orders.views_ops import OPS_ROLES
from dropyard.wallet import refunds
from dropyard.wallet import selectors as wallet_selectors
from dropyard.wallet.choices import RefundDestination

from .cancellation import order_cancel

S = OrderStatus
FINANCE_ROLES = {OperatorRole.FINANCE}
DETAIL_ROLES = OPS_ROLES | FINANCE_ROLES
CANCELLABLE = (S.CREATED, S.IN_CART, S.UNPAID, S.UNSHIPPED)


def _money_state(order) -> dict:
    """What the order's payment was, what was refunded and what is left (None: not paid)."""
    payment = wallet_selectors.order_payment_get(order=order)
    if payment is None:
        return {"payment": None, "refunds": [], "refunded_minor": 0, "refundable_minor": 0}
    refunded = refunds.refunded_minor(payment)
    return {
        "payment": payment,
        "refunds": list(payment.refunds.order_by("created_at", "pk")),
        "refunded_minor": refunded,
        "refundable_minor": payment.net_minor - refunded,
    }


@operator_view(roles=DETAIL_ROLES)
@require_GET
def order_detail(request: HttpRequest, key: str) -> HttpResponse:
    """The order as its merchant sees it (lines, money, parcels, the same history), plus the
    merchant, internal notes, payment and refunds, and the actions the role may take."""
    order = order_get_for_operator(user=request.user, key=key)
    role = request.user.operator_role
    operates = role in OPS_ROLES or role == OperatorRole.ADMIN
    money = _money_state(order)
    parcels = order_selectors.order_parcels(order=order, include_cancelled=True)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "parcels": parcels,
        "events": list(order_selectors.order_events(order=order)),
        "notes": list(order_internal_notes(order=order)),
        **money,
        "can_operate": operates,
        "can_hold": operates and order.status in HOLDABLE and not order.on_hold,
        "can_release": operates and order.on_hold,
        "can_cancel": operates and order.status in CANCELLABLE,
        "can_replan": operates and not replan_blocked(order, parcels),
        "can_refund": role in (OperatorRole.FINANCE, OperatorRole.ADMIN)
        and money["refundable_minor"] > 0,
    }
    return render(request, "orders/ops/order_detail.html", context)


@operator_view(roles=OPS_ROLES)
def order_cancel_with_refund(request: HttpRequest, key: str) -> HttpResponse:
    """Confirmation page (GET), then the cancel (POST) — a paid order is refunded in full in the
    same transaction, to the configured destination."""
    order = order_get_for_operator(user=request.user, key=key)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        form_call(form, lambda: order_cancel(order=order, actor=request.user, reason=reason))
        if not form.errors:
            messages.success(request, gettext("Order %(code)s cancelled.") % {"code": order.code})
            return redirect("orders_ops:detail", order.public_id)
    context = {
        "order": order,
        "form": form,
        "title": _("Cancel the order"),
        "intro": _(
            "Reserved stock is released and the parcels are cancelled. A paid order is "
            "refunded in full (wallet, or the original method where this installation refunds "
            "to the source). This cannot be undone."
        ),
        "submit": _("Cancel the order"),
        "tone": "danger",
    }
    status = (
        (409 if form.errors and not form.has_error("reason") else 400) if form.is_bound else 200
    )
    return render(request, "orders/ops/order_action.html", context, status=status)


class ManualRefundForm(BootstrapFormMixin, forms.Form):
    """Amount (blank: everything left), reason, destination and the form's one-time token."""

    amount = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        label=_("Amount"),
        help_text=_("Leave blank to refund everything not yet refunded."),
    )
    reason = forms.CharField(
        max_length=refunds.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason"),
        help_text=_("Shown to the merchant on the refund and its credit note."),
    )
    destination = forms.ChoiceField(
        required=False,
        label=_("Destination"),
        choices=[("", _("Default rule")), *RefundDestination.choices],
        help_text=_(
            "Default: the wallet, or the original card / PayPal account where this "
            "installation refunds to the source. Wallet payments and delivered orders always go "
            "back to the wallet."
        ),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=refunds.MANUAL_TOKEN_MAX)


@operator_view(roles=FINANCE_ROLES)
def order_refund(request: HttpRequest, key: str) -> HttpResponse:
    """Finance's manual refund: the form (GET, with a fresh one-time token), then the refund
    (POST). A second submit of the same form shows the same refund instead of a second one."""
    order = order_get_for_operator(user=request.user, key=key)
    money = _money_state(order)
    if request.method == "POST":
        form = ManualRefundForm(request.POST)
    else:
        form = ManualRefundForm(initial={"token": secrets.token_hex(16)})
    currency = money["payment"].currency if money["payment"] else order.currency
    form.fields["amount"].label = gettext("Amount (%(currency)s)") % {"currency": currency}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        currency = money["payment"].currency if money["payment"] else order.currency
        amount = None if data["amount"] is None else Money.from_decimal(data["amount"], currency)
        refund = form_call(
            form,
            lambda: refunds.refund_manual(
                order=order,
                amount_minor=None if amount is None else amount.amount_minor,
                reason=data["reason"],
                destination=data["destination"],
                actor=request.user,
                request_token=data["token"],
            ),
        )
        if refund is not None:
            messages.success(
                request,
                gettext("Refund %(id)s of %(amount)s %(currency)s issued (%(destination)s).")
                % {
                    "id": refund.public_id,
                    "amount": Money(refund.amount_minor, refund.currency).wire(),
                    "currency": refund.currency,
                    "destination": refund.get_destination_display(),
                },
            )
            return redirect("orders_ops:detail", order.public_id)
    status = (409 if form.errors and not _field_errors(form) else 400) if form.is_bound else 200
    return render(
        request,
        "orders/ops/order_refund.html",
        {"order": order, "form": form, **money},
        status=status,
    )


def _field_errors(form: forms.Form) -> bool:
    return any(name for name in form.errors if name != "__all__")


@operator_view(roles=FINANCE_ROLES)
@require_GET
def refund_lookup(request: HttpRequest) -> HttpResponse:
    """From the refunds queue: an order code (or id) → that order's refund form."""
    key = (request.GET.get("order") or "").strip()
    try:
        order = order_get_for_operator(user=request.user, key=key)
    except DomainError:
        messages.error(
            request,
            gettext("No order %(key)s.") % {"key": repr(key)}
            if key
            else gettext("Enter an order code."),
        )
        return redirect(reverse("wallet_ops:refund_list"))
    return redirect("orders_ops:refund", order.public_id)
