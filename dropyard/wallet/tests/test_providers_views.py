"""Card and PayPal pages: the merchant's top-up start and return pages, finance's events log."""

import pytest
from django.test import Client

from dropyard.accounts.tests.factories import make_operator
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.models import ProviderEvent, TopUp
from dropyard.wallet.providers import services
from dropyard.wallet.providers.base import VerifiedEvent
from dropyard.wallet.services import topup_create

from . import providers_fakes
from .providers_fakes import (
    post_stripe,
    session_completed,
    stripe_event,
    stripe_signed,
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


# --- Return page and status ---------------------------------------------------------------------


def _stripe_topup(merchant, owner):
    return topup_create(merchant=merchant, provider=Provider.STRIPE, amount_minor=5000, actor=owner)


def test_return_page_waits_then_shows_credited(owner_client, client, merchant, owner, stripe_on):
    topup = _stripe_topup(merchant, owner)
    url = f"/wallet/providers/topup/{topup.public_id}/return/"
    status_url = f"/wallet/providers/topup/{topup.public_id}/status/"

    waiting = owner_client.get(url).content.decode()
    assert "Waiting for confirmation from Card (Stripe)" in waiting
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in waiting

    payload = stripe_event("evt_1", "checkout.session.completed", session_completed(topup))
    assert post_stripe(client, payload, stripe_signed(payload)).status_code == 200

    done = owner_client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Credited" in done
    assert "50.00 USD received, fee 1.75 USD" in done
    assert "hx-trigger" not in done  # polling stops


def test_cancelled_return_says_nothing_was_charged(owner_client, merchant, owner, stripe_on):
    topup = _stripe_topup(merchant, owner)

    html = owner_client.get(
        f"/wallet/providers/topup/{topup.public_id}/return/?cancelled=1"
    ).content.decode()

    assert "nothing was charged" in html
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING


def test_another_merchants_topup_is_not_found(merchant, owner, other_merchant, stripe_on):
    topup = _stripe_topup(merchant, owner)
    client = Client()
    client.force_login(other_merchant.owner)

    for suffix in ("return/", "status/"):
        assert client.get(f"/wallet/providers/topup/{topup.public_id}/{suffix}").status_code == 404
    capture = client.post(f"/wallet/providers/topup/{topup.public_id}/capture/")
    assert capture.status_code == 404


def test_paypal_return_captures_and_credits(owner_client, merchant, paypal_on, provider_http):
    owner_client.post(START, {"amount": "50.00", "provider": "paypal"})
    topup = TopUp.objects.get()
    base = f"/wallet/providers/topup/{topup.public_id}"

    page = owner_client.get(f"{base}/return/?token=ORDER1&PayerID=PAYER1").content.decode()
    assert f'hx-post="{base}/capture/" hx-trigger="load"' in page
    forged = owner_client.get(f"{base}/return/?token=ORDER999").content.decode()
    assert 'hx-trigger="load"' not in forged

    response = owner_client.post(f"{base}/capture/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Credited" in response.content.decode()
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert topup.provider_reference == "CAP-ORDER1"


def test_capture_of_a_card_topup_is_refused(owner_client, merchant, owner, stripe_on):
    topup = _stripe_topup(merchant, owner)

    response = owner_client.post(f"/wallet/providers/topup/{topup.public_id}/capture/")

    assert response.status_code == 409
    assert "Only PayPal payments are captured here." in response.content.decode()


def test_capture_needs_post(owner_client, merchant, owner, stripe_on):
    topup = _stripe_topup(merchant, owner)

    assert owner_client.get(f"/wallet/providers/topup/{topup.public_id}/capture/").status_code == (
        405
    )


# --- Finance: events log ------------------------------------------------------------------------


def _event(event_id, event_type="customer.created", provider="stripe", obj=None):
    payload = {"id": event_id, "type": event_type, "data": {"object": obj or {}}}
    if provider == "paypal":
        payload = {"id": event_id, "event_type": event_type, "resource": obj or {}}
    row, _ = services.provider_event_receive(
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


CALLS: list[dict] = []


def parent_order_paid_by_provider(**kwargs):
    CALLS.append(kwargs)


def test_retry_processes_an_event_once_its_cause_is_fixed(finance_client, monkeypatch):
    monkeypatch.setattr(services, "PAYMENTS_MODULE", "dropyard.wallet.tests.no_such_module")
    obj = {
        "object": "checkout.session",
        "amount_total": 700,
        "currency": "usd",
        "payment_status": "paid",
        "payment_intent": "pi_9",
        "metadata": {"dropyard_kind": "payment", "dropyard_ref": "PAY-9"},
    }
    event = _event("evt_p", "checkout.session.completed", obj=obj)
    assert event.processed_at is None
    url = f"/ops/wallet/providers/events/{event.pk}/retry/"

    still = finance_client.post(url, follow=True).content.decode()
    assert "Still not processed: no handler for page payments" in still

    monkeypatch.setattr(services, "PAYMENTS_MODULE", __name__)
    CALLS.clear()
    done = finance_client.post(url, follow=True).content.decode()

    assert "Event processed." in done
    event.refresh_from_db()
    assert event.processed_at is not None
    assert event.error == ""
    assert [c["reference"] for c in CALLS] == ["PAY-9"]
    again = finance_client.post(url, follow=True).content.decode()
    assert "This event was processed already." in again
    assert len(CALLS) == 1


def test_events_log_is_for_finance(owner_client, client, merchant):
    support = Client()
    support.force_login(make_operator(role="support"))

    assert support.get("/ops/wallet/providers/events/").status_code == 403
    assert owner_client.get("/ops/wallet/providers/events/").status_code == 403
    assert client.get("/ops/wallet/providers/events/").status_code == 302
    assert ProviderEvent.objects.count() == 0
