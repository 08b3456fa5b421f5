"""Supplementary ("makeup", BT…) bills: finance (admin / finance operators) creates one for a
merchant, optionally linked to one of its orders, after a confirmation step; the merchant lists
its bills (status / type filters, pagination) and pays them from the wallet, one or several at
once (``bills.makeup_pay`` / ``bills.makeups_pay``), or by card / PayPal.

Every merchant read is scoped to ``request.merchant``: another merchant's bill code is "not
found" and pays nothing.
"""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.accounts import selectors as account_selectors
from dropyard.accounts.choices import Area, OperatorRole
from dropyard.core.access import merchant_view, operator_view
from dropyard.core.errors import DomainError
from dropyard.core.htmx import htmx_partial
from dropyard.core.lists import BulkAction, list_page
from dropyard.core.money import Money
from dropyard.orders import selectors as order_selectors
from dropyard.orders.exceptions import OrderNotFound

# Aliased: the module's own views are named after the services they call (makeup_pay…).
from . import bills as makeup_bills
from . import selectors
from .choices import MakeupStatus, MakeupType
from .forms import _AmountForm
from .ledger import wallet_balance
from .lists_bills import MakeupFilter, MakeupTable, OpsMakeupFilter, OpsMakeupTable
from .models import Makeup
from .providers import enabled_providers, payment_provider_options
from .providers import services as provider_services

FINANCE = {OperatorRole.FINANCE}
MAX_BULK = 100  # bills per "pay selected"


# --- Finance: create a bill ---------------------------------------------------------------------


class MakeupCreateForm(_AmountForm):
    merchant = forms.CharField(
        label=_("Merchant account number"),
        max_length=32,
        help_text=_("For example DY12345678."),
    )
    order = forms.CharField(
        label=_("Related order (optional)"),
        required=False,
        max_length=64,
        help_text=_("Order id, order number or DY code of that merchant."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=MakeupType.choices)
    reason = forms.CharField(
        label=_("Reason (shown to the merchant)"),
        max_length=makeup_bills.MAKEUP_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        number = (data.get("merchant") or "").strip()
        if number:
            try:
                data["merchant_obj"] = account_selectors.merchant_get_by_account_number(
                    account_number=number
                )
            except DomainError:
                self.add_error("merchant", _("No merchant account has this number."))
                return data
            key = (data.get("order") or "").strip()
            data["order_obj"] = None
            if key:
                try:
                    data["order_obj"] = order_selectors.order_get(
                        merchant=data["merchant_obj"], key=key
                    )
                except DomainError:
                    self.add_error("order", _("This merchant has no such order."))
        return data


@operator_view(roles=FINANCE)
@require_http_methods(["GET", "POST"])
def makeup_create(request: HttpRequest) -> HttpResponse:
    """Bill a merchant a price or freight difference. The first POST shows what will be billed;
    only a POST with ``confirm`` creates the bill (``bills.makeup_create``)."""
    form = MakeupCreateForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "1":
            try:
                bill = makeup_bills.makeup_create(
                    merchant=data["merchant_obj"],
                    related_order=data["order_obj"],
                    amount_minor=form.amount_minor(),
                    reason=data["reason"],
                    type=data["type"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    gettext("Supplementary bill %(code)s of %(amount)s created for %(merchant)s.")
                    % {
                        "code": bill.code,
                        "amount": Money(bill.amount_minor, bill.currency),
                        "merchant": bill.merchant.business_name,
                    },
                )
                return redirect("wallet_ops:makeup_create")
        else:
            confirming = True
    context = {
        "form": form,
        "confirming": confirming,
        "summary": _summary(form) if confirming else None,
    }
    return render(request, "wallet/ops/makeup_create.html", context)


def _summary(form: MakeupCreateForm) -> dict:
    data = form.cleaned_data
    return {
        "merchant": data["merchant_obj"],
        "order": data["order_obj"],
        "amount": Money(form.amount_minor(), "USD"),
        "type": MakeupType(data["type"]).label,
        "reason": data["reason"],
    }


# --- Finance: list and cancel -------------------------------------------------------------------


@operator_view(roles=FINANCE)
@require_GET
def ops_makeup_list(request: HttpRequest) -> HttpResponse:
    """Every merchant's supplementary bills (the generic list): search, merchant account
    number, status, type, day range; "Cancel…" on unpaid ones."""
    return list_page(
        request,
        queryset=selectors.makeup_list(merchant=None),
        filterset_class=OpsMakeupFilter,
        filter_kwargs={"select": partial(selectors.makeup_list, merchant=None)},
        table_class=OpsMakeupTable,
        table_kwargs={"exclude": ("select",)},
        template="wallet/ops/makeup_list.html",
        export_name="supplementary-bills",
        context={
            "title": gettext("Supplementary bills"),
            "noun": gettext_noop("bill"),
            "noun_plural": gettext_noop("bills"),
            "empty_template": "wallet/ops/partials/_makeup_empty.html",
            "results_actions_template": "wallet/partials/_list_export.html",
        },
    )


class MakeupCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=makeup_bills.MAKEUP_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@operator_view(roles=FINANCE)
@require_http_methods(["GET", "POST"])
def ops_makeup_cancel(request: HttpRequest, code: str) -> HttpResponse:
    """Confirmation page (GET) then cancellation (POST with a reason) of an UNPAID bill."""
    bill = get_object_or_404(Makeup.objects.select_related("merchant"), code=code)
    form = MakeupCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            makeup_bills.makeup_cancel(
                makeup=bill, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, gettext("Supplementary bill %(code)s cancelled.") % {"code": bill.code}
            )
        return redirect("wallet_ops:makeup_list")
    status = 200 if request.method == "GET" or form.is_valid() else 400
    context = {"bill": bill, "form": form, "unpaid_status": MakeupStatus.UNPAID}
    return render(request, "wallet/ops/makeup_cancel.html", context, status=status)


# --- Merchant: list and pay ---------------------------------------------------------------------


@merchant_view(area=Area.WALLET)
@require_GET
def makeup_list(request: HttpRequest) -> HttpResponse:
    """The merchant's supplementary bills (the generic list), with "Pay from wallet" for each
    unpaid one, and the ticked ones paid together from the wallet or by card / PayPal."""
    merchant = request.merchant
    select = partial(selectors.makeup_list, merchant=merchant)
    context: dict = {
        "title": gettext("Supplementary bills"),
        "noun": gettext_noop("bill"),
        "noun_plural": gettext_noop("bills"),
        "empty_text": gettext(
            "No supplementary bills. When a product price or freight changes after you paid an "
            "order, the bill appears here."
        ),
        "empty_filtered_text": gettext("No bill matches these filters."),
        "results_actions_template": "wallet/partials/_list_export.html",
        "bulk_testid": "makeup-bulk",
    }
    if not htmx_partial(request) and request.GET.get("export") != "csv":
        unpaid = selectors.makeup_list(merchant=merchant, status=MakeupStatus.UNPAID)
        context |= {
            "unpaid_count": unpaid.count(),
            "unpaid_total": Money(sum(unpaid.values_list("amount_minor", flat=True)), "USD"),
            "balance": wallet_balance(merchant=merchant),
        }
    return list_page(
        request,
        queryset=select(),
        filterset_class=MakeupFilter,
        filter_kwargs={"select": select},
        table_class=MakeupTable,
        table_kwargs={"exclude": ("merchant",)},
        bulk_actions=_pay_actions(),
        template="wallet/makeup_list.html",
        export_name="supplementary-bills",
        context=context,
    )


def _pay_actions() -> list[BulkAction]:
    """Pay the ticked bills from the wallet, or by each enabled provider (``makeup_pay_provider``
    reads the provider from the button's ``action``)."""
    actions = [
        BulkAction(
            name="wallet",
            label=gettext("Pay selected from wallet"),
            url=reverse("wallet:makeup_pay"),
            confirm=gettext("Pay the selected bills from your wallet?"),
            style="btn-primary",
            testid="makeup-pay-selected",
        )
    ]
    for option in payment_provider_options():
        question = gettext("Pay the selected bills: %(method)s?") % {"method": option["button"]}
        actions.append(
            BulkAction(
                name=option["name"],
                label=option["button"],
                url=reverse("wallet:makeup_pay_provider"),
                confirm=question,
                style="btn-outline-primary",
                testid=f"makeup-pay-{option['name']}",
            )
        )
    return actions


@merchant_view(area=Area.WALLET)
@require_POST
def makeup_pay(request: HttpRequest) -> HttpResponse:
    """Pay the selected bills (``codes``) from the wallet: one bill → ``makeup_pay``, several →
    ``makeups_pay`` (one ledger transaction). Unknown / another merchant's codes pay nothing."""
    # A row's own button posts "one": that bill only, whatever boxes are ticked.
    one = request.POST.get("one", "").strip()
    posted = [one] if one else request.POST.getlist("codes")
    codes = list(dict.fromkeys(c.strip() for c in posted if c.strip()))
    if not codes:
        messages.error(request, gettext("Select at least one bill to pay."))
        return redirect("wallet:makeup_list")
    if len(codes) > MAX_BULK:
        messages.error(
            request, gettext("Pay at most %(count)s bills at once.") % {"count": MAX_BULK}
        )
        return redirect("wallet:makeup_list")
    bills = list(Makeup.objects.filter(merchant=request.merchant, code__in=codes))
    if len(bills) != len(codes):
        messages.error(request, gettext("Supplementary bill not found."))
        return redirect("wallet:makeup_list")
    try:
        if len(bills) == 1:
            result = makeup_bills.makeup_pay(
                makeup=bills[0], actor=request.user, actor_label="wallet page"
            )
        else:
            result = makeup_bills.makeups_pay(
                merchant=request.merchant,
                makeups=bills,
                actor=request.user,
                actor_label="wallet page",
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if result.created:
            total = sum(p.net_minor for p in result.payments)
            messages.success(
                request,
                ngettext(
                    "Paid %(count)d bill from your wallet: %(amount)s.",
                    "Paid %(count)d bills from your wallet: %(amount)s.",
                    len(result.payments),
                )
                % {"count": len(result.payments), "amount": Money(total, bills[0].currency)},
            )
        else:
            messages.info(request, gettext("These bills were paid already."))
    return redirect("wallet:makeup_list")


# --- Merchant: pay by card / PayPal -------------------------------------------------------------
# The selected bills are bundled under one pay order (``makeup_pay_order_create``); the provider
# payment carries its ``BTP…`` code as reference and the provider's verified event pays the bills
# (``bills.makeup_pay_order_paid_by_provider``). The return page only waits for it.


@merchant_view(area=Area.WALLET)
@require_POST
def makeup_pay_provider(request: HttpRequest) -> HttpResponse:
    """Open the provider's hosted page for the selected unpaid bills (``codes``, ``provider``).
    Another merchant's or an unknown bill → 404; nothing is paid here."""
    # The list's bulk bar names the button's provider in "action".
    provider = request.POST.get("provider") or request.POST.get("action", "")
    codes = list(dict.fromkeys(c.strip() for c in request.POST.getlist("codes") if c.strip()))
    if provider not in enabled_providers():
        messages.error(request, gettext("That payment method is not available here."))
        return redirect("wallet:makeup_list")
    if not codes or len(codes) > MAX_BULK:
        messages.error(
            request, gettext("Select between 1 and %(count)s bills to pay.") % {"count": MAX_BULK}
        )
        return redirect("wallet:makeup_list")
    try:
        order = makeup_bills.makeup_pay_order_create(merchant=request.merchant, codes=codes)
    except OrderNotFound as exc:
        raise Http404("Supplementary bill not found.") from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("wallet:makeup_list")
    path = reverse("wallet:makeup_pay_return", kwargs={"pay_order_code": order.pay_order_code})
    return_url = f"{settings.SITE_URL}{path}"
    try:
        started = provider_services.provider_payment_start(
            provider=provider,
            amount_minor=order.amount_minor,
            currency=order.currency,
            reference=order.pay_order_code,
            description=f"Dropyard supplementary bills {order.pay_order_code} "
            f"({len(order.makeups)} bills)",
            return_url=return_url,
            cancel_url=f"{return_url}?cancelled=1",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("wallet:makeup_list")
    return redirect(started.redirect_url)


@merchant_view(area=Area.WALLET)
def makeup_pay_return(request: HttpRequest, pay_order_code: str) -> HttpResponse:
    """Back from the provider: "waiting for confirmation" until its event pays the bills; htmx
    polls the same URL for the status box. Another merchant's pay order → 404."""
    bills = list(
        Makeup.objects.filter(merchant=request.merchant, pay_order_code=pay_order_code).order_by(
            "pk"
        )
    )
    if not bills:
        raise Http404("Pay order not found.")
    if request.method != "GET":  # after the lookup: another merchant's pay order is 404 always
        return HttpResponseNotAllowed(["GET"])
    context = {
        "pay_order_code": pay_order_code,
        "bills": bills,
        "amount": Money(sum(b.amount_minor for b in bills), bills[0].currency),
        "pending": any(b.status == MakeupStatus.UNPAID for b in bills),
        "cancelled": request.GET.get("cancelled") == "1",
    }
    template = (
        "wallet/partials/_makeup_pay_status.html"
        if request.headers.get("HX-Request")
        else "wallet/makeup_pay_return.html"
    )
    return render(request, template, context)
