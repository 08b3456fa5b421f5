"""Finance's manual refund (``wallet.refunds.refund_manual``): the exact ledger entries and
credit note, the bound (paid minus refunded), destinations, the one-time form token that makes a
double submit refund once, and the order's history row."""

import pytest
from django.db.models import Sum

from dropyard.accounts.tests.factories import make_operator
from dropyard.checkout import services as checkout_services
from dropyard.core.models import AuditEvent
from dropyard.orders.models import OrderEvent
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import refunds
from dropyard.wallet.choices import AccountKind, InvoiceKind, RefundDestination, RefundStatus
from dropyard.wallet.models import Entry, Invoice, LedgerTransaction, Refund
from dropyard.wallet.tests.payment_helpers import (
    available,
    confirmed,
    entries_by_kind,
    wallet_paid,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def finance(db):
    return make_operator(role="finance")


@pytest.fixture
def paid(merchant, owner, world):
    """One order (15.00 = 10.00 products + 5.00 freight) paid from the wallet: net 14.70."""
    return wallet_paid(merchant, owner, world)


def _manual(order, actor, token, amount=None, **kwargs):
    return refunds.refund_manual(
        order=order,
        amount_minor=amount,
        reason=kwargs.pop("reason", "parcel arrived damaged"),
        destination=kwargs.pop("destination", None),
        actor=actor,
        request_token=token,
    )


def test_partial_refund_posts_the_exact_entries_and_a_credit_note(merchant, paid, finance):
    before = available(merchant)

    refund = _manual(paid, finance, "tok-1", 700)

    assert (refund.amount_minor, refund.destination, refund.status, refund.created_by) == (
        700,
        RefundDestination.WALLET,
        RefundStatus.COMPLETED,
        finance,
    )
    assert refund.idempotency_key == f"manual:{paid.public_id}:tok-1"
    # 700 of a 1470 net payment (1000 products + 500 freight - 30 discount): freight and
    # discount pro rata rounded down (500*700//1470 = 238, 30*700//1470 = 14), products the rest.
    assert entries_by_kind(refund.transaction) == {
        AccountKind.WALLET_AVAILABLE: 700,
        AccountKind.ORDER_REVENUE: -476,
        AccountKind.FREIGHT_REVENUE: -238,
        AccountKind.DISCOUNTS_GIVEN: 14,
    }
    assert refund.transaction.entries.aggregate(s=Sum("amount_minor"))["s"] == 0
    assert available(merchant) == before + 700
    note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    assert (note.total_minor, note.original.kind, note.transaction_id) == (
        700,
        InvoiceKind.INVOICE,
        refund.transaction_id,
    )
    assert note.snapshot["lines"] == [
        {
            "description": (
                f"Refund · {paid.code} (your order {paid.order_number}) · parcel arrived damaged"
            ),
            "quantity": 1,
            "unit_minor": 700,
            "amount_minor": 700,
        }
    ]
    assert list(note.orders.all()) == [paid]
    event = OrderEvent.objects.filter(order=paid).latest("pk")
    assert (event.kind, event.note, event.actor) == (
        "refund",
        "refunded 7.00 USD to wallet: parcel arrived damaged",
        finance,
    )
    audit = AuditEvent.objects.get(action="refund.issued")
    assert (audit.actor, audit.details["amount_minor"]) == (finance, 700)


def test_full_refund_leaves_nothing_and_further_refunds_are_refused(merchant, paid, finance):
    first = _manual(paid, finance, "tok-1")

    assert first.amount_minor == 1470
    assert entries_by_kind(first.transaction) == {
        AccountKind.WALLET_AVAILABLE: 1470,
        AccountKind.ORDER_REVENUE: -1000,
        AccountKind.FREIGHT_REVENUE: -500,
        AccountKind.DISCOUNTS_GIVEN: 30,
    }
    with pytest.raises(refunds.RefundRefused, match="already refunded in full"):
        _manual(paid, finance, "tok-2")
    assert Refund.objects.count() == 1


def test_amount_above_paid_minus_refunded_is_refused_and_changes_nothing(merchant, paid, finance):
    _manual(paid, finance, "tok-1", 1000)
    wallet = available(merchant)
    txns = LedgerTransaction.objects.count()

    with pytest.raises(refunds.RefundRefused) as refused:
        _manual(paid, finance, "tok-2", 471)

    assert refused.value.extra == {"refundable_minor": 470}
    assert (available(merchant), LedgerTransaction.objects.count()) == (wallet, txns)
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1
    assert OrderEvent.objects.filter(order=paid, kind="refund").count() == 1
    assert _manual(paid, finance, "tok-3", 470).amount_minor == 470


def test_the_same_form_token_refunds_once(merchant, paid, finance):
    first = _manual(paid, finance, "tok-1", 500)
    again = _manual(paid, finance, "tok-1", 500)

    assert again.pk == first.pk
    assert Refund.objects.count() == 1
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1
    assert OrderEvent.objects.filter(order=paid, kind="refund").count() == 1
    assert available(merchant) == 10_000 - 1470 + 500


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "  "}, "a reason is required"),
        ({"destination": RefundDestination.SOURCE}, "a wallet payment is refunded to the wallet"),
        ({"destination": "bank"}, "destination must be one of"),
    ],
)
def test_missing_reason_and_forbidden_destinations_are_refused(paid, finance, kwargs, message):
    with pytest.raises(refunds.RefundRefused, match=message):
        _manual(paid, finance, "tok-1", 100, **kwargs)

    assert not Refund.objects.exists()
    assert not OrderEvent.objects.filter(order=paid, kind="refund").exists()


@pytest.mark.parametrize("token", ["", "   ", "x" * 65])
def test_missing_or_long_token_is_refused(paid, finance, token):
    with pytest.raises(refunds.RefundRefused, match="the refund form expired"):
        _manual(paid, finance, token, 100)

    assert not Refund.objects.exists()


def test_card_payment_goes_back_to_the_card_when_asked(merchant, owner, world, finance):
    parent, [order] = confirmed(merchant, owner, world, 1)
    checkout_services.parent_order_paid_by_provider(
        provider="stripe", parent=parent, amount_minor=1500, provider_reference="pi_1"
    )
    order.refresh_from_db()

    refund = _manual(order, finance, "tok-1", 600, destination=RefundDestination.SOURCE)

    assert (refund.destination, refund.status) == (RefundDestination.SOURCE, RefundStatus.PENDING)
    assert entries_by_kind(refund.transaction)["refunds_payable:stripe"] == 600
    assert Entry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0


def test_unpaid_order_has_nothing_to_refund(merchant, owner, world, finance):
    _, [order] = confirmed(merchant, owner, world, 1)

    with pytest.raises(refunds.RefundRefused, match="was not paid"):
        _manual(order, finance, "tok-1")
