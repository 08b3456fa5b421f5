"""What people read on wallet pages: codes instead of database ids, ledger kinds in words, and
ledger references as links to the objects they name (``wallet.references``)."""

import re

import pytest
from django.urls import reverse

from dropyard.checkout import services as checkout_services
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import refunds
from dropyard.wallet.choices import LedgerKind, ReferenceType, choice_label
from dropyard.wallet.invoice_pdf import invoice_pdf
from dropyard.wallet.models import Invoice, LedgerTransaction, Refund, TopUp
from dropyard.wallet.references import Reference, ledger_references

from .invoice_helpers import pdf_text
from .payment_helpers import confirmed, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


def _cells(html: str, testid: str) -> list[str]:
    """The text of every ``<td data-testid=…>`` cell, tags stripped, spaces collapsed."""
    cells = re.findall(rf'<td[^>]*data-testid="{testid}"[^>]*>(.*?)</td>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def _heading(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", re.search(r"<h1.*?</h1>", html, re.S)[0]).split())


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()


@pytest.mark.parametrize("kind", list(LedgerKind))
def test_every_ledger_kind_has_a_label_that_is_not_its_code(kind):
    assert choice_label(LedgerKind, kind) == kind.label
    assert "_" not in kind.label


@pytest.mark.parametrize("reference_type", list(ReferenceType))
def test_every_reference_type_has_a_label_that_is_not_its_code(reference_type):
    assert choice_label(ReferenceType, reference_type) == reference_type.label
    assert "_" not in reference_type.label


def test_an_unknown_kind_is_spelled_out_not_shown_raw():
    assert choice_label(LedgerKind, "fee_adjustment") == "Fee adjustment"


def test_topup_pages_show_the_code_not_the_id(client, merchant, owner):
    fund(merchant, owner, 5_000)
    topup = TopUp.objects.get(merchant=merchant)
    client.force_login(owner)

    detail = client.get(reverse("wallet:topup_detail", args=[topup.public_id])).content.decode()
    listing = client.get(reverse("wallet:topup_list")).content.decode()

    assert topup.code == f"TU{topup.public_id}"
    assert _heading(detail) == f"Top-up {topup.code} Credited"
    assert _title(detail).startswith(f"Top-up {topup.code}")
    assert not re.search(rf"(?<!TU){topup.public_id}", _heading(detail) + _title(detail))
    row = f'<a href="{reverse("wallet:topup_detail", args=[topup.public_id])}">{topup.code}</a>'
    assert row in listing


def test_wallet_entries_show_kind_labels_and_references_as_links(client, merchant, owner, world):
    fund(merchant, owner, 20_000)
    _, orders = confirmed(merchant, owner, world, 1, 2)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    topup = TopUp.objects.get(merchant=merchant)
    invoice = Invoice.objects.get(merchant=merchant, kind="invoice")
    client.force_login(owner)

    html = client.get(reverse("wallet:home")).content.decode()

    ordered = sorted(orders, key=lambda o: o.code)
    assert _cells(html, "entry-kind") == ["Order payment", "Top-up"]
    assert _cells(html, "entry-reference") == [
        " ".join([f"Order {o.code}" for o in ordered] + [f"Invoice {invoice.number}"]),
        f"Top-up {topup.code} Receipt {topup.receipt.number}",
    ]
    links = re.findall(r'<a class="font-monospace" href="([^"]+)">', html)
    assert links == [
        *(reverse("orders:detail", args=[o.public_id]) for o in ordered),
        reverse("wallet:invoice_download", args=[invoice.public_id]),
        reverse("wallet:topup_detail", args=[topup.public_id]),
        reverse("wallet:invoice_download", args=[topup.receipt.public_id]),
    ]
    assert [client.get(url).status_code for url in links] == [200] * len(links)
    assert "orders:" not in html
    assert ">order_payment<" not in html


def test_a_refund_references_the_refund_code_the_order_and_the_credit_note(merchant, owner, world):
    fund(merchant, owner, 20_000)
    _, orders = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    refund = refunds.refund_issue(
        merchant=merchant, order=orders[0], amount_minor=100, reason="damaged", actor=owner,
        idempotency_key="names-1",
    )  # fmt: skip
    note = Invoice.objects.get(merchant=merchant, kind="credit_note")

    refs = ledger_references([refund.transaction])[refund.transaction.pk]

    assert refs == [
        Reference("Order", orders[0].code, reverse("orders:detail", args=[orders[0].public_id])),
        Reference(
            "Credit note", note.number, reverse("wallet:invoice_download", args=[note.public_id])
        ),
    ]
    assert note.reference == refund.code == f"RF{refund.public_id}"
    assert Refund.objects.get(pk=refund.pk).transaction.kind_label == "Refund"


def test_references_never_name_another_merchants_order(merchant, owner, other_merchant, world):
    fund(merchant, owner, 20_000)
    txn = LedgerTransaction.objects.get(merchant=merchant, kind=LedgerKind.TOPUP)
    _, others = confirmed(other_merchant, other_merchant.owner, world, 1)
    # This merchant's posting (wrongly, in memory only) naming another merchant's order.
    txn.reference_type, txn.reference_id = ReferenceType.ORDER, others[0].public_id

    assert ledger_references([txn]) == {txn.pk: [_receipt_ref(txn)]}


def _receipt_ref(txn: LedgerTransaction) -> Reference:
    receipt = Invoice.objects.get(transaction=txn)
    return Reference(
        "Receipt", receipt.number, reverse("wallet:invoice_download", args=[receipt.public_id])
    )


def test_receipt_pdf_names_the_topup_and_transaction_by_code(merchant, owner):
    fund(merchant, owner, 5_000)
    topup = TopUp.objects.get(merchant=merchant)

    text = pdf_text(invoice_pdf(topup.receipt))

    assert f"Top-up {topup.code}" in text
    assert f"Transaction {topup.transaction.code}" in text
    assert topup.receipt.reference == topup.code


def test_payment_page_is_titled_by_the_code_and_its_orders(client, merchant, owner, world):
    parent, orders = confirmed(merchant, owner, world, 1, 1)
    client.force_login(owner)

    html = client.get(reverse("orders:pay", args=[parent.pay_id])).content.decode()

    assert _heading(html) == "Payment for 2 orders"
    assert _title(html).startswith(f"Payment {parent.code}")
    assert parent.code == f"PAY{parent.pay_id}"
    assert parent.shipments_id not in html


def test_paying_a_payment_order_references_it_and_its_orders(merchant, owner, world):
    fund(merchant, owner, 20_000)
    parent, orders = confirmed(merchant, owner, world, 1, 2)
    result = checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)
    invoice = Invoice.objects.get(merchant=merchant, kind="invoice")

    refs = ledger_references([result.transaction])[result.transaction.pk]

    assert [r.text for r in refs] == [
        f"Payment {parent.code}",
        *(f"Order {o.code}" for o in sorted(orders, key=lambda o: o.code)),
        f"Invoice {invoice.number}",
    ]
    assert refs[0].url == reverse("orders:pay", args=[parent.pay_id])
