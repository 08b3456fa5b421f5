"""Statements reconcile; the trial balance totals zero; the integrity check finds tampering."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dropyard.wallet.choices import AccountKind
from dropyard.wallet.models import Account, Entry, LedgerTransaction
from dropyard.wallet.selectors import (
    ledger_integrity_check,
    merchant_topups,
    statement,
    topup_for_merchant,
    trial_balance,
    trial_balance_totals,
)
from dropyard.wallet.services import Posting, account_for, ledger_post, sandbox_topup

pytestmark = pytest.mark.django_db


def _pay(merchant, amount, key):
    ledger_post(
        entries=[
            Posting(account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE), -amount),
            Posting(account_for(kind=AccountKind.ORDER_REVENUE), amount),
        ],
        idempotency_key=key,
        kind="order_payment",
        merchant=merchant,
        memo=f"payment {key}",
    )


def _backdate(key, days):
    LedgerTransaction.objects.filter(idempotency_key=key).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_statement_for_a_date_range_reconciles(merchant, owner, other_merchant):
    first = sandbox_topup(merchant=merchant, amount_minor=10_000, actor=owner)
    _backdate(first.transaction.idempotency_key, 10)
    _pay(merchant, 2_000, "p-old")
    _backdate("p-old", 9)
    _pay(merchant, 1_500, "p1")
    sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner)
    _pay(merchant, 700, "p2")
    sandbox_topup(merchant=other_merchant, amount_minor=9_900, actor=None)  # not on this statement

    start = timezone.now() - timedelta(days=1)
    result = statement(merchant=merchant, date_from=start, date_to=timezone.now())

    assert result.opening_minor == 8_000
    assert [row.amount_minor for row in result.rows] == [-1_500, 5_000, -700]
    assert [row.balance_minor for row in result.rows] == [6_500, 11_500, 10_800]
    assert result.closing_minor == 10_800
    assert result.credits_minor == 5_000
    assert result.debits_minor == -2_200
    assert result.closing_minor == (
        result.opening_minor + sum(row.amount_minor for row in result.rows)
    )
    assert result.rows[0].memo == "payment p1"
    assert result.rows[0].kind == "order_payment"
    # The balance after the last row is the wallet's balance now.
    assert result.closing_minor == (
        Account.objects.get(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE).balance_minor
    )

    older = statement(merchant=merchant, date_to=start)
    assert (older.opening_minor, older.closing_minor, len(older.rows)) == (0, 8_000, 2)


def test_statement_without_account_is_empty(merchant):
    result = statement(merchant=merchant)
    assert (result.opening_minor, result.closing_minor, result.rows) == (0, 0, [])


def test_statement_is_only_for_wallet_accounts(merchant):
    with pytest.raises(ValueError, match="wallet"):
        statement(merchant=merchant, kind=AccountKind.ORDER_REVENUE)


def test_trial_balance_lists_every_account_and_totals_zero(merchant, other_merchant, owner):
    sandbox_topup(merchant=merchant, amount_minor=10_000, actor=owner)
    sandbox_topup(merchant=other_merchant, amount_minor=3_000, actor=None)
    _pay(merchant, 2_500, "p")

    result = trial_balance()

    balances = {(a.merchant_id, a.kind): a.balance_minor for a in result.accounts}
    assert balances == {
        (None, AccountKind.PROVIDER_CASH): -13_000,
        (None, AccountKind.ORDER_REVENUE): 2_500,
        (merchant.pk, AccountKind.WALLET_AVAILABLE): 7_500,
        (other_merchant.pk, AccountKind.WALLET_AVAILABLE): 3_000,
    }
    assert result.accounts[0].merchant_id is None  # platform accounts first
    assert result.totals == {"USD": 0}
    assert result.balanced is True
    assert trial_balance_totals() == {"USD": 0}


def test_integrity_check_is_clean_then_finds_each_kind_of_problem(merchant, owner):
    sandbox_topup(merchant=merchant, amount_minor=10_000, actor=owner)
    _pay(merchant, 2_500, "p")
    assert ledger_integrity_check() == []

    wallet = Account.objects.get(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE)
    # A cached balance that drifted from its entries (e.g. someone edited the row by hand).
    Account.objects.filter(pk=wallet.pk).update(balance_minor=7_400)
    problems = ledger_integrity_check()
    assert problems == [f"account {wallet.pk} balance 7400 != sum of its entries 7500"]
    Account.objects.filter(pk=wallet.pk).update(balance_minor=7_500)

    # An entry edited in place: its transaction no longer sums to zero, and the cached balance
    # no longer matches.
    payment = LedgerTransaction.objects.get(idempotency_key="p")
    entry = payment.entries.get(account=wallet)
    Entry.objects.filter(pk=entry.pk).update(amount_minor=-2_400)
    problems = ledger_integrity_check()
    assert problems == [
        f"transaction {payment.public_id} sums to 100 USD, not 0",
        f"account {wallet.pk} balance 7500 != sum of its entries 7600",
    ]
    Entry.objects.filter(pk=entry.pk).update(amount_minor=-2_500)

    # A transaction without entries.
    empty = LedgerTransaction.objects.create(idempotency_key="empty", kind="x")
    assert ledger_integrity_check() == [f"transaction {empty.public_id} has no entries"]
    empty.delete()

    # An entry in the wrong currency.
    Entry.objects.filter(pk=entry.pk).update(currency="EUR")
    problems = ledger_integrity_check()
    assert f"entry {entry.pk} is not in account {wallet.pk}'s currency" in problems
    Entry.objects.filter(pk=entry.pk).update(currency="USD")
    assert ledger_integrity_check() == []


def test_topup_selectors_are_merchant_scoped(merchant, other_merchant, owner):
    mine = sandbox_topup(merchant=merchant, amount_minor=2_000, actor=owner)
    theirs = sandbox_topup(merchant=other_merchant, amount_minor=2_000, actor=None)
    assert list(merchant_topups(merchant=merchant)) == [mine]
    assert topup_for_merchant(merchant=merchant, public_id=mine.public_id) == mine
    assert topup_for_merchant(merchant=merchant, public_id=theirs.public_id) is None
    assert topup_for_merchant(merchant=merchant, public_id="nope") is None
