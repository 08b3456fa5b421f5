"""Wallet payments and refunds under real concurrency (threads, one connection each),
PostgreSQL only (see test_ledger_concurrency for why SQLite's in-memory test database cannot
host threads)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dropyard.accounts.tests.factories import make_merchant
from dropyard.checkout import services as checkout_services
from dropyard.core.errors import DomainError
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import refunds
from dropyard.wallet.exceptions import InsufficientBalance
from dropyard.wallet.ledger import ledger_integrity_check, trial_balance_totals, wallet_balance
from dropyard.wallet.models import LedgerTransaction, Payment, Refund
from dropyard.wallet.tests.payment_helpers import confirmed
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
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(threads)))


def test_twenty_orders_paid_at_once_from_a_balance_covering_five():
    merchant = make_merchant(business_name="Race Shop")
    owner = merchant.owner
    world = make_order_world()
    _, orders = confirmed(merchant, owner, world, *([1] * 20))  # 15.00 each, 14.70 net
    sandbox_topup(merchant=merchant, amount_minor=5 * 1470, actor=None)

    def pay(i: int) -> str:
        try:
            checkout_services.pay_from_wallet(merchant=merchant, orders=[orders[i]])
        except InsufficientBalance as refused:
            return str(refused.code)
        return "paid"

    outcomes = _run_threads(20, pay)

    assert outcomes.count("paid") == 5
    assert outcomes.count("1604000") == 15
    assert wallet_balance(merchant=merchant).available_minor == 0
    statuses = list(Order.objects.values_list("status", flat=True))
    assert statuses.count(OrderStatus.UNSHIPPED) == 5
    assert statuses.count(OrderStatus.UNPAID) == 15
    assert Payment.objects.count() == 5
    assert ledger_integrity_check() == []
    assert trial_balance_totals() == {"USD": 0}


def test_one_parent_paid_by_many_requests_at_once_is_charged_once():
    merchant = make_merchant(business_name="Double Click Shop")
    world = make_order_world()
    parent, _ = confirmed(merchant, merchant.owner, world, 1, 3)
    sandbox_topup(merchant=merchant, amount_minor=100_000, actor=None)

    def pay(i: int) -> str:
        result = checkout_services.pay_from_wallet(merchant=merchant, parent=parent)
        return "charged" if result.created else "already"

    outcomes = _run_threads(8, pay)

    assert outcomes.count("charged") == 1
    assert outcomes.count("already") == 7
    assert wallet_balance(merchant=merchant).available_minor == 100_000 - 5047
    assert LedgerTransaction.objects.filter(kind="order_payment").count() == 1
    assert ledger_integrity_check() == []


def test_concurrent_refunds_never_exceed_what_was_paid():
    merchant = make_merchant(business_name="Refund Race Shop")
    world = make_order_world()
    _, [order] = confirmed(merchant, merchant.owner, world, 1)
    sandbox_topup(merchant=merchant, amount_minor=10_000, actor=None)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order])

    def refund(i: int) -> str:
        try:
            refunds.refund_issue(
                merchant=merchant,
                order=order,
                amount_minor=1000,
                reason="race",
                idempotency_key=f"race-{i}",
            )
        except DomainError as refused:
            return type(refused).__name__
        return "refunded"

    outcomes = _run_threads(10, refund)

    assert outcomes.count("refunded") == 1
    assert outcomes.count("RefundRefused") == 9
    assert Refund.objects.get().amount_minor == 1000
    assert wallet_balance(merchant=merchant).available_minor == 10_000 - 1470 + 1000
    assert ledger_integrity_check() == []


def test_an_order_and_its_parent_paid_at_once_are_charged_once():
    merchant = make_merchant(business_name="Two Paths Shop")
    world = make_order_world()
    parent, [order] = confirmed(merchant, merchant.owner, world, 1)
    sandbox_topup(merchant=merchant, amount_minor=10_000, actor=None)

    def pay(i: int) -> str:
        if i % 2:
            result = checkout_services.pay_from_wallet(merchant=merchant, parent=parent)
        else:
            result = checkout_services.pay_from_wallet(merchant=merchant, orders=[order])
        return "charged" if result.created else "already"

    outcomes = _run_threads(8, pay)

    assert outcomes.count("charged") == 1
    assert outcomes.count("already") == 7
    assert wallet_balance(merchant=merchant).available_minor == 10_000 - 1470
    assert ledger_integrity_check() == []
