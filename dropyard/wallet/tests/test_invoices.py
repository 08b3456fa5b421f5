"""Invoices, receipts and credit notes: numbering without gaps, idempotency, what the issued
documents say (read back from their PDF). The renderer's own rules (determinism, fonts, page
breaks) are ``test_invoice_pdf.py``'s."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from dropyard.orders.models import ParentOrder
from dropyard.wallet import ledger, topups
from dropyard.wallet.choices import InvoiceKind, Provider, TopUpStatus
from dropyard.wallet.invoice_pdf import invoice_pdf
from dropyard.wallet.invoices import (
    InvoiceRefused,
    breakdown_for_orders,
    credit_note_issue,
    invoice_issue_for_payment,
    receipt_issue_for_topup,
)
from dropyard.wallet.models import Invoice, InvoiceCounter
from dropyard.wallet.selectors import invoice_for_order

from .invoice_helpers import (
    credited_topup,
    issue_invoice,
    ledger_tx,
    pdf_text,
    two_paid_orders,
)

BILLING = {
    "DROPYARD_BILLING_NAME": "Dropyard Fulfilment Ltd",
    "DROPYARD_BILLING_ADDRESS": "88 Harbour Road\nShenzhen 518000, China",
    "DROPYARD_BILLING_TAX_ID": "CN-91440300-TAX",
    "DROPYARD_BILLING_EMAIL": "billing@dropyard.test",
}


@pytest.fixture
def billing(settings):
    for name, value in BILLING.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def two_orders(merchant):
    return two_paid_orders(merchant)


def _year() -> int:
    return timezone.localtime().year


# --- The "Done when" test: the PDF says the right things -------------------------------------


def test_invoice_pdf_shows_number_parties_lines_and_totals(billing, merchant, two_orders):
    invoice = issue_invoice(merchant, two_orders)

    text = pdf_text(invoice_pdf(invoice))

    year = _year()
    assert invoice.number == f"INV-{year}-000001"
    assert invoice.total_minor == 7007
    assert f"INV-{year}-000001" in text
    assert "INVOICE" in text
    # Both parties.
    assert "Dropyard Fulfilment Ltd" in text
    assert "88 Harbour Road" in text
    assert "Tax ID: CN-91440300-TAX" in text
    assert "billing@dropyard.test" in text
    assert "Acme Drop Co" in text
    assert f"Account {merchant.account_number}" in text
    # The lines: products with quantity, unit price and amount; freight per order.
    assert "DY1001 · MUG-RED Red Mug 2 10.00 20.00" in text
    assert "DY1001 · LAMP-BLUE Blue Lamp 1 20.00 20.00" in text
    assert "DY1002 · LAMP-BLUE Blue Lamp 1 20.00 20.00" in text
    assert "DY1001 · freight (CJPacket) 1 5.00 5.00" in text
    assert "DY1002 · freight (DHL) 1 6.50 6.50" in text
    # The breakdown and the total.
    assert "Products 60.00" in text
    assert "Freight 11.50" in text
    assert "Wallet payment discount (2%) -1.43" in text
    assert "Total paid 70.07 USD" in text
    assert "Orders DY1001, DY1002" in text
    assert "Payment method Wallet balance" in text
    assert invoice.reference == "DY1001, DY1002"
    assert set(invoice.orders.values_list("code", flat=True)) == {"DY1001", "DY1002"}


def test_receipt_pdf_shows_amount_fee_and_credit(billing, merchant):
    topup = credited_topup(
        merchant,
        amount_minor=10000,
        fee_minor=320,
        provider=Provider.STRIPE,
        provider_reference="pi_3Test",
    )

    receipt = receipt_issue_for_topup(topup=topup)
    text = pdf_text(invoice_pdf(receipt))

    assert receipt.number == f"RCT-{_year()}-000001"
    assert (receipt.kind, receipt.total_minor, receipt.topup) == (InvoiceKind.RECEIPT, 9680, topup)
    assert "RECEIPT" in text
    assert f"RCT-{_year()}-000001" in text
    assert "Wallet top-up via Card (Stripe) 1 100.00 100.00" in text
    assert "Provider fee -3.20" in text
    assert "Amount received 100.00" in text
    assert "Credited to wallet 96.80 USD" in text
    assert f"Top-up {topup.code}" in text
    assert "Provider reference pi_3Test" in text
    assert "Acme Drop Co" in text


def test_credit_note_pdf_cites_its_invoice(billing, merchant, two_orders):
    invoice = issue_invoice(merchant, two_orders)

    note = credit_note_issue(
        merchant=merchant,
        transaction=ledger_tx(merchant, kind="refund"),
        amount_minor=2940,
        original_invoice=invoice,
        reference="RF-77",
        reason="order cancelled before shipping",
        orders=[two_orders[1]],
    )
    text = pdf_text(invoice_pdf(note))

    year = _year()
    assert note.number == f"CRN-{year}-000001"
    assert (note.original, note.total_minor, note.reference) == (invoice, 2940, "RF-77")
    assert "CREDIT NOTE" in text
    assert f"Original invoice INV-{year}-000001" in text
    assert "Refund RF-77" in text
    assert "Total credited 29.40 USD" in text
    assert "Reason: order cancelled before shipping" in text
    assert f"This credit note corrects invoice INV-{year}-000001." in text


# --- Numbering ---------------------------------------------------------------------------------


def test_each_kind_is_numbered_from_one_without_gaps(merchant, two_orders):
    first = issue_invoice(merchant, two_orders[:1])
    receipt = receipt_issue_for_topup(topup=credited_topup(merchant, amount_minor=5000))
    second = issue_invoice(merchant, two_orders[1:])
    note = credit_note_issue(
        merchant=merchant, transaction=ledger_tx(merchant), amount_minor=100, original_invoice=first
    )
    third = issue_invoice(merchant, two_orders)

    year = _year()
    assert [first.number, second.number, third.number] == [
        f"INV-{year}-000001",
        f"INV-{year}-000002",
        f"INV-{year}-000003",
    ]
    assert receipt.number == f"RCT-{year}-000001"
    assert note.number == f"CRN-{year}-000001"
    counters = {(c.kind, c.year): c.last_number for c in InvoiceCounter.objects.all()}
    assert counters == {
        (InvoiceKind.INVOICE, year): 3,
        (InvoiceKind.RECEIPT, year): 1,
        (InvoiceKind.CREDIT_NOTE, year): 1,
    }


def test_a_rolled_back_payment_gives_its_number_back(merchant, two_orders):
    taken = []

    @transaction.atomic
    def failing_payment():
        taken.append(issue_invoice(merchant, two_orders[:1]).number)
        raise RuntimeError("the payment failed after the invoice was issued")

    with pytest.raises(RuntimeError):
        failing_payment()

    assert taken == [f"INV-{_year()}-000001"]

    assert Invoice.objects.count() == 0
    kept = issue_invoice(merchant, two_orders[1:])
    assert kept.number == f"INV-{_year()}-000001"
    assert InvoiceCounter.objects.get(kind=InvoiceKind.INVOICE).last_number == 1


def test_numbering_restarts_each_year(merchant, two_orders, monkeypatch):
    december = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
    january = dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: december)
    old = issue_invoice(merchant, two_orders[:1])
    monkeypatch.setattr(timezone, "now", lambda: january)
    new = issue_invoice(merchant, two_orders[1:])

    assert (old.number, old.year, old.sequence) == ("INV-2026-000001", 2026, 1)
    assert (new.number, new.year, new.sequence) == ("INV-2027-000001", 2027, 1)
    assert old.snapshot["date"] == "2026-12-31"


# --- Idempotency: one document per cause ------------------------------------------------------


def test_issuing_again_for_the_same_payment_returns_the_same_invoice(merchant, two_orders):
    tx = ledger_tx(merchant)
    first = issue_invoice(merchant, two_orders, tx=tx)

    again = issue_invoice(merchant, two_orders, tx=tx)

    assert again.pk == first.pk
    assert Invoice.objects.count() == 1
    assert InvoiceCounter.objects.get(kind=InvoiceKind.INVOICE).last_number == 1


def test_receipt_and_credit_note_are_issued_once_per_cause(merchant, two_orders):
    topup = credited_topup(merchant, amount_minor=5000)
    invoice = issue_invoice(merchant, two_orders)
    refund_tx = ledger_tx(merchant, kind="refund")

    receipts = {receipt_issue_for_topup(topup=topup).pk for _ in range(3)}
    notes = {
        credit_note_issue(
            merchant=merchant, transaction=refund_tx, amount_minor=500, original_invoice=invoice
        ).pk
        for _ in range(3)
    }

    assert (len(receipts), len(notes)) == (1, 1)
    assert Invoice.objects.filter(kind=InvoiceKind.RECEIPT).count() == 1
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


# --- Refusals change nothing -----------------------------------------------------------------


def _nothing_issued() -> None:
    assert Invoice.objects.count() == 0
    assert list(InvoiceCounter.objects.values_list("last_number", flat=True)) in ([], [0])


def test_a_breakdown_that_does_not_add_up_is_refused(merchant, two_orders):
    wrong = {"products_minor": 6000, "freight_minor": 1150, "discount_minor": 143, "total_minor": 1}

    with pytest.raises(InvoiceRefused, match="does not add up"):
        issue_invoice(merchant, two_orders, breakdown=wrong)

    _nothing_issued()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("products_minor", "60.00", "must be an integer"),
        ("freight_minor", 11.5, "must be an integer"),
        ("discount_minor", -1, "must not be negative"),
        ("total_minor", None, "has no total_minor"),
    ],
)
def test_malformed_breakdowns_are_refused(merchant, two_orders, field, value, message):
    breakdown = {"products_minor": 6000, "freight_minor": 1150, "total_minor": 7150}
    breakdown[field] = value

    with pytest.raises(InvoiceRefused, match=message):
        issue_invoice(merchant, two_orders, breakdown=breakdown)

    _nothing_issued()


def test_orders_of_another_merchant_are_refused(merchant, other_merchant, two_orders):
    with pytest.raises(InvoiceRefused, match="one merchant"):
        issue_invoice(other_merchant, two_orders, tx=ledger_tx(other_merchant))

    _nothing_issued()


def test_a_transaction_of_another_merchant_is_refused(merchant, other_merchant, two_orders):
    with pytest.raises(InvoiceRefused, match="another merchant"):
        issue_invoice(merchant, two_orders, tx=ledger_tx(other_merchant))

    _nothing_issued()


def test_a_pending_topup_gets_no_receipt(merchant):
    topup = credited_topup(merchant, amount_minor=5000, status=TopUpStatus.PENDING)

    with pytest.raises(InvoiceRefused, match="credited top-up"):
        receipt_issue_for_topup(topup=topup)

    _nothing_issued()


def test_credit_notes_never_exceed_the_invoice(merchant, two_orders):
    invoice = issue_invoice(merchant, two_orders)  # 70.07
    credit_note_issue(
        merchant=merchant,
        transaction=ledger_tx(merchant),
        amount_minor=7000,
        original_invoice=invoice,
    )

    with pytest.raises(InvoiceRefused, match=r"0\.07 USD left to credit"):
        credit_note_issue(
            merchant=merchant,
            transaction=ledger_tx(merchant),
            amount_minor=8,
            original_invoice=invoice,
        )
    last = credit_note_issue(
        merchant=merchant, transaction=ledger_tx(merchant), amount_minor=7, original_invoice=invoice
    )

    assert last.number == f"CRN-{_year()}-000002"
    assert sum(n.total_minor for n in invoice.credit_notes.all()) == 7007


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount_minor": 0}, "positive integer"),
        ({"amount_minor": "5"}, "positive integer"),
        ({"amount_minor": 100, "currency": "EUR"}, "share a currency"),
    ],
)
def test_bad_credit_notes_are_refused(merchant, two_orders, kwargs, message):
    invoice = issue_invoice(merchant, two_orders)

    with pytest.raises(InvoiceRefused, match=message):
        credit_note_issue(
            merchant=merchant, transaction=ledger_tx(merchant), original_invoice=invoice, **kwargs
        )

    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 0


def test_a_credit_note_against_another_merchants_invoice_is_refused(
    merchant, other_merchant, two_orders
):
    invoice = issue_invoice(merchant, two_orders)

    with pytest.raises(InvoiceRefused, match="another merchant"):
        credit_note_issue(
            merchant=other_merchant,
            transaction=ledger_tx(other_merchant),
            amount_minor=100,
            original_invoice=invoice,
        )

    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 0


# --- Other shapes ------------------------------------------------------------------------------


def test_a_parent_order_is_invoiced_with_its_orders(merchant, two_orders):
    parent = ParentOrder.objects.create(
        merchant=merchant, pay_id="917288089146973705", amount_minor=7150
    )
    for order in two_orders:
        order.parent = parent
        order.save(update_fields=["parent"])

    invoice = invoice_issue_for_payment(
        merchant=merchant,
        orders_or_parent=parent,
        breakdown=breakdown_for_orders(orders=two_orders, method=Provider.STRIPE),
        transaction=ledger_tx(merchant),
    )
    text = pdf_text(invoice_pdf(invoice))

    assert invoice.total_minor == 7150
    assert f"Paid with payment {parent.code}" in text
    assert "Payment method Card (Stripe)" in text
    assert "Total paid 71.50 USD" in text
    assert invoice_for_order(order=two_orders[1]) == invoice


def test_a_makeup_bill_is_invoiced_with_its_own_lines(merchant, two_orders):
    invoice = issue_invoice(
        merchant,
        two_orders[:1],
        breakdown={"products_minor": 0, "freight_minor": 250, "total_minor": 250},
        lines=[{"description": "Freight difference for DY1001", "amount_minor": 250}],
        reference="BT20260001",
    )
    text = pdf_text(invoice_pdf(invoice))

    assert invoice.reference == "BT20260001"
    assert "Freight difference for DY1001 1 2.50 2.50" in text
    assert "Reference BT20260001" in text
    assert "Total paid 2.50 USD" in text


def test_later_billing_changes_leave_issued_documents_alone(billing, merchant, two_orders):
    invoice = issue_invoice(merchant, two_orders)
    billing.DROPYARD_BILLING_NAME = "Renamed Platform Inc"
    merchant.business_name = "Renamed Merchant"
    merchant.save(update_fields=["business_name"])

    text = pdf_text(invoice_pdf(Invoice.objects.get(pk=invoice.pk)))

    assert "Dropyard Fulfilment Ltd" in text
    assert "Acme Drop Co" in text
    assert "Renamed" not in text


def test_the_paying_invoice_is_the_original_and_makeups_raise_the_credit_cap(merchant, two_orders):
    paid = issue_invoice(merchant, two_orders[:1])
    makeup = issue_invoice(
        merchant,
        two_orders[:1],
        breakdown={"products_minor": 0, "freight_minor": 250, "total_minor": 250},
        lines=[{"description": "Freight difference for DY1001", "amount_minor": 250}],
        reference="BT20260002",
    )
    charged = paid.total_minor + makeup.total_minor

    assert invoice_for_order(order=two_orders[0]) == paid
    note = credit_note_issue(
        merchant=merchant,
        transaction=ledger_tx(merchant),
        amount_minor=charged,
        original_invoice=paid,
    )
    assert note.original == paid
    with pytest.raises(InvoiceRefused, match=r"0\.00 USD left to credit"):
        credit_note_issue(
            merchant=merchant,
            transaction=ledger_tx(merchant),
            amount_minor=1,
            original_invoice=paid,
        )


@pytest.mark.parametrize(("absorbed_by", "credited"), [("merchant", 9700), ("platform", 10000)])
def test_a_receipt_states_what_the_ledger_credited(merchant, settings, absorbed_by, credited):
    settings.DROPYARD_TOPUP_FEES = {"sandbox": {"fixed_minor": 300, "absorbed_by": absorbed_by}}
    topup = topups.topup_create(
        merchant=merchant, provider=Provider.SANDBOX, amount_minor=10000, actor=merchant.owner
    )
    topup = topups.topup_credit(topup=topup, fee_minor=300)

    receipt = receipt_issue_for_topup(topup=topup)
    text = pdf_text(invoice_pdf(receipt))

    balance = ledger.wallet_balance(merchant=merchant)
    assert receipt.total_minor == balance.available_minor == credited
    assert receipt.transaction == topup.transaction
    assert f"Credited to wallet {credited // 100}.00 USD" in text
    assert ("Provider fee -3.00" in text) is (absorbed_by == "merchant")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"description": "X", "amount_minor": "2.50"}, "amount_minor must be an integer"),
        ({"description": "", "amount_minor": 250}, "needs a description"),
        ({"description": "X", "amount_minor": 250, "quantity": 0}, "at least 1"),
        ("not a mapping", "needs a description"),
    ],
)
def test_malformed_given_lines_are_refused(merchant, two_orders, line, message):
    with pytest.raises(InvoiceRefused, match=message):
        issue_invoice(
            merchant,
            two_orders[:1],
            breakdown={"products_minor": 0, "freight_minor": 250, "total_minor": 250},
            lines=[line],
        )

    _nothing_issued()
