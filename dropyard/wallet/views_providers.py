"""Card (Stripe) and PayPal, the wallet's pages: starting a top-up, starting a page payment of
orders, finance's provider events log.

What comes back from a provider — its webhooks, the return pages, PayPal captures, finance's
retry of an event — may pay orders, so those pages are the checkout's
(``checkout.views_providers``), served under the same URLs and names (``wallet_providers:…``).
"""

import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from dropyard.accounts.choices import Area, OperatorRole
from dropyard.core.access import merchant_view, operator_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import list_page
from dropyard.core.money import Money

from .choices import Provider
from .lists import EventFilter, EventTable
from .models import TopUp
from .providers import PROVIDER_LABELS, enabled_providers
from .providers import selectors as provider_selectors
from .providers import services as provider_services
from .topups import topup_fee_rule, topup_min_minor

FINANCE = {OperatorRole.FINANCE}


# --- Merchant top-up pages --------------------------------------------------------------------


class TopUpStartForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (USD)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
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
        return gettext("No fee")
    if rule.absorbed_by == "merchant":
        return gettext("Fee %(fee)s, deducted from the amount") % {"fee": " + ".join(parts)}
    return gettext("Fee %(fee)s, paid by us") % {"fee": " + ".join(parts)}


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
    options = [
        {"name": p, "button": str(PROVIDER_LABELS[p]), "fee": _fee_text(p)} for p in providers
    ]
    context = {
        "form": form,
        "options": options,
        "minimum": Money(topup_min_minor(), "USD"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "wallet/providers/topup_start.html", context, status=status)


# --- Finance: provider events log -------------------------------------------------------------


@operator_view(roles=FINANCE)
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        queryset=provider_selectors.provider_event_list(),
        filterset_class=EventFilter,
        filter_kwargs={"select": provider_selectors.provider_event_list},
        table_class=EventTable,
        template="wallet/providers/ops/event_list.html",
        export_name="provider-events",
        context={
            "title": gettext("Provider events"),
            "noun": gettext_noop("event"),
            "noun_plural": gettext_noop("events"),
            "empty_filtered_text": gettext("No events match these filters."),
            "empty_text": gettext("No provider events yet."),
        },
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
