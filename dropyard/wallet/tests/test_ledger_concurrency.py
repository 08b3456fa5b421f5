"""The ledger under real concurrency (threads, one database connection each), PostgreSQL only:
the default SQLite test database is a shared-cache in-memory one whose table locks fail at once
instead of queueing, so threads cannot share it (SQLite writers are serialised by IMMEDIATE
transactions in production; bench/payments.py runs the same race on a SQLite file)."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dropyard.accounts.tests.factories import make_merchant
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.exceptions import InsufficientBalance
from dropyard.wallet.ledger import (
    Posting,
    account_for,
    ledger_integrity_check,
    ledger_post,
    trial_balance_totals,
    wallet_balance,
)
from dropyard.wallet.models import Account, Entry, LedgerTransaction
from dropyard.wallet.topups import sandbox_topup

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking and one connection per thread")


def _run_threads(threads: int, work) -> list[str]:
    start = threading.Barrier(threads)

    def run(i: int) -> str:
        try:
            start.wait(timeout=30)
            return work(i)
        finally:
            connection.close()  # each thread has its own connection; don't leak it

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(threads)))


def _pay(merchant, amount: int, key: str):
    return ledger_post(
        entries=[
            Posting(account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE), -amount),
            Posting(account_for(kind=AccountKind.ORDER_REVENUE), amount),
        ],
        idempotency_key=key,
        kind="order_payment",
        merchant=merchant,
    )


def test_twenty_concurrent_payments_from_a_balance_covering_five():
    merchant = make_merchant(business_name="Race Shop")
    sandbox_topup(merchant=merchant, amount_minor=5 * 2_499, actor=None)
    account_for(kind=AccountKind.ORDER_REVENUE)  # exists before the race, as in production

    def pay(i: int) -> str:
        try:
            _pay(merchant, 2_499, f"pay-{i}")
        except InsufficientBalance as refused:
            return str(refused.code)
        return "paid"

    outcomes = _run_threads(20, pay)

    assert outcomes.count("paid") == 5
    assert outcomes.count("1604000") == 15
    assert wallet_balance(merchant=merchant).available_minor == 0
    assert LedgerTransaction.objects.filter(kind="order_payment").count() == 5
    assert account_for(kind=AccountKind.ORDER_REVENUE).balance_minor == 5 * 2_499
    wallet = account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE)
    afters = sorted(
        Entry.objects.filter(account=wallet, amount_minor__lt=0).values_list(
            "balance_after_minor", flat=True
        )
    )
    assert afters == [0, 2_499, 4_998, 7_497, 9_996]
    assert ledger_integrity_check() == []
    assert trial_balance_totals() == {"USD": 0}


def test_concurrent_replays_of_one_key_credit_once():
    merchant = make_merchant(business_name="Replay Shop")
    cash = account_for(kind=AccountKind.PROVIDER_CASH, provider="stripe")
    wallet = account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE)

    def credit(i: int) -> str:
        _, created = ledger_post(
            entries=[Posting(cash, -10_000), Posting(wallet, 10_000)],
            idempotency_key="stripe:evt_same",
            kind="topup",
            merchant=merchant,
        )
        return "created" if created else "replay"

    outcomes = _run_threads(12, credit)

    assert outcomes.count("created") == 1
    assert outcomes.count("replay") == 11
    assert wallet_balance(merchant=merchant).available_minor == 10_000
    assert ledger_integrity_check() == []


def test_concurrent_first_use_creates_one_account():
    merchant = make_merchant(business_name="New Shop")

    def create(i: int) -> str:
        return str(account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE).pk)

    outcomes = _run_threads(10, create)

    assert len(set(outcomes)) == 1
    assert Account.objects.filter(merchant=merchant).count() == 1


def test_many_merchants_paying_and_topping_up_at_once_do_not_deadlock():
    # Payments (merchant wallet, then shared revenue and discount accounts) and top-ups
    # (merchant wallet, then shared cash) lock rows in one total order.
    merchants = [make_merchant(business_name=f"Shop {i}") for i in range(4)]
    for merchant in merchants:
        sandbox_topup(merchant=merchant, amount_minor=10_000, actor=None)
    revenue = account_for(kind=AccountKind.ORDER_REVENUE)
    discounts = account_for(kind=AccountKind.DISCOUNTS_GIVEN)
    cash = account_for(kind=AccountKind.PROVIDER_CASH, provider="sandbox")

    def work(i: int) -> str:
        merchant = merchants[i % 4]
        wallet = account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE)
        for n in range(10):
            if (i + n) % 3:
                entries = [Posting(wallet, -980), Posting(revenue, 1_000), Posting(discounts, -20)]
            else:
                entries = [Posting(cash, -500), Posting(wallet, 500)]
            with contextlib.suppress(InsufficientBalance):
                ledger_post(entries=entries, idempotency_key=f"w{i}-{n}", kind="mixed")
        return "done"

    outcomes = _run_threads(8, work)

    assert outcomes == ["done"] * 8
    assert ledger_integrity_check() == []
    assert trial_balance_totals() == {"USD": 0}
    assert all(wallet_balance(merchant=merchant).available_minor >= 0 for merchant in merchants)
