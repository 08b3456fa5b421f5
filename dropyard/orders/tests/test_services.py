"""Order services: creation, routing, cart, payment, cancel, delete, changes, parcel sync."""

import pytest

from dropyard.core.choices import AuditAction
from dropyard.core.errors import DomainError
from dropyard.core.models import AuditEvent
from dropyard.inventory.models import Stock
from dropyard.inventory.services import stock_reserve
from dropyard.inventory.tests.factories import make_stock
from dropyard.logistics.choices import FallbackPolicy
from dropyard.logistics.models import DefaultShippingLine
from dropyard.orders import services
from dropyard.orders.choices import OrderStatus, OrderSubStatus, ParcelStatus
from dropyard.orders.exceptions import (
    ConfirmRefused,
    DeleteRefused,
    DuplicateOrder,
    InvalidTransition,
    OrderInvalid,
    PaymentFailed,
    StateChanged,
)
from dropyard.orders.models import Order, OrderEvent, Parcel, ParentOrder
from dropyard.orders.services.parcel_sync import status_from_parcels
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_order_world()


def _create(merchant, owner, *variants, **fields):
    return services.order_create(merchant=merchant, actor=owner, **order_item(*variants, **fields))


def _stock(variant, warehouse, merchant=None):
    return Stock.objects.get(variant=variant, warehouse=warehouse, merchant=merchant)


def test_create_routes_prices_and_plans_one_parcel(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 2), (world.blue, 1), number="A-1")

    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert order.code.startswith("DY")
    assert order.code[2:].isdigit()
    assert (order.logistics_miss, order.intercept_reasons) == (False, [])
    # 2 × 250 g + 400 g = 900 g on CJPacket: 500 + 150 = 650; products 2×10.00 + 20.00
    assert order.line == world.cjpacket
    assert (order.product_amount_minor, order.postage_amount_minor) == (4000, 650)
    assert order.total_amount_minor == 4650
    assert order.cost_breakdown["warehouses"] == [world.cn.code]
    assert order.cost_breakdown["freight"]["parcels"][0]["line"] == "CJPacket"
    [parcel] = Parcel.objects.filter(orders=order)
    assert (parcel.status, parcel.warehouse, parcel.line) == ("planned", world.cn, world.cjpacket)
    assert sorted(parcel.lines.values_list("quantity", flat=True)) == [1, 2]
    assert _stock(world.red, world.cn).reserved == 0  # nothing reserved before confirmation
    assert AuditEvent.objects.filter(action=AuditAction.ORDER_CREATED).count() == 1
    assert list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True)) == [
        "created"
    ]


def test_create_refuses_duplicate_number_and_changes_nothing(merchant, owner, world):
    _create(merchant, owner, (world.red, 1), number="DUP-1")

    with pytest.raises(DuplicateOrder) as exc:
        _create(merchant, owner, (world.red, 1), number="DUP-1")

    assert exc.value.code == 1603003
    assert Order.objects.filter(merchant=merchant).count() == 1
    assert Parcel.objects.count() == 1


def test_same_number_is_fine_for_another_merchant(merchant, owner, other_merchant, world):
    _create(merchant, owner, (world.red, 1), number="SAME")
    other = _create(other_merchant, other_merchant.owner, (world.red, 1), number="SAME")
    assert other.merchant == other_merchant


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ({"vid": "999999", "quantity": 1}, 1602000),
        ({"sku": "NOPE", "quantity": 1}, 1602000),
        ({"quantity": 1}, 1603000),
        ({"vid": "RED", "quantity": 0}, 1603000),
        ({"vid": "RED", "quantity": 10_001}, 1603000),
        ({"vid": "RED", "quantity": "two"}, 1603000),
        ({"vid": "RED", "quantity": 1, "unit_price_minor": -1}, 1603000),
        ({"vid": "RED", "quantity": 1, "colour": "x"}, 1603000),
    ],
)
def test_create_refuses_bad_lines(merchant, owner, world, line, code):
    if line.get("vid") == "RED":
        line = {**line, "vid": world.red.public_id}
    item = order_item(number="BAD")
    item["lines"] = [line]

    with pytest.raises(DomainError) as exc:
        services.order_create(merchant=merchant, actor=owner, **item)

    assert exc.value.code == code
    assert Order.objects.count() == 0


def test_create_refuses_off_sale_product_and_variant(merchant, owner, world):
    world.red.is_on_sale = False
    world.red.save()
    with pytest.raises(DomainError) as exc:
        _create(merchant, owner, (world.red, 1))
    assert exc.value.code == 1602003
    world.blue.product.is_on_sale = False
    world.blue.product.save()
    with pytest.raises(DomainError) as exc:
        _create(merchant, owner, (world.blue, 1))
    assert exc.value.code == 1602002
    assert Order.objects.count() == 0


def test_create_refuses_invalid_address_with_field_errors(merchant, owner, world):
    with pytest.raises(OrderInvalid) as exc:
        _create(merchant, owner, (world.red, 1), shipping_zip="ABC", shipping_province="")

    assert exc.value.code == 1603000
    assert set(exc.value.extra["errors"]) == {"shipping_zip", "shipping_province"}
    assert Order.objects.count() == 0


def test_unit_price_snapshot_and_sku_lookup(merchant, owner, world):
    item = order_item(number="SNAP")
    item["lines"] = [
        {"sku": world.red.sku, "quantity": 1, "unit_price_minor": 777, "store_line_item_id": "L1"},
        {"vid": world.blue.public_id, "quantity": 1, "pod_properties": {"text": "hi"}},
    ]
    order = services.order_create(merchant=merchant, actor=owner, **item)
    world.red.price_minor = 5
    world.red.save()

    lines = list(
        order.lines.order_by("pk").values_list(
            "unit_price_minor", "store_line_item_id", "pod_properties"
        )
    )
    assert lines == [(777, "L1", None), (2000, "", {"text": "hi"})]


@pytest.mark.parametrize(
    ("ioss_type", "number", "stored"),
    [(1, "IM123", ""), (2, "IM1234567890", "IM1234567890"), (3, "", "CJ-IOSS")],
)
def test_ioss_fields(merchant, owner, world, ioss_type, number, stored):
    order = _create(merchant, owner, (world.red, 1), ioss_type=ioss_type, ioss_number=number)
    assert (order.ioss_type, order.ioss_number) == (ioss_type, stored)


def test_ioss_type_2_needs_a_number(merchant, owner, world):
    with pytest.raises(OrderInvalid):
        _create(merchant, owner, (world.red, 1), ioss_type=2)


def test_no_stock_anywhere_is_a_logistics_miss_but_created(merchant, owner):
    world = make_order_world(stock=0)

    order = _create(merchant, owner, (world.red, 1))

    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    assert order.logistics_miss is True
    assert [r["code"] for r in order.intercept_reasons] == ["no_stock"]
    assert order.postage_amount_minor == 0
    assert Parcel.objects.filter(orders=order).count() == 0


def test_no_line_to_the_country_is_a_logistics_miss(merchant, owner, world):
    order = _create(
        merchant,
        owner,
        (world.red, 1),
        shipping_country_code="DE",
        shipping_province="",
        shipping_zip="10115",
    )
    assert order.logistics_miss is True
    assert {r["code"] for r in order.intercept_reasons} == {"no_route"}


def test_property_restriction_is_a_logistics_miss(merchant, owner, world):
    world.red.product.properties = ["battery"]
    world.red.product.save()
    order = _create(merchant, owner, (world.red, 1))
    assert order.logistics_miss is True
    assert {r["code"] for r in order.intercept_reasons} == {"property"}


def test_requested_line_is_used_when_it_can_ship(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1), requested_logistic_name="dhl")
    assert order.line == world.dhl
    assert order.postage_amount_minor == 1000


def test_default_line_then_fallback_policies(merchant, owner, world):
    DefaultShippingLine.objects.create(
        merchant=merchant, dest_country="US", line=world.dhl, fallback=FallbackPolicy.CHEAPEST
    )
    assert _create(merchant, owner, (world.red, 1)).line == world.dhl
    # Unknown requested line: the default still applies.
    assert (
        _create(merchant, owner, (world.red, 1), requested_logistic_name="Nope").line == world.dhl
    )


def test_default_refuse_policy_misses_when_default_cannot_ship(merchant, owner, world):
    world.dhl.max_weight_g = 100
    world.dhl.save()
    DefaultShippingLine.objects.create(
        merchant=merchant, dest_country="US", line=world.dhl, fallback=FallbackPolicy.REFUSE
    )
    order = _create(merchant, owner, (world.red, 1))
    assert order.logistics_miss is True
    assert order.intercept_reasons[0]["code"] == "default_line_refused"


def test_default_fastest_policy(merchant, owner, world):
    world.cjpacket.max_weight_g = 100  # the default cannot carry 250 g
    world.cjpacket.save()
    DefaultShippingLine.objects.create(
        merchant=merchant, dest_country="US", line=world.cjpacket, fallback=FallbackPolicy.FASTEST
    )
    assert _create(merchant, owner, (world.red, 1)).line == world.dhl


def test_private_stock_first_costs_nothing(merchant, owner, world):
    make_stock(variant=world.red, warehouse=world.cn, on_hand=5, merchant=merchant)

    order = _create(merchant, owner, (world.red, 2))

    [parcel] = Parcel.objects.filter(orders=order)
    assert parcel.uses_private_stock is True
    assert order.product_amount_minor == 0
    assert order.cost_breakdown["products"]["lines"][0]["private_quantity"] == 2


def test_split_into_one_parcel_per_warehouse(merchant, owner, world):
    # Blue only in the US (all CN blue is held by another reservation), red only in CN.
    make_stock(variant=world.blue, warehouse=world.us, on_hand=3)
    stock_reserve(variant=world.blue, warehouse=world.cn, quantity=100, reference="hold")

    order = _create(merchant, owner, (world.red, 1), (world.blue, 1))

    parcels = list(Parcel.objects.filter(orders=order).order_by("warehouse__code"))
    assert [(p.warehouse.code, p.line.name) for p in parcels] == [
        (world.cn.code, "CJPacket"),
        (world.us.code, "USPS"),
    ]
    assert order.postage_amount_minor == 500 + 300


def test_bulk_order_code_and_destination(merchant, owner, world):
    order = services.order_create(
        merchant=merchant,
        actor=owner,
        order_number="BULK-1",
        order_type="bulk",
        requested_warehouse=world.us,
        lines=[{"vid": world.red.public_id, "quantity": 10}],
    )
    assert order.code.startswith("ZF")
    assert (order.shipping_country_code, order.shipping_city) == ("US", "Ontario")
    [parcel] = Parcel.objects.filter(orders=order)
    assert parcel.warehouse == world.cn  # bought from platform stock in CN


def test_bulk_order_needs_a_platform_warehouse(merchant, owner, world):
    with pytest.raises(OrderInvalid):
        services.order_create(
            merchant=merchant,
            actor=owner,
            order_number="BULK-2",
            order_type="bulk",
            lines=[{"vid": world.red.public_id, "quantity": 1}],
        )


def test_resend_needs_own_original(merchant, owner, other_merchant, world):
    foreign = _create(other_merchant, None, (world.red, 1))
    with pytest.raises(OrderInvalid):
        _create(merchant, owner, (world.red, 1), order_type="resend", original_order=foreign)
    original = _create(merchant, owner, (world.red, 1))
    resend = _create(merchant, owner, (world.red, 1), order_type="resend", original_order=original)
    assert resend.original_order == original


# --- Cart, confirm, pay ---------------------------------------------------------------------------


def _confirm(merchant, owner, *orders):
    services.cart_add(merchant=merchant, orders=list(orders), actor=owner)
    return services.cart_confirm(merchant=merchant, orders=list(orders), actor=owner)


def test_cart_flow_reserves_and_pay_marks_parcels_ready(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 2), (world.blue, 1))

    added = services.cart_add(merchant=merchant, orders=[order], actor=owner)
    assert (added.success_count, order.status) == (1, OrderStatus.IN_CART)
    confirmed = services.cart_confirm(merchant=merchant, orders=[order], actor=owner)

    assert confirmed.success_count == 1
    assert confirmed.shipments_id
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID
    assert order.parent.shipments_id == confirmed.shipments_id
    assert (_stock(world.red, world.cn).reserved, _stock(world.blue, world.cn).reserved) == (2, 1)
    [parcel] = Parcel.objects.filter(orders=order)
    assert parcel.reservation_reference == f"order:{order.public_id}:{parcel.code}"

    parent = services.parent_order_generate(merchant=merchant, shipments_id=confirmed.shipments_id)
    assert parent.pay_id
    assert parent.amount_minor == order.total_amount_minor
    paid = services.order_paid(parent=parent, actor=owner, payment_reference="pay-1")

    assert [o.pk for o in paid] == [order.pk]
    order.refresh_from_db()
    parcel.refresh_from_db()
    assert (order.status, order.sub_status) == (OrderStatus.UNSHIPPED, OrderSubStatus.PENDING)
    assert order.cost_breakdown["frozen"] is True
    assert (parcel.status, parcel.ready_at is not None) == (ParcelStatus.READY, True)
    parent.refresh_from_db()
    assert parent.status == "paid"
    # Paying again does nothing.
    assert services.order_paid(parent=parent, actor=owner) == []
    assert services.order_paid(orders=[order], actor=owner) == []
    assert OrderEvent.objects.filter(order=order, to_status="UNSHIPPED").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ORDER_PAID).count() == 1


def test_confirm_intercepts_miss_and_short_stock_and_changes_nothing(merchant, owner, world):
    ok = _create(merchant, owner, (world.red, 1))
    short = _create(merchant, owner, (world.blue, 5))
    services.cart_add(merchant=merchant, orders=[ok, short], actor=owner)
    stock_reserve(variant=world.blue, warehouse=world.cn, quantity=98, reference="hold")

    result = services.cart_confirm(merchant=merchant, orders=[ok, short], actor=owner)

    assert result.success_count == 1
    assert [i.order.pk for i in result.intercepted] == [short.pk]
    short.refresh_from_db()
    assert short.status == OrderStatus.IN_CART
    assert _stock(world.blue, world.cn).reserved == 98


def test_cart_add_intercepts_other_merchant_and_logistics_miss(merchant, owner, other_merchant):
    world = make_order_world(stock=0)
    miss = _create(merchant, owner, (world.red, 1))
    foreign = _create(other_merchant, None, (world.red, 1), number="F-1")

    result = services.cart_add(merchant=merchant, orders=[miss, foreign], actor=owner)

    assert result.success_count == 0
    assert [i.reasons[0]["code"] for i in result.intercepted] == ["no_stock", 1603100]
    miss.refresh_from_db()
    assert miss.status == OrderStatus.CREATED


def test_order_confirm_legacy_and_refusal(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 3))
    services.order_confirm(order=order, actor=owner)
    assert order.status == OrderStatus.UNPAID
    assert order.parent_id
    assert _stock(world.red, world.cn).reserved == 3
    parent_id = order.parent_id
    assert services.order_confirm(order=order, actor=owner).parent_id == parent_id  # unchanged
    assert _stock(world.red, world.cn).reserved == 3
    services.order_cancel(order=order, actor=owner)
    with pytest.raises(InvalidTransition):
        services.order_confirm(order=order, actor=owner)


def test_confirm_of_a_miss_is_refused(merchant, owner):
    world = make_order_world(stock=0)
    order = _create(merchant, owner, (world.red, 1))
    with pytest.raises(ConfirmRefused):
        services.order_confirm(order=order, actor=owner)
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED


def test_pay_refuses_unconfirmed_order(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1))
    with pytest.raises(PaymentFailed):
        services.order_paid(orders=[order], actor=owner)
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED


def test_sandbox_pay_by_order_id_confirms_and_pays(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1), is_sandbox=True)

    paid = services.sandbox_pay(merchant=merchant, actor=owner, order_id=order.public_id)

    assert [o.pk for o in paid] == [order.pk]
    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED
    assert services.sandbox_pay(merchant=merchant, order_id=order.order_number) == []


def test_sandbox_pay_refuses_real_orders(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1), is_sandbox=False)
    with pytest.raises(PaymentFailed):
        services.sandbox_pay(merchant=merchant, order_id=order.public_id)
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED


def test_sandbox_pay_by_shipments_id(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1), is_sandbox=True)
    b = _create(merchant, owner, (world.blue, 1), is_sandbox=True)
    result = _confirm(merchant, owner, a, b)

    paid = services.sandbox_pay(merchant=merchant, shipments_id=result.shipments_id)

    assert sorted(o.pk for o in paid) == sorted([a.pk, b.pk])
    assert ParentOrder.objects.get(shipments_id=result.shipments_id).status == "paid"


@pytest.mark.parametrize(
    ("pay_type", "status", "pay_url", "paid"),
    [(3, "CREATED", False, False), (1, "UNPAID", True, False), (2, "UNSHIPPED", False, True)],
)
def test_create_v2_pay_types_for_sandbox_orders(
    merchant, owner, world, pay_type, status, pay_url, paid
):
    result = services.order_create_v2(
        merchant=merchant,
        actor=owner,
        pay_type=pay_type,
        is_sandbox=True,
        **order_item((world.red, 1)),
    )
    assert result.order.status == status
    assert bool(result.pay_url) is pay_url
    if pay_url:
        assert result.pay_url == f"/orders/pay/{result.pay_id}/"
    assert result.paid is paid


def test_create_v2_balance_stops_at_the_parent_order_for_the_checkout(merchant, owner, world):
    """Orders does not know the wallet: a live payType 2 order waits in its parent order
    (``checkout.creation.order_create_v2`` pays it, see checkout/tests/test_creation.py)."""
    result = services.order_create_v2(
        merchant=merchant, actor=owner, pay_type=2, is_sandbox=False, **order_item((world.red, 1))
    )
    assert result.order.status == OrderStatus.UNPAID
    assert result.awaiting_wallet is not None
    assert result.awaiting_wallet.pay_id == result.pay_id
    assert result.paid is False


def test_create_v2_with_miss_returns_reasons(merchant, owner):
    world = make_order_world(stock=0)
    result = services.order_create_v2(
        merchant=merchant, actor=owner, pay_type=2, **order_item((world.red, 1))
    )
    assert result.order.status == OrderStatus.CREATED
    assert result.intercepted[0]["code"] == "no_stock"


# --- Cancel, delete, changes ----------------------------------------------------------------------


def test_cancel_releases_reservations_and_cancels_parcels(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 4))
    services.order_confirm(order=order, actor=owner)
    services.order_paid(orders=[order], actor=owner)

    services.order_cancel(order=order, actor=owner, reason="customer changed mind")

    assert order.status == OrderStatus.CANCELLED
    assert _stock(world.red, world.cn).reserved == 0
    assert set(Parcel.objects.filter(orders=order).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert AuditEvent.objects.filter(action=AuditAction.ORDER_CANCELLED).count() == 1
    with pytest.raises(InvalidTransition):
        services.order_cancel(order=order, actor=owner)


def test_cancel_refused_after_a_parcel_shipped(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1))
    services.order_confirm(order=order, actor=owner)
    services.order_paid(orders=[order], actor=owner)
    Parcel.objects.filter(orders=order).update(status=ParcelStatus.SHIPPED, tracking_number="T1")

    with pytest.raises(InvalidTransition):
        services.order_cancel(order=order, actor=owner)

    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED
    assert _stock(world.red, world.cn).reserved == 1


def test_delete_only_before_confirmation(merchant, owner, world):
    created = _create(merchant, owner, (world.red, 1))
    confirmed = _create(merchant, owner, (world.red, 1))
    services.order_confirm(order=confirmed, actor=owner)

    snapshot = services.order_delete(order=created, actor=owner)
    with pytest.raises(DeleteRefused) as exc:
        services.order_delete(order=confirmed, actor=owner)

    assert exc.value.code == 1603002
    assert snapshot["code"] == created.code
    assert not Order.objects.filter(pk=created.pk).exists()
    assert Parcel.objects.filter(orders=confirmed).count() == 1
    assert Parcel.objects.count() == 1
    event = AuditEvent.objects.get(action=AuditAction.ORDER_DELETED)
    assert event.details["order_number"] == created.order_number


def test_update_logistics_reroutes_and_keeps_reservation_in_step(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 2))
    services.order_confirm(order=order, actor=owner)

    services.order_update_logistics(order=order, actor=owner, logistic_name="DHL")

    order.refresh_from_db()
    assert (order.line, order.postage_amount_minor) == (world.dhl, 1000)
    parcels = Parcel.objects.filter(orders=order)
    assert sorted(parcels.values_list("status", flat=True)) == ["cancelled", "planned"]
    assert _stock(world.red, world.cn).reserved == 2


def test_update_logistics_refusals(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1))
    with pytest.raises(DomainError) as exc:
        services.order_update_logistics(order=order, actor=owner, logistic_name="Nope")
    assert exc.value.code == 1605000
    with pytest.raises(DomainError) as exc:
        services.order_update_logistics(order=order, actor=owner, logistic_name="USPS")
    assert exc.value.code == 1605001
    order.refresh_from_db()
    assert (order.line, order.requested_logistic_name) == (world.cjpacket, "")
    services.order_confirm(order=order, actor=owner)
    services.order_paid(orders=[order], actor=owner)
    with pytest.raises(StateChanged):
        services.order_update_logistics(order=order, actor=owner, logistic_name="DHL")


def test_update_address_reroutes(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1))
    services.order_update_address(
        order=order,
        actor=owner,
        shipping_country_code="DE",
        shipping_province="",
        shipping_zip="10115",
    )
    order.refresh_from_db()
    assert order.shipping_country_code == "DE"
    assert order.logistics_miss is True
    with pytest.raises(OrderInvalid):
        services.order_update_address(order=order, actor=owner, shipping_zip="1")
    order.refresh_from_db()
    assert order.shipping_zip == "10115"


def test_change_warehouse_routes_from_it_only(merchant, owner, world):
    make_stock(variant=world.red, warehouse=world.us, on_hand=5)
    order = _create(merchant, owner, (world.red, 1))
    assert order.line == world.usps  # US stock is cheaper to ship
    services.order_change_warehouse(order=order, actor=owner, warehouse=world.cn)
    order.refresh_from_db()
    assert order.line == world.cjpacket
    assert Parcel.objects.get(orders=order).warehouse == world.cn


# --- Parcel sync ----------------------------------------------------------------------------------


def _paid(merchant, owner, *variants):
    order = _create(merchant, owner, *variants)
    services.order_confirm(order=order, actor=owner)
    services.order_paid(orders=[order], actor=owner)
    return order


def test_sync_processing_shipped_delivered(merchant, owner, world):
    order = _paid(merchant, owner, (world.red, 1))
    parcels = Parcel.objects.filter(orders=order)

    parcels.update(status=ParcelStatus.PICKING)
    services.order_sync_from_parcels(order=order, actor_label="warehouse")
    assert (order.status, order.sub_status) == ("UNSHIPPED", "PROCESSING")

    parcels.update(status=ParcelStatus.SHIPPED)
    services.order_sync_from_parcels(order=order)
    assert order.status == "SHIPPED"
    assert order.shipped_at

    parcels.update(status=ParcelStatus.DELIVERED)
    services.order_sync_from_parcels(order=order)
    services.order_sync_from_parcels(order=order)  # nothing more to do
    assert order.status == "DELIVERED"
    steps = list(
        OrderEvent.objects.filter(order=order, kind="status").values_list(
            "to_status", "to_sub_status"
        )
    )
    assert steps == [
        ("UNPAID", ""),
        ("UNSHIPPED", "PENDING"),
        ("UNSHIPPED", "PROCESSING"),
        ("SHIPPED", ""),
        ("DELIVERED", ""),
    ]


def test_sync_straight_to_delivered_records_both_steps(merchant, owner, world):
    order = _paid(merchant, owner, (world.red, 1))
    Parcel.objects.filter(orders=order).update(status=ParcelStatus.DELIVERED)
    services.order_sync_from_parcels(order=order)
    assert list(OrderEvent.objects.filter(order=order).values_list("to_status", flat=True))[
        -2:
    ] == ["SHIPPED", "DELIVERED"]


def test_sync_ignores_unpaid_orders(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 1))
    Parcel.objects.filter(orders=order).update(status=ParcelStatus.SHIPPED)
    services.order_sync_from_parcels(order=order)
    assert order.status == "CREATED"


def test_bulk_order_delivered_becomes_private_stock(merchant, owner, world):
    order = services.order_create(
        merchant=merchant,
        actor=owner,
        order_number="BULK-9",
        order_type="bulk",
        requested_warehouse=world.us,
        lines=[{"vid": world.red.public_id, "quantity": 10}],
    )
    services.order_confirm(order=order, actor=owner)
    services.order_paid(orders=[order], actor=owner)
    Parcel.objects.filter(orders=order).update(status=ParcelStatus.DELIVERED)

    services.order_sync_from_parcels(order=order)
    services.order_sync_from_parcels(order=order)

    assert _stock(world.red, world.us, merchant).on_hand == 10


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], None),
        (["cancelled"], None),
        (["ready"], ("UNSHIPPED", "PENDING")),
        (["ready", "picking"], ("UNSHIPPED", "PROCESSING")),
        (["packed", "cancelled"], ("UNSHIPPED", "PROCESSING")),
        (["shipped", "ready"], ("UNSHIPPED", "PROCESSING")),
        (["shipped", "cancelled"], ("SHIPPED", "")),
        (["shipped", "delivered"], ("SHIPPED", "")),
        (["exception"], ("SHIPPED", "")),
        (["delivered", "delivered", "cancelled"], ("DELIVERED", "")),
    ],
)
def test_status_from_parcels(statuses, expected):
    assert status_from_parcels(statuses) == expected


# --- Refusals of confirmed orders change nothing ------------------------------------------------


def _state(order):
    order.refresh_from_db()
    parcels = sorted(
        Parcel.objects.filter(orders=order).values_list("pk", "status", "reservation_reference")
    )
    stock = sorted(Stock.objects.values_list("pk", "on_hand", "reserved"))
    events = OrderEvent.objects.filter(order=order).count()
    return (order.status, order.line_id, order.total_amount_minor, parcels, stock, events)


def test_refused_changes_of_an_unpaid_order_keep_reservations(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 2))
    services.order_confirm(order=order, actor=owner)
    before = _state(order)

    with pytest.raises(DomainError):
        services.order_update_logistics(order=order, actor=owner, logistic_name="USPS")
    with pytest.raises(ConfirmRefused):
        services.order_update_address(
            order=order,
            actor=owner,
            shipping_country_code="DE",
            shipping_province="",
            shipping_zip="10115",
        )
    with pytest.raises(ConfirmRefused):
        services.order_change_warehouse(order=order, actor=owner, warehouse=world.us)

    assert _state(order) == before


def test_reroute_of_unpaid_order_when_stock_vanished_is_refused(merchant, owner, world):
    order = _create(merchant, owner, (world.red, 2))
    services.order_confirm(order=order, actor=owner)
    stock = _stock(world.red, world.cn)
    from dropyard.inventory.services import stock_adjust

    stock_adjust(stock=stock, delta=-98, actor=None, reason="lost")  # only the 2 reserved left
    before = _state(order)

    # Its own reservation is released first, so the 2 units are still there for it.
    services.order_reroute(order=order, actor=owner)
    assert _stock(world.red, world.cn).reserved == 2
    assert _state(order)[4] == before[4]


def test_cart_confirm_refusal_leaves_history_untouched(merchant, owner):
    world = make_order_world(stock=0)
    order = _create(merchant, owner, (world.red, 1))
    before = _state(order)

    result = services.cart_confirm(merchant=merchant, orders=[order], actor=owner)

    assert (result.success_count, result.shipments_id) == (0, "")
    assert _state(order) == before
    assert ParentOrder.objects.count() == 0
