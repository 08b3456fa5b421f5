"""createOrderV2's payType 2 for live orders: orders' creation, then the wallet payment
(``checkout.creation.order_create_v2``)."""

import pytest

from dropyard.checkout import creation
from dropyard.orders.choices import OrderStatus
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.wallet.models import Payment
from dropyard.wallet.tests.payment_helpers import available, fund


@pytest.fixture
def world(db):
    return make_order_world()


def test_create_v2_balance_without_wallet_leaves_unpaid(merchant, owner, world):
    result = creation.order_create_v2(
        merchant=merchant, actor=owner, pay_type=2, is_sandbox=False, **order_item((world.red, 1))
    )
    assert result.order.status == OrderStatus.UNPAID
    assert result.message.startswith("Insufficient balance")
    assert result.payment_error.code == 1604000
    assert result.paid is False


def test_create_v2_balance_pays_from_the_wallet(merchant, owner, world):
    fund(merchant, owner, 10_000)

    result = creation.order_create_v2(
        merchant=merchant, actor=owner, pay_type=2, is_sandbox=False, **order_item((world.red, 1))
    )

    payment = Payment.objects.get(order=result.order)
    assert result.order.status == OrderStatus.UNSHIPPED
    assert (result.paid, result.payment_error) == (True, None)
    assert result.message == "paid from the wallet balance"
    assert available(merchant) == 10_000 - payment.net_minor
