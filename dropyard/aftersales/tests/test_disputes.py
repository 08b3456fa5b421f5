"""Dispute services: opening (caps, rooms, idempotency), the transition table, refunds."""

import pytest

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.aftersales import outcomes, services
from dropyard.aftersales.choices import DisputeOutcome, DisputeReason, DisputeStatus, ExpectType
from dropyard.aftersales.exceptions import DisputeNotFound, DisputeRefused
from dropyard.aftersales.models import DisputeEvent
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import delivered_order, make_shop, paid_order
from dropyard.orders.choices import OrderStatus
from dropyard.wallet.models import Payment
from dropyard.wallet.tests.payment_helpers import available

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return make_shop()


def _open(shop, order, *claims, expect=ExpectType.REFUND, **kw):
    lines = list(order.lines.order_by("pk"))
    return services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=kw.pop("reason", DisputeReason.DAMAGED),
        expect_type=expect,
        message_text="Arrived broken",
        lines=[ClaimLine(lines[i].line_item_id, q) for i, q in claims],
        **kw,
    )


def test_a_delivered_order_refund_for_one_line_is_capped_and_credited(shop):
    order = delivered_order(shop)
    assert order.status == OrderStatus.DELIVERED
    payment = Payment.objects.get(order=order)
    before = available(shop.merchant)

    dispute = _open(shop, order, (0, 1))  # the red line: 10.00 of 50.00 products

    freight_share = payment.freight_minor * 1000 // 5000
    assert dispute.max_product_minor == 1000
    assert dispute.max_postage_minor == freight_share
    assert dispute.max_amount_minor == 1000 + freight_share
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE
    operator = make_operator(role="support")
    outcomes.dispute_resolve(dispute=dispute, actor=operator, outcome=DisputeOutcome.REFUNDED)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    assert dispute.granted_amount_minor == 1000 + freight_share
    assert available(shop.merchant) - before == 1000 + freight_share
    assert [e.to_status for e in DisputeEvent.objects.filter(dispute=dispute)] == [
        DisputeStatus.AWAITING_RESPONSE,
        DisputeStatus.RESOLVED,
    ]


def test_a_line_cannot_be_claimed_beyond_its_quantity_across_disputes(shop):
    order = delivered_order(shop)
    _open(shop, order, (1, 1))
    _open(shop, order, (1, 1))

    with pytest.raises(DisputeRefused, match="0 left to claim"):
        _open(shop, order, (1, 1))


def test_a_cancelled_dispute_frees_its_lines(shop):
    order = delivered_order(shop)
    first = _open(shop, order, (1, 2))
    services.dispute_cancel(merchant=shop.merchant, dispute=first, actor=shop.owner)

    again = _open(shop, order, (1, 2))

    assert again.lines.get().quantity == 2


def test_the_same_business_id_answers_the_same_dispute(shop):
    order = delivered_order(shop)
    first = _open(shop, order, (0, 1), business_dispute_id="B-1")
    second = _open(shop, order, (0, 1), business_dispute_id="B-1")

    assert second.pk == first.pk
    assert order.disputes.count() == 1


def test_an_unshipped_order_offers_only_a_refund(shop):
    order = paid_order(shop)

    with pytest.raises(DisputeRefused, match="not possible"):
        _open(shop, order, (0, 1), expect=ExpectType.RESEND)


def test_another_merchants_order_is_not_found(shop):
    order = delivered_order(shop)
    other = make_merchant(business_name="Other")

    with pytest.raises(DisputeNotFound):
        services.dispute_create(
            merchant=other,
            actor=other.owner,
            order=order,
            reason=1,
            expect_type=1,
            message_text="x",
            lines=[ClaimLine(order.lines.first().line_item_id, 1)],
        )


def test_a_resolved_dispute_cannot_be_cancelled(shop):
    order = delivered_order(shop)
    dispute = _open(shop, order, (0, 1))
    outcomes.dispute_resolve(
        dispute=dispute, actor=make_operator(role="support"), outcome="rejected", note="No proof"
    )

    with pytest.raises(DisputeRefused, match="cannot become cancelled"):
        services.dispute_cancel(merchant=shop.merchant, dispute=dispute, actor=shop.owner)
