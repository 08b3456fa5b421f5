"""Finance's manual refund under real concurrency (threads, one connection each), PostgreSQL
only (see ``test_ledger_concurrency``): a double submit of the same form refunds once, and two
different forms together never refund more than was paid."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.orders.models import OrderEvent
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import refunds
from dropyard.wallet.choices import InvoiceKind
from dropyard.wallet.models import Entry, Invoice, Refund
from dropyard.wallet.tests.payment_helpers import wallet_paid

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking and one connection per thread")


@pytest.fixture
def paid():
    merchant = make_merchant(business_name="Race Co")
    return wallet_paid(merchant, merchant.owner, make_order_world())


def _race(order, finance, tokens, amount):
    start = threading.Barrier(len(tokens))

    def run(token):
        try:
            start.wait(timeout=30)
            refund = refunds.refund_manual(
                order=order,
                amount_minor=amount,
                reason="damaged",
                destination=None,
                actor=finance,
                request_token=token,
            )
            return refund.public_id
        except refunds.RefundRefused as exc:
            return f"refused: {exc.message}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(run, tokens))


def test_concurrent_double_submit_of_one_form_refunds_once(paid):
    finance = make_operator(role="finance")

    results = _race(paid, finance, ["same-token"] * 4, 900)

    assert len(set(results)) == 1
    assert Refund.objects.count() == 1
    assert Refund.objects.get().amount_minor == 900
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1
    assert OrderEvent.objects.filter(order=paid, kind="refund").count() == 1
    assert Entry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0


def test_two_forms_at_once_never_refund_more_than_was_paid(paid):
    finance = make_operator(role="finance")

    results = _race(paid, finance, ["form-a", "form-b"], 900)  # 2 x 900 > 1470 paid

    assert sorted(r.startswith("refused: at most 5.70 USD") for r in results) == [False, True]
    assert Refund.objects.aggregate(s=Sum("amount_minor"))["s"] == 900
