"""Card (Stripe) and PayPal: inbound provider webhooks, merchant top-up pages, the events log.

Webhook endpoints are public and CSRF-exempt (the provider cannot hold our CSRF token); their
authenticity is the provider's signature, verified over the raw body before anything is stored.
"""

import json
import logging
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dropyard.accounts.choices import Area, OperatorRole
from dropyard.core.access import merchant_view, operator_view, public_view
from dropyard.core.errors import DomainError
from dropyard.core.money import Money
from dropyard.core.pagination import paginate
from dropyard.core.views_helpers import list_response
from dropyard.orders import selectors as order_selectors
from dropyard.orders.choices import ParentOrderStatus

from .choices import Provider, TopUpStatus
from .models import Payment, TopUp
from .providers import (
    PROVIDER_LABELS,
    enabled_providers,
    get_provider,
    payment_session_key,
    provider_enabled,
)
from .providers import selectors as provider_selectors
from .providers import services as provider_services
from .providers.base import WebhookRejected, WebhookVerificationUnavailable
from .services import topup_fee_rule, topup_min_minor

logger = logging.getLogger(__name__)

FINANCE = {OperatorRole.FINANCE}


# --- Webhooks ---------------------------------------------------------------------------------


def _webhook(request: HttpRequest, provider: str) -> HttpResponse:
    if not provider_enabled(provider):
        return JsonResponse({"error": "provider not configured"}, status=404)
    adapter = get_provider(provider)
    try:
        verified = adapter.verify_webhook(body=request.body, headers=request.headers)
    except WebhookRejected as exc:
        logger.warning("%s webhook rejected: %s", provider, exc)
        return JsonResponse({"error": str(exc)}, status=400)
    except WebhookVerificationUnavailable as exc:
        logger.warning("%s webhook verification unavailable: %s", provider, exc)
        return JsonResponse({"error": "verification unavailable, retry later"}, status=503)
    row, created = provider_services.provider_event_receive(provider=provider, event=verified)
    return JsonResponse(
        {
            "received": True,
            "duplicate": not created,
            "processed": row.processed_at is not None,
        }
    )


@public_view
@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe events, signed with the endpoint's secret (``Stripe-Signature``)."""
    return _webhook(request, Provider.STRIPE)


@public_view
@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    """PayPal events, verified by PayPal's verify-webhook-signature API."""
    return _webhook(request, Provider.PAYPAL)


# --- Merchant top-up pages --------------------------------------------------------------------


class TopUpStartForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount (USD)", min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    provider = forms.ChoiceField(choices=())

    def __init__(self, *args, providers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p, Provider(p).label) for p in providers]

    def amount_minor(self) -> int:
        return Money.from_decimal(self.cleaned_data["amount"], "USD").amount_minor


def _fee_text(provider: str) -> str:
    rule = topup_fee_rule(provider)
    parts = []
    if rule.percent_bp:
        parts.append(f"{Decimal(rule.percent_bp) / 100:.2f}%".replace(".00%", "%"))
    if rule.fixed_minor:
        parts.append(str(Money(rule.fixed_minor, "USD")))
    if not parts:
        return "No fee"
    who = "deducted from the amount" if rule.absorbed_by == "merchant" else "paid by us"
    return f"Fee {' + '.join(parts)}, {who}"


def _topup_urls(topup: TopUp) -> tuple[str, str]:
    path = reverse("wallet_providers:topup_return", kwargs={"public_id": topup.public_id})
    url = f"{settings.SITE_URL}{path}"
    return url, f"{url}?cancelled=1"


@merchant_view(area=Area.WALLET)
@require_http_methods(["GET", "POST"])
def topup_start(request: HttpRequest) -> HttpResponse:
    """Choose an amount, then "Pay by card" / "Pay with PayPal" (configured providers only)."""
    providers = enabled_providers()
    form = TopUpStartForm(request.POST or None, providers=providers)
    if request.method == "POST" and providers and form.is_valid():
        try:
            _topup, started = provider_services.provider_topup_start(
                merchant=request.merchant,
                provider=form.cleaned_data["provider"],
                amount_minor=form.amount_minor(),
                actor=request.user,
                urls=_topup_urls,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(started.redirect_url)
    options = [{"name": p, "button": PROVIDER_LABELS[p], "fee": _fee_text(p)} for p in providers]
    context = {
        "form": form,
        "options": options,
        "minimum": Money(topup_min_minor(), "USD"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "wallet/providers/topup_start.html", context, status=status)


def _own_topup(request: HttpRequest, public_id: str, method: str) -> TopUp | None:
    """The merchant's top-up (another merchant's id: 404 whatever the method); None when the
    request uses another method than ``method``."""
    topup = provider_selectors.provider_topup_get(merchant=request.merchant, public_id=public_id)
    return topup if request.method == method else None


def _status_context(topup: TopUp) -> dict:
    return {
        "topup": topup,
        "amount": Money(topup.amount_minor, topup.currency),
        "fee": Money(topup.fee_minor, topup.currency),
        "pending": topup.status == TopUpStatus.PENDING,
        "succeeded": topup.status == TopUpStatus.SUCCEEDED,
    }


@merchant_view(area=Area.WALLET)
def topup_return(request: HttpRequest, public_id: str) -> HttpResponse:
    """Back from the provider: "waiting for confirmation" until the webhook credits it."""
    topup = _own_topup(request, public_id, "GET")
    if topup is None:
        return HttpResponseNotAllowed(["GET"])
    context = _status_context(topup)
    context["cancelled"] = request.GET.get("cancelled") == "1"
    # PayPal sends the buyer back with the approved order id; we capture it (server side).
    context["capture"] = (
        topup.provider == Provider.PAYPAL
        and context["pending"]
        and not context["cancelled"]
        and bool(topup.provider_reference)
        and request.GET.get("token") == topup.provider_reference
    )
    return render(request, "wallet/providers/topup_return.html", context)


@merchant_view(area=Area.WALLET)
def topup_status(request: HttpRequest, public_id: str) -> HttpResponse:
    """The status box, polled by the return page while the top-up is pending."""
    topup = _own_topup(request, public_id, "GET")
    if topup is None:
        return HttpResponseNotAllowed(["GET"])
    return render(request, "wallet/providers/partials/_topup_status.html", _status_context(topup))


@merchant_view(area=Area.WALLET)
def topup_capture(request: HttpRequest, public_id: str) -> HttpResponse:
    """Capture the approved PayPal order of this top-up; answer with the status box."""
    topup = _own_topup(request, public_id, "POST")
    if topup is None:
        return HttpResponseNotAllowed(["POST"])
    context_error = ""
    if topup.provider != Provider.PAYPAL:
        context_error = "Only PayPal payments are captured here."
    elif topup.status == TopUpStatus.PENDING and topup.provider_reference:
        try:
            provider_services.paypal_order_capture(order_id=topup.provider_reference)
        except DomainError as exc:
            context_error = exc.message
        topup.refresh_from_db()
    context = _status_context(topup)
    context["capture_error"] = context_error
    return render(
        request,
        "wallet/providers/partials/_topup_status.html",
        context,
        status=409 if context_error else 200,
    )


# --- Finance: provider events log -------------------------------------------------------------


class EventFilterForm(forms.Form):
    provider = forms.ChoiceField(
        required=False,
        choices=[("", "All providers"), (Provider.STRIPE, "Stripe"), (Provider.PAYPAL, "PayPal")],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    type = forms.CharField(
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "Event type", "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *provider_selectors.EVENT_STATUSES.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"provider": "", "event_type": "", "status": ""}
        data = self.cleaned_data
        return {
            "provider": data["provider"],
            "event_type": data["type"].strip(),
            "status": data["status"],
        }


@operator_view(roles=FINANCE)
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    filter_form = EventFilterForm(request.GET)
    filters = filter_form.filters()
    page = paginate(request, provider_selectors.provider_event_list(**filters))
    rows = [(event, provider_selectors.event_status(event)) for event in page]
    context = {
        "page_obj": page,
        "rows": rows,
        "filter_form": filter_form,
        "filtered": any(filters.values()),
    }
    return list_response(
        request,
        "wallet/providers/ops/event_list.html",
        "wallet/providers/ops/partials/_event_results.html",
        context,
    )


@operator_view(roles=FINANCE)
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = provider_selectors.provider_event_get(pk=pk)
    topup = provider_selectors.provider_event_topup(event=event)
    context = {
        "event": event,
        "status": provider_selectors.event_status(event),
        "payload": json.dumps(event.payload, indent=2, sort_keys=True),
        "topup": topup,
        "topup_amount": Money(topup.amount_minor, topup.currency) if topup else None,
    }
    return render(request, "wallet/providers/ops/event_detail.html", context)


@operator_view(roles=FINANCE)
@require_POST
def event_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Process an event again after its cause was fixed (e.g. the top-up now exists)."""
    event = provider_selectors.provider_event_get(pk=pk)
    try:
        row = provider_services.provider_event_retry(event=event, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if row.processed_at is not None:
            messages.success(request, "Event processed.")
        else:
            messages.warning(request, f"Still not processed: {row.error}")
    return redirect("wallet_providers_ops:event_detail", pk=event.pk)


# --- Card / PayPal page payment of a parent payment order (contract payType 1) ----------------
# The orders' payment page (``orders.views.pay_page``) shows the buttons and opens the
# provider's hosted page; the provider's verified event pays the orders
# (``payments.parent_order_paid_by_provider``). The return page only waits for it.


def _own_parent(request: HttpRequest, pay_id: str, method: str) -> Any:
    """The merchant's parent order (another merchant's pay id: 404 whatever the method); None
    when the request uses another method than ``method``."""
    parent = order_selectors.parent_order_get(merchant=request.merchant, pay_id=pay_id)
    return parent if request.method == method else None


def _payment_context(parent: Any) -> dict[str, Any]:
    paid_by = Payment.objects.filter(parent=parent).order_by("pk").first()
    return {
        "parent": parent,
        "amount": Money(parent.amount_minor, parent.currency),
        "pending": parent.status != ParentOrderStatus.PAID,
        "method": paid_by.get_method_display() if paid_by is not None else "",
    }


@merchant_view(area=Area.ORDERS)
def payment_return(request: HttpRequest, pay_id: str) -> HttpResponse:
    """Back from the provider: "waiting for confirmation" until its webhook pays the orders."""
    parent = _own_parent(request, pay_id, "GET")
    if parent is None:
        return HttpResponseNotAllowed(["GET"])
    context = _payment_context(parent)
    context["cancelled"] = request.GET.get("cancelled") == "1"
    token = request.GET.get("token", "")
    context["capture"] = (
        context["pending"]
        and not context["cancelled"]
        and bool(token)
        and request.session.get(payment_session_key(pay_id)) == token
    )
    return render(request, "wallet/providers/payment_return.html", context)


@merchant_view(area=Area.ORDERS)
def payment_status(request: HttpRequest, pay_id: str) -> HttpResponse:
    """The status box, polled by the return page while the payment is pending."""
    parent = _own_parent(request, pay_id, "GET")
    if parent is None:
        return HttpResponseNotAllowed(["GET"])
    return render(
        request, "wallet/providers/partials/_payment_status.html", _payment_context(parent)
    )


@merchant_view(area=Area.ORDERS)
def payment_capture(request: HttpRequest, pay_id: str) -> HttpResponse:
    """Capture the approved PayPal order this browser started for the parent order."""
    parent = _own_parent(request, pay_id, "POST")
    if parent is None:
        return HttpResponseNotAllowed(["POST"])
    order_id = request.session.get(payment_session_key(pay_id), "")
    error = ""
    if not order_id:
        error = "No PayPal payment was started for this payment order here."
    elif parent.status != ParentOrderStatus.PAID:
        try:
            provider_services.paypal_order_capture(order_id=order_id)
        except DomainError as exc:
            error = exc.message
        parent.refresh_from_db()
    context = _payment_context(parent)
    context["capture_error"] = error
    return render(
        request,
        "wallet/providers/partials/_payment_status.html",
        context,
        status=409 if error else 200,
    )
