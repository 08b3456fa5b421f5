"""Property: whatever sequence of partial disputes (random lines and quantities), refunds
granted with random amounts (some over the caps, some malformed), reviews, rejections,
cancellations of disputes and of the order itself on one wallet-paid order, after every step:

(a) the order's refunds (wallet ``Refund`` rows of its payment) never exceed what was paid
    (``Payment.net_minor``), and they are exactly the disputes' granted amounts plus the
    cancellation's refund;
(b) every ledger transaction sums to zero and so does the whole ledger (``ledger_integrity_check``
    and the trial balance, as the wallet's own ledger property does);
(c) no order line is claimed beyond its quantity by live disputes (not cancelled, not
    rejected), counted here from the rows rather than through ``claims``.

A refused step must have changed nothing: the invariants are checked after every step, refused
or not. Each example runs in a transaction that is rolled back, so examples do not see each
other's rows (the shop, its wallet and the paid order come from a fixture shared by the
examples: each example starts from the order just paid).
"""

from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dropyard.accounts.tests.factories import make_operator
from dropyard.aftersales import outcomes, services
from dropyard.aftersales.choices import DisputeOutcome, DisputeReason, DisputeStatus, ExpectType
from dropyard.aftersales.models import Dispute, DisputeLine
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import make_shop, paid_order
from dropyard.checkout import cancellation
from dropyard.core.errors import DomainError
from dropyard.orders.models import Order
from dropyard.wallet.ledger import ledger_integrity_check, trial_balance_totals
from dropyard.wallet.models import Payment, Refund

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


DISPUTE = st.integers(min_value=0, max_value=9)  # which dispute opened so far (modulo)
# An amount: the default (the cap), or any, some over the caps (a line's cap is 1 000 or 2 000
# plus its share of the freight), -1 malformed.
AMOUNT = st.one_of(st.none(), st.integers(min_value=-1, max_value=4_000))
OPEN = st.tuples(
    st.just("open"),
    st.integers(min_value=0, max_value=1),  # first line claimed
    st.integers(min_value=1, max_value=3),  # its quantity (red × 3, blue × 2)
    st.integers(min_value=0, max_value=2),  # quantity of the other line, 0: not claimed
    AMOUNT,  # asked
)
REFUND = st.tuples(st.just("refund"), DISPUTE, AMOUNT)  # granted
# Listed twice, opening and refunding come up more often than the rest.
OPS = st.one_of(
    OPEN, OPEN, REFUND, REFUND, st.tuples(st.sampled_from(["reject", "cancel", "review"]), DISPUTE)
)
# When the order itself is cancelled (refunding what is left), if at all: once, at a random
# step, since every refund after it is refused (nothing is left to refund).
CANCEL_AT = st.one_of(st.none(), st.integers(min_value=0, max_value=11))


@pytest.fixture
def world(db):
    """The shop, an operator and the paid order (red × 3, blue × 2) every example starts from."""
    shop = make_shop()
    order = paid_order(shop, (shop.world.red, 3), (shop.world.blue, 2))
    return shop, make_operator(role="support"), order


def _check(order: Order, payment: Payment) -> None:
    refunded = Refund.objects.filter(payment=payment).aggregate(t=Sum("amount_minor"))["t"] or 0
    assert 0 <= refunded <= payment.net_minor
    granted = (
        Dispute.objects.filter(order=order, outcome=DisputeOutcome.REFUNDED).aggregate(
            t=Sum("granted_amount_minor")
        )["t"]
        or 0
    )
    cancelled = Refund.objects.filter(payment=payment, idempotency_key__startswith="cancel:")
    assert refunded == granted + (cancelled.aggregate(t=Sum("amount_minor"))["t"] or 0)
    assert ledger_integrity_check() == []
    assert set(trial_balance_totals().values()) <= {0}
    claimed: dict[int, int] = defaultdict(int)
    for line in DisputeLine.objects.filter(dispute__order=order).select_related("dispute"):
        live = line.dispute.status != DisputeStatus.CANCELLED and (
            line.dispute.outcome != DisputeOutcome.REJECTED
        )
        if live:
            claimed[line.order_line_id] += line.quantity
    for line in order.lines.all():
        assert claimed[line.pk] <= line.quantity, (line.pk, claimed[line.pk], line.quantity)


def _step(op, *, shop, operator, order, disputes) -> None:
    kind = op[0]
    if kind == "open":
        _, first, quantity, other, amount = op
        lines = list(order.lines.order_by("pk"))
        claims = [ClaimLine(lines[first].line_item_id, quantity)]
        if other:
            claims.append(ClaimLine(lines[1 - first].line_item_id, other))
        disputes.append(
            services.dispute_create(
                merchant=shop.merchant,
                actor=shop.owner,
                order=Order.objects.get(pk=order.pk),
                reason=DisputeReason.DAMAGED,
                expect_type=ExpectType.REFUND,
                message_text="Damaged",
                lines=claims,
                amount_minor=amount,
            )
        )
        return
    if kind == "cancel_order":
        cancellation.order_cancel(
            order=Order.objects.get(pk=order.pk), actor=shop.owner, reason="buyer cancelled"
        )
        return
    if not disputes:
        raise _Skip
    dispute = disputes[op[1] % len(disputes)]
    dispute.refresh_from_db()
    if kind == "refund":
        outcomes.dispute_resolve(
            dispute=dispute, actor=operator, outcome=DisputeOutcome.REFUNDED, amount_minor=op[2]
        )
    elif kind == "reject":
        outcomes.dispute_resolve(
            dispute=dispute, actor=operator, outcome=DisputeOutcome.REJECTED, note="No proof"
        )
    elif kind == "cancel":
        services.dispute_cancel(merchant=shop.merchant, dispute=dispute, actor=shop.owner)
    else:
        services.dispute_start_review(dispute=dispute, actor=operator)


class _Skip(Exception):
    pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=3, max_size=12), cancel_at=CANCEL_AT)
def test_refunds_stay_within_the_payment_and_claims_within_the_lines(world, ops, cancel_at):
    shop, operator, order = world
    try:
        with transaction.atomic():
            payment = Payment.objects.get(order=order)
            disputes: list[Dispute] = []
            _check(order, payment)
            if cancel_at is not None:
                ops = [*ops[:cancel_at], ("cancel_order",), *ops[cancel_at:]]
            for op in ops:
                try:
                    with transaction.atomic():
                        _step(op, shop=shop, operator=operator, order=order, disputes=disputes)
                    event(f"{op[0]} done")
                except _Skip:
                    event(f"{op[0]} skipped")
                except DomainError as exc:
                    # A refusal must have changed nothing: _check sees to it.
                    event(f"{op[0]} refused ({type(exc).__name__})")
                _check(order, payment)
            raise _Rollback
    except _Rollback:
        pass
