"""Returns (RMA): authorisation to a warehouse that accepts returns, the return shipping
(billed or deducted), shipping back, receipt, inspection with restocking, the refund."""

import pytest
from django.test import override_settings

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.aftersales import outcomes, returns, returns_inspect, selectors_returns, services
from dropyard.aftersales.choices import (
    DisputeOutcome,
    DisputeReason,
    DisputeStatus,
    ExpectType,
    ReturnCharge,
    ReturnQuoteSource,
    ReturnStatus,
)
from dropyard.aftersales.exceptions import ReturnInvalid, ReturnNotFound, ReturnRefused
from dropyard.aftersales.models import ReturnAuthorization, ReturnEvent
from dropyard.aftersales.returns_inspect import InspectResult
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import delivered_order, make_shop
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.inventory import services as inventory_services
from dropyard.inventory.choices import MovementKind
from dropyard.inventory.exceptions import WarehouseInvalid
from dropyard.inventory.models import Stock, StockMovement
from dropyard.inventory.tests.factories import WarehouseFactory, make_supplier
from dropyard.logistics.tests.factories import RateCardFactory
from dropyard.wallet.choices import InvoiceKind, MakeupStatus, MakeupType
from dropyard.wallet.models import Invoice, Makeup, Payment
from dropyard.wallet.tests.payment_helpers import available

pytestmark = pytest.mark.django_db

FLAT_FEE = 1500


@pytest.fixture
def shop(db):
    shop = make_shop()
    inventory_services.warehouse_update(warehouse=shop.world.cn, actor=None, accepts_returns=True)
    return shop


@pytest.fixture
def support(db):
    return make_operator(role="support")


def _dispute(shop, *, reason=DisputeReason.DAMAGED, expect=ExpectType.RETURN):
    """A delivered order (red × 1, blue × 2) and a dispute on the blue line × 2."""
    order = delivered_order(shop)
    blue = order.lines.order_by("pk")[1]
    return services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=reason,
        expect_type=expect,
        message_text="Both arrived broken",
        lines=[ClaimLine(blue.line_item_id, 2)],
    )


def _accept(dispute, actor, **options) -> ReturnAuthorization:
    outcomes.dispute_resolve(
        dispute=dispute, actor=actor, outcome=DisputeOutcome.RETURN_ACCEPTED, **options
    )
    return ReturnAuthorization.objects.get(dispute=dispute)


def _received(shop, dispute, support, **options) -> ReturnAuthorization:
    rma = _accept(dispute, support, **options)
    returns.return_ship(
        merchant=shop.merchant, rma=rma, actor=shop.owner, carrier="UPS", tracking_number="1Z999"
    )
    return returns.return_receive(rma=rma, actor=make_operator(role="warehouse"))


def test_the_full_return_path_restocks_and_refunds_after_receipt(shop, support):
    dispute = _dispute(shop)
    us = shop.world.us

    with pytest.raises(ReturnRefused) as refused:
        _accept(dispute, support, warehouse=us)
    assert refused.value.message == f"warehouse {us.code} (US) does not accept returns"
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE
    assert not ReturnAuthorization.objects.exists()

    before_bill = available(shop.merchant)
    rma = _accept(dispute, support)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    assert dispute.outcome == DisputeOutcome.RETURN_ACCEPTED
    assert rma.code == f"RMA{rma.public_id}"
    assert rma.warehouse == shop.world.cn
    assert rma.status == ReturnStatus.AUTHORIZED
    assert [(line.dispute_line_id, line.quantity) for line in rma.lines.all()] == [
        (dispute.lines.get().pk, 2)
    ]
    # No rate card prices US → CN: the configured flat fee, billed at once.
    assert (rma.shipping_quote_minor, rma.quote_source) == (FLAT_FEE, ReturnQuoteSource.FLAT_FEE)
    bill = Makeup.objects.get(pk=rma.makeup_id)
    assert (bill.amount_minor, bill.type, bill.status, bill.related_order_id) == (
        FLAT_FEE,
        MakeupType.FREIGHT,
        MakeupStatus.UNPAID,
        dispute.order_id,
    )
    assert available(shop.merchant) == before_bill  # a bill to pay, not a debit

    returns.return_ship(
        merchant=shop.merchant, rma=rma, actor=shop.owner, carrier=" UPS ", tracking_number="1Z999"
    )
    rma.refresh_from_db()
    assert (rma.status, rma.carrier, rma.tracking_number) == (
        ReturnStatus.IN_TRANSIT,
        "UPS",
        "1Z999",
    )
    returns.return_receive(rma=rma, actor=make_operator(role="warehouse"))
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.RECEIVED
    assert rma.received_at is not None

    line = rma.lines.get()
    before = available(shop.merchant)
    returns_inspect.return_inspect(
        rma=rma,
        actor=support,
        results=[InspectResult(line_id=line.pk, restock_private=1, disposed=1)],
        refund_amount_minor=3000,
        note="One was fine",
    )
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.CLOSED
    assert rma.refund_amount_minor == 3000
    assert available(shop.merchant) - before == 3000
    refund = rma.refund
    assert (refund.amount_minor, refund.idempotency_key) == (
        3000,
        f"dispute:{dispute.public_id}:return",
    )
    assert (
        Invoice.objects.filter(
            kind=InvoiceKind.CREDIT_NOTE, cause_key=f"refund:{refund.transaction.public_id}"
        ).count()
        == 1
    )
    dispute.refresh_from_db()
    assert (dispute.refund_id, dispute.granted_amount_minor) == (refund.pk, 3000)
    line.refresh_from_db()
    assert (line.restock_private, line.restock_platform, line.disposed, line.missing) == (
        1,
        0,
        1,
        0,
    )
    private = Stock.objects.get(
        variant=shop.world.blue, warehouse=shop.world.cn, merchant=shop.merchant
    )
    assert (private.on_hand, private.reserved) == (1, 0)
    movement = StockMovement.objects.get(stock=private)
    assert (movement.kind, movement.on_hand_delta, movement.reference) == (
        MovementKind.RETURN,
        1,
        rma.code,
    )
    assert list(ReturnEvent.objects.filter(rma=rma).values_list("to_status", flat=True)) == [
        ReturnStatus.AUTHORIZED,
        ReturnStatus.IN_TRANSIT,
        ReturnStatus.RECEIVED,
        ReturnStatus.INSPECTED,
        ReturnStatus.CLOSED,
    ]
    assert AuditEvent.objects.filter(action=AuditAction.RETURN_CHANGED).count() == 5

    # Closed: a second inspection changes nothing.
    with pytest.raises(ReturnRefused):
        returns_inspect.return_inspect(rma=rma, actor=support, results=[], refund_amount_minor=1000)
    assert available(shop.merchant) - before == 3000


def test_a_deducted_return_is_quoted_from_the_reverse_rate_card_and_capped(shop, support):
    RateCardFactory(line=shop.world.dhl, origin_country="US", dest_country="CN")
    dispute = _dispute(shop)
    rma = _received(shop, dispute, support, charge=ReturnCharge.DEDUCT)
    # 2 × 400 g = 800 g: 500 g for 5.00 + one started 500 g for 1.50.
    assert (rma.shipping_quote_minor, rma.quote_source, rma.quote_line) == (
        650,
        ReturnQuoteSource.RATE_CARD,
        "DHL",
    )
    assert (rma.makeup_id, rma.deducted_minor) == (None, 650)
    limit = dispute.max_amount_minor - 650
    line = rma.lines.get()
    before = available(shop.merchant)

    with pytest.raises(ReturnRefused) as refused:
        returns_inspect.return_inspect(
            rma=rma,
            actor=support,
            results=[InspectResult(line_id=line.pk, restock_platform=2)],
            refund_amount_minor=limit + 1,
        )
    assert refused.value.extra == {"maxAmount": limit}
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.RECEIVED
    assert not StockMovement.objects.filter(reference=rma.code).exists()

    returns_inspect.return_inspect(
        rma=rma,
        actor=support,
        results=[InspectResult(line_id=line.pk, restock_platform=2)],
        refund_amount_minor=limit,
    )
    assert available(shop.merchant) - before == limit
    shared = Stock.objects.get(variant=shop.world.blue, warehouse=shop.world.cn, merchant=None)
    assert StockMovement.objects.get(stock=shared, reference=rma.code).on_hand_delta == 2


def test_no_refund_granted_closes_the_return_without_money(shop, support):
    rma = _received(shop, _dispute(shop), support)
    before = available(shop.merchant)
    returns_inspect.return_inspect(rma=rma, actor=support, results=[], refund_amount_minor=0)
    rma.refresh_from_db()
    assert (rma.status, rma.refund_id) == (ReturnStatus.CLOSED, None)
    assert rma.lines.get().missing == 2
    assert available(shop.merchant) == before


@pytest.mark.parametrize(
    ("result", "amount", "error"),
    [
        ({"restock_private": 2, "disposed": 1}, 0, ReturnRefused),  # 3 of 2 returned
        ({"restock_platform": -1}, 0, ReturnInvalid),
        ({"disposed": True}, 0, ReturnInvalid),
        ({"disposed": "1"}, 0, ReturnInvalid),
        ({}, -5, ReturnInvalid),
        ({}, True, ReturnInvalid),
        ({}, "100", ReturnInvalid),
        ({}, 10**30, ReturnRefused),
    ],
)
def test_bad_inspections_change_nothing(shop, support, result, amount, error):
    rma = _received(shop, _dispute(shop), support)
    line = rma.lines.get()
    before = available(shop.merchant)
    with pytest.raises(error):
        returns_inspect.return_inspect(
            rma=rma,
            actor=support,
            results=[InspectResult(line_id=line.pk, **result)],
            refund_amount_minor=amount,
        )
    rma.refresh_from_db()
    line.refresh_from_db()
    assert rma.status == ReturnStatus.RECEIVED
    assert (line.restock_private, line.restock_platform, line.disposed) == (0, 0, 0)
    assert available(shop.merchant) == before


def test_an_inspection_of_another_line_is_refused(shop, support):
    rma = _received(shop, _dispute(shop), support)
    with pytest.raises(ReturnInvalid):
        returns_inspect.return_inspect(
            rma=rma, actor=support, results=[InspectResult(line_id=-1)], refund_amount_minor=0
        )


def test_another_merchants_return_is_not_found(shop, support):
    rma = _accept(_dispute(shop), support)
    other = make_merchant(business_name="Other shop")
    with pytest.raises(ReturnNotFound):
        returns.return_ship(
            merchant=other, rma=rma, actor=other.owner, carrier="UPS", tracking_number="1"
        )
    with pytest.raises(ReturnNotFound):
        selectors_returns.return_get(merchant=other, public_id=rma.public_id)
    with pytest.raises(ReturnNotFound):
        selectors_returns.return_get(merchant=shop.merchant, public_id="12\x00")
    assert selectors_returns.return_get(merchant=shop.merchant, public_id=rma.public_id) == rma
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.AUTHORIZED


@pytest.mark.parametrize(
    ("carrier", "number"),
    [("", "1Z"), ("UPS", ""), ("UPS", "1Z\x00"), ("U" * 61, "1Z"), ("UPS", None), (5, "1Z")],
)
def test_shipping_needs_a_carrier_and_a_tracking_number(shop, support, carrier, number):
    rma = _accept(_dispute(shop), support)
    with pytest.raises(ReturnInvalid):
        returns.return_ship(
            merchant=shop.merchant,
            rma=rma,
            actor=shop.owner,
            carrier=carrier,
            tracking_number=number,
        )
    rma.refresh_from_db()
    assert (rma.status, rma.tracking_number) == (ReturnStatus.AUTHORIZED, "")


def test_the_configured_returns_warehouse_is_used_or_refused_by_name(shop, support):
    second_cn = WarehouseFactory(country="CN", code="CNRET")
    inventory_services.warehouse_update(warehouse=second_cn, actor=None, accepts_returns=True)
    with override_settings(DROPYARD_RETURNS_WAREHOUSE="CNRET"):
        rma = _accept(_dispute(shop), support)
    assert rma.warehouse == second_cn
    with (
        override_settings(DROPYARD_RETURNS_WAREHOUSE=shop.world.us.code),
        pytest.raises(ReturnRefused, match=f"warehouse {shop.world.us.code} \\(US\\) does not"),
    ):
        _accept(_dispute(shop), support)


def test_china_comes_first_and_no_accepting_warehouse_is_refused(shop, support):
    inventory_services.warehouse_update(warehouse=shop.world.us, actor=None, accepts_returns=True)
    assert selectors_returns.default_return_warehouse() == shop.world.cn
    for warehouse in (shop.world.cn, shop.world.us):
        inventory_services.warehouse_update(warehouse=warehouse, actor=None, accepts_returns=False)
    with pytest.raises(ReturnRefused, match="no warehouse accepts returns"):
        _accept(_dispute(shop), support)
    with pytest.raises(ReturnInvalid):
        _accept(_dispute(shop), support, warehouse="NOPE")


def test_unknown_charge_and_a_non_goods_reason_are_refused(shop, support):
    with pytest.raises(ReturnInvalid):
        _accept(_dispute(shop), support, charge="cash")
    with pytest.raises(ReturnRefused, match="only delivered goods"):
        _accept(_dispute(shop, reason=DisputeReason.DELAYED, expect=ExpectType.REFUND), support)
    assert not ReturnAuthorization.objects.exists()


def test_cancelling_cancels_an_unpaid_bill_and_refunds_a_paid_one(shop, support):
    unpaid = _accept(_dispute(shop), support)
    returns.return_cancel(rma=unpaid, actor=support, reason="Merchant keeps the goods")
    unpaid.refresh_from_db()
    assert unpaid.status == ReturnStatus.CANCELLED
    assert unpaid.makeup.status == MakeupStatus.CANCELLED

    paid = _accept(_dispute(shop), support)
    from dropyard.wallet import bills

    bills.makeup_pay(makeup=paid.makeup, actor=shop.owner)
    before = available(shop.merchant)
    returns.return_cancel(rma=paid, actor=support, reason="Lost by the carrier")
    assert available(shop.merchant) - before == FLAT_FEE
    assert Payment.objects.get(makeup=paid.makeup).refunds.get().amount_minor == FLAT_FEE

    with pytest.raises(ReturnInvalid):
        returns.return_cancel(rma=paid, actor=support, reason="")
    received = _received(shop, _dispute(shop), support)
    with pytest.raises(ReturnRefused):
        returns.return_cancel(rma=received, actor=support, reason="Too late")


def test_only_platform_warehouses_accept_returns(db):
    supplier_wh = WarehouseFactory(kind="supplier", supplier=make_supplier())
    with pytest.raises(WarehouseInvalid):
        inventory_services.warehouse_update(warehouse=supplier_wh, actor=None, accepts_returns=True)
