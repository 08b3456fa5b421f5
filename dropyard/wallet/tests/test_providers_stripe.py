"""Stripe: Checkout for top-ups, webhooks signed with the stripe library's own helper, refunds.

Only the HTTP layer is fake (``provider_http``); webhook bodies are signed by
``stripe.WebhookSignature.generate_signature_header`` and verified by our endpoint through
``StripeClient.construct_event``.
"""

import time

import pytest

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.ledger import ledger_integrity_check, wallet_balance
from dropyard.wallet.models import LedgerTransaction, ProviderEvent, TopUp
from dropyard.wallet.providers import get_provider, services
from dropyard.wallet.providers.base import ProviderError, ProviderNotConfigured
from dropyard.wallet.topups import topup_create, topup_quote

from . import providers_fakes
from .providers_fakes import (
    STRIPE_WHSEC,
    intent_succeeded,
    post_stripe,
    session_completed,
    stripe_event,
    stripe_signed,
)

pytestmark = pytest.mark.django_db

# Fixtures shared by the provider tests (pytest finds them by these names).
provider_http = providers_fakes.provider_http
stripe_on = providers_fakes.stripe_on


@pytest.fixture
def topup(merchant, owner, stripe_on):
    return topup_create(merchant=merchant, provider=Provider.STRIPE, amount_minor=5000, actor=owner)


def _credit_for(amount: int) -> int:
    return topup_quote(provider=Provider.STRIPE, amount_minor=amount).credit_minor


def _send(client, event_id, event_type, obj, **sign):
    payload = stripe_event(event_id, event_type, obj)
    return post_stripe(client, payload, stripe_signed(payload, **sign))


# --- Valid events credit once -------------------------------------------------------------------


def test_signed_session_completed_credits_the_topup(client, topup, merchant):
    response = _send(client, "evt_1", "checkout.session.completed", session_completed(topup))

    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False, "processed": True}
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert topup.provider_reference == "pi_test_1"
    assert topup.fee_minor == 175  # 2.9% of 50.00 + 0.30
    assert wallet_balance(merchant=merchant).available_minor == 5000 - 175
    event = ProviderEvent.objects.get()
    assert (event.provider, event.event_id, event.event_type) == (
        "stripe",
        "evt_1",
        "checkout.session.completed",
    )
    assert event.signature_ok is True
    assert event.processed_at is not None
    assert event.error == ""
    assert event.payload["data"]["object"]["metadata"]["dropyard_ref"] == topup.public_id
    assert AuditEvent.objects.filter(action=AuditAction.TOPUP_CREDITED).count() == 1
    assert ledger_integrity_check() == []


def test_replayed_event_is_acknowledged_and_credits_once(client, topup, merchant):
    payload = stripe_event("evt_1", "checkout.session.completed", session_completed(topup))
    header = stripe_signed(payload)

    first = post_stripe(client, payload, header)
    second = post_stripe(client, payload, header)

    assert first.status_code == 200
    assert second.status_code == 200
    assert second.json() == {"received": True, "duplicate": True, "processed": True}
    assert ProviderEvent.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="topup").count() == 1
    assert wallet_balance(merchant=merchant).available_minor == _credit_for(5000)


def test_session_and_intent_events_of_one_payment_credit_once(client, topup, merchant):
    _send(client, "evt_1", "checkout.session.completed", session_completed(topup))
    response = _send(client, "evt_2", "payment_intent.succeeded", intent_succeeded(topup))

    assert response.json() == {"received": True, "duplicate": False, "processed": True}
    assert ProviderEvent.objects.filter(processed_at__isnull=False).count() == 2
    assert LedgerTransaction.objects.filter(kind="topup").count() == 1
    assert wallet_balance(merchant=merchant).available_minor == _credit_for(5000)


def test_intent_succeeded_alone_credits(client, topup, merchant):
    response = _send(client, "evt_9", "payment_intent.succeeded", intent_succeeded(topup))

    assert response.status_code == 200
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert topup.provider_reference == "pi_test_1"
    assert wallet_balance(merchant=merchant).available_minor == _credit_for(5000)


# --- Refused: nothing stored --------------------------------------------------------------------


def _assert_nothing_happened(topup, merchant):
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING
    assert ProviderEvent.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0
    assert wallet_balance(merchant=merchant).available_minor == 0


def test_tampered_body_is_refused(client, topup, merchant):
    payload = stripe_event("evt_1", "checkout.session.completed", session_completed(topup))
    header = stripe_signed(payload)
    tampered = payload.replace('"amount_total": 5000', '"amount_total": 500000')
    assert tampered != payload

    response = post_stripe(client, tampered, header)

    assert response.status_code == 400
    assert "signature" in response.json()["error"].lower()
    _assert_nothing_happened(topup, merchant)


def test_wrong_secret_is_refused(client, topup, merchant):
    response = _send(
        client,
        "evt_1",
        "checkout.session.completed",
        session_completed(topup),
        secret="whsec_someone_else",
    )

    assert response.status_code == 400
    _assert_nothing_happened(topup, merchant)


def test_old_timestamp_is_refused(client, topup, merchant):
    response = _send(
        client,
        "evt_1",
        "checkout.session.completed",
        session_completed(topup),
        timestamp=int(time.time()) - 600,  # the library's tolerance is 300 s
    )

    assert response.status_code == 400
    assert "tolerance" in response.json()["error"]
    _assert_nothing_happened(topup, merchant)


def test_missing_signature_header_is_refused(client, topup, merchant):
    payload = stripe_event("evt_1", "checkout.session.completed", session_completed(topup))

    response = post_stripe(client, payload, None)

    assert response.status_code == 400
    _assert_nothing_happened(topup, merchant)


def test_signed_body_that_is_not_json_is_refused(client, topup, merchant):
    body = "this is not json"

    response = post_stripe(client, body, stripe_signed(body))

    assert response.status_code == 400
    assert response.json() == {"error": "Stripe webhook body is not JSON"}
    _assert_nothing_happened(topup, merchant)


def test_get_is_not_allowed(client, stripe_on):
    assert client.get("/wallet/providers/stripe/webhook/").status_code == 405


def test_webhook_answers_404_when_stripe_is_not_configured(client, merchant, settings):
    settings.DROPYARD_STRIPE_SECRET_KEY = ""
    payload = stripe_event("evt_1", "customer.created", {"id": "cus_1"})

    response = post_stripe(client, payload, stripe_signed(payload))

    assert response.status_code == 404
    assert ProviderEvent.objects.count() == 0


# --- Verified but not credited ------------------------------------------------------------------


def test_unknown_topup_is_recorded_with_an_error(client, topup, merchant):
    obj = session_completed(topup)
    obj["metadata"]["dropyard_ref"] = "9999999999"

    response = _send(client, "evt_1", "checkout.session.completed", obj)

    assert response.status_code == 200
    assert response.json()["processed"] is False
    event = ProviderEvent.objects.get()
    assert event.processed_at is None
    assert event.error == "unknown top-up 9999999999"
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(4999, "usd"), (500000, "usd"), (5000, "eur")],
)
def test_amount_or_currency_mismatch_is_not_credited(client, topup, merchant, amount, currency):
    obj = session_completed(topup, amount=amount, currency=currency)

    response = _send(client, "evt_1", "checkout.session.completed", obj)

    assert response.status_code == 200
    event = ProviderEvent.objects.get()
    assert event.processed_at is None
    assert event.error == (
        f"amount mismatch: top-up {topup.public_id} is 5000 USD, "
        f"the provider reports {amount} {currency.upper()}"
    )
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING
    assert wallet_balance(merchant=merchant).available_minor == 0


def test_event_naming_another_merchant_is_not_credited(client, topup, merchant, other_merchant):
    obj = session_completed(topup, merchant=other_merchant.account_number)

    _send(client, "evt_1", "checkout.session.completed", obj)

    event = ProviderEvent.objects.get()
    assert event.error == (
        f"top-up {topup.public_id} belongs to another merchant than the event names"
    )
    assert LedgerTransaction.objects.count() == 0


def test_unpaid_session_is_recorded_but_not_credited(client, topup, merchant):
    response = _send(
        client, "evt_1", "checkout.session.completed", session_completed(topup, paid=False)
    )

    assert response.json()["processed"] is True
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING
    assert LedgerTransaction.objects.count() == 0


def test_async_payment_succeeded_credits(client, topup, merchant):
    _send(client, "evt_1", "checkout.session.completed", session_completed(topup, paid=False))
    _send(client, "evt_2", "checkout.session.async_payment_succeeded", session_completed(topup))

    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert wallet_balance(merchant=merchant).available_minor == _credit_for(5000)


def test_expired_session_fails_the_topup(client, topup, merchant):
    _send(client, "evt_1", "checkout.session.expired", session_completed(topup, paid=False))

    topup.refresh_from_db()
    assert topup.status == TopUpStatus.FAILED
    assert topup.decision_reason == "checkout expired"
    assert ProviderEvent.objects.get().processed_at is not None
    assert LedgerTransaction.objects.count() == 0


def test_payment_after_expiry_is_kept_for_finance(client, topup, merchant):
    _send(client, "evt_1", "checkout.session.expired", session_completed(topup, paid=False))
    _send(client, "evt_2", "payment_intent.succeeded", intent_succeeded(topup))

    event = ProviderEvent.objects.get(event_id="evt_2")
    assert event.processed_at is None
    assert event.error == f"paid but not credited: top-up {topup.public_id} is failed"
    assert LedgerTransaction.objects.count() == 0


def test_event_without_dropyard_metadata_is_recorded_and_ignored(client, stripe_on):
    response = _send(client, "evt_1", "customer.created", {"id": "cus_1", "object": "customer"})

    assert response.status_code == 200
    event = ProviderEvent.objects.get()
    assert event.processed_at is not None
    assert event.error == ""


# --- Outbound: Checkout Session and refunds -----------------------------------------------------


def _urls(topup):
    return (f"https://shop.test/r/{topup.public_id}", f"https://shop.test/c/{topup.public_id}")


def test_start_topup_creates_a_checkout_session(merchant, owner, stripe_on, provider_http):
    topup, started = services.provider_topup_start(
        merchant=merchant, provider="stripe", amount_minor=2500, actor=owner, urls=_urls
    )

    assert started.redirect_url == "https://checkout.stripe.test/c/pay/cs_test_0"
    assert started.provider_reference == "cs_test_0"
    assert TopUp.objects.get(pk=topup.pk).provider_reference == "cs_test_0"
    assert provider_http.paths() == ["POST /v1/checkout/sessions"]
    request = provider_http.stripe.requests[0]
    assert request.headers["authorization"] == "Bearer sk_test_dummy"
    assert request.headers["idempotency-key"] == f"dropyard-topup-{topup.public_id}"
    assert request.form() == {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "2500",
        "line_items[0][price_data][product_data][name]": f"Wallet top-up {topup.public_id}",
        "success_url": f"https://shop.test/r/{topup.public_id}",
        "cancel_url": f"https://shop.test/c/{topup.public_id}",
        "client_reference_id": topup.public_id,
        "metadata[dropyard_kind]": "topup",
        "metadata[dropyard_ref]": topup.public_id,
        "metadata[dropyard_merchant]": merchant.account_number,
        "payment_intent_data[metadata][dropyard_kind]": "topup",
        "payment_intent_data[metadata][dropyard_ref]": topup.public_id,
        "payment_intent_data[metadata][dropyard_merchant]": merchant.account_number,
    }
    assert topup.status == TopUpStatus.PENDING


def test_stripe_refusal_fails_the_topup(merchant, owner, stripe_on, provider_http):
    provider_http.stripe.fail_with = (
        400,
        {"error": {"type": "invalid_request_error", "message": "Amount too small"}},
    )

    with pytest.raises(ProviderError) as exc:
        services.provider_topup_start(
            merchant=merchant, provider="stripe", amount_minor=2500, actor=owner, urls=_urls
        )

    assert "Amount too small" in exc.value.message
    topup = TopUp.objects.get()
    assert topup.status == TopUpStatus.FAILED
    assert topup.decision_reason.startswith("could not start: Stripe refused the payment")
    assert LedgerTransaction.objects.count() == 0


def test_start_payment_carries_the_reference(stripe_on, provider_http):
    started = services.provider_payment_start(
        provider="stripe",
        amount_minor=9_900,
        currency="USD",
        reference="PAY-7",
        description="3 orders",
        return_url="https://shop.test/paid",
    )

    assert started.redirect_url.startswith("https://checkout.stripe.test/")
    form = provider_http.stripe.requests[0].form()
    assert form["metadata[dropyard_kind]"] == "payment"
    assert form["metadata[dropyard_ref]"] == "PAY-7"
    assert form["line_items[0][price_data][unit_amount]"] == "9900"
    assert form["line_items[0][price_data][product_data][name]"] == "3 orders"
    assert form["cancel_url"] == "https://shop.test/paid"


def test_refund_creates_a_stripe_refund(stripe_on, provider_http):
    result = get_provider("stripe").refund(
        provider_reference="pi_test_1",
        amount_minor=1_200,
        currency="USD",
        idempotency_key="refund:R1",
        reason="order cancelled",
    )

    assert (result.refund_id, result.status) == ("re_test_1", "succeeded")
    request = provider_http.stripe.requests[0]
    assert (request.method, request.path) == ("POST", "/v1/refunds")
    assert request.headers["idempotency-key"] == "refund:R1"
    assert request.form() == {
        "payment_intent": "pi_test_1",
        "amount": "1200",
        "metadata[reason]": "order cancelled",
    }


def test_provider_is_unavailable_without_keys(settings):
    settings.DROPYARD_STRIPE_SECRET_KEY = ""
    settings.DROPYARD_STRIPE_WEBHOOK_SECRET = STRIPE_WHSEC

    with pytest.raises(ProviderNotConfigured):
        get_provider("stripe")
