"""The merchant's order pages that need the wallet, served in the "orders" namespace under
/orders/ with the URLs and names they had in ``orders.views`` (``config.urls`` joins them to the
orders' patterns): cancelling (one order, a selection, a parcel's unshipped remainder — each
refunds what was paid, ``checkout.cancellation``) and the payment page (sandbox, card and
PayPal buttons priced by ``wallet.quotes``). The templates are the orders' own.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.views_helpers import flash_outcome
from dropyard.orders import selectors
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.forms import CancelForm
from dropyard.orders.models import ParentOrder
from dropyard.orders.view_helpers import back_url, detail_redirect, selected_orders
from dropyard.wallet import quotes as wallet_quotes
from dropyard.wallet.choices import Provider
from dropyard.wallet.providers import (
    enabled_providers,
    payment_provider_options,
    payment_session_key,
)
from dropyard.wallet.providers import services as provider_services

from .cancellation import order_cancel as cancel_order
from .cancellation import parcel_remainder_cancel

AREA = "orders"


# --- Cancel --------------------------------------------------------------------------------------


@merchant_view(area=AREA)
@require_POST
def bulk_cancel(request: HttpRequest) -> HttpResponse:
    """Two steps: the selection shows a confirmation page with a reason; that page cancels."""
    orders, missing = selected_orders(request)
    if not orders:
        messages.error(request, gettext("Select at least one order to cancel."))
        return redirect(back_url(request))
    form = CancelForm(request.POST if "confirmed" in request.POST else None)
    if form.is_bound and form.is_valid():
        done, refused = 0, []
        for order in orders:
            try:
                cancel_order(order=order, actor=request.user, reason=form.cleaned_data["reason"])
                done += 1
            except DomainError as exc:
                refused.append(f"{order.code}: {exc.message}")
        if done:
            messages.success(
                request,
                ngettext("%(count)d order cancelled.", "%(count)d orders cancelled.", done)
                % {"count": done},
            )
        if refused:
            messages.error(
                request, gettext("Not cancelled: %(reasons)s") % {"reasons": " · ".join(refused)}
            )
        return redirect(back_url(request))
    context = {"orders": orders, "missing": missing, "form": form, "next": back_url(request)}
    return render(request, "orders/bulk_cancel.html", context)


@merchant_view(area=AREA)
def order_cancel(request: HttpRequest, key: str) -> HttpResponse:
    order = selectors.order_get(
        merchant=request.merchant, key=key, store_ids=request.membership.store_scope
    )
    form = CancelForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        flash_outcome(
            request,
            lambda: cancel_order(order=order, actor=request.user, reason=reason),
            success=gettext("Order %(code)s cancelled.") % {"code": order.code},
        )
        return detail_redirect(order)
    return render(request, "orders/order_cancel.html", {"order": order, "form": form})


@merchant_view(area=AREA)
def order_cancel_remainder(request: HttpRequest, key: str, parcel: str) -> HttpResponse:
    """The merchant's "Cancel the items not shipped": a confirmation page (GET), then the
    cancel (POST)."""
    order = selectors.order_get(
        merchant=request.merchant, key=key, store_ids=request.membership.store_scope
    )
    remainder = selectors.order_parcel_get(order=order, public_id=parcel)
    if request.method == "POST":
        flash_outcome(
            request,
            lambda: parcel_remainder_cancel(order=order, parcel=remainder, actor=request.user),
            success=gettext("The items not shipped in parcel %(code)s are cancelled.")
            % {"code": remainder.code},
        )
        return detail_redirect(order)
    lines = list(remainder.lines.select_related("order_line__variant").order_by("pk"))
    context = {
        "order": order,
        "parcel": remainder,
        "lines": lines,
        "amount_minor": sum(pl.order_line.unit_price_minor * pl.quantity for pl in lines),
    }
    return render(request, "orders/order_cancel_remainder.html", context)


# --- Payment page --------------------------------------------------------------------------------


def _provider_payment_start(
    request: HttpRequest, parent: ParentOrder, provider: str
) -> HttpResponse:
    """Open the provider's hosted page for ``parent`` at its quote by that method (no wallet
    discount unless configured), or go back to the payment page with the refusal (provider
    not configured or refusing, nothing payable). Nothing is stored and nothing is paid here:
    the provider's verified event pays the orders (``checkout.provider_events``)."""
    back = redirect("orders:pay", pay_id=parent.pay_id)
    if provider not in enabled_providers():
        messages.error(request, gettext("That payment method is not available here."))
        return back
    path = reverse("wallet_providers:payment_return", kwargs={"pay_id": parent.pay_id})
    return_url = f"{settings.SITE_URL}{path}"
    try:
        quote = wallet_quotes.payment_quote(
            merchant=request.merchant, parent=parent, method=provider
        )
        started = provider_services.provider_payment_start(
            provider=provider,
            amount_minor=quote.net_minor,
            currency=quote.currency,
            reference=parent.pay_id,
            description=f"Dropyard payment {parent.pay_id} ({len(quote.lines)} orders)",
            return_url=return_url,
            cancel_url=f"{return_url}?cancelled=1",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return back
    if provider == Provider.PAYPAL:
        # The return page captures only the PayPal order this browser started.
        request.session[payment_session_key(parent.pay_id)] = started.provider_reference
    return redirect(started.redirect_url)


@merchant_view(area=AREA)
def pay_page(request: HttpRequest, pay_id: str) -> HttpResponse:
    parent = selectors.parent_order_get(merchant=request.merchant, pay_id=pay_id)
    if request.method == "POST" and request.POST.get("provider"):
        # "Pay by card" / "Pay with PayPal": off to the provider's hosted page.
        return _provider_payment_start(request, parent, request.POST["provider"])
    if request.method == "POST":
        paid = []
        try:
            paid = order_services.sandbox_pay(
                merchant=request.merchant, actor=request.user, shipments_id=parent.shipments_id
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Sandbox payment done: %(count)d order paid.",
                    "Sandbox payment done: %(count)d orders paid.",
                    len(paid),
                )
                % {"count": len(paid)}
                if paid
                else gettext("Nothing left to pay."),
            )
        return redirect("orders:pay", pay_id=pay_id)
    orders = list(parent.orders.select_related("merchant").order_by("pk"))
    context = {
        "parent": parent,
        "orders": orders,
        "sandbox_ok": order_services.sandbox_allowed(request.merchant)
        and all(o.in_sandbox for o in orders),
        "unpaid_ids": [o.public_id for o in orders if o.status == OrderStatus.UNPAID],
        "wallet_ok": request.membership.has_area("wallet"),
        "provider_options": payment_provider_options(),
    }
    return render(request, "orders/pay.html", context)
