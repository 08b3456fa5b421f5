import pytest

from dropyard.orders.choices import OrderStatus, OrderSubStatus
from dropyard.orders.exceptions import InvalidTransition
from dropyard.orders.models import Order, OrderEvent
from dropyard.orders.services.lifecycle import TRANSITIONS, order_transition

pytestmark = pytest.mark.django_db


def _order(merchant, status=OrderStatus.CREATED, sub_status=""):
    return Order.objects.create(
        merchant=merchant,
        code=f"DYT{Order.objects.count() + 1}",
        order_number=f"T-{Order.objects.count() + 1}",
        status=status,
        sub_status=sub_status,
        shipping_country_code="DE",
        shipping_city="Berlin",
        shipping_address="Alexanderplatz 1",
        shipping_customer_name="Erika Muster",
    )


def test_transition_writes_one_event_and_stamps_time(merchant, owner):
    order = _order(merchant, status=OrderStatus.UNPAID)

    order_transition(order, to=OrderStatus.UNSHIPPED, actor=owner, note="paid")

    order.refresh_from_db()
    assert (order.status, order.sub_status) == ("UNSHIPPED", "PENDING")
    assert order.paid_at is not None
    events = list(
        OrderEvent.objects.filter(order=order).values_list(
            "from_status", "to_status", "to_sub_status", "note", "actor_label"
        )
    )
    assert events == [("UNPAID", "UNSHIPPED", "PENDING", "paid", owner.email)]


def test_sub_status_moves_pending_to_processing_only(merchant):
    order = _order(merchant, status=OrderStatus.UNSHIPPED, sub_status=OrderSubStatus.PENDING)

    order_transition(order, to=OrderStatus.UNSHIPPED, sub_status=OrderSubStatus.PROCESSING)

    with pytest.raises(InvalidTransition):
        order_transition(order, to=OrderStatus.UNSHIPPED, sub_status=OrderSubStatus.PENDING)
    order.refresh_from_db()
    assert order.sub_status == "PROCESSING"
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_leaving_unshipped_clears_sub_status(merchant):
    order = _order(merchant, status=OrderStatus.UNSHIPPED, sub_status=OrderSubStatus.PROCESSING)

    order_transition(order, to=OrderStatus.SHIPPED, actor_label="warehouse")

    order.refresh_from_db()
    assert (order.status, order.sub_status) == ("SHIPPED", "")


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (start, to)
        for start in OrderStatus.values
        for to in OrderStatus.values
        if to not in TRANSITIONS[start] and to != start
    ],
)
def test_disallowed_transition_changes_nothing(merchant, start, to):
    sub = OrderSubStatus.PENDING if start == OrderStatus.UNSHIPPED else ""
    order = _order(merchant, status=start, sub_status=sub)

    with pytest.raises(InvalidTransition):
        order_transition(order, to=to)

    order.refresh_from_db()
    assert order.status == start
    assert OrderEvent.objects.filter(order=order).count() == 0


def test_same_status_without_sub_status_is_refused(merchant):
    order = _order(merchant, status=OrderStatus.CREATED)

    with pytest.raises(InvalidTransition):
        order_transition(order, to=OrderStatus.CREATED)
