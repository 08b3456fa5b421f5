"""The payment pipeline: paying orders from the wallet (2% discount) and by a provider (page
payment)."""

import pytest
from django.db.models import Sum

from dropyard.checkout import services as checkout_services
from dropyard.core.models import AuditEvent
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, ParentOrderStatus
from dropyard.orders.exceptions import OrderNotFound
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.choices import AccountKind, InvoiceKind
from dropyard.wallet.exceptions import InsufficientBalance, PaymentRefused
from dropyard.wallet.models import Entry, Invoice, LedgerTransaction, Payment
from dropyard.wallet.tests.payment_helpers import (
    available,
    confirmed,
    entries_by_kind,
    fund,
    platform_balance,
)


@pytest.fixture
def world(db):
    return make_order_world()


# --- Paying from the wallet -------------------------------------------------------------------


def test_pay_parent_posts_one_balanced_transaction_and_pays_every_order(merchant, owner, world):
    fund(merchant, owner, 10_000)
    parent, orders = confirmed(merchant, owner, world, 1, 3)

    result = checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)

    txn = result.transaction
    assert result.created is True
    assert txn.kind == "order_payment"
    assert txn.idempotency_key == f"pay:{parent.shipments_id}"
    assert (txn.reference_type, txn.reference_id) == ("parent_order", parent.shipments_id)
    assert entries_by_kind(txn) == {
        AccountKind.WALLET_AVAILABLE: -5047,
        AccountKind.ORDER_REVENUE: 4000,
        AccountKind.FREIGHT_REVENUE: 1150,
        AccountKind.DISCOUNTS_GIVEN: -103,
    }
    assert txn.entries.aggregate(s=Sum("amount_minor"))["s"] == 0
    assert available(merchant) == 10_000 - 5047
    assert [o.status for o in Order.objects.filter(pk__in=[o.pk for o in orders])] == [
        OrderStatus.UNSHIPPED,
        OrderStatus.UNSHIPPED,
    ]
    parent.refresh_from_db()
    assert parent.status == ParentOrderStatus.PAID
    rows = list(Payment.objects.order_by("order_id").values_list("order_id", "net_minor", "method"))
    assert rows == [(orders[0].pk, 1470, "wallet"), (orders[1].pk, 3577, "wallet")]
    event = AuditEvent.objects.get(action="wallet.payment")
    assert event.details["net_minor"] == 5047
    assert event.details["discount_minor"] == 103
    invoice = Invoice.objects.get(kind=InvoiceKind.INVOICE, transaction=txn)
    assert invoice.total_minor == 5047


def test_insufficient_balance_is_1604000_and_changes_nothing(merchant, owner, world):
    fund(merchant, owner, 5046)  # one cent short of 50.47
    parent, orders = confirmed(merchant, owner, world, 1, 3)
    transactions = LedgerTransaction.objects.count()

    with pytest.raises(InsufficientBalance) as refused:
        checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)

    assert refused.value.code == 1604000
    assert "50.47 USD needed, 50.46 available" in refused.value.message
    assert available(merchant) == 5046
    assert LedgerTransaction.objects.count() == transactions
    assert not Payment.objects.exists()
    assert not Invoice.objects.filter(kind=InvoiceKind.INVOICE).exists()
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.UNPAID}
    parent.refresh_from_db()
    assert parent.status == ParentOrderStatus.AWAITING_PAYMENT


def test_exact_balance_pays_and_leaves_zero(merchant, owner, world):
    fund(merchant, owner, 5047)
    parent, _ = confirmed(merchant, owner, world, 1, 3)

    checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)

    assert available(merchant) == 0


def test_paying_the_same_parent_twice_debits_once(merchant, owner, world):
    fund(merchant, owner, 10_000)
    parent, _ = confirmed(merchant, owner, world, 1)

    first = checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)
    again = checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)

    assert (first.created, again.created) == (True, False)
    assert again.transaction == first.transaction
    assert available(merchant) == 10_000 - 1470
    assert LedgerTransaction.objects.filter(kind="order_payment").count() == 1


def test_paying_a_paid_order_again_debits_nothing(merchant, owner, world):
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)

    again = checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)

    assert again.created is False
    assert available(merchant) == 10_000 - 1470


def test_bulk_payment_costs_the_sum_of_single_payments(merchant, owner, world):
    fund(merchant, owner, 100_000)
    _, bulk = confirmed(merchant, owner, world, 1, 2, 3)
    _, singles = confirmed(merchant, owner, world, 1, 2, 3)

    together = checkout_services.pay_from_wallet(merchant=merchant, orders=bulk, actor=owner)
    one_by_one = [
        checkout_services.pay_from_wallet(merchant=merchant, orders=[o], actor=owner)
        for o in singles
    ]

    assert together.quote.net_minor == sum(r.quote.net_minor for r in one_by_one)
    assert together.transaction.idempotency_key.startswith("pay:orders:")
    assert LedgerTransaction.objects.filter(kind="order_payment").count() == 4


def test_order_paid_alone_is_not_charged_again_with_its_parent(merchant, owner, world):
    fund(merchant, owner, 10_000)
    parent, (one, three) = confirmed(merchant, owner, world, 1, 3)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[one], actor=owner)

    rest = checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)

    assert [line.order.pk for line in rest.quote.lines] == [three.pk]
    assert available(merchant) == 10_000 - 1470 - 3577
    parent.refresh_from_db()
    assert parent.status == ParentOrderStatus.PAID


def test_another_merchants_orders_are_not_found(merchant, owner, other_merchant, world):
    fund(other_merchant, other_merchant.owner, 10_000)
    parent, orders = confirmed(merchant, owner, world, 1)

    with pytest.raises(OrderNotFound):
        checkout_services.pay_from_wallet(merchant=other_merchant, orders=orders)
    with pytest.raises(OrderNotFound):
        checkout_services.pay_from_wallet(merchant=other_merchant, parent=parent)

    assert available(other_merchant) == 10_000
    assert Order.objects.get(pk=orders[0].pk).status == OrderStatus.UNPAID


def test_unconfirmed_or_cancelled_orders_are_refused(merchant, owner, world):
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    order_services.order_cancel(order=order, actor=owner, reason="changed mind")

    with pytest.raises(PaymentRefused) as refused:
        checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)

    assert refused.value.code == 1603101
    assert available(merchant) == 10_000


@pytest.mark.parametrize(("bps", "net"), [(0, 1500), (500, 1425), (250, 1463)])
def test_discount_rate_is_configurable(merchant, owner, world, settings, bps, net):
    settings.DROPYARD_WALLET_DISCOUNT_BPS = bps
    fund(merchant, owner, 10_000)
    parent, _ = confirmed(merchant, owner, world, 1)

    result = checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)

    assert result.quote.net_minor == net
    assert available(merchant) == 10_000 - net
    assert (AccountKind.DISCOUNTS_GIVEN in entries_by_kind(result.transaction)) is (bps > 0)


def test_ledger_sums_to_zero_after_payments(merchant, owner, world):
    fund(merchant, owner, 100_000)
    parent, _ = confirmed(merchant, owner, world, 1, 2)
    _, [single] = confirmed(merchant, owner, world, 3)
    checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[single], actor=owner)

    assert Entry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0
    assert platform_balance(AccountKind.DISCOUNTS_GIVEN) == -(
        30 + 50 + 73
    )  # 15.00, 25.00, 36.50 at 2%, rounded down


# --- Page payments by a provider ----------------------------------------------------------------


def test_provider_payment_posts_cash_and_pays_without_discount(merchant, owner, world):
    parent, [order] = confirmed(merchant, owner, world, 1)

    result = checkout_services.parent_order_paid_by_provider(
        provider="stripe",
        reference=parent.pay_id,
        amount_minor=1500,
        currency="USD",
        provider_reference="pi_123",
        event=None,
    )

    assert result.created is True
    assert entries_by_kind(result.transaction) == {
        "provider_cash:stripe": -1500,
        AccountKind.ORDER_REVENUE: 1000,
        AccountKind.FREIGHT_REVENUE: 500,
    }
    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED
    assert Payment.objects.get().provider_reference == "pi_123"
    assert Invoice.objects.get(kind=InvoiceKind.INVOICE).total_minor == 1500


def test_replayed_provider_payment_applies_once(merchant, owner, world):
    parent, _ = confirmed(merchant, owner, world, 1)
    kwargs = {
        "provider": "paypal",
        "reference": parent.shipments_id,
        "amount_minor": 1500,
        "provider_reference": "CAPTURE-1",
    }
    checkout_services.parent_order_paid_by_provider(**kwargs)

    again = checkout_services.parent_order_paid_by_provider(**kwargs)

    assert again.created is False
    assert again.credited_to_wallet_minor == 0
    assert LedgerTransaction.objects.count() == 1
    assert available(merchant) == 0


def test_provider_money_for_a_paid_parent_goes_to_the_wallet(merchant, owner, world):
    fund(merchant, owner, 10_000)
    parent, _ = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, parent=parent, actor=owner)

    late = checkout_services.parent_order_paid_by_provider(
        provider="stripe", parent=parent, amount_minor=1500, provider_reference="pi_late"
    )
    replay = checkout_services.parent_order_paid_by_provider(
        provider="stripe", parent=parent, amount_minor=1500, provider_reference="pi_late"
    )

    assert late.credited_to_wallet_minor == 1500
    assert replay.credited_to_wallet_minor == 0
    assert available(merchant) == 10_000 - 1470 + 1500
    assert platform_balance(AccountKind.PROVIDER_CASH, "stripe") == -1500


def test_provider_amount_mismatch_credits_the_wallet_and_leaves_orders_unpaid(
    merchant, owner, world
):
    parent, [order] = confirmed(merchant, owner, world, 1)

    result = checkout_services.parent_order_paid_by_provider(
        provider="stripe", parent=parent, amount_minor=1000, provider_reference="pi_short"
    )

    assert result.credited_to_wallet_minor == 1000
    assert "does not match 15.00 USD due" in result.message
    assert available(merchant) == 1000
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID


def test_unknown_provider_reference_is_not_found(db):
    with pytest.raises(OrderNotFound):
        checkout_services.parent_order_paid_by_provider(
            provider="stripe", reference="nope", amount_minor=100, provider_reference="pi_x"
        )


# --- Idempotency keys are per merchant ----------------------------------------------------------


def test_wallet_payment_keys_are_namespaced_per_merchant(merchant, owner, other_merchant, world):
    other_owner = other_merchant.owner
    fund(merchant, owner, 10_000)
    fund(other_merchant, other_owner, 10_000)
    _, [mine] = confirmed(merchant, owner, world, 1)
    _, [theirs] = confirmed(other_merchant, other_owner, world, 1)

    first = checkout_services.pay_from_wallet(
        merchant=merchant, orders=[mine], idempotency_key="k-1"
    )
    second = checkout_services.pay_from_wallet(
        merchant=other_merchant, orders=[theirs], idempotency_key="k-1"
    )

    assert first.transaction.idempotency_key == f"m{merchant.pk}:k-1"
    assert second.transaction.idempotency_key == f"m{other_merchant.pk}:k-1"
    assert (available(merchant), available(other_merchant)) == (10_000 - 1470, 10_000 - 1470)
