"""Supplementary ("makeup", BT…) bills: finance (admin / finance operators) creates one for a
merchant, optionally linked to one of its orders, after a confirmation step; the merchant lists
its bills (status / type filters, pagination) and pays them from the wallet, one or several at
once (``bills.makeup_pay`` / ``bills.makeups_pay``), or by card / PayPal.

Every merchant read is scoped to ``request.merchant``: another merchant's bill code is "not
found" and pays nothing.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.accounts import selectors as account_selectors
from dropyard.accounts.choices import Area, OperatorRole
from dropyard.core.access import merchant_view, operator_view
from dropyard.core.errors import DomainError
from dropyard.core.money import Money
from dropyard.core.pagination import paginate
from dropyard.core.views_helpers import list_response
from dropyard.orders import selectors as order_selectors
from dropyard.orders.exceptions import OrderNotFound

# Aliased: the module's own views are named after the services they call (makeup_pay…).
from . import bills as makeup_bills
from .choices import MakeupStatus, MakeupType
from .forms import _AmountForm
from .ledger import wallet_balance
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


class OpsMakeupFilterForm(forms.Form):
    merchant = forms.CharField(
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "DY12345678"}),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *MakeupStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    type = forms.ChoiceField(
        required=False,
        choices=[("", "Any type"), *MakeupType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"merchant": "", "status": "", "type": ""}
        return {k: (self.cleaned_data[k] or "").strip() for k in ("merchant", "status", "type")}


def all_makeups(*, merchant: str = "", status: str = "", type: str = ""):
    """Every merchant's bills for finance, newest first; ``merchant`` is an account number
    (exact, case-insensitive)."""
    qs = Makeup.objects.select_related("merchant", "related_order")
    if merchant:
        qs = qs.filter(merchant__account_number__iexact=merchant)
    if status in MakeupStatus.values:
        qs = qs.filter(status=status)
    if type in MakeupType.values:
        qs = qs.filter(type=type)
    return qs.order_by("-created_at", "-pk")


@operator_view(roles=FINANCE)
@require_GET
def ops_makeup_list(request: HttpRequest) -> HttpResponse:
    """All supplementary bills, filterable by status, merchant account number and type."""
    form = OpsMakeupFilterForm(request.GET)
    filters = form.filters()
    context = {
        "filter_form": form,
        "filtered": any(filters.values()),
        "page": paginate(request, all_makeups(**filters)),
        "unpaid_status": MakeupStatus.UNPAID,
    }
    return list_response(
        request, "wallet/ops/makeup_list.html", "wallet/ops/partials/_makeup_rows.html", context
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


class MakeupFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *MakeupStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    type = forms.ChoiceField(
        required=False,
        choices=[("", "Any type"), *MakeupType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": "", "type": ""}
        return {k: self.cleaned_data[k] for k in ("status", "type")}


def merchant_makeups(*, merchant, status: str = "", type: str = ""):
    """The merchant's bills, newest first, filtered by valid status / type values."""
    qs = Makeup.objects.filter(merchant=merchant).select_related("related_order")
    if status in MakeupStatus.values:
        qs = qs.filter(status=status)
    if type in MakeupType.values:
        qs = qs.filter(type=type)
    return qs.order_by("-created_at", "-pk")


@merchant_view(area=Area.WALLET)
@require_GET
def makeup_list(request: HttpRequest) -> HttpResponse:
    """The merchant's supplementary bills, with "Pay from wallet" for the unpaid ones."""
    form = MakeupFilterForm(request.GET)
    filters = form.filters()
    qs = merchant_makeups(merchant=request.merchant, **filters)
    unpaid = Makeup.objects.filter(merchant=request.merchant, status=MakeupStatus.UNPAID)
    context = {
        "filter_form": form,
        "filtered": any(filters.values()),
        "page": paginate(request, qs),
        "unpaid_count": unpaid.count(),
        "unpaid_total": Money(sum(unpaid.values_list("amount_minor", flat=True)), "USD"),
        "balance": wallet_balance(merchant=request.merchant),
        "unpaid_status": MakeupStatus.UNPAID,
        "provider_options": payment_provider_options(),
    }
    return list_response(request, "wallet/makeup_list.html", "wallet/makeup_rows.html", context)


@merchant_view(area=Area.WALLET)
@require_POST
def makeup_pay(request: HttpRequest) -> HttpResponse:
    """Pay the selected bills (``codes``) from the wallet: one bill → ``makeup_pay``, several →
    ``makeups_pay`` (one ledger transaction). Unknown / another merchant's codes pay nothing."""
    codes = list(dict.fromkeys(c.strip() for c in request.POST.getlist("codes") if c.strip()))
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
    provider = request.POST.get("provider", "")
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
