"""The operators' order scope (``orders.selectors_ops``): the one function every back-office
order page and action looks orders up through."""

import pytest

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.errors import PermissionDenied
from dropyard.orders import services
from dropyard.orders.exceptions import OrderNotFound
from dropyard.orders.selectors_ops import (
    operator_merchants,
    order_get_for_operator,
    order_list_for_operator,
)
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(assigned, other_merchant):
    world = make_order_world()
    mine = services.order_create(
        merchant=assigned, actor=assigned.owner, **order_item((world.red, 1), number="A-1")
    )
    theirs = services.order_create(
        merchant=other_merchant,
        actor=other_merchant.owner,
        **order_item((world.red, 1), number="B-1"),
    )
    return mine, theirs


def test_agent_sees_only_the_orders_of_the_merchants_assigned_to_them(agent, orders):
    mine, theirs = orders

    assert list(order_list_for_operator(user=agent)) == [mine]
    assert order_get_for_operator(user=agent, key=mine.code) == mine
    with pytest.raises(OrderNotFound):
        order_get_for_operator(user=agent, key=theirs.public_id)
    assert [m.pk for m in operator_merchants(user=agent)] == [mine.merchant_id]


def test_an_agent_with_no_merchants_sees_nothing(orders):
    other_agent = make_operator(role="agent")

    assert list(order_list_for_operator(user=other_agent)) == []


@pytest.mark.parametrize("role", ["admin", "support", "finance"])
def test_admin_support_and_finance_see_every_merchant(role, orders):
    user = make_operator(role=role)

    assert set(order_list_for_operator(user=user)) == set(orders)
    assert order_get_for_operator(user=user, key=orders[1].public_id) == orders[1]


def test_warehouse_staff_and_merchants_are_refused(orders, merchant):
    for user in (make_operator(role="warehouse"), merchant.owner):
        with pytest.raises(PermissionDenied):
            order_list_for_operator(user=user)
        with pytest.raises(PermissionDenied):
            order_get_for_operator(user=user, key=orders[0].code)


def test_unknown_or_blank_key_is_not_found(operator_admin, orders):
    for key in ("", "  ", "DY-NOPE"):
        with pytest.raises(OrderNotFound):
            order_get_for_operator(user=operator_admin, key=key)
