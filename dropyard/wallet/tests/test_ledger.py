"""The ledger core: balanced, append-only, idempotent postings; wallets never below zero; the
trial balance totals zero and the integrity check finds tampering."""

import pytest
from django.db import IntegrityError, transaction

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.exceptions import InsufficientBalance, LedgerImbalance, WalletError
from dropyard.wallet.ledger import (
    Posting,
    account_for,
    ledger_integrity_check,
    ledger_post,
    ledger_reverse,
    trial_balance,
    trial_balance_totals,
    wallet_balance,
)
from dropyard.wallet.models import Account, Entry, LedgerTransaction
from dropyard.wallet.topups import sandbox_topup

pytestmark = pytest.mark.django_db


def _wallet(merchant, currency="USD"):
    return account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE, currency=currency)


def _cash(currency="USD"):
    return account_for(kind=AccountKind.PROVIDER_CASH, provider="sandbox", currency=currency)


def _revenue(currency="USD"):
    return account_for(kind=AccountKind.ORDER_REVENUE, currency=currency)


def _fund(merchant, amount, key, currency="USD"):
    return ledger_post(
        entries=[
            Posting(_cash(currency), -amount, currency),
            Posting(_wallet(merchant, currency), amount, currency),
        ],
        idempotency_key=key,
        kind="topup",
        merchant=merchant,
    )


def _pay(merchant, amount, key):
    return ledger_post(
        entries=[Posting(_wallet(merchant), -amount), Posting(_revenue(), amount)],
        idempotency_key=key,
        kind="order_payment",
        merchant=merchant,
    )


def test_account_for_returns_one_account_per_identity(merchant, other_merchant):
    first = account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE)
    assert account_for(merchant=merchant, kind="wallet_available") == first
    assert account_for(merchant=other_merchant, kind=AccountKind.WALLET_AVAILABLE) != first
    assert account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE, currency="EUR") != (
        first
    )
    cash = account_for(kind=AccountKind.PROVIDER_CASH, provider="stripe")
    assert account_for(kind=AccountKind.PROVIDER_CASH, provider="stripe") == cash
    assert account_for(kind=AccountKind.PROVIDER_CASH, provider="paypal") != cash
    assert Account.objects.count() == 5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": AccountKind.WALLET_AVAILABLE},  # wallet without merchant
        {"kind": AccountKind.PROVIDER_CASH},  # provider cash without provider
        {"kind": AccountKind.ORDER_REVENUE, "provider": "stripe"},
        {"kind": "nonsense"},
        {"kind": AccountKind.PROVIDER_FEES, "provider": "bitcoin"},
        {"kind": AccountKind.ORDER_REVENUE, "currency": "US"},
    ],
)
def test_account_for_refuses_bad_identities(kwargs):
    with pytest.raises(WalletError):
        account_for(**kwargs)
    assert Account.objects.count() == 0


def test_account_for_refuses_merchant_on_platform_kind(merchant):
    with pytest.raises(WalletError):
        account_for(merchant=merchant, kind=AccountKind.ORDER_REVENUE)
    with pytest.raises(WalletError):
        account_for(merchant=merchant, kind=AccountKind.WALLET_FROZEN, provider="stripe")


def test_post_writes_entries_balances_and_balance_after(merchant):
    txn, created = _fund(merchant, 5000, "t1")
    assert created is True
    assert txn.kind == "topup"
    assert txn.merchant == merchant
    entries = list(txn.entries.order_by("pk").values_list("amount_minor", "balance_after_minor"))
    assert entries == [(-5000, -5000), (5000, 5000)]
    txn2, _ = _pay(merchant, 1200, "p1")
    assert list(txn2.entries.order_by("pk").values_list("amount_minor", "balance_after_minor")) == [
        (-1200, 3800),
        (1200, 1200),
    ]
    assert _wallet(merchant).balance_minor == 3800
    assert _revenue().balance_minor == 1200
    assert _cash().balance_minor == -5000
    assert wallet_balance(merchant=merchant).available_minor == 3800
    assert ledger_integrity_check() == []


def test_post_updates_the_callers_account_objects(merchant):
    wallet, cash = _wallet(merchant), _cash()
    ledger_post(
        entries=[Posting(cash, -700), Posting(wallet, 700)], idempotency_key="k", kind="topup"
    )
    assert (wallet.balance_minor, cash.balance_minor) == (700, -700)


def test_unbalanced_posting_is_refused_and_writes_nothing(merchant):
    with pytest.raises(LedgerImbalance):
        ledger_post(
            entries=[Posting(_cash(), -5000), Posting(_wallet(merchant), 4999)],
            idempotency_key="bad",
            kind="topup",
        )
    assert LedgerTransaction.objects.count() == 0
    assert Entry.objects.count() == 0
    assert set(Account.objects.values_list("balance_minor", flat=True)) == {0}


def test_empty_posting_is_refused():
    with pytest.raises(LedgerImbalance):
        ledger_post(entries=[], idempotency_key="empty", kind="topup")
    assert LedgerTransaction.objects.count() == 0


def test_balance_is_per_currency(merchant):
    # 10 USD against 10 EUR sums to zero numerically but not per currency.
    with pytest.raises(LedgerImbalance):
        ledger_post(
            entries=[
                Posting(_cash("USD"), -1000, "USD"),
                Posting(_wallet(merchant, "EUR"), 1000, "EUR"),
            ],
            idempotency_key="fx",
            kind="topup",
        )
    assert LedgerTransaction.objects.count() == 0


def test_multi_currency_transaction_balances_per_currency(merchant):
    usd_wallet, eur_wallet = _wallet(merchant, "USD"), _wallet(merchant, "EUR")
    _fund(merchant, 1000, "usd-in")
    txn, _ = ledger_post(
        entries=[
            Posting(usd_wallet, -1000, "USD"),
            Posting(account_for(kind=AccountKind.ORDER_REVENUE, currency="USD"), 1000, "USD"),
            Posting(account_for(kind=AccountKind.ORDER_REVENUE, currency="EUR"), -900, "EUR"),
            Posting(eur_wallet, 900, "EUR"),
        ],
        idempotency_key="convert",
        kind="conversion",
        merchant=merchant,
    )
    assert txn.entries.count() == 4
    assert wallet_balance(merchant=merchant, currency="USD").available_minor == 0
    assert wallet_balance(merchant=merchant, currency="EUR").available_minor == 900
    assert ledger_integrity_check() == []


@pytest.mark.parametrize("amount", [0, 1.5, "10", True])
def test_bad_amounts_are_refused(merchant, amount):
    with pytest.raises(WalletError):
        ledger_post(
            entries=[Posting(_cash(), amount), Posting(_wallet(merchant), amount)],
            idempotency_key="x",
            kind="topup",
        )
    assert LedgerTransaction.objects.count() == 0


def test_posting_currency_must_match_account(merchant):
    with pytest.raises(WalletError):
        ledger_post(
            entries=[Posting(_cash("USD"), -100, "EUR"), Posting(_wallet(merchant), 100, "EUR")],
            idempotency_key="x",
            kind="topup",
        )
    assert LedgerTransaction.objects.count() == 0


def test_missing_key_or_kind_is_refused(merchant):
    entries = [Posting(_cash(), -100), Posting(_wallet(merchant), 100)]
    with pytest.raises(WalletError):
        ledger_post(entries=entries, idempotency_key="  ", kind="topup")
    with pytest.raises(WalletError):
        ledger_post(entries=entries, idempotency_key="k", kind="")
    assert LedgerTransaction.objects.count() == 0


def test_replayed_key_returns_the_same_transaction_and_credits_once(merchant):
    first, created = _fund(merchant, 2500, "evt_1")
    again, created_again = _fund(merchant, 2500, "evt_1")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert LedgerTransaction.objects.count() == 1
    assert Entry.objects.count() == 2
    assert wallet_balance(merchant=merchant).available_minor == 2500


def test_replayed_key_inside_callers_transaction_keeps_it_usable(merchant):
    _fund(merchant, 2500, "evt_1")
    with transaction.atomic():
        txn, created = _fund(merchant, 2500, "evt_1")
        _pay(merchant, 100, "p-after")  # the caller's transaction still works
    assert created is False
    assert wallet_balance(merchant=merchant).available_minor == 2400


def test_overdraft_refused_with_1604000_and_nothing_written(merchant):
    _fund(merchant, 1000, "in")
    _revenue()
    before = list(Account.objects.order_by("pk").values_list("pk", "balance_minor"))
    with pytest.raises(InsufficientBalance) as refused:
        _pay(merchant, 1001, "too-much")
    assert refused.value.code == 1604000
    assert list(Account.objects.order_by("pk").values_list("pk", "balance_minor")) == before
    assert not LedgerTransaction.objects.filter(idempotency_key="too-much").exists()
    assert Entry.objects.count() == 2
    # The exact balance can be spent; the key was not burnt by the refusal.
    _pay(merchant, 1000, "too-much")
    assert wallet_balance(merchant=merchant).available_minor == 0


def test_overdraft_inside_callers_transaction_rolls_back_only_the_posting(merchant):
    _fund(merchant, 500, "in")
    with transaction.atomic():
        with pytest.raises(InsufficientBalance):
            _pay(merchant, 501, "p")
        _pay(merchant, 200, "p2")
    assert wallet_balance(merchant=merchant).available_minor == 300
    assert ledger_integrity_check() == []


def test_wallet_below_zero_within_a_posting_is_refused(merchant):
    # Net zero on the wallet, but the first entry would take it below zero.
    wallet = _wallet(merchant)
    with pytest.raises(InsufficientBalance):
        ledger_post(
            entries=[
                Posting(wallet, -100),
                Posting(wallet, 100),
                Posting(_revenue(), 100),
                Posting(_cash(), -100),
            ],
            idempotency_key="dip",
            kind="x",
        )
    assert LedgerTransaction.objects.count() == 0


def test_frozen_wallet_is_guarded_too(merchant):
    frozen = account_for(merchant=merchant, kind=AccountKind.WALLET_FROZEN)
    with pytest.raises(InsufficientBalance):
        ledger_post(
            entries=[Posting(frozen, -1), Posting(_revenue(), 1)], idempotency_key="f", kind="x"
        )


def test_platform_accounts_may_go_negative(merchant):
    _fund(merchant, 300, "in")
    assert _cash().balance_minor == -300


def test_database_refuses_a_negative_wallet_even_outside_the_service(merchant):
    wallet = _wallet(merchant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=wallet.pk).update(balance_minor=-1)


def test_reversal_posts_the_opposite_and_is_audited(merchant, operator_admin):
    original, _ = _fund(merchant, 4000, "in")
    reversal = ledger_reverse(
        transaction=original,
        actor=operator_admin,
        reason="duplicate bank credit",
        idempotency_key="rev-1",
    )
    assert reversal.reverses == original
    assert reversal.kind == "reversal"
    assert reversal.merchant == merchant
    assert sorted(reversal.entries.values_list("amount_minor", flat=True)) == [-4000, 4000]
    assert wallet_balance(merchant=merchant).available_minor == 0
    assert _cash().balance_minor == 0
    # The original is untouched: append-only.
    assert sorted(original.entries.values_list("amount_minor", flat=True)) == [-4000, 4000]
    event = AuditEvent.objects.get(action=AuditAction.LEDGER_REVERSED)
    assert event.details == {"reverses": original.public_id, "reason": "duplicate bank credit"}
    assert ledger_integrity_check() == []


def test_reversal_is_idempotent_and_only_once(merchant, operator_admin):
    original, _ = _fund(merchant, 4000, "in")
    first = ledger_reverse(
        transaction=original, actor=operator_admin, reason="r", idempotency_key="rev-1"
    )
    again = ledger_reverse(
        transaction=original, actor=operator_admin, reason="r", idempotency_key="rev-1"
    )
    assert again.pk == first.pk
    with pytest.raises(WalletError):
        ledger_reverse(
            transaction=original, actor=operator_admin, reason="r", idempotency_key="rev-2"
        )
    with pytest.raises(WalletError):
        ledger_reverse(transaction=first, actor=operator_admin, reason="r", idempotency_key="rr")
    assert LedgerTransaction.objects.count() == 2


def test_reversal_needs_a_reason(merchant, operator_admin):
    original, _ = _fund(merchant, 4000, "in")
    with pytest.raises(WalletError):
        ledger_reverse(transaction=original, actor=operator_admin, reason=" ", idempotency_key="r")
    assert LedgerTransaction.objects.count() == 1


def test_reversing_a_spent_topup_is_refused(merchant, operator_admin):
    original, _ = _fund(merchant, 4000, "in")
    _pay(merchant, 3000, "p")
    with pytest.raises(InsufficientBalance):
        ledger_reverse(
            transaction=original, actor=operator_admin, reason="chargeback", idempotency_key="r"
        )
    assert LedgerTransaction.objects.count() == 2
    assert wallet_balance(merchant=merchant).available_minor == 1000


def test_reversal_of_a_payment_refunds_the_wallet(merchant, operator_admin):
    _fund(merchant, 4000, "in")
    payment, _ = _pay(merchant, 3000, "p")
    ledger_reverse(transaction=payment, actor=operator_admin, reason="r", idempotency_key="r")
    assert wallet_balance(merchant=merchant).available_minor == 4000
    assert _revenue().balance_minor == 0


def test_wallet_balance_is_zero_without_accounts(merchant):
    balance = wallet_balance(merchant=merchant)
    assert (balance.available_minor, balance.frozen_minor, balance.currency) == (0, 0, "USD")
    assert Account.objects.count() == 0


def test_repeated_accounts_in_one_posting_get_running_balances(merchant):
    _fund(merchant, 50, "first")
    cash, wallet = _cash(), _wallet(merchant)
    txn, _ = ledger_post(
        entries=[
            Posting(cash, -1000),
            Posting(wallet, 700),
            Posting(cash, 100),
            Posting(wallet, 200),
        ],
        idempotency_key="split",
        kind="topup",
    )
    assert list(txn.entries.order_by("pk").values_list("account_id", "balance_after_minor")) == [
        (cash.pk, -1050),
        (wallet.pk, 750),
        (cash.pk, -950),
        (wallet.pk, 950),
    ]
    assert (cash.balance_minor, wallet.balance_minor) == (-950, 950)
    assert ledger_integrity_check() == []


# --- The books' own checks: trial balance, integrity ----------------------------------------------


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
