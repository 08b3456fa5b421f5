"""PayPal Orders v2: create and capture, webhook verification by PayPal, refunds.

PayPal's side is a fake server behind ``httpx.MockTransport`` (``provider_http``); our adapter,
services and webhook view run for real.
"""

import json

import pytest

from dropyard.checkout import provider_events
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.ledger import ledger_integrity_check, wallet_balance
from dropyard.wallet.models import LedgerTransaction, ProviderEvent, TopUp
from dropyard.wallet.providers import get_provider, services
from dropyard.wallet.providers.base import ProviderError
from dropyard.wallet.topups import topup_create, topup_quote

from . import providers_fakes
from .providers_fakes import (
    PAYPAL_WEBHOOK_ID,
    paypal_capture_event,
    post_paypal,
)

pytestmark = pytest.mark.django_db

# Fixtures shared by the provider tests (pytest finds them by these names).
paypal_on = providers_fakes.paypal_on
provider_http = providers_fakes.provider_http


@pytest.fixture
def topup(merchant, owner, paypal_on):
    return topup_create(merchant=merchant, provider=Provider.PAYPAL, amount_minor=5000, actor=owner)


def _credit(amount: int) -> int:
    return topup_quote(provider=Provider.PAYPAL, amount_minor=amount).credit_minor


def _urls(topup):
    return (f"https://shop.test/r/{topup.public_id}", f"https://shop.test/c/{topup.public_id}")


def _started(merchant, owner, amount=5000):
    return services.provider_topup_start(
        merchant=merchant, provider="paypal", amount_minor=amount, actor=owner, urls=_urls
    )


# --- Create and capture -------------------------------------------------------------------------


def test_start_topup_creates_an_order_to_approve(merchant, owner, paypal_on, provider_http):
    topup, started = _started(merchant, owner, amount=2550)

    assert started.redirect_url == "https://www.sandbox.paypal.test/checkoutnow?token=ORDER1"
    assert TopUp.objects.get(pk=topup.pk).provider_reference == "ORDER1"
    assert provider_http.paths() == ["POST /v1/oauth2/token", "POST /v2/checkout/orders"]
    token_request, order_request = provider_http.paypal.requests
    assert token_request.form() == {"grant_type": "client_credentials"}
    assert order_request.headers["authorization"] == "Bearer A21-test-token"
    assert order_request.headers["paypal-request-id"] == f"dropyard-topup-{topup.public_id}"
    assert order_request.json() == {
        "intent": "CAPTURE",
        "purchase_units": [
            {
                "reference_id": topup.public_id,
                "custom_id": f"topup:{topup.public_id}",
                "description": f"Wallet top-up {topup.public_id}",
                "amount": {"currency_code": "USD", "value": "25.50"},
            }
        ],
        "payment_source": {
            "paypal": {
                "experience_context": {
                    "return_url": f"https://shop.test/r/{topup.public_id}",
                    "cancel_url": f"https://shop.test/c/{topup.public_id}",
                    "user_action": "PAY_NOW",
                    "shipping_preference": "NO_SHIPPING",
                }
            }
        },
    }


def test_capture_credits_on_completed(merchant, owner, paypal_on, provider_http):
    topup, _ = _started(merchant, owner)

    event = provider_events.paypal_order_capture(order_id="ORDER1")

    assert event.event_id == "capture-CAP-ORDER1-COMPLETED"
    assert event.processed_at is not None
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert topup.provider_reference == "CAP-ORDER1"
    assert topup.fee_minor == 224  # 3.49% of 50.00 (1.745 → 1.75) + 0.49
    assert wallet_balance(merchant=merchant).available_minor == 5000 - 224
    capture_request = provider_http.paypal.requests[-1]
    assert capture_request.path == "/v2/checkout/orders/ORDER1/capture"
    assert capture_request.headers["paypal-request-id"] == "dropyard-capture-ORDER1"
    assert ledger_integrity_check() == []


def test_capturing_twice_credits_once(merchant, owner, paypal_on, provider_http):
    _started(merchant, owner)

    provider_events.paypal_order_capture(order_id="ORDER1")
    again = provider_events.paypal_order_capture(order_id="ORDER1")

    assert provider_http.paths()[-2:] == [
        "POST /v2/checkout/orders/ORDER1/capture",  # 422 ORDER_ALREADY_CAPTURED
        "GET /v2/checkout/orders/ORDER1",
    ]
    assert again.event_id == "capture-CAP-ORDER1-COMPLETED"
    assert ProviderEvent.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="topup").count() == 1
    assert wallet_balance(merchant=merchant).available_minor == _credit(5000)


def test_pending_capture_waits_for_the_webhook(merchant, owner, paypal_on, provider_http):
    topup, _ = _started(merchant, owner)
    provider_http.paypal.capture_status = "PENDING"

    event = provider_events.paypal_order_capture(order_id="ORDER1")

    assert event.event_id == "capture-CAP-ORDER1-PENDING"
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING
    assert LedgerTransaction.objects.count() == 0


def test_paypal_refusal_fails_the_topup(merchant, owner, paypal_on, provider_http, settings):
    settings.DROPYARD_PAYPAL_CLIENT_SECRET = "wrong"

    with pytest.raises(ProviderError) as exc:
        _started(merchant, owner)

    assert exc.value.message == "PayPal refused the call (invalid_client)"
    topup = TopUp.objects.get()
    assert topup.status == TopUpStatus.FAILED
    assert LedgerTransaction.objects.count() == 0


def test_refund_refunds_the_capture(paypal_on, provider_http):
    result = get_provider("paypal").refund(
        provider_reference="CAP-ORDER1",
        amount_minor=1_999,
        currency="USD",
        idempotency_key="refund:R9",
        reason="cancelled",
    )

    assert (result.refund_id, result.status) == ("REFUND-1", "COMPLETED")
    request = provider_http.paypal.requests[-1]
    assert request.path == "/v2/payments/captures/CAP-ORDER1/refund"
    assert request.headers["paypal-request-id"] == "refund:R9"
    assert request.json() == {
        "amount": {"currency_code": "USD", "value": "19.99"},
        "note_to_payer": "cancelled",
    }


# --- Webhooks -----------------------------------------------------------------------------------


def test_verified_capture_webhook_credits_once(client, topup, merchant, provider_http):
    body, headers = provider_http.paypal.deliver(paypal_capture_event("WH-1", topup))

    first = post_paypal(client, body, headers)
    second = post_paypal(client, body, headers)

    assert first.status_code == 200
    assert first.json() == {"received": True, "duplicate": False, "processed": True}
    assert second.json() == {"received": True, "duplicate": True, "processed": True}
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert topup.provider_reference == "CAP-WH-1"
    assert LedgerTransaction.objects.filter(kind="topup").count() == 1
    assert wallet_balance(merchant=merchant).available_minor == _credit(5000)
    verify = [r for r in provider_http.paypal.requests if "verify" in r.path][0]
    assert verify.json()["webhook_id"] == PAYPAL_WEBHOOK_ID
    assert verify.json()["webhook_event"] == json.loads(body)
    assert verify.json()["transmission_id"] == headers["PAYPAL-TRANSMISSION-ID"]


def test_tampered_webhook_fails_verification(client, topup, merchant, provider_http):
    body, headers = provider_http.paypal.deliver(paypal_capture_event("WH-1", topup))
    tampered = body.replace(b'"value": "50.00"', b'"value": "5000.00"')
    assert tampered != body

    response = post_paypal(client, tampered, headers)

    assert response.status_code == 400
    assert response.json() == {"error": "PayPal verification status FAILURE"}
    assert ProviderEvent.objects.count() == 0
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING


def test_webhook_without_transmission_headers_is_refused(client, topup, provider_http):
    body, headers = provider_http.paypal.deliver(paypal_capture_event("WH-1", topup))
    del headers["PAYPAL-TRANSMISSION-SIG"]

    response = post_paypal(client, body, headers)

    assert response.status_code == 400
    assert ProviderEvent.objects.count() == 0
    assert provider_http.paypal.requests == []  # refused before asking PayPal


def test_webhook_when_verification_is_down_asks_for_redelivery(client, topup, provider_http):
    provider_http.paypal.verify_down = True
    body, headers = provider_http.paypal.deliver(paypal_capture_event("WH-1", topup))

    response = post_paypal(client, body, headers)

    assert response.status_code == 503
    assert ProviderEvent.objects.count() == 0


def test_webhook_amount_mismatch_is_not_credited(client, topup, merchant, provider_http):
    body, headers = provider_http.paypal.deliver(paypal_capture_event("WH-1", topup, value="49.99"))

    response = post_paypal(client, body, headers)

    assert response.status_code == 200
    event = ProviderEvent.objects.get()
    assert event.error == (
        f"amount mismatch: top-up {topup.public_id} is 5000 USD, the provider reports 4999 USD"
    )
    assert wallet_balance(merchant=merchant).available_minor == 0


def test_capture_answer_and_webhook_credit_once(client, merchant, owner, paypal_on, provider_http):
    topup, _ = _started(merchant, owner)
    provider_events.paypal_order_capture(order_id="ORDER1")
    event = paypal_capture_event("WH-7", topup)
    event["resource"]["id"] = "CAP-ORDER1"
    body, headers = provider_http.paypal.deliver(event)

    response = post_paypal(client, body, headers)

    assert response.json()["processed"] is True
    assert ProviderEvent.objects.filter(processed_at__isnull=False).count() == 2
    assert LedgerTransaction.objects.filter(kind="topup").count() == 1
    assert wallet_balance(merchant=merchant).available_minor == _credit(5000)


def test_denied_capture_fails_the_topup(client, topup, provider_http):
    event = paypal_capture_event("WH-2", topup, status="DECLINED")
    event["event_type"] = "PAYMENT.CAPTURE.DECLINED"
    body, headers = provider_http.paypal.deliver(event)

    post_paypal(client, body, headers)

    topup.refresh_from_db()
    assert topup.status == TopUpStatus.FAILED
    assert topup.decision_reason == "paypal capture declined"


def test_webhook_answers_404_when_paypal_is_not_configured(client, settings):
    settings.DROPYARD_PAYPAL_WEBHOOK_ID = ""

    response = client.post(
        "/wallet/providers/paypal/webhook/", data=b"{}", content_type="application/json"
    )

    assert response.status_code == 404
