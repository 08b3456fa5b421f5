"""What comes back from a card / PayPal provider (``checkout.views_providers``): the page payment
of orders from the orders' payment page (contract payType 1: the provider's hosted page is
opened at the quote, the return page waits for the verified event, and only that event pays the
orders), the top-up return pages with PayPal's capture, and finance's retry of an event."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.checkout import provider_events
from dropyard.orders.choices import OrderStatus, ParentOrderStatus
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.models import Payment, ProviderEvent, TopUp
from dropyard.wallet.providers.base import VerifiedEvent
from dropyard.wallet.tests import providers_fakes
from dropyard.wallet.tests.payment_helpers import confirmed
from dropyard.wallet.tests.providers_fakes import (
    post_stripe,
    session_completed,
    stripe_event,
    stripe_signed,
)
from dropyard.wallet.topups import topup_create

pytestmark = pytest.mark.django_db

stripe_on = providers_fakes.stripe_on
paypal_on = providers_fakes.paypal_on
provider_http = providers_fakes.provider_http

START = "/wallet/providers/topup/"


@pytest.fixture
def world(db):
    return make_order_world()


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


def _pay_url(parent):
    return reverse("orders:pay", kwargs={"pay_id": parent.pay_id})


def _return_url(parent, name="payment_return"):
    return reverse(f"wallet_providers:{name}", kwargs={"pay_id": parent.pay_id})


# --- Page payment of a parent order -------------------------------------------------------------


def test_pay_page_offers_only_the_configured_providers(client, merchant, owner, world, stripe_on):
    parent, _ = confirmed(merchant, owner, world, 1)
    client.force_login(owner)

    page = client.get(_pay_url(parent)).content.decode()

    assert 'data-testid="pay-stripe"' in page
    assert "Pay by card" in page
    assert 'data-testid="pay-paypal"' not in page


def test_pay_page_without_providers_has_no_buttons_and_refuses_a_forged_post(
    client, merchant, owner, world, provider_http
):
    parent, [order] = confirmed(merchant, owner, world, 1)
    client.force_login(owner)

    page = client.get(_pay_url(parent)).content.decode()
    response = client.post(_pay_url(parent), {"provider": "stripe"}, follow=True)

    assert 'data-testid="pay-providers"' not in page
    assert "That payment method is not available here." in response.content.decode()
    assert provider_http.requests == []
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID


def test_card_payment_opens_checkout_at_the_quote_and_the_webhook_pays(
    client, merchant, owner, world, stripe_on, provider_http
):
    parent, [order] = confirmed(merchant, owner, world, 1)
    client.force_login(owner)

    response = client.post(_pay_url(parent), {"provider": "stripe"})

    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.test/c/pay/cs_test_0"
    sent = provider_http.stripe.requests[0].form()
    assert sent["line_items[0][price_data][unit_amount]"] == "1500"  # no wallet discount
    assert sent["metadata[dropyard_kind]"] == "payment"
    assert sent["metadata[dropyard_ref]"] == parent.pay_id
    assert sent["success_url"].endswith(_return_url(parent))
    waiting = client.get(_return_url(parent)).content.decode()
    assert "Waiting for confirmation" in waiting
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID  # the redirect alone pays nothing

    session = {
        "id": "cs_test_0",
        "object": "checkout.session",
        "amount_total": 1500,
        "currency": "usd",
        "payment_status": "paid",
        "payment_intent": "pi_1",
        "metadata": {"dropyard_kind": "payment", "dropyard_ref": parent.pay_id},
    }
    payload = stripe_event("evt_1", "checkout.session.completed", session)
    post_stripe(client, payload, stripe_signed(payload))

    order.refresh_from_db()
    parent.refresh_from_db()
    assert (order.status, parent.status) == (OrderStatus.UNSHIPPED, ParentOrderStatus.PAID)
    assert Payment.objects.get().method == "stripe"
    status = client.get(_return_url(parent, "payment_status")).content.decode()
    assert "Paid</span> by Card (Stripe)" in status
    assert 'hx-trigger="every' not in status  # no more polling


def test_paypal_payment_is_captured_on_return_and_pays_once(
    client, merchant, owner, world, paypal_on, provider_http
):
    parent, [order] = confirmed(merchant, owner, world, 1)
    client.force_login(owner)

    response = client.post(_pay_url(parent), {"provider": "paypal"})
    assert response["Location"] == "https://www.sandbox.paypal.test/checkoutnow?token=ORDER1"
    unit = provider_http.paypal.orders["ORDER1"]["unit"]
    assert unit["custom_id"] == f"payment:{parent.pay_id}"
    assert unit["amount"] == {"currency_code": "USD", "value": "15.00"}

    back = client.get(_return_url(parent), {"token": "ORDER1", "PayerID": "X"}).content.decode()
    forged = client.get(_return_url(parent), {"token": "ORDER9"}).content.decode()
    assert 'data-testid="capture-trigger"' in back
    assert 'data-testid="capture-trigger"' not in forged
    captured = client.post(_return_url(parent, "payment_capture"))
    again = client.post(_return_url(parent, "payment_capture"))

    assert captured.status_code == 200
    assert again.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED
    assert Payment.objects.get().provider_reference == "CAP-ORDER1"
    assert ProviderEvent.objects.filter(processed_at__isnull=False).count() == 1


def test_capture_without_a_started_paypal_payment_is_refused(
    client, merchant, owner, world, paypal_on, provider_http
):
    parent, [order] = confirmed(merchant, owner, world, 1)
    client.force_login(owner)

    response = client.post(_return_url(parent, "payment_capture"))

    assert response.status_code == 409
    assert provider_http.requests == []
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID


def test_another_merchants_payment_pages_are_not_found(
    client, merchant, owner, other_merchant, world, stripe_on, provider_http
):
    parent, _ = confirmed(merchant, owner, world, 1)
    client.force_login(other_merchant.owner)

    for name in ("payment_return", "payment_status"):
        assert client.get(_return_url(parent, name)).status_code == 404
    assert client.post(_return_url(parent, "payment_capture")).status_code == 404
    assert client.post(_pay_url(parent), {"provider": "stripe"}).status_code == 404
    assert provider_http.requests == []


# --- Top-up return pages and PayPal capture -------------------------------------------------------


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
    assert 'hx-trigger="every' not in done  # polling stops


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


# --- Finance: retry an event ----------------------------------------------------------------------


def _event(event_id, event_type="customer.created", provider="stripe", obj=None):
    payload = {"id": event_id, "type": event_type, "data": {"object": obj or {}}}
    if provider == "paypal":
        payload = {"id": event_id, "event_type": event_type, "resource": obj or {}}
    row, _ = provider_events.provider_event_receive(
        provider=provider,
        event=VerifiedEvent(event_id=event_id, event_type=event_type, payload=payload),
    )
    return row


CALLS: list[dict] = []


def parent_order_paid_by_provider(**kwargs):
    CALLS.append(kwargs)


def test_retry_processes_an_event_once_its_cause_is_fixed(finance_client, monkeypatch):
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
    # The pipeline refuses it (no such payment order yet), so the event stays unprocessed.
    assert "Still not processed: payment order PAY-9 not found" in still

    # The cause fixed: the pipeline now takes the payment (a recorder stands in for it).
    monkeypatch.setattr(
        provider_events, "parent_order_paid_by_provider", parent_order_paid_by_provider
    )
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
