"""Refunds: never more than paid, partial refunds, destinations, automatic refund on cancel."""

import pytest
from django.db.models import Sum
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dropyard.checkout import cancellation as checkout_cancellation
from dropyard.checkout import services as checkout_services
from dropyard.core.models import AuditEvent
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import bills, refunds
from dropyard.wallet.choices import (
    AccountKind,
    InvoiceKind,
    MakeupType,
    RefundDestination,
    RefundStatus,
)
from dropyard.wallet.models import Entry, Invoice, LedgerTransaction, Payment, Refund
from dropyard.wallet.providers import ProviderNotConfigured
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


@pytest.fixture
def paid(merchant, owner, world):
    """One order (15.00 = 10.00 products + 5.00 freight) paid from the wallet: net 14.70."""
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    order.refresh_from_db()
    return order


def _card_paid(merchant, owner, world, provider="stripe"):
    parent, [order] = confirmed(merchant, owner, world, 1)
    checkout_services.parent_order_paid_by_provider(
        provider=provider, parent=parent, amount_minor=1500, provider_reference=f"{provider}_1"
    )
    order.refresh_from_db()
    return order


def _deliver(order):
    order_services.order_transition(order, to=OrderStatus.SHIPPED)
    order_services.order_transition(order, to=OrderStatus.DELIVERED)
    order.refresh_from_db()


def _refund(merchant, order, key, amount=None, **kwargs):
    return refunds.refund_issue(
        merchant=merchant,
        order=order,
        amount_minor=amount,
        reason=kwargs.pop("reason", "damaged item"),
        idempotency_key=key,
        **kwargs,
    )


# --- Pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "closed", "requested", "to_source", "expected"),
    [
        ("wallet", False, None, {}, "wallet"),
        ("wallet", False, None, {"wallet": True}, "wallet"),
        ("stripe", False, None, {}, "wallet"),
        ("stripe", False, None, {"stripe": True}, "source"),
        ("paypal", False, None, {"stripe": True}, "wallet"),
        ("paypal", False, None, {"paypal": True}, "source"),
        ("stripe", True, None, {"stripe": True}, "wallet"),  # closed orders: wallet
        ("stripe", False, "wallet", {"stripe": True}, "wallet"),
        ("stripe", False, "source", {}, "source"),
    ],
)
def test_destination_rules(settings, method, closed, requested, to_source, expected):
    settings.DROPYARD_REFUND_TO_SOURCE = to_source

    assert (
        refunds.refund_destination(method=method, order_closed=closed, requested=requested)
        == expected
    )


@pytest.mark.parametrize(
    ("method", "closed", "requested"),
    [("wallet", False, "source"), ("stripe", True, "source"), ("stripe", False, "bank")],
)
def test_destinations_the_rules_forbid_are_refused(method, closed, requested):
    with pytest.raises(refunds.RefundRefused):
        refunds.refund_destination(method=method, order_closed=closed, requested=requested)


@pytest.mark.parametrize(
    ("destination", "method", "fragment"),
    [
        ("source", "stripe", "expect 5–10 business days"),
        ("source", "paypal", "PayPal"),
        ("wallet", "stripe", "wallet"),
    ],
)
def test_refund_messages(destination, method, fragment):
    assert fragment in refunds.refund_message(destination, method)


def test_partial_refunds_reverse_the_payment_exactly_in_the_end():
    payment = Payment(products_minor=1000, freight_minor=500, discount_minor=30, net_minor=1470)
    steps = [333, 1, 700, 436]  # sums to 1470

    already, totals = 0, [0, 0, 0]
    for amount in steps:
        split = refunds.refund_split(payment, already, amount)
        assert split.products_minor + split.freight_minor - split.discount_minor == amount
        totals = [
            totals[0] + split.products_minor,
            totals[1] + split.freight_minor,
            totals[2] + split.discount_minor,
        ]
        already += amount

    assert totals == [1000, 500, 30]


@given(
    products=st.integers(min_value=0, max_value=10_000_000),
    freight=st.integers(min_value=0, max_value=1_000_000),
    bps=st.integers(min_value=0, max_value=10_000),
    cuts=st.lists(st.floats(min_value=0, max_value=1), max_size=8),
)
def test_any_sequence_of_partial_refunds_reverses_exactly(products, freight, bps, cuts):
    gross = products + freight
    discount = gross * bps // 10_000
    net = gross - discount
    payment = Payment(
        products_minor=products, freight_minor=freight, discount_minor=discount, net_minor=net
    )
    points = sorted({0, net, *(int(net * c) for c in cuts)})
    totals = [0, 0, 0]
    for before, after in zip(points, points[1:], strict=False):
        split = refunds.refund_split(payment, before, after - before)
        assert split.products_minor + split.freight_minor - split.discount_minor == after - before
        assert split.freight_minor >= 0
        assert split.discount_minor >= 0
        totals = [
            totals[0] + split.products_minor,
            totals[1] + split.freight_minor,
            totals[2] + split.discount_minor,
        ]

    assert totals == ([products, freight, discount] if net else [0, 0, 0])


# --- Issuing --------------------------------------------------------------------------------------


def test_full_refund_to_the_wallet_undoes_the_payment(merchant, owner, paid):
    before = available(merchant)

    refund = _refund(merchant, paid, "r-1", actor=owner)

    assert (refund.amount_minor, refund.destination, refund.status) == (
        1470,
        RefundDestination.WALLET,
        RefundStatus.COMPLETED,
    )
    assert entries_by_kind(refund.transaction) == {
        AccountKind.WALLET_AVAILABLE: 1470,
        AccountKind.ORDER_REVENUE: -1000,
        AccountKind.FREIGHT_REVENUE: -500,
        AccountKind.DISCOUNTS_GIVEN: 30,
    }
    assert available(merchant) == before + 1470
    for kind in (
        AccountKind.ORDER_REVENUE,
        AccountKind.FREIGHT_REVENUE,
        AccountKind.DISCOUNTS_GIVEN,
    ):
        assert platform_balance(kind) == 0
    assert Entry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0
    event = AuditEvent.objects.get(action="refund.issued")
    assert event.details["amount_minor"] == 1470
    note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    assert (note.total_minor, note.original.kind) == (1470, InvoiceKind.INVOICE)


def test_partial_refunds_never_exceed_what_was_paid(merchant, owner, paid):
    _refund(merchant, paid, "r-1", 1000)
    _refund(merchant, paid, "r-2", 400)

    with pytest.raises(refunds.RefundRefused) as refused:
        _refund(merchant, paid, "r-3", 71)

    assert "at most 0.70 USD can be refunded" in refused.value.message
    assert refused.value.extra == {"refundable_minor": 70}
    last = _refund(merchant, paid, "r-4")  # the rest
    assert last.amount_minor == 70
    assert Refund.objects.aggregate(s=Sum("amount_minor"))["s"] == 1470
    with pytest.raises(refunds.RefundRefused, match="already refunded in full"):
        _refund(merchant, paid, "r-5")
    assert available(merchant) == 10_000


@pytest.mark.parametrize("amount", [0, -5, 1471, "100", 10.5, True])
def test_bad_amounts_are_refused_and_change_nothing(merchant, paid, amount):
    before = available(merchant)

    with pytest.raises(refunds.RefundRefused):
        _refund(merchant, paid, "bad", amount)

    assert available(merchant) == before
    assert not Refund.objects.exists()


def test_same_key_refunds_once(merchant, paid):
    first = _refund(merchant, paid, "same", 500)
    again = _refund(merchant, paid, "same", 500)

    assert again.pk == first.pk
    assert Refund.objects.count() == 1
    assert available(merchant) == 10_000 - 1470 + 500


def test_refund_keys_are_per_merchant(merchant, owner, other_merchant, world, paid):
    other_owner = other_merchant.owner
    fund(other_merchant, other_owner, 10_000)
    _, [theirs] = confirmed(other_merchant, other_owner, world, 1)
    checkout_services.pay_from_wallet(merchant=other_merchant, orders=[theirs], actor=other_owner)

    mine = _refund(merchant, paid, "shared-key", 100)
    their_refund = _refund(other_merchant, theirs, "shared-key", 200)

    assert (mine.merchant_id, their_refund.merchant_id) == (merchant.pk, other_merchant.pk)
    assert available(other_merchant) == 10_000 - 1470 + 200


def test_unpaid_order_has_nothing_to_refund(merchant, owner, world):
    _, [order] = confirmed(merchant, owner, world, 1)

    with pytest.raises(refunds.RefundRefused, match="was not paid"):
        _refund(merchant, order, "r-1")


def test_another_merchants_order_is_not_found(merchant, other_merchant, paid):
    with pytest.raises(refunds.RefundNotFound):
        _refund(other_merchant, paid, "r-1")

    assert not Refund.objects.exists()


def test_empty_reason_is_refused(merchant, paid):
    with pytest.raises(refunds.RefundRefused, match="reason"):
        _refund(merchant, paid, "r-1", reason="  ")


def test_makeup_payment_can_be_refunded_in_part(merchant, owner):
    fund(merchant, owner, 1000)
    bill = bills.makeup_create(
        merchant=merchant, amount_minor=400, reason="weight", type=MakeupType.FREIGHT
    )
    bills.makeup_pay(makeup=bill, actor=owner)

    refund = refunds.refund_issue(
        merchant=merchant, makeup=bill, amount_minor=150, reason="re-weighed", idempotency_key="m"
    )

    assert entries_by_kind(refund.transaction) == {
        AccountKind.WALLET_AVAILABLE: 150,
        AccountKind.FREIGHT_REVENUE: -150,
    }
    assert available(merchant) == 1000 - 400 + 150
    with pytest.raises(refunds.RefundRefused):
        refunds.refund_issue(
            merchant=merchant, makeup=bill, amount_minor=251, reason="x", idempotency_key="m2"
        )


# --- Destinations ---------------------------------------------------------------------------------


def test_card_refund_to_source_is_owed_until_the_provider_takes_it(
    merchant, owner, world, settings, django_capture_on_commit_callbacks
):
    settings.DROPYARD_REFUND_TO_SOURCE = {"stripe": True}
    order = _card_paid(merchant, owner, world)

    with django_capture_on_commit_callbacks(execute=True):
        refund = _refund(merchant, order, "r-1", 600)

    refund.refresh_from_db()
    assert (refund.destination, refund.status) == (RefundDestination.SOURCE, RefundStatus.PENDING)
    assert "expect 5–10 business days" in refund.message
    assert entries_by_kind(refund.transaction)["refunds_payable:stripe"] == 600
    assert platform_balance(AccountKind.REFUNDS_PAYABLE, "stripe") == 600
    assert available(merchant) == 0
    with pytest.raises(ProviderNotConfigured):  # no Stripe credentials in tests
        refunds.refund_send(refund=refund)


def test_sandbox_refund_to_source_is_sent_after_commit(
    merchant, owner, world, settings, django_capture_on_commit_callbacks
):
    settings.DROPYARD_REFUND_TO_SOURCE = {"sandbox": True}
    merchant.is_sandbox = True  # sandbox money pays sandbox orders only (order_paid)
    merchant.save(update_fields=["is_sandbox"])
    order = _card_paid(merchant, owner, world, provider="sandbox")

    with django_capture_on_commit_callbacks(execute=True):
        refund = _refund(merchant, order, "r-1")

    refund.refresh_from_db()
    assert (refund.status, refund.amount_minor) == (RefundStatus.SENT, 1500)
    assert refund.provider_reference == f"sandbox-refund-{refund.public_id}"
    assert platform_balance(AccountKind.REFUNDS_PAYABLE, "sandbox") == 0
    assert platform_balance(AccountKind.PROVIDER_CASH, "sandbox") == 0
    assert refunds.refund_send(refund=refund).status == RefundStatus.SENT  # once


def test_delivered_card_order_refunds_to_the_wallet(merchant, owner, world, settings):
    settings.DROPYARD_REFUND_TO_SOURCE = {"stripe": True}
    order = _card_paid(merchant, owner, world)
    _deliver(order)

    refund = _refund(merchant, order, "r-1", 500)
    with pytest.raises(refunds.RefundRefused, match="delivered"):
        _refund(merchant, order, "r-2", 500, destination="source")

    assert refund.destination == RefundDestination.WALLET
    assert available(merchant) == 500


# --- Cancellation -------------------------------------------------------------------------------


def test_cancelling_a_paid_order_refunds_the_net_to_the_wallet(merchant, owner, paid):
    checkout_cancellation.order_cancel(order=paid, actor=owner, reason="customer cancelled")

    refund = Refund.objects.get()
    assert (refund.order_id, refund.amount_minor, refund.destination) == (
        paid.pk,
        1470,
        RefundDestination.WALLET,
    )
    assert refund.idempotency_key == f"cancel:{paid.public_id}"
    assert available(merchant) == 10_000
    paid.refresh_from_db()
    assert paid.status == OrderStatus.CANCELLED


def test_cancelling_a_card_paid_order_refunds_to_the_card_when_configured(
    merchant, owner, world, settings
):
    settings.DROPYARD_REFUND_TO_SOURCE = {"stripe": True}
    order = _card_paid(merchant, owner, world)

    checkout_cancellation.order_cancel(order=order, actor=owner, reason="out of stock")

    refund = Refund.objects.get()
    assert (refund.destination, refund.status, refund.amount_minor) == (
        RefundDestination.SOURCE,
        RefundStatus.PENDING,
        1500,
    )
    assert platform_balance(AccountKind.REFUNDS_PAYABLE, "stripe") == 1500
    assert available(merchant) == 0


def test_cancelling_a_card_paid_order_refunds_to_the_wallet_without_the_rule(
    merchant, owner, world, settings
):
    settings.DROPYARD_REFUND_TO_SOURCE = {"paypal": True}  # not Stripe
    order = _card_paid(merchant, owner, world)

    checkout_cancellation.order_cancel(order=order, actor=owner, reason="out of stock")

    assert Refund.objects.get().destination == RefundDestination.WALLET
    assert available(merchant) == 1500


def test_cancelling_an_unpaid_order_refunds_nothing(merchant, owner, world):
    _, [order] = confirmed(merchant, owner, world, 1)

    checkout_cancellation.order_cancel(order=order, actor=owner, reason="changed mind")

    assert not Refund.objects.exists()


def test_cancel_after_a_partial_refund_refunds_the_rest(merchant, owner, paid):
    _refund(merchant, paid, "r-1", 1000)

    checkout_cancellation.order_cancel(order=paid, actor=owner, reason="cancelled")

    assert list(Refund.objects.order_by("pk").values_list("amount_minor", flat=True)) == [
        1000,
        470,
    ]
    assert available(merchant) == 10_000


# --- Selector -------------------------------------------------------------------------------------


def test_refunds_list_is_scoped_and_filtered(merchant, owner, other_merchant, world, paid):
    _refund(merchant, paid, "r-1", 100)

    assert [r.amount_minor for r in refunds.refunds_list(merchant=merchant)] == [100]
    assert list(refunds.refunds_list(merchant=other_merchant)) == []
    assert refunds.refunds_list(status=RefundStatus.PENDING).count() == 0
    assert refunds.refunds_list(status="bogus").count() == 1


def test_a_page_payment_memo_stays_english_whatever_the_request_language(merchant, owner, world):
    # Provider labels translate (Card (Stripe) → 银行卡 …) but the ledger memo is stored text.
    with translation.override("zh-hans"):
        order = _card_paid(merchant, owner, world, provider="stripe")
    memos = list(
        LedgerTransaction.objects.filter(memo__startswith="Page payment via").values_list(
            "memo", flat=True
        )
    )
    assert memos == ["Page payment via Card (Stripe) stripe_1 "]
    assert order.status == OrderStatus.UNSHIPPED
