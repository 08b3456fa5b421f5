"""Card and PayPal pages of the wallet: the merchant's top-up start page, finance's events log.
(The return pages, captures and the retry of an event are the checkout's:
``checkout/tests/test_views_providers.py``.)"""

import pytest
from django.test import Client

from dropyard.accounts.tests.factories import make_operator
from dropyard.checkout import provider_events
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.models import ProviderEvent, TopUp
from dropyard.wallet.providers.base import VerifiedEvent
from dropyard.wallet.topups import topup_create

from . import providers_fakes
from .providers_fakes import (
    session_completed,
)

pytestmark = pytest.mark.django_db

# Fixtures shared by the provider tests (pytest finds them by these names).
paypal_on = providers_fakes.paypal_on
provider_http = providers_fakes.provider_http
stripe_on = providers_fakes.stripe_on

START = "/wallet/providers/topup/"


@pytest.fixture
def owner_client(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def finance_client():
    client = Client()
    client.force_login(make_operator(role="finance"))
    return client


# --- Start page ---------------------------------------------------------------------------------


def test_start_page_without_providers_says_so(owner_client, settings):
    settings.DROPYARD_STRIPE_SECRET_KEY = ""
    settings.DROPYARD_PAYPAL_CLIENT_ID = ""

    response = owner_client.get(START)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Card and PayPal top-ups are not configured" in html
    assert 'data-testid="pay-stripe"' not in html
    assert 'data-testid="pay-paypal"' not in html


def test_start_page_offers_only_configured_providers(owner_client, stripe_on):
    html = owner_client.get(START).content.decode()

    assert 'data-testid="pay-stripe"' in html
    assert "Pay by card" in html
    assert "Fee 2.90% + 0.30 USD, deducted from the amount" in html
    assert 'data-testid="pay-paypal"' not in html


def test_start_page_offers_both(owner_client, stripe_on, paypal_on):
    html = owner_client.get(START).content.decode()

    assert "Pay by card" in html
    assert "Pay with PayPal" in html


def test_pay_by_card_redirects_to_checkout(owner_client, merchant, stripe_on, provider_http):
    response = owner_client.post(START, {"amount": "25.00", "provider": "stripe"})

    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.test/c/pay/cs_test_0"
    topup = TopUp.objects.get()
    assert (topup.merchant, topup.provider, topup.status) == (merchant, "stripe", "pending")
    assert topup.amount_minor == 2500
    assert topup.provider_reference == "cs_test_0"
    form = provider_http.stripe.requests[0].form()
    assert form["success_url"] == (
        f"http://127.0.0.1:8000/wallet/providers/topup/{topup.public_id}/return/"
    )
    assert form["cancel_url"] == form["success_url"] + "?cancelled=1"


def test_pay_with_paypal_redirects_to_approval(owner_client, paypal_on, provider_http):
    response = owner_client.post(START, {"amount": "12.5", "provider": "paypal"})

    assert response.status_code == 302
    assert response["Location"] == "https://www.sandbox.paypal.test/checkoutnow?token=ORDER1"
    assert TopUp.objects.get().amount_minor == 1250


def test_amount_below_minimum_is_refused(owner_client, stripe_on, provider_http):
    response = owner_client.post(START, {"amount": "5.00", "provider": "stripe"})

    assert response.status_code == 400
    assert "The minimum top-up is 10.00 USD" in response.content.decode()
    assert TopUp.objects.count() == 0
    assert provider_http.requests == []


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "abc", "provider": "stripe"},
        {"amount": "-3", "provider": "stripe"},
        {"amount": "20.001", "provider": "stripe"},
        {"amount": "20", "provider": "paypal"},  # not configured here
        {"amount": "20", "provider": "sandbox"},
        {"provider": "stripe"},
    ],
)
def test_bad_input_changes_nothing(owner_client, stripe_on, provider_http, data):
    response = owner_client.post(START, data)

    assert response.status_code == 400
    assert TopUp.objects.count() == 0
    assert provider_http.requests == []


def test_provider_refusal_is_shown(owner_client, stripe_on, provider_http):
    provider_http.stripe.fail_with = (
        402,
        {"error": {"type": "card_error", "message": "Your account cannot take payments"}},
    )

    response = owner_client.post(START, {"amount": "25.00", "provider": "stripe"})

    assert response.status_code == 400
    assert "Your account cannot take payments" in response.content.decode()
    assert TopUp.objects.get().status == TopUpStatus.FAILED


def _stripe_topup(merchant, owner):
    return topup_create(merchant=merchant, provider=Provider.STRIPE, amount_minor=5000, actor=owner)


# --- Finance: events log ------------------------------------------------------------------------


def _event(event_id, event_type="customer.created", provider="stripe", obj=None):
    payload = {"id": event_id, "type": event_type, "data": {"object": obj or {}}}
    if provider == "paypal":
        payload = {"id": event_id, "event_type": event_type, "resource": obj or {}}
    row, _ = provider_events.provider_event_receive(
        provider=provider,
        event=VerifiedEvent(event_id=event_id, event_type=event_type, payload=payload),
    )
    return row


def test_events_log_lists_and_filters(finance_client, merchant, owner):
    topup = _stripe_topup(merchant, owner)
    _event("evt_a", "customer.created")
    bad = _event(
        "evt_b",
        "checkout.session.completed",
        obj={**session_completed(topup), "amount_total": 1},
    )
    _event("WH-c", "PAYMENT.SALE.COMPLETED", provider="paypal")
    assert bad.error.startswith("amount mismatch")

    def ids(query=""):
        html = finance_client.get(f"/ops/wallet/providers/events/{query}").content.decode()
        return [e for e in ("evt_a", "evt_b", "WH-c") if f">{e}<" in html]

    assert ids() == ["evt_a", "evt_b", "WH-c"]
    assert ids("?provider=paypal") == ["WH-c"]
    assert ids("?type=checkout") == ["evt_b"]
    assert ids("?status=error") == ["evt_b"]
    assert ids("?status=processed") == ["evt_a", "WH-c"]
    assert ids("?status=pending") == []
    empty = finance_client.get("/ops/wallet/providers/events/?status=pending").content.decode()
    assert "No events match these filters." in empty


def test_events_log_empty_and_paginated(finance_client):
    assert (
        "No provider events yet."
        in finance_client.get("/ops/wallet/providers/events/").content.decode()
    )
    for n in range(27):
        _event(f"evt_{n:02d}")

    first = finance_client.get("/ops/wallet/providers/events/").content.decode()
    second = finance_client.get("/ops/wallet/providers/events/?page=2").content.decode()

    assert first.count('data-testid="event-row"') == 25
    assert second.count('data-testid="event-row"') == 2
    assert "Page 2 of 2 · 27 in all" in second


def test_event_detail_shows_payload_and_result(finance_client, merchant, owner):
    topup = _stripe_topup(merchant, owner)
    event = _event(
        "evt_b", "checkout.session.completed", obj={**session_completed(topup), "amount_total": 1}
    )

    html = finance_client.get(f"/ops/wallet/providers/events/{event.pk}/").content.decode()

    assert "amount mismatch: top-up" in html
    assert "&quot;amount_total&quot;: 1," in html
    assert topup.public_id in html
    assert merchant.business_name in html
    assert 'data-testid="event-retry"' in html


def test_events_log_is_for_finance(owner_client, client, merchant):
    support = Client()
    support.force_login(make_operator(role="support"))

    assert support.get("/ops/wallet/providers/events/").status_code == 403
    assert owner_client.get("/ops/wallet/providers/events/").status_code == 403
    assert client.get("/ops/wallet/providers/events/").status_code == 302
    assert ProviderEvent.objects.count() == 0
