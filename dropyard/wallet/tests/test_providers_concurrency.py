"""Provider webhooks delivered at the same time (threads, one connection each), PostgreSQL only:
Stripe redelivers and sends a Checkout Session's and a PaymentIntent's event together; the
top-up is credited once whatever the interleaving."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from dropyard.accounts.tests.factories import make_merchant
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.ledger import ledger_integrity_check, wallet_balance
from dropyard.wallet.models import LedgerTransaction, ProviderEvent
from dropyard.wallet.topups import topup_create, topup_quote

from . import providers_fakes
from .providers_fakes import (
    intent_succeeded,
    post_stripe,
    session_completed,
    stripe_event,
    stripe_signed,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

stripe_on = providers_fakes.stripe_on


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking and one connection per thread")


def test_concurrent_deliveries_credit_once(stripe_on):
    merchant = make_merchant(business_name="Race Co")
    topup = topup_create(
        merchant=merchant, provider=Provider.STRIPE, amount_minor=10_000, actor=merchant.owner
    )
    session = stripe_event("evt_s", "checkout.session.completed", session_completed(topup))
    intent = stripe_event("evt_i", "payment_intent.succeeded", intent_succeeded(topup))
    deliveries = [session, intent] * 5
    start = threading.Barrier(len(deliveries))

    def deliver(i: int) -> int:
        try:
            start.wait(timeout=30)
            payload = deliveries[i]
            return post_stripe(Client(), payload, stripe_signed(payload)).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
        statuses = list(pool.map(deliver, range(len(deliveries))))

    assert statuses == [200] * 10
    assert sorted(ProviderEvent.objects.values_list("event_id", flat=True)) == ["evt_i", "evt_s"]
    assert ProviderEvent.objects.filter(processed_at__isnull=True).count() == 0
    assert LedgerTransaction.objects.filter(kind="topup").count() == 1
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    credit = topup_quote(provider=Provider.STRIPE, amount_minor=10_000).credit_minor
    assert wallet_balance(merchant=merchant).available_minor == credit
    assert ledger_integrity_check() == []
