"""A price agreed in a negotiation prices the merchant's orders and purchases (across apps)."""

import pytest

from dropyard.catalog.merchant_prices import merchant_price_clear
from dropyard.inventory.private_selectors import purchase_cart_get
from dropyard.inventory.purchases import purchase_cart_add, purchase_order_create
from dropyard.inventory.tests.factories import make_stock
from dropyard.orders import services as order_services
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.sourcing.negotiations import negotiation_answer, negotiation_ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_order_world()  # red lists at 1000, blue at 2000


def _agree(merchant, agent, variant, price_minor):
    negotiation = negotiation_ask(
        merchant=merchant,
        actor=merchant.owner,
        variant=variant,
        monthly_quantity=1000,
        target_price_minor=price_minor - 50,
    )
    negotiation_answer(agent=agent, negotiation=negotiation, price_minor=price_minor)


def _order(merchant, *lines, **fields):
    return order_services.order_create(
        merchant=merchant, actor=None, **order_item(*lines, **fields)
    )


def _unit_prices(order):
    return {line.variant_id: line.unit_price_minor for line in order.lines.all()}


def test_order_after_the_answer_is_priced_at_the_merchant_price(assigned, owner, agent, world):
    before = _order(assigned, (world.red, 2))
    _agree(assigned, agent, world.red, 800)

    after = _order(assigned, (world.red, 2), (world.blue, 1))

    assert _unit_prices(before) == {world.red.pk: 1000}
    assert _unit_prices(after) == {world.red.pk: 800, world.blue.pk: 2000}
    after.refresh_from_db()
    assert after.product_amount_minor == 2 * 800 + 2000


def test_another_merchant_still_pays_the_list_price(assigned, owner, agent, other_merchant, world):
    _agree(assigned, agent, world.red, 800)

    order = _order(other_merchant, (world.red, 3))

    assert _unit_prices(order) == {world.red.pk: 1000}


def test_a_cleared_price_goes_back_to_the_list_price(assigned, owner, agent, world):
    _agree(assigned, agent, world.red, 800)
    merchant_price_clear(merchant=assigned, variant=world.red, actor=agent)

    order = _order(assigned, (world.red, 1))

    assert _unit_prices(order) == {world.red.pk: 1000}


def test_an_explicit_unit_price_from_the_api_is_kept(assigned, owner, agent, world):
    _agree(assigned, agent, world.red, 800)
    item = order_item((world.red, 1))
    item["lines"][0]["unit_price_minor"] = 1234

    order = order_services.order_create(merchant=assigned, actor=None, **item)

    assert _unit_prices(order) == {world.red.pk: 1234}


def test_purchase_cart_and_order_use_the_merchant_price(assigned, owner, agent, world):
    make_stock(variant=world.red, warehouse=world.us, on_hand=50)
    _agree(assigned, agent, world.red, 800)
    purchase_cart_add(merchant=assigned, variant=world.red, quantity=5, warehouse=world.us)

    cart = purchase_cart_get(merchant=assigned)
    order = purchase_order_create(merchant=assigned)

    assert (cart.lines[0].unit_price_minor, cart.total_minor) == (800, 4000)
    assert order.amount_minor == 4000
    assert list(order.lines.values_list("unit_price_minor", "amount_minor")) == [(800, 4000)]
