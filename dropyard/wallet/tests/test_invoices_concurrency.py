"""Invoice numbering under real concurrency (PostgreSQL: one connection per thread): issuers
racing for the counter get 1..N with no gap and no duplicate, and the numbers taken by payments
that roll back are given back."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dropyard.wallet.choices import InvoiceKind
from dropyard.wallet.invoices import breakdown_for_orders, invoice_issue_for_payment
from dropyard.wallet.models import Invoice, InvoiceCounter

from .invoice_helpers import ledger_tx, make_variant, paid_order

THREADS = 12


class PaymentFailed(Exception):
    pass


def _race(work):
    start = threading.Barrier(THREADS)

    def run(i):
        try:
            start.wait(timeout=30)
            work(i)
        except PaymentFailed:
            return "rolled back"
        else:
            return "ok"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_gapless_unique_numbers_on_postgresql(merchant):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    variant = make_variant(sku="RACE-SKU", name="Race Item", price_minor=1000)
    orders = [
        paid_order(merchant, code=f"DYR{i:03d}", lines=[(variant, 1)], postage_minor=100)
        for i in range(THREADS)
    ]

    def pay(i):
        with transaction.atomic():
            tx = ledger_tx(merchant, key=f"race:{i}")
            invoice_issue_for_payment(
                merchant=merchant,
                orders_or_parent=[orders[i]],
                breakdown=breakdown_for_orders(orders=[orders[i]]),
                transaction=tx,
            )
            if i % 4 == 3:  # a quarter of the payments fail after their invoice was numbered
                raise PaymentFailed

    outcomes = _race(pay)

    assert outcomes.count("ok") == 9
    assert outcomes.count("rolled back") == 3
    year = timezone.localtime().year
    numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, 10))
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        f"INV-{year}-{n:06d}" for n in range(1, 10)
    ]
    assert InvoiceCounter.objects.get(kind=InvoiceKind.INVOICE, year=year).last_number == 9
    paid = set(Invoice.objects.values_list("orders__code", flat=True))
    assert paid == {f"DYR{i:03d}" for i in range(THREADS) if i % 4 != 3}
