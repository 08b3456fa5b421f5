"""The purchase cart, purchase orders and the platform → private stock transfer."""

import pytest

from dropyard.core.models import AuditEvent
from dropyard.inventory.choices import MovementKind, PurchaseOrderStatus
from dropyard.inventory.exceptions import (
    DuplicateMovement,
    InsufficientStock,
    PurchaseOrderNotFound,
    PurchaseRefused,
    WarehouseInactive,
)
from dropyard.inventory.models import PurchaseCartLine, PurchaseOrderLine, Stock, StockMovement
from dropyard.inventory.private_selectors import fifo_remaining, purchase_cart_get
from dropyard.inventory.purchases import (
    purchase_cart_add,
    purchase_cart_remove,
    purchase_cart_set_quantity,
    purchase_order_cancel,
    purchase_order_complete,
    purchase_order_create,
)
from dropyard.inventory.services import stock_transfer_to_private
from dropyard.inventory.tests.factories import (
    WarehouseFactory,
    make_inventory_product,
    make_stock,
    make_supplier_warehouse,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    product = make_inventory_product(variants=2)
    red, blue = product.variants.order_by("position")
    red.price_minor, blue.price_minor = 300, 1250
    red.save(update_fields=["price_minor"])
    blue.save(update_fields=["price_minor"])
    small = WarehouseFactory(code="A-SMALL")
    big = WarehouseFactory(code="B-BIG")
    make_stock(variant=red, warehouse=small, on_hand=5)
    make_stock(variant=red, warehouse=big, on_hand=30, reserved=10)
    make_stock(variant=blue, warehouse=big, on_hand=2)
    return {"red": red, "blue": blue, "small": small, "big": big}


def test_add_picks_the_warehouse_with_most_available(merchant, world):
    line = purchase_cart_add(merchant=merchant, variant=world["red"], quantity=6)

    assert (line.warehouse, line.quantity) == (world["big"], 6)


def test_add_again_grows_the_line(merchant, world):
    purchase_cart_add(merchant=merchant, variant=world["red"], quantity=3, warehouse=world["small"])
    line = purchase_cart_add(merchant=merchant, variant=world["red"], quantity=2)

    assert (line.warehouse, line.quantity) == (world["small"], 5)
    assert PurchaseCartLine.objects.count() == 1


def test_add_beyond_available_is_refused(merchant, world):
    purchase_cart_add(merchant=merchant, variant=world["red"], quantity=5, warehouse=world["small"])

    with pytest.raises(InsufficientStock):
        purchase_cart_add(
            merchant=merchant, variant=world["red"], quantity=1, warehouse=world["small"]
        )
    with pytest.raises(InsufficientStock):
        purchase_cart_add(merchant=merchant, variant=world["blue"], quantity=3)

    assert list(PurchaseCartLine.objects.values_list("quantity", flat=True)) == [5]


@pytest.mark.parametrize("quantity", [0, -1, 100_001, True, "2"])
def test_add_refuses_bad_quantities(merchant, world, quantity):
    with pytest.raises(PurchaseRefused):
        purchase_cart_add(merchant=merchant, variant=world["red"], quantity=quantity)

    assert not PurchaseCartLine.objects.exists()


def test_add_refuses_supplier_and_inactive_warehouses(merchant, world):
    factory = make_supplier_warehouse()
    inactive = WarehouseFactory(is_active=False)

    for warehouse in (factory, inactive):
        with pytest.raises(PurchaseRefused):
            purchase_cart_add(
                merchant=merchant, variant=world["red"], quantity=1, warehouse=warehouse
            )

    assert not PurchaseCartLine.objects.exists()


def test_set_quantity_and_remove_are_scoped(merchant, other_merchant, world):
    line = purchase_cart_add(merchant=merchant, variant=world["red"], quantity=2)

    with pytest.raises(PurchaseOrderNotFound):
        purchase_cart_set_quantity(merchant=other_merchant, line_id=line.pk, quantity=1)
    assert purchase_cart_remove(merchant=other_merchant, line_ids=[line.pk]) == 0
    assert purchase_cart_set_quantity(merchant=merchant, line_id=line.pk, quantity=7).quantity == 7
    with pytest.raises(InsufficientStock):
        purchase_cart_set_quantity(merchant=merchant, line_id=line.pk, quantity=21)
    assert purchase_cart_set_quantity(merchant=merchant, line_id=line.pk, quantity=0) is None
    assert not PurchaseCartLine.objects.exists()


def test_cart_read_has_totals_and_availability(merchant, world):
    purchase_cart_add(merchant=merchant, variant=world["red"], quantity=4)
    purchase_cart_add(merchant=merchant, variant=world["blue"], quantity=2)

    cart = purchase_cart_get(merchant=merchant)

    assert (cart.total_minor, cart.units) == (4 * 300 + 2 * 1250, 6)
    assert [line.available for line in cart.lines] == [20, 2]


def test_create_order_fixes_prices_and_empties_the_cart(merchant, owner, world):
    purchase_cart_add(merchant=merchant, variant=world["red"], quantity=4)
    purchase_cart_add(merchant=merchant, variant=world["blue"], quantity=1)

    order = purchase_order_create(merchant=merchant, actor=owner)

    assert order.code[:2] == "SY"
    assert order.code[2:].isdigit()
    assert len(order.code) == 21
    assert (order.status, order.amount_minor) == (PurchaseOrderStatus.WAIT_PAY, 2450)
    assert list(
        PurchaseOrderLine.objects.filter(order=order).values_list(
            "quantity", "unit_price_minor", "amount_minor"
        )
    ) == [(4, 300, 1200), (1, 1250, 1250)]
    assert not PurchaseCartLine.objects.exists()
    assert AuditEvent.objects.filter(target_type="inventory.PurchaseOrder").count() == 1
    with pytest.raises(PurchaseRefused):
        purchase_order_create(merchant=merchant)


def test_create_order_for_one_warehouse_keeps_the_rest(merchant, world):
    purchase_cart_add(merchant=merchant, variant=world["red"], quantity=1, warehouse=world["small"])
    purchase_cart_add(merchant=merchant, variant=world["blue"], quantity=1)

    order = purchase_order_create(merchant=merchant, warehouse=world["small"])

    assert order.amount_minor == 300
    assert list(PurchaseCartLine.objects.values_list("variant", flat=True)) == [world["blue"].pk]


def test_complete_moves_stock_once(merchant, world):
    purchase_cart_add(merchant=merchant, variant=world["red"], quantity=4)
    order = purchase_order_create(merchant=merchant)

    purchase_order_complete(order=order, payment_reference="wallet:1")

    shared = Stock.objects.get(variant=world["red"], warehouse=world["big"], merchant=None)
    private = Stock.objects.get(variant=world["red"], warehouse=world["big"], merchant=merchant)
    assert (shared.on_hand, shared.reserved, private.on_hand) == (26, 10, 4)
    with pytest.raises(PurchaseRefused):
        purchase_order_complete(order=order, payment_reference="wallet:2")
    assert StockMovement.objects.filter(kind=MovementKind.PURCHASE).count() == 2


def test_cancel_only_while_waiting(merchant, other_merchant, world):
    purchase_cart_add(merchant=merchant, variant=world["red"], quantity=1)
    order = purchase_order_create(merchant=merchant)

    with pytest.raises(PurchaseOrderNotFound):
        purchase_order_cancel(merchant=other_merchant, code=order.code)
    assert purchase_order_cancel(merchant=merchant, code=order.code).status == "CANCELLED"
    with pytest.raises(PurchaseRefused):
        purchase_order_cancel(merchant=merchant, code=order.code)
    with pytest.raises(PurchaseRefused):
        purchase_order_complete(order=order, payment_reference="x")


def test_transfer_never_sells_reserved_units(merchant, world):
    with pytest.raises(InsufficientStock):
        stock_transfer_to_private(
            variant=world["red"],
            warehouse=world["big"],
            merchant=merchant,
            quantity=21,
            reference="SY1",
        )

    assert (
        Stock.objects.get(variant=world["red"], warehouse=world["big"], merchant=None).on_hand == 30
    )
    assert not Stock.objects.filter(merchant=merchant).exists()


def test_transfer_twice_with_one_reference_is_refused(merchant, world):
    kwargs = {
        "variant": world["red"],
        "warehouse": world["big"],
        "merchant": merchant,
        "quantity": 1,
        "reference": "SY1",
    }
    stock_transfer_to_private(**kwargs)

    with pytest.raises(DuplicateMovement):
        stock_transfer_to_private(**kwargs)

    assert (
        Stock.objects.get(variant=world["red"], warehouse=world["big"], merchant=merchant).on_hand
        == 1
    )


def test_transfer_refuses_inactive_warehouse(merchant, world):
    world["big"].is_active = False
    world["big"].save(update_fields=["is_active"])

    with pytest.raises(WarehouseInactive):
        stock_transfer_to_private(
            variant=world["red"],
            warehouse=world["big"],
            merchant=merchant,
            quantity=1,
            reference="SY1",
        )


@pytest.mark.parametrize(
    ("inbound", "out", "expected"),
    [
        ([10, 5], 0, [10, 5]),
        ([10, 5], 3, [7, 5]),
        ([10, 5], 12, [0, 3]),
        ([10, 5], 15, [0, 0]),
        ([10, 5], 99, [0, 0]),
        ([], 4, []),
    ],
)
def test_fifo_remaining(inbound, out, expected):
    assert fifo_remaining(inbound, out) == expected
