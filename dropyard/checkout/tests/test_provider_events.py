"""Page payments of parent orders (contract payType 1) by card and PayPal, end to end: the
provider's verified event reaches the payment pipeline
(``checkout.services.parent_order_paid_by_provider``) and the orders are paid once, however many
events report the same payment."""

import pytest

from dropyard.checkout import provider_events
from dropyard.orders.choices import OrderStatus
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.exceptions import PaymentRefused
from dropyard.wallet.ledger import ledger_integrity_check
from dropyard.wallet.models import LedgerTransaction, Payment, ProviderEvent
from dropyard.wallet.providers import services
from dropyard.wallet.tests import providers_fakes
from dropyard.wallet.tests.payment_helpers import available, confirmed, platform_balance
from dropyard.wallet.tests.providers_fakes import (
    post_paypal,
    post_stripe,
    stripe_event,
    stripe_signed,
)

pytestmark = pytest.mark.django_db

stripe_on = providers_fakes.stripe_on
paypal_on = providers_fakes.paypal_on
provider_http = providers_fakes.provider_http


@pytest.fixture
def world(db):
    return make_order_world()


def _paid_session(reference: str, amount: int) -> dict:
    return {
        "id": "cs_pay_1",
        "object": "checkout.session",
        "amount_total": amount,
        "currency": "usd",
        "payment_status": "paid",
        "payment_intent": "pi_pay_1",
        "metadata": {"dropyard_kind": "payment", "dropyard_ref": reference},
    }


def _send(client, event_id, event_type, obj):
    payload = stripe_event(event_id, event_type, obj)
    return post_stripe(client, payload, stripe_signed(payload))


def test_card_page_payment_pays_the_orders_once(client, merchant, owner, world, stripe_on):
    parent, [order] = confirmed(merchant, owner, world, 1)
    session = _paid_session(parent.pay_id, 1500)
    intent = {**session, "object": "payment_intent", "id": "pi_pay_1", "amount_received": 1500}

    _send(client, "evt_1", "checkout.session.completed", session)
    _send(client, "evt_2", "payment_intent.succeeded", intent)
    _send(client, "evt_1", "checkout.session.completed", session)  # redelivered

    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED
    payment = Payment.objects.get()
    assert (payment.method, payment.provider_reference, payment.net_minor) == (
        "stripe",
        "pi_pay_1",
        1500,
    )
    assert LedgerTransaction.objects.count() == 1
    assert platform_balance(AccountKind.PROVIDER_CASH, "stripe") == -1500
    assert available(merchant) == 0
    assert ProviderEvent.objects.filter(processed_at__isnull=False).count() == 2
    assert ledger_integrity_check() == []


def test_card_page_payment_for_an_unknown_order_is_kept(client, stripe_on):
    response = _send(client, "evt_1", "checkout.session.completed", _paid_session("P404", 700))

    assert response.status_code == 200
    event = ProviderEvent.objects.get()
    assert event.processed_at is None
    assert event.error == "payment order P404 not found"
    assert LedgerTransaction.objects.count() == 0


def test_paypal_page_payment_capture_and_webhook_pay_once(
    client, merchant, owner, world, paypal_on, provider_http
):
    parent, [order] = confirmed(merchant, owner, world, 1)
    started = services.provider_payment_start(
        provider="paypal",
        amount_minor=1500,
        currency="USD",
        reference=parent.pay_id,
        description="1 order",
        return_url="https://shop.test/back",
    )
    assert started.redirect_url == "https://www.sandbox.paypal.test/checkoutnow?token=ORDER1"
    unit = provider_http.paypal.orders["ORDER1"]["unit"]
    assert unit["custom_id"] == f"payment:{parent.pay_id}"
    assert unit["amount"] == {"currency_code": "USD", "value": "15.00"}

    provider_events.paypal_order_capture(order_id="ORDER1")
    body, headers = provider_http.paypal.deliver(
        {
            "id": "WH-P1",
            "event_type": "PAYMENT.CAPTURE.COMPLETED",
            "resource": {
                "id": "CAP-ORDER1",
                "status": "COMPLETED",
                "amount": {"currency_code": "USD", "value": "15.00"},
                "custom_id": f"payment:{parent.pay_id}",
            },
        }
    )
    assert post_paypal(client, body, headers).json()["processed"] is True

    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED
    assert Payment.objects.get().provider_reference == "CAP-ORDER1"
    assert LedgerTransaction.objects.count() == 1
    assert available(merchant) == 0
    assert ledger_integrity_check() == []


# --- The payment pipeline's part ------------------------------------------------------------------


CALLS: list[dict] = []


def parent_order_paid_by_provider(**kwargs):
    CALLS.append(kwargs)


def test_page_payment_is_handed_to_the_payments_hook(client, stripe_on, monkeypatch):
    monkeypatch.setattr(
        provider_events, "parent_order_paid_by_provider", parent_order_paid_by_provider
    )
    CALLS.clear()

    _send(client, "evt_1", "checkout.session.completed", _paid_session("PAY-1", 12_345))
    pi = {**_paid_session("PAY-1", 12_345), "object": "payment_intent", "id": "pi_pay_1"}
    pi["amount_received"] = 12_345
    _send(client, "evt_2", "payment_intent.succeeded", pi)

    event = ProviderEvent.objects.get(event_id="evt_1")
    assert len(CALLS) == 1  # the PaymentIntent's event does not pay a second time
    call = CALLS[0]
    assert call.pop("event").pk == event.pk
    assert call == {
        "provider": "stripe",
        "reference": "PAY-1",
        "amount_minor": 12_345,
        "currency": "USD",
        "provider_reference": "pi_pay_1",
    }
    assert event.processed_at is not None


def _refusing_pipeline(**kwargs):
    raise PaymentRefused("nothing to pay: the orders are not awaiting payment")


def test_page_payment_refused_by_the_pipeline_keeps_the_error(client, stripe_on, monkeypatch):
    # (Was "without a handler": the pipeline is imported directly now, so what is left to check
    # is that its refusal keeps the event unprocessed with the reason, for finance to retry.)
    monkeypatch.setattr(provider_events, "parent_order_paid_by_provider", _refusing_pipeline)

    _send(client, "evt_1", "checkout.session.completed", _paid_session("PAY-1", 100))

    event = ProviderEvent.objects.get()
    assert event.processed_at is None
    assert event.error == "nothing to pay: the orders are not awaiting payment"
