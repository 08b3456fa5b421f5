"""Card (Stripe) and PayPal: what comes back from a provider — its webhooks, the merchant's
return pages (top-ups and page payments of orders) with PayPal's capture, finance's retry of an
event. Any of them may pay orders, so they act through ``checkout.provider_events``.

Served under the wallet's URLs and names (``wallet_providers:…``, ``wallet_providers_ops:…``;
``config.urls`` joins these patterns to the wallet's). Webhook endpoints are public and
CSRF-exempt (the provider cannot hold our CSRF token); their authenticity is the provider's
signature, verified over the raw body before anything is stored.
"""

import logging
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dropyard.accounts.choices import Area, OperatorRole
from dropyard.core.access import merchant_view, operator_view, public_view
from dropyard.core.errors import DomainError
from dropyard.core.money import Money
from dropyard.orders import selectors as order_selectors
from dropyard.orders.choices import ParentOrderStatus
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.models import Payment, TopUp
from dropyard.wallet.providers import get_provider, payment_session_key, provider_enabled
from dropyard.wallet.providers import selectors as provider_selectors
from dropyard.wallet.providers.base import WebhookRejected, WebhookVerificationUnavailable

from . import provider_events

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
    row, created = provider_events.provider_event_receive(provider=provider, event=verified)
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


# --- Top-up return pages ---------------------------------------------------------------------


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
            provider_events.paypal_order_capture(order_id=topup.provider_reference)
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


# --- Finance: retry an event ------------------------------------------------------------------


@operator_view(roles=FINANCE)
@require_POST
def event_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Process an event again after its cause was fixed (e.g. the top-up now exists)."""
    event = provider_selectors.provider_event_get(pk=pk)
    try:
        row = provider_events.provider_event_retry(event=event, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if row.processed_at is not None:
            messages.success(request, gettext("Event processed."))
        else:
            messages.warning(
                request, gettext("Still not processed: %(error)s") % {"error": row.error}
            )
    return redirect("wallet_providers_ops:event_detail", pk=event.pk)


# --- Page payment of a parent order: return page, status, PayPal capture ----------------------
# ``wallet.views_providers.parent_payment_start`` opened the provider's page; the provider's
# verified event pays the orders (``checkout.services.parent_order_paid_by_provider``).


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
            provider_events.paypal_order_capture(order_id=order_id)
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
