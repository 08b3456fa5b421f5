"""Card / PayPal buttons on the orders' payment page (contract payType 1 page payment): the
provider's hosted page is opened at the quote, the return page waits for the verified event,
and only that event pays the orders."""

import pytest
from django.urls import reverse

from dropyard.orders.choices import OrderStatus, ParentOrderStatus
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.models import Payment, ProviderEvent

from . import providers_fakes
from .payment_helpers import confirmed
from .providers_fakes import post_stripe, stripe_event, stripe_signed

pytestmark = pytest.mark.django_db

stripe_on = providers_fakes.stripe_on
paypal_on = providers_fakes.paypal_on
provider_http = providers_fakes.provider_http


@pytest.fixture
def world(db):
    return make_order_world()


def _pay_url(parent):
    return reverse("orders:pay", kwargs={"pay_id": parent.pay_id})


def _return_url(parent, name="payment_return"):
    return reverse(f"wallet_providers:{name}", kwargs={"pay_id": parent.pay_id})


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
    assert "hx-trigger" not in status  # no more polling


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
