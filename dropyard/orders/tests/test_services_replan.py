"""An operator's change of warehouse and / or line (``orders.services.replan``): the options,
the change of an unpaid order, and every refusal (nothing changed). The money of a paid order
is ``checkout.replan``'s (``checkout/tests/test_replan.py``)."""

import pytest

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.errors import PermissionDenied
from dropyard.core.models import AuditEvent
from dropyard.fulfillment import services as fulfillment_services
from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import make_stock
from dropyard.orders import services
from dropyard.orders.exceptions import OrderInvalid, OrderNotFound, ReplanRefused
from dropyard.orders.models import Order, OrderEvent, Parcel
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


def _confirmed(merchant, world, quantity=1):
    """An UNPAID order of ``world.red`` × ``quantity``, 250 g each, reserved at CN on
    CJPacket (freight 5.00)."""
    order = services.order_create(
        merchant=merchant, actor=merchant.owner, **order_item((world.red, quantity))
    )
    services.order_confirm(order=order, actor=merchant.owner)
    order.refresh_from_db()
    return order


def _reserved(world, warehouse):
    return Stock.objects.get(variant=world.red, warehouse=warehouse).reserved


def _state(order):
    order.refresh_from_db()
    parcels = sorted(
        Parcel.objects.filter(orders=order).values_list(
            "pk", "status", "warehouse_id", "line_id", "reservation_reference"
        )
    )
    stock = sorted(Stock.objects.values_list("pk", "on_hand", "reserved"))
    return (
        order.status,
        order.line_id,
        order.requested_warehouse_id,
        order.postage_amount_minor,
        order.total_amount_minor,
        parcels,
        stock,
        OrderEvent.objects.filter(order=order).count(),
        AuditEvent.objects.count(),
    )


def test_unpaid_order_moves_to_the_chosen_warehouse_and_line(merchant, world, support):
    order = _confirmed(merchant, world)
    make_stock(variant=world.red, warehouse=world.us, on_hand=5)  # after routing chose CN
    assert (order.postage_amount_minor, _reserved(world, world.cn)) == (500, 1)
    old = Parcel.objects.get(orders=order)

    result = services.order_replan(
        order=order, actor=support, warehouse=world.us, line=world.usps, reason="ship locally"
    )

    order.refresh_from_db()
    assert (result.paid, result.before_postage_minor, result.after_postage_minor) == (
        False,
        500,
        300,
    )
    assert result.delta_minor == -200
    assert (order.status, order.line_id, order.requested_warehouse_id) == (
        "UNPAID",
        world.usps.pk,
        world.us.pk,
    )
    assert order.requested_logistic_name == "USPS"
    assert (order.product_amount_minor, order.postage_amount_minor, order.total_amount_minor) == (
        1000,
        300,
        1300,
    )
    assert (_reserved(world, world.cn), _reserved(world, world.us)) == (0, 1)
    old.refresh_from_db()
    assert old.status == "cancelled"
    new = Parcel.objects.get(orders=order, status="planned")
    assert (new.warehouse_id, new.line_id, new.postage_minor) == (world.us.pk, world.usps.pk, 300)
    assert new.reservation_reference == f"order:{order.public_id}:{new.code}"
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert (event.kind, event.actor, event.pk) == ("replanned", support, result.event.pk)
    assert event.note == (
        f"{world.cn.code} on CJPacket → {world.us.code} on USPS, freight 5.00 → 3.00 USD: "
        "ship locally"
    )
    audit = AuditEvent.objects.filter(action="order.changed").latest("pk")
    assert (audit.actor, audit.merchant_id) == (support, merchant.pk)
    assert audit.details == {
        "code": order.code,
        "what": "replan",
        "from": f"{world.cn.code} on CJPacket",
        "to": f"{world.us.code} on USPS",
        "warehouse": world.us.code,
        "line": "USPS",
        "postage_before_minor": 500,
        "postage_after_minor": 300,
        "currency": "USD",
        "paid": False,
        "reason": "ship locally",
    }


def test_options_list_every_feasible_warehouse_and_line_with_the_difference(merchant, world):
    order = _confirmed(merchant, world)
    make_stock(variant=world.red, warehouse=world.us, on_hand=5)  # after routing chose CN

    found = services.order_replan_options(order=order)

    assert (found.blocked, found.paid, found.postage_minor) == ("", False, 500)
    assert found.current == f"{world.cn.code} on CJPacket"
    assert [
        (o.warehouse_code, o.line_name, o.postage_minor, o.min_days, o.max_days, o.delta_minor)
        for o in found.options
    ] == [
        (world.us.code, "USPS", 300, 2, 5, -200),
        (world.cn.code, "CJPacket", 500, 7, 12, 0),
        (world.cn.code, "DHL", 1000, 3, 5, 500),
    ]
    assert [o.current for o in found.options] == [False, True, False]
    assert found.options[0].key == f"{world.us.pk}:{world.usps.pk}"
    assert found.unavailable == []


def test_options_count_the_orders_own_reservation_as_available(merchant, world):
    order = _confirmed(merchant, world, quantity=3)
    Stock.objects.filter(variant=world.red, warehouse=world.cn).update(on_hand=3)

    found = services.order_replan_options(order=order)

    assert [(o.warehouse_code, o.line_name) for o in found.options] == [
        (world.cn.code, "CJPacket"),
        (world.cn.code, "DHL"),
    ]


def test_refused_once_the_warehouse_started_picking(merchant, world, support):
    order = _confirmed(merchant, world)
    services.order_paid(orders=[order], actor=merchant.owner)
    parcel = Parcel.objects.get(orders=order)
    fulfillment_services.parcel_start_picking(
        parcels=[parcel], actor=make_operator(role="warehouse")
    )
    before = _state(order)

    with pytest.raises(ReplanRefused) as refused:
        services.order_replan(
            order=order, actor=support, warehouse=world.cn, line=world.dhl, reason="faster"
        )

    assert refused.value.message == (
        f"the warehouse has started picking parcel {parcel.code} of order {order.code}: its "
        "warehouse and line can no longer change"
    )
    assert (refused.value.code, refused.value.http_status) == (1603001, 409)
    assert _state(order) == before
    assert services.order_replan_options(order=order).blocked == refused.value.message


def test_agent_cannot_change_another_merchants_order(other_merchant, world, agent, assigned):
    order = _confirmed(other_merchant, world)
    before = _state(order)

    with pytest.raises(OrderNotFound, match=f"order {order.code} not found"):
        services.order_replan(
            order=order, actor=agent, warehouse=world.cn, line=world.dhl, reason="faster"
        )

    assert _state(order) == before


def test_agent_changes_an_assigned_merchants_order(assigned, world, agent):
    order = _confirmed(assigned, world)

    services.order_replan(
        order=order, actor=agent, warehouse=world.cn, line=world.dhl, reason="faster"
    )

    assert Order.objects.get(pk=order.pk).postage_amount_minor == 1000


def test_line_that_does_not_serve_the_destination_from_the_warehouse_is_refused(
    merchant, world, support
):
    order = _confirmed(merchant, world)
    before = _state(order)

    with pytest.raises(ReplanRefused) as refused:
        services.order_replan(
            order=order, actor=support, warehouse=world.cn, line=world.usps, reason="cheaper"
        )

    assert refused.value.message == (
        f"USPS cannot ship this order from {world.cn.code} to US: it has no rate from CN to US"
    )
    assert _state(order) == before


def test_warehouse_without_the_stock_is_refused(merchant, world, support):
    order = _confirmed(merchant, world, quantity=2)
    make_stock(variant=world.red, warehouse=world.us, on_hand=1)
    before = _state(order)

    with pytest.raises(ReplanRefused) as refused:
        services.order_replan(
            order=order, actor=support, warehouse=world.us, line=world.usps, reason="local"
        )

    assert refused.value.message == (
        f"warehouse {world.us.code} cannot reserve the stock: not enough stock of "
        f"{world.red.sku}: 2 needed, 1 available"
    )
    assert _state(order) == before


def test_same_route_again_and_empty_reason_are_refused(merchant, world, support):
    order = _confirmed(merchant, world)
    before = _state(order)

    with pytest.raises(ReplanRefused, match=f"already ships from {world.cn.code} on CJPacket"):
        services.order_replan(
            order=order, actor=support, warehouse=world.cn, line=world.cjpacket, reason="x"
        )
    with pytest.raises(OrderInvalid, match="give a reason for the change"):
        services.order_replan(
            order=order, actor=support, warehouse=world.cn, line=world.dhl, reason="  "
        )

    assert _state(order) == before


def test_merchant_user_is_not_an_operator(merchant, world):
    order = _confirmed(merchant, world)

    with pytest.raises(PermissionDenied, match="orders are for operator staff"):
        services.order_replan(
            order=order, actor=merchant.owner, warehouse=world.cn, line=world.dhl, reason="x"
        )
