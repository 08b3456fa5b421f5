"""Wallet reads: statements reconcile, top-up lists are merchant-scoped, billing documents are
found only by their merchant (or finance). The trial balance and the integrity check are the
ledger's (``test_ledger.py``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dropyard.wallet import selectors as wallet_selectors
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.exceptions import InvoiceNotFound
from dropyard.wallet.ledger import (
    Posting,
    account_for,
    ledger_post,
)
from dropyard.wallet.models import Account, LedgerTransaction
from dropyard.wallet.selectors import merchant_topups, statement, topup_for_merchant
from dropyard.wallet.topups import sandbox_topup

from .invoice_helpers import issue_invoice, two_paid_orders

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


def test_topup_selectors_are_merchant_scoped(merchant, other_merchant, owner):
    mine = sandbox_topup(merchant=merchant, amount_minor=2_000, actor=owner)
    theirs = sandbox_topup(merchant=other_merchant, amount_minor=2_000, actor=None)
    assert list(merchant_topups(merchant=merchant)) == [mine]
    assert topup_for_merchant(merchant=merchant, public_id=mine.public_id) == mine
    assert topup_for_merchant(merchant=merchant, public_id=theirs.public_id) is None
    assert topup_for_merchant(merchant=merchant, public_id="nope") is None


# --- Billing documents ----------------------------------------------------------------------------


@pytest.fixture
def two_orders(merchant):
    return two_paid_orders(merchant)


def test_invoice_get_requires_the_merchant_and_finance_has_its_own_getter(
    merchant, other_merchant, two_orders
):
    invoice = issue_invoice(merchant, two_orders)

    assert wallet_selectors.invoice_get(public_id=invoice.public_id, merchant=merchant) == invoice
    with pytest.raises(InvoiceNotFound):
        wallet_selectors.invoice_get(public_id=invoice.public_id, merchant=other_merchant)
    with pytest.raises(InvoiceNotFound):  # no merchant never means "any merchant"
        wallet_selectors.invoice_get(public_id=invoice.public_id, merchant=None)
    with pytest.raises(TypeError):  # the merchant is a required keyword
        wallet_selectors.invoice_get(public_id=invoice.public_id)
    assert wallet_selectors.invoice_get_for_finance(public_id=invoice.public_id) == invoice
    with pytest.raises(InvoiceNotFound):
        wallet_selectors.invoice_get_for_finance(public_id="nope")
