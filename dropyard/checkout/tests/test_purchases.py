"""Paying a private-inventory purchase order from the wallet: money, stock and ledger rows
move together, once, for the right merchant only."""

import pytest

from dropyard.checkout.purchases import purchase_order_pay
from dropyard.inventory.choices import MovementKind, PurchaseOrderStatus
from dropyard.inventory.exceptions import (
    InsufficientStock,
    PurchaseOrderNotFound,
    PurchaseRefused,
)
from dropyard.inventory.models import PurchaseOrder, Stock, StockMovement
from dropyard.inventory.purchases import (
    purchase_cart_add,
    purchase_order_cancel,
    purchase_order_create,
)
from dropyard.inventory.services import stock_reserve
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.exceptions import InsufficientBalance
from dropyard.wallet.models import Invoice, LedgerTransaction
from dropyard.wallet.tests.payment_helpers import available, entries_by_kind, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(merchant):
    product = make_inventory_product(variants=2)
    red, blue = product.variants.order_by("position")
    red.price_minor, blue.price_minor = 250, 1000
    red.save(update_fields=["price_minor"])
    blue.save(update_fields=["price_minor"])
    warehouse = WarehouseFactory(code="USLA", country="US")
    make_stock(variant=red, warehouse=warehouse, on_hand=50, reserved=5)
    make_stock(variant=blue, warehouse=warehouse, on_hand=3)
    return product, red, blue, warehouse


def _order(merchant, owner, red, blue, warehouse, red_qty=10, blue_qty=2):
    purchase_cart_add(merchant=merchant, variant=red, quantity=red_qty, warehouse=warehouse)
    purchase_cart_add(merchant=merchant, variant=blue, quantity=blue_qty)
    return purchase_order_create(merchant=merchant, actor=owner)


def _shared(variant, warehouse):
    return Stock.objects.get(variant=variant, warehouse=warehouse, merchant__isnull=True)


def test_paying_moves_units_into_private_stock_and_debits_wallet(merchant, owner, world):
    _, red, blue, warehouse = world
    fund(merchant, owner, 10_000)
    order = _order(merchant, owner, red, blue, warehouse)
    assert order.amount_minor == 10 * 250 + 2 * 1000

    result = purchase_order_pay(merchant=merchant, code=order.code, actor=owner)

    assert result.paid is True
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.COMPLETED
    assert order.payment_reference == f"wallet:{result.transaction.public_id}"
    assert available(merchant) == 10_000 - 4_500
    assert entries_by_kind(result.transaction) == {
        AccountKind.WALLET_AVAILABLE: -4_500,
        AccountKind.ORDER_REVENUE: 4_500,
    }
    shared_red = _shared(red, warehouse)
    assert (shared_red.on_hand, shared_red.reserved) == (40, 5)
    assert (_shared(blue, warehouse).on_hand, _shared(blue, warehouse).reserved) == (1, 0)
    private = {
        s.variant_id: (s.on_hand, s.reserved)
        for s in Stock.objects.filter(merchant=merchant, warehouse=warehouse)
    }
    assert private == {red.pk: (10, 0), blue.pk: (2, 0)}
    moves = StockMovement.objects.filter(kind=MovementKind.PURCHASE, reference=order.code)
    assert {(m.stock.merchant_id, m.stock.variant_id, m.on_hand_delta) for m in moves} == {
        (None, red.pk, -10),
        (merchant.pk, red.pk, 10),
        (None, blue.pk, -2),
        (merchant.pk, blue.pk, 2),
    }
    assert Invoice.objects.filter(merchant=merchant, transaction=result.transaction).count() == 1


def test_paying_twice_charges_once(merchant, owner, world):
    _, red, blue, warehouse = world
    fund(merchant, owner, 10_000)
    order = _order(merchant, owner, red, blue, warehouse)
    first = purchase_order_pay(merchant=merchant, code=order.code, actor=owner)

    again = purchase_order_pay(merchant=merchant, code=order.pay_id, actor=owner)

    assert again.paid is False
    assert again.transaction == first.transaction
    assert available(merchant) == 5_500
    assert StockMovement.objects.filter(kind=MovementKind.PURCHASE).count() == 4
    assert LedgerTransaction.objects.filter(kind="purchase_payment").count() == 1


def test_insufficient_balance_changes_nothing(merchant, owner, world):
    _, red, blue, warehouse = world
    fund(merchant, owner, 4_499)
    order = _order(merchant, owner, red, blue, warehouse)

    with pytest.raises(InsufficientBalance) as caught:
        purchase_order_pay(merchant=merchant, code=order.code, actor=owner)

    assert caught.value.code == 1604000
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.WAIT_PAY
    assert available(merchant) == 4_499
    assert not Stock.objects.filter(merchant=merchant).exists()
    assert _shared(red, warehouse).on_hand == 50
    assert not StockMovement.objects.filter(kind=MovementKind.PURCHASE).exists()


def test_platform_stock_gone_meanwhile_changes_nothing(merchant, owner, world):
    _, red, blue, warehouse = world
    fund(merchant, owner, 10_000)
    order = _order(merchant, owner, red, blue, warehouse)
    # Another order reserves the blue units after the cart was confirmed.
    stock_reserve(variant=blue, warehouse=warehouse, quantity=2, reference="DY-other")

    with pytest.raises(InsufficientStock) as caught:
        purchase_order_pay(merchant=merchant, code=order.code, actor=owner)

    assert caught.value.code == 1603102
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.WAIT_PAY
    assert available(merchant) == 10_000
    assert _shared(red, warehouse).on_hand == 50
    assert not Stock.objects.filter(merchant=merchant).exists()
    assert not LedgerTransaction.objects.filter(kind="purchase_payment").exists()


def test_another_merchants_order_is_not_found(merchant, owner, other_merchant, world):
    _, red, blue, warehouse = world
    fund(other_merchant, other_merchant.owner, 10_000)
    order = _order(merchant, owner, red, blue, warehouse)

    with pytest.raises(PurchaseOrderNotFound) as caught:
        purchase_order_pay(merchant=other_merchant, code=order.code)

    assert caught.value.code == 1603100
    assert available(other_merchant) == 10_000
    assert PurchaseOrder.objects.get(pk=order.pk).status == PurchaseOrderStatus.WAIT_PAY


def test_wrong_pay_id_is_not_found(merchant, owner, world):
    _, red, blue, warehouse = world
    fund(merchant, owner, 10_000)
    order = _order(merchant, owner, red, blue, warehouse)

    with pytest.raises(PurchaseOrderNotFound):
        purchase_order_pay(merchant=merchant, code=order.code, pay_id="123")

    assert available(merchant) == 10_000


def test_cancelled_order_is_refused(merchant, owner, world):
    _, red, blue, warehouse = world
    fund(merchant, owner, 10_000)
    order = _order(merchant, owner, red, blue, warehouse)
    purchase_order_cancel(merchant=merchant, code=order.code, actor=owner)

    with pytest.raises(PurchaseRefused):
        purchase_order_pay(merchant=merchant, code=order.code)

    assert available(merchant) == 10_000
