"""Supplementary bills paid by card / PayPal: the provider's signed event for a bills' pay
order (``BTP…`` reference) pays the bills exactly once; a mismatch is credited to the wallet."""

import pytest
from django.urls import reverse

from dropyard.orders.exceptions import OrderNotFound
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet.choices import MakeupStatus, MakeupType
from dropyard.wallet.models import LedgerTransaction, Makeup, Payment, ProviderEvent

from . import providers_fakes
from .payment_helpers import available
from .providers_fakes import post_stripe, stripe_event, stripe_signed

pytestmark = pytest.mark.django_db

stripe_on = providers_fakes.stripe_on
provider_http = providers_fakes.provider_http


def _bills(merchant):
    return [
        wallet_bills.makeup_create(
            merchant=merchant, amount_minor=300, reason="freight", type=MakeupType.FREIGHT
        ),
        wallet_bills.makeup_create(
            merchant=merchant, amount_minor=450, reason="price", type=MakeupType.PRODUCT
        ),
    ]


def _session_paid(client, pay_order_code, *, amount, event_id="evt_bt1", intent="pi_bt1"):
    session = {
        "id": f"cs_{event_id}",
        "object": "checkout.session",
        "amount_total": amount,
        "currency": "usd",
        "payment_status": "paid",
        "payment_intent": intent,
        "metadata": {"dropyard_kind": "payment", "dropyard_ref": pay_order_code},
    }
    payload = stripe_event(event_id, "checkout.session.completed", session)
    return post_stripe(client, payload, stripe_signed(payload))


def test_signed_stripe_event_pays_the_bills_once(client, merchant, stripe_on):
    bills = _bills(merchant)
    order = wallet_bills.makeup_pay_order_create(merchant=merchant, codes=[b.code for b in bills])

    _session_paid(client, order.pay_order_code, amount=750)
    _session_paid(client, order.pay_order_code, amount=750)  # replayed event
    _session_paid(client, order.pay_order_code, amount=750, event_id="evt_bt2")  # duplicate

    statuses = set(Makeup.objects.values_list("status", flat=True))
    assert statuses == {MakeupStatus.PAID}
    assert Payment.objects.filter(makeup__isnull=False).count() == 2
    assert LedgerTransaction.objects.filter(kind="makeup_payment").count() == 1
    assert LedgerTransaction.objects.filter(kind="payment_credit").count() == 1
    assert available(merchant) == 0
    assert set(ProviderEvent.objects.values_list("error", flat=True)) == {""}


def test_amount_mismatch_is_credited_to_the_wallet_once(client, merchant, stripe_on):
    bills = _bills(merchant)
    order = wallet_bills.makeup_pay_order_create(merchant=merchant, codes=[b.code for b in bills])

    _session_paid(client, order.pay_order_code, amount=700)
    _session_paid(client, order.pay_order_code, amount=700, event_id="evt_bt2")

    assert set(Makeup.objects.values_list("status", flat=True)) == {MakeupStatus.UNPAID}
    assert available(merchant) == 700
    assert not Payment.objects.exists()


def test_a_bill_cancelled_meanwhile_leaves_the_money_in_the_wallet(merchant, operator_admin):
    bills = _bills(merchant)
    order = wallet_bills.makeup_pay_order_create(merchant=merchant, codes=[b.code for b in bills])
    wallet_bills.makeup_cancel(makeup=bills[0], actor=operator_admin, reason="billed by mistake")

    result = wallet_bills.makeup_pay_order_paid_by_provider(
        provider="stripe",
        reference=order.pay_order_code,
        amount_minor=750,
        provider_reference="pi_x",
    )

    assert result.credited_to_wallet_minor == 750
    assert available(merchant) == 750
    bills[1].refresh_from_db()
    assert bills[1].status == MakeupStatus.UNPAID


def test_unknown_pay_order_is_refused_and_changes_nothing(merchant):
    with pytest.raises(OrderNotFound):
        wallet_bills.makeup_pay_order_paid_by_provider(
            provider="stripe", reference="BTP000", amount_minor=750, provider_reference="pi_y"
        )
    assert not LedgerTransaction.objects.exists()


def test_pay_by_card_opens_checkout_for_the_bills_and_the_webhook_pays_once(
    client, merchant, owner, stripe_on, provider_http
):
    bills = _bills(merchant)
    client.force_login(owner)
    listing = client.get(reverse("wallet:makeup_list")).content.decode()
    assert 'data-testid="makeup-pay-stripe"' in listing

    response = client.post(
        reverse("wallet:makeup_pay_provider"),
        {"provider": "stripe", "codes": [b.code for b in bills]},
    )

    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.test/c/pay/cs_test_0"
    code = Makeup.objects.values_list("pay_order_code", flat=True).distinct().get()
    assert code.startswith("BTP")
    sent = provider_http.stripe.requests[0].form()
    assert sent["line_items[0][price_data][unit_amount]"] == "750"
    assert sent["metadata[dropyard_kind]"] == "payment"
    assert sent["metadata[dropyard_ref]"] == code
    back = reverse("wallet:makeup_pay_return", kwargs={"pay_order_code": code})
    assert sent["success_url"].endswith(back)
    assert "Waiting for confirmation" in client.get(back).content.decode()
    assert set(Makeup.objects.values_list("status", flat=True)) == {MakeupStatus.UNPAID}

    _session_paid(client, code, amount=750, intent="pi_card")
    _session_paid(client, code, amount=750, intent="pi_card")

    assert set(Makeup.objects.values_list("status", flat=True)) == {MakeupStatus.PAID}
    assert Payment.objects.count() == 2
    assert available(merchant) == 0
    done = client.get(back).content.decode()
    assert "Paid</span>" in done
    assert 'hx-trigger="every' not in done  # polling stopped (the bell loads on open)


def test_another_merchants_bill_or_pay_order_is_not_found(
    client, merchant, owner, other_merchant, stripe_on, provider_http
):
    theirs = _bills(other_merchant)
    order = wallet_bills.makeup_pay_order_create(
        merchant=other_merchant, codes=[b.code for b in theirs]
    )
    client.force_login(owner)

    response = client.post(
        reverse("wallet:makeup_pay_provider"), {"provider": "stripe", "codes": [theirs[0].code]}
    )
    page = client.get(
        reverse("wallet:makeup_pay_return", kwargs={"pay_order_code": order.pay_order_code})
    )

    assert response.status_code == 404
    assert page.status_code == 404
    assert provider_http.stripe.requests == []


def test_unconfigured_provider_is_refused_and_starts_nothing(client, merchant, owner):
    bills = _bills(merchant)
    client.force_login(owner)
    listing = client.get(reverse("wallet:makeup_list")).content.decode()
    response = client.post(
        reverse("wallet:makeup_pay_provider"), {"provider": "stripe", "codes": [bills[0].code]}
    )
    assert 'data-testid="makeup-pay-stripe"' not in listing
    assert response.status_code == 302
    assert set(Makeup.objects.values_list("pay_order_code", flat=True)) == {""}
