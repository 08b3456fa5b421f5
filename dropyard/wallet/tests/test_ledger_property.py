"""Property-based test of the ledger (hypothesis): random sequences of top-ups (with replayed
provider events), wallet payments with the discount, cancellation/partial refunds (with
replays) and reversals, checked against a simple model after every step.

Payments and refunds are posted with ``ledger_post`` in the shapes the payments and refunds
services use (wallet → order revenue + freight revenue − discount, and back), so the property
is about the ledger: every transaction sums to zero, no wallet below zero, every cached
balance equals the sum of its entries, and a replayed event or key credits once.
"""

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dropyard.wallet.choices import AccountKind, Provider, TopUpStatus
from dropyard.wallet.exceptions import InsufficientBalance, TopUpRefused, WalletError
from dropyard.wallet.ledger import (
    Posting,
    account_for,
    ledger_integrity_check,
    ledger_post,
    ledger_reverse,
    trial_balance_totals,
    wallet_balance,
)
from dropyard.wallet.models import LedgerTransaction, TopUp
from dropyard.wallet.selectors import statement
from dropyard.wallet.topups import topup_create, topup_credit, topup_quote

pytestmark = pytest.mark.django_db

DISCOUNT_BPS = 200  # 2%
_serial = itertools.count()

merchant_index = st.integers(min_value=0, max_value=1)
operations = st.one_of(
    st.tuples(
        st.just("topup"),
        merchant_index,
        st.sampled_from([Provider.SANDBOX, Provider.STRIPE, Provider.PAYPAL]),
        st.integers(min_value=500, max_value=60_000),  # some below the $10.00 minimum
        st.integers(min_value=0, max_value=4),  # provider event id: repeats are replays
    ),
    st.tuples(
        st.just("pay"),
        merchant_index,
        st.integers(min_value=1, max_value=25_000),  # products
        st.integers(min_value=0, max_value=3_000),  # freight
    ),
    st.tuples(
        st.just("refund"),
        st.integers(min_value=0, max_value=20),  # which payment (modulo)
        st.one_of(st.none(), st.integers(min_value=1, max_value=30_000)),  # None: cancel in full
        st.booleans(),  # replay the refund's key right after
    ),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=40)),
)


class Model:
    """What the wallets should hold, computed without the database."""

    def __init__(self, merchants):
        self.merchants = merchants
        self.wallet = [0, 0]
        self.topups: dict[tuple, tuple[TopUp, int]] = {}  # event → (top-up, merchant index)
        self.credits = 0
        self.payments: list[dict] = []
        self.transactions: list[tuple[LedgerTransaction, int, int]] = []  # txn, m, wallet delta
        self.reversed: set[int] = set()

    def wallet_account(self, m):
        return account_for(merchant=self.merchants[m], kind=AccountKind.WALLET_AVAILABLE)


def _topup(model, m, provider, amount, event):
    key = (m, provider, event)
    if key in model.topups:
        # A replayed provider event: the webhook handler credits the same top-up again.
        topup, _ = model.topups[key]
        credited = topup_credit(topup=topup, provider_reference=f"evt_{event}")
        assert credited.status == TopUpStatus.SUCCEEDED
        return
    merchant = model.merchants[m]
    if amount < 1000:
        with pytest.raises(TopUpRefused):
            topup_create(merchant=merchant, provider=provider, amount_minor=amount, actor=None)
        return
    topup = topup_create(merchant=merchant, provider=provider, amount_minor=amount, actor=None)
    topup = topup_credit(topup=topup, provider_reference=f"evt_{event}")
    credit = topup_quote(provider=provider, amount_minor=amount).credit_minor
    model.topups[key] = (topup, m)
    model.credits += 1
    model.wallet[m] += credit
    model.transactions.append((topup.transaction, m, credit))


def _pay(model, m, products, freight):
    gross = products + freight
    discount = gross * DISCOUNT_BPS // 10_000
    net = gross - discount
    postings = [
        Posting(model.wallet_account(m), -net),
        Posting(account_for(kind=AccountKind.ORDER_REVENUE), products),
    ]
    if freight:
        postings.append(Posting(account_for(kind=AccountKind.FREIGHT_REVENUE), freight))
    if discount:
        postings.append(Posting(account_for(kind=AccountKind.DISCOUNTS_GIVEN), -discount))
    key = f"pay:{next(_serial)}"
    if net > model.wallet[m]:
        with pytest.raises(InsufficientBalance) as refused:
            ledger_post(entries=postings, idempotency_key=key, kind="order_payment")
        assert refused.value.code == 1604000
        assert not LedgerTransaction.objects.filter(idempotency_key=key).exists()
        return
    txn, created = ledger_post(
        entries=postings, idempotency_key=key, kind="order_payment", merchant=model.merchants[m]
    )
    assert created
    model.wallet[m] -= net
    model.payments.append({"txn": txn, "m": m, "net": net, "refunded": 0, "refunds": 0})
    model.transactions.append((txn, m, -net))


def _refund(model, which, amount, replay):
    if not model.payments:
        return
    payment = model.payments[which % len(model.payments)]
    left = payment["net"] - payment["refunded"]
    if left == 0 or payment["txn"].pk in model.reversed:
        return
    amount = left if amount is None else min(amount, left)
    m = payment["m"]
    key = f"refund:{payment['txn'].public_id}:{payment['refunds']}"
    postings = [
        Posting(model.wallet_account(m), amount),
        Posting(account_for(kind=AccountKind.ORDER_REVENUE), -amount),
    ]
    txn, created = ledger_post(
        entries=postings, idempotency_key=key, kind="refund", merchant=model.merchants[m]
    )
    assert created
    if replay:
        again, created_again = ledger_post(
            entries=postings, idempotency_key=key, kind="refund", merchant=model.merchants[m]
        )
        assert (again.pk, created_again) == (txn.pk, False)
    payment["refunded"] += amount
    payment["refunds"] += 1
    model.wallet[m] += amount
    model.transactions.append((txn, m, amount))


def _reverse(model, which):
    if not model.transactions:
        return
    txn, m, delta = model.transactions[which % len(model.transactions)]
    key = f"reverse:{txn.public_id}"
    if txn.pk in model.reversed or txn.reverses_id is not None:
        with pytest.raises(WalletError):
            ledger_reverse(transaction=txn, actor=None, reason="test", idempotency_key=f"x{key}")
        return
    if model.wallet[m] - delta < 0:
        with pytest.raises(InsufficientBalance):
            ledger_reverse(transaction=txn, actor=None, reason="test", idempotency_key=key)
        return
    reversal = ledger_reverse(transaction=txn, actor=None, reason="test", idempotency_key=key)
    model.reversed.add(txn.pk)
    model.wallet[m] -= delta
    model.transactions.append((reversal, m, -delta))


def _check(model):
    for m, merchant in enumerate(model.merchants):
        available = wallet_balance(merchant=merchant).available_minor
        assert available == model.wallet[m]
        assert available >= 0
        rows = statement(merchant=merchant)
        assert rows.closing_minor == available
    assert ledger_integrity_check() == []
    assert set(trial_balance_totals().values()) <= {0}
    assert LedgerTransaction.objects.filter(kind="topup").count() == model.credits


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=1, max_size=25))
def test_ledger_invariants_hold_over_random_sequences(merchant, other_merchant, steps):
    # Each example runs in a transaction rolled back at the end: examples start from empty
    # wallets (the merchants themselves are shared).
    with transaction.atomic():
        model = Model([merchant, other_merchant])
        for step in steps:
            match step:
                case ("topup", m, provider, amount, event):
                    _topup(model, m, provider, amount, event)
                case ("pay", m, products, freight):
                    _pay(model, m, products, freight)
                case ("refund", which, amount, replay):
                    _refund(model, which, amount, replay)
                case ("reverse", which):
                    _reverse(model, which)
            _check(model)
        transaction.set_rollback(True)
