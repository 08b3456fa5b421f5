"""Supplier payouts: requested up to the available payable, approved / rejected / paid through
one transition function; paying debits the payable once."""

import pytest

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.inventory.tests.factories import make_supplier
from dropyard.wallet import payouts
from dropyard.wallet.choices import AccountKind, LedgerKind, PayoutStatus
from dropyard.wallet.exceptions import PayoutRefused, WalletError
from dropyard.wallet.ledger import Posting, account_for, ledger_integrity_check, ledger_post
from dropyard.wallet.models import LedgerTransaction, Payout
from dropyard.wallet.supplier_ledger import (
    supplier_available_minor,
    supplier_payable_minor,
    supplier_share_minor,
)


@pytest.fixture
def supplier(db):
    supplier = make_supplier(company_name="Ningbo Lamps")
    payable = account_for(kind=AccountKind.SUPPLIER_PAYABLE, supplier=supplier)
    cost = account_for(kind=AccountKind.SUPPLIER_COST)
    ledger_post(
        entries=[Posting(account=payable, amount_minor=10_000), Posting(cost, -10_000)],
        idempotency_key="test-earning",
        kind=LedgerKind.SUPPLIER_EARNING,
    )
    return supplier


def _request(supplier, amount, **kwargs):
    return payouts.payout_request(
        supplier=supplier,
        actor=supplier.user,
        amount_minor=amount,
        bank_details="IBAN CN00 1234",
        **kwargs,
    )


@pytest.mark.parametrize(
    ("gross", "permille", "share"),
    [(0, 100, 0), (1000, 100, 900), (5, 100, 4), (4, 100, 4), (1999, 0, 1999), (1999, 1000, 0)],
)
def test_share_is_gross_minus_commission_rounded_half_up(gross, permille, share):
    assert supplier_share_minor(gross_minor=gross, permille=permille) == share


def test_request_holds_the_amount_until_decided(supplier):
    payout = _request(supplier, 6_000, note="December")

    assert payout.status == PayoutStatus.REQUESTED
    assert payout.code.startswith("PO")
    assert supplier_payable_minor(supplier=supplier) == 10_000
    assert supplier_available_minor(supplier=supplier) == 4_000
    event = AuditEvent.objects.get(action=AuditAction.SUPPLIER_PAYOUT)
    assert event.details["status"] == "requested"
    assert event.details["amount_minor"] == 6_000


@pytest.mark.parametrize("amount", [0, -5, 10_001, "100", 1.5, True])
def test_request_refuses_bad_amounts_and_more_than_available(supplier, amount):
    with pytest.raises(PayoutRefused):
        _request(supplier, amount)

    assert Payout.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLIER_PAYOUT).count() == 0


def test_second_request_cannot_spend_what_the_first_holds(supplier):
    _request(supplier, 7_000)

    with pytest.raises(PayoutRefused) as refusal:
        _request(supplier, 3_001)

    assert refusal.value.extra == {"available_minor": 3_000}
    assert Payout.objects.count() == 1


def test_request_needs_bank_details(supplier):
    with pytest.raises(PayoutRefused):
        payouts.payout_request(
            supplier=supplier, actor=supplier.user, amount_minor=100, bank_details="  "
        )

    assert Payout.objects.count() == 0


def test_approve_then_pay_debits_the_payable_once(supplier, operator_admin):
    payout = _request(supplier, 6_000)

    payouts.payout_transition(payout=payout, to=PayoutStatus.APPROVED, actor=operator_admin)
    paid = payouts.payout_transition(
        payout=payout, to=PayoutStatus.PAID, actor=operator_admin, reference="BANK-42"
    )

    assert paid.status == PayoutStatus.PAID
    assert paid.paid_reference == "BANK-42"
    assert paid.decided_by == operator_admin
    assert supplier_payable_minor(supplier=supplier) == 4_000
    assert supplier_available_minor(supplier=supplier) == 4_000
    amounts = sorted((e.account.kind, e.amount_minor) for e in paid.transaction.entries.all())
    assert amounts == [(AccountKind.PAYOUT_BANK, 6_000), (AccountKind.SUPPLIER_PAYABLE, -6_000)]
    assert ledger_integrity_check() == []
    with pytest.raises(PayoutRefused):
        payouts.payout_transition(
            payout=payout, to=PayoutStatus.PAID, actor=operator_admin, reference="BANK-43"
        )
    assert LedgerTransaction.objects.filter(kind=LedgerKind.SUPPLIER_PAYOUT).count() == 1
    assert supplier_payable_minor(supplier=supplier) == 4_000


def test_paying_a_requested_payout_skips_no_approval(supplier, operator_admin):
    payout = _request(supplier, 1_000)

    with pytest.raises(PayoutRefused):
        payouts.payout_transition(
            payout=payout, to=PayoutStatus.PAID, actor=operator_admin, reference="X"
        )

    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.REQUESTED
    assert supplier_payable_minor(supplier=supplier) == 10_000


def test_pay_needs_a_reference_and_reject_a_reason(supplier, operator_admin):
    payout = _request(supplier, 1_000)
    payouts.payout_transition(payout=payout, to=PayoutStatus.APPROVED, actor=operator_admin)

    with pytest.raises(PayoutRefused):
        payouts.payout_transition(payout=payout, to=PayoutStatus.PAID, actor=operator_admin)
    with pytest.raises(PayoutRefused):
        payouts.payout_transition(payout=payout, to=PayoutStatus.REJECTED, actor=operator_admin)

    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.APPROVED
    assert supplier_payable_minor(supplier=supplier) == 10_000


def test_reject_frees_the_amount_and_is_final(supplier, operator_admin):
    payout = _request(supplier, 9_000)

    rejected = payouts.payout_transition(
        payout=payout, to=PayoutStatus.REJECTED, actor=operator_admin, reason="Wrong IBAN"
    )

    assert rejected.decision_reason == "Wrong IBAN"
    assert supplier_available_minor(supplier=supplier) == 10_000
    with pytest.raises(PayoutRefused):
        payouts.payout_transition(payout=payout, to=PayoutStatus.APPROVED, actor=operator_admin)
    statuses = list(
        AuditEvent.objects.filter(action=AuditAction.SUPPLIER_PAYOUT)
        .order_by("pk")
        .values_list("details__status", flat=True)
    )
    assert statuses == ["requested", "rejected"]


def test_the_payable_never_goes_below_zero(supplier, operator_admin):
    payable = account_for(kind=AccountKind.SUPPLIER_PAYABLE, supplier=supplier)
    bank = account_for(kind=AccountKind.PAYOUT_BANK)

    with pytest.raises(WalletError):
        ledger_post(
            entries=[Posting(payable, -10_001), Posting(bank, 10_001)],
            idempotency_key="overdraw",
            kind=LedgerKind.SUPPLIER_PAYOUT,
        )

    assert supplier_payable_minor(supplier=supplier) == 10_000


def test_supplier_accounts_are_one_per_supplier_and_currency(supplier):
    other = make_supplier(company_name="Other")

    mine = account_for(kind=AccountKind.SUPPLIER_PAYABLE, supplier=supplier)
    theirs = account_for(kind=AccountKind.SUPPLIER_PAYABLE, supplier=other)

    assert mine.pk != theirs.pk
    assert mine == account_for(kind=AccountKind.SUPPLIER_PAYABLE, supplier=supplier)
    with pytest.raises(WalletError):
        account_for(kind=AccountKind.SUPPLIER_PAYABLE)
    with pytest.raises(WalletError):
        account_for(kind=AccountKind.SUPPLIER_COST, supplier=supplier)
