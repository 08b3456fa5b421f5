"""The resend outcome: a zero-price RESEND order for the claimed lines, released to the
warehouse without any money moving, shipped like any order (here with the Sandbox carrier)."""

import pytest

from dropyard.accounts.tests.factories import make_operator
from dropyard.aftersales import outcomes, resends, services
from dropyard.aftersales.choices import DisputeOutcome, DisputeReason, DisputeStatus, ExpectType
from dropyard.aftersales.exceptions import DisputeRefused
from dropyard.aftersales.models import DisputeEvent
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import delivered_order, make_shop, paid_order, ship
from dropyard.demo.carrier import load_sandbox_carrier
from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import make_stock
from dropyard.logistics.carriers import SANDBOX_CODE, sandbox_number_valid
from dropyard.logistics.models import Carrier
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, OrderType, ParcelStatus
from dropyard.orders.exceptions import PaymentFailed
from dropyard.orders.models import Order, OrderEvent, Parcel
from dropyard.wallet.ledger import ledger_integrity_check, trial_balance_totals
from dropyard.wallet.models import Entry, LedgerTransaction, Payment
from dropyard.wallet.tests.payment_helpers import available

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def operator(db):
    return make_operator(role="support")


def _open(shop, order, *claims, expect=ExpectType.RESEND):
    lines = list(order.lines.order_by("pk"))
    return services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=DisputeReason.DAMAGED,
        expect_type=expect,
        message_text="One blue one arrived broken",
        lines=[ClaimLine(lines[i].line_item_id, q) for i, q in claims],
    )


def _money():
    return (LedgerTransaction.objects.count(), Entry.objects.count(), Payment.objects.count())


def test_a_resend_is_a_free_order_of_the_claimed_lines_in_the_warehouse_queue(shop, operator):
    original = delivered_order(shop)  # red × 1 at 10.00, blue × 2 at 20.00
    dispute = _open(shop, original, (1, 1))  # one of the two blue units
    wallet_before, money_before = available(shop.merchant), _money()

    outcomes.dispute_resolve(dispute=dispute, actor=operator, outcome=DisputeOutcome.RESENT)

    dispute.refresh_from_db()
    resend = dispute.resend_order
    assert (dispute.status, dispute.outcome) == (DisputeStatus.RESOLVED, DisputeOutcome.RESENT)
    assert resend.order_type == OrderType.RESEND
    assert resend.original_order_id == original.pk
    assert list(original.resends.all()) == [resend]
    assert [(x.variant_id, x.quantity, x.unit_price_minor) for x in resend.lines.all()] == [
        (shop.world.blue.pk, 1, 0)
    ]
    assert (
        resend.product_amount_minor,
        resend.postage_amount_minor,
        resend.total_amount_minor,
    ) == (0, 0, 0)
    assert resend.cost_breakdown["freight"]["borne_by"] == "platform"
    assert resend.cost_breakdown["payment_reference"] == "free"
    assert resend.status == OrderStatus.UNSHIPPED
    assert [(p.status, p.line_id) for p in Parcel.objects.filter(orders=resend)] == [
        (ParcelStatus.READY, shop.world.cjpacket.pk)
    ]
    address = ("shipping_customer_name", "shipping_address", "shipping_city", "shipping_zip")
    assert [getattr(resend, f) for f in address] == [getattr(original, f) for f in address]
    assert resend.order_number == f"{original.order_number}-RS{dispute.public_id}"
    assert resend.remark == f"Resend for dispute {dispute.public_id} on order {original.code}"
    assert OrderEvent.objects.filter(order=resend, kind="resend").get().note == resend.remark
    assert OrderEvent.objects.filter(order=original, kind="resend").get().note == (
        f"Resent in order {resend.code} for dispute {dispute.public_id}"
    )
    assert DisputeEvent.objects.filter(dispute=dispute, kind="resend").get().note == (
        f"Resend order {resend.code}"
    )
    # The platform bears the resend: no money moved, the books still balance.
    assert available(shop.merchant) == wallet_before
    assert _money() == money_before
    assert not Payment.objects.filter(order=resend).exists()
    assert ledger_integrity_check() == []
    assert set(trial_balance_totals().values()) <= {0}


def test_the_resend_ships_with_the_sandbox_carrier(shop, operator):
    # The demo's wiring: every active platform warehouse hands over to the Sandbox carrier.
    load_sandbox_carrier()
    sandbox = Carrier.objects.get(code=SANDBOX_CODE)
    dispute = _open(shop, delivered_order(shop), (1, 1))
    outcomes.dispute_resolve(dispute=dispute, actor=operator, outcome=DisputeOutcome.RESENT)
    resend = Order.objects.get(resend_disputes=dispute)

    shipped = ship(resend, carrier=sandbox)

    assert shipped.status == OrderStatus.SHIPPED
    [parcel] = Parcel.objects.filter(orders=resend)
    assert (parcel.status, parcel.carrier_id) == (ParcelStatus.SHIPPED, sandbox.pk)
    assert sandbox_number_valid(parcel.tracking_number)
    assert Payment.objects.filter(order=resend).count() == 0


def test_a_resend_ships_platform_stock_not_the_merchants_own(shop, operator):
    private = make_stock(
        variant=shop.world.blue, warehouse=shop.world.cn, on_hand=5, merchant=shop.merchant
    )
    original = delivered_order(shop)  # its blue units came from the private stock first
    private.refresh_from_db()
    assert private.on_hand == 3
    platform = Stock.objects.get(
        variant=shop.world.blue, warehouse=shop.world.cn, merchant__isnull=True
    )
    dispute = _open(shop, original, (1, 2))

    outcomes.dispute_resolve(dispute=dispute, actor=operator, outcome=DisputeOutcome.RESENT)

    private.refresh_from_db()
    reserved_before = platform.reserved
    platform.refresh_from_db()
    assert (private.on_hand, private.reserved) == (3, 0)
    assert platform.reserved == reserved_before + 2
    [parcel] = Parcel.objects.filter(orders__resend_disputes=dispute)
    assert parcel.uses_private_stock is False


def test_a_resend_is_refused_before_the_order_shipped(shop, operator):
    order = paid_order(shop)
    dispute = _open(shop, order, (0, 1), expect=ExpectType.REFUND)
    orders_before = Order.objects.count()

    with pytest.raises(DisputeRefused, match="only shipped or delivered orders are resent"):
        outcomes.dispute_resolve(dispute=dispute, actor=operator, outcome=DisputeOutcome.RESENT)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.resend_order) == (DisputeStatus.AWAITING_RESPONSE, None)
    assert Order.objects.count() == orders_before


def test_a_resend_without_stock_is_refused_and_writes_nothing(shop, operator):
    original = delivered_order(shop)
    dispute = _open(shop, original, (1, 1))
    Stock.objects.filter(variant=shop.world.blue).update(on_hand=0, reserved=0)
    orders_before, events_before, money_before = (
        Order.objects.count(),
        OrderEvent.objects.count(),
        _money(),
    )

    with pytest.raises(DisputeRefused, match="cannot be sent again") as refused:
        outcomes.dispute_resolve(dispute=dispute, actor=operator, outcome=DisputeOutcome.RESENT)

    assert refused.value.extra["disputeId"] == dispute.public_id
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resend_order) == (DisputeStatus.AWAITING_RESPONSE, None)
    assert (Order.objects.count(), OrderEvent.objects.count()) == (orders_before, events_before)
    assert _money() == money_before
    assert not DisputeEvent.objects.filter(dispute=dispute, kind="resend").exists()


def test_a_dispute_is_resent_once(shop, operator):
    dispute = _open(shop, delivered_order(shop), (0, 1))
    first = resends.dispute_resend(dispute=dispute, actor=operator)
    orders_before = Order.objects.count()

    again = resends.dispute_resend(dispute=dispute, actor=operator)

    assert again.pk == first.pk
    assert Order.objects.count() == orders_before
    assert DisputeEvent.objects.filter(dispute=dispute, kind="resend").count() == 1
    outcomes.dispute_resolve(dispute=dispute, actor=operator, outcome=DisputeOutcome.RESENT)
    dispute.refresh_from_db()
    assert dispute.resend_order_id == first.pk
    assert Order.objects.count() == orders_before


def test_only_resends_are_sent_free(shop):
    order = order_services.order_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order_number="FREE-1",
        lines=[{"vid": shop.world.red.public_id, "quantity": 1, "unit_price_minor": 0}],
        shipping_country_code="US",
        shipping_province="CA",
        shipping_city="Los Angeles",
        shipping_zip="90001",
        shipping_address="1 Main Street",
        shipping_customer_name="Jane Doe",
    )

    with pytest.raises(PaymentFailed, match="only resends are sent free"):
        order_services.order_settle_free(order=order, actor=shop.owner)

    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
