"""Changing an order's warehouse or line with its freight difference settled through the wallet
(``checkout.replan.order_replan`` over ``orders.services.order_replan``)."""

import pytest

from dropyard.checkout import replan
from dropyard.checkout import services as checkout_services
from dropyard.core.models import AuditEvent
from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import make_stock
from dropyard.orders.models import Order, OrderEvent, Parcel
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.choices import AccountKind, InvoiceKind, LedgerKind, MakeupStatus
from dropyard.wallet.exceptions import InsufficientBalance
from dropyard.wallet.models import Invoice, LedgerTransaction, Makeup, Payment, Refund
from dropyard.wallet.tests.payment_helpers import (
    available,
    confirmed,
    entries_by_kind,
    fund,
    wallet_paid,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def paid(merchant, owner, world):
    """1 red paid from the wallet at CN on CJPacket: 15.00 (5.00 freight), net 14.70; the
    wallet keeps 85.30."""
    return wallet_paid(merchant, owner, world)


def _reserved(world, warehouse):
    return Stock.objects.get(variant=world.red, warehouse=warehouse).reserved


def test_unpaid_order_changes_totals_only(merchant, owner, world, support):
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    transactions = LedgerTransaction.objects.count()

    outcome = replan.order_replan(
        order=order, actor=support, warehouse=world.cn, line=world.dhl, reason="faster"
    )

    order.refresh_from_db()
    assert (outcome.charge, outcome.refund, outcome.result.delta_minor) == (None, None, 500)
    assert (order.status, order.postage_amount_minor, order.total_amount_minor) == (
        "UNPAID",
        1000,
        2000,
    )
    assert available(merchant) == 10_000
    assert LedgerTransaction.objects.count() == transactions
    assert not Makeup.objects.exists()


def test_paid_increase_is_charged_from_the_wallet_exactly(merchant, paid, world, support):
    assert available(merchant) == 8530

    outcome = replan.order_replan(
        order=paid, actor=support, warehouse=world.cn, line=world.dhl, reason="buyer pays express"
    )

    paid.refresh_from_db()
    assert available(merchant) == 8030
    bill = Makeup.objects.get()
    assert outcome.charge == bill
    assert (bill.amount_minor, bill.type, bill.status, bill.related_order_id) == (
        500,
        "freight",
        MakeupStatus.PAID,
        paid.pk,
    )
    txn = LedgerTransaction.objects.get(kind=LedgerKind.MAKEUP_PAYMENT)
    assert entries_by_kind(txn) == {
        AccountKind.WALLET_AVAILABLE: -500,
        AccountKind.FREIGHT_REVENUE: 500,
    }
    assert Payment.objects.get(makeup=bill).net_minor == 500
    assert (paid.status, paid.postage_amount_minor, paid.total_amount_minor) == (
        "UNSHIPPED",
        1000,
        2000,
    )
    assert paid.cost_breakdown["paid"]["net_minor"] == 1470
    assert [
        (r["postage_before_minor"], r["postage_after_minor"])
        for r in paid.cost_breakdown["replans"]
    ] == [(500, 1000)]
    parcel = Parcel.objects.get(orders=paid, status="ready")
    assert (parcel.line_id, parcel.ready_at) == (world.dhl.pk, paid.paid_at)
    assert _reserved(world, world.cn) == 1
    kinds = list(OrderEvent.objects.filter(order=paid).values_list("kind", "note"))
    assert kinds[-1] == (
        "freight_charged",
        f"charged 5.00 USD from the wallet (supplementary bill {bill.code})",
    )
    assert kinds[-2][0] == "replanned"


def test_paid_decrease_is_refunded_exactly_with_a_credit_note(merchant, paid, world, support):
    make_stock(variant=world.red, warehouse=world.us, on_hand=5)

    outcome = replan.order_replan(
        order=paid, actor=support, warehouse=world.us, line=world.usps, reason="ship locally"
    )

    paid.refresh_from_db()
    refund = Refund.objects.get()
    assert outcome.refund == refund
    assert (refund.amount_minor, refund.destination, refund.order_id) == (200, "wallet", paid.pk)
    assert refund.idempotency_key == f"replan:{paid.public_id}:{outcome.result.event.pk}"
    assert available(merchant) == 8730
    assert entries_by_kind(refund.transaction) == {
        AccountKind.WALLET_AVAILABLE: 200,
        AccountKind.ORDER_REVENUE: -136,
        AccountKind.FREIGHT_REVENUE: -68,
        AccountKind.DISCOUNTS_GIVEN: 4,
    }
    assert Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE).total_minor == 200
    assert (paid.postage_amount_minor, paid.total_amount_minor) == (300, 1300)
    assert (_reserved(world, world.cn), _reserved(world, world.us)) == (0, 1)
    parcel = Parcel.objects.get(orders=paid, status="ready")
    assert (parcel.warehouse_id, parcel.line_id) == (world.us.pk, world.usps.pk)
    assert not Makeup.objects.exists()
    assert OrderEvent.objects.filter(order=paid).latest("pk").note == (
        "refunded 2.00 USD to wallet: freight difference"
    )


def test_insufficient_balance_refuses_and_changes_nothing(merchant, owner, world, support):
    fund(merchant, owner, 1470)
    _, [order] = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    assert available(merchant) == 0
    parcels = sorted(
        Parcel.objects.filter(orders=order).values_list("pk", "status", "line_id", "ready_at")
    )
    stock = sorted(Stock.objects.values_list("pk", "on_hand", "reserved"))
    events, audits = OrderEvent.objects.count(), AuditEvent.objects.count()

    with pytest.raises(InsufficientBalance) as refused:
        replan.order_replan(
            order=order, actor=support, warehouse=world.cn, line=world.dhl, reason="express"
        )

    assert refused.value.code == 1604000
    assert refused.value.message == "Insufficient balance: 5.00 USD needed, 0.00 available"
    row = Order.objects.get(pk=order.pk)
    assert (row.line_id, row.postage_amount_minor, row.total_amount_minor) == (
        world.cjpacket.pk,
        500,
        1500,
    )
    assert (
        sorted(
            Parcel.objects.filter(orders=order).values_list("pk", "status", "line_id", "ready_at")
        )
        == parcels
    )
    assert sorted(Stock.objects.values_list("pk", "on_hand", "reserved")) == stock
    assert (OrderEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)
    assert available(merchant) == 0
    assert not Makeup.objects.exists()
