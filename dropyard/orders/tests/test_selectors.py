"""Order selectors: merchant scoping, lookup keys, filters and tabs."""

import datetime

import pytest
from django.utils import timezone

from dropyard.fulfillment.tests.factories import make_order, make_parcel
from dropyard.orders import selectors, services
from dropyard.orders.choices import ParcelStatus as PS
from dropyard.orders.exceptions import OrderNotFound
from dropyard.orders.models import Order
from dropyard.orders.parcel_transitions import parcel_transition
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_order_world()


def _create(merchant, owner, world, number, **fields):
    return services.order_create(
        merchant=merchant, actor=owner, **order_item((world.red, 1), number=number, **fields)
    )


def test_order_get_by_any_key_and_only_own(merchant, owner, other_merchant, world):
    order = _create(merchant, owner, world, "N-1")
    foreign = _create(other_merchant, None, world, "N-2")

    for key in (order.public_id, "N-1", order.code):
        assert selectors.order_get(merchant=merchant, key=key) == order
    for key in (foreign.public_id, "N-2", foreign.code, "", "nope"):
        with pytest.raises(OrderNotFound) as exc:
            selectors.order_get(merchant=merchant, key=key)
        assert exc.value.code == 1603100


def test_orders_get_many_reports_missing(merchant, owner, other_merchant, world):
    a = _create(merchant, owner, world, "M-1")
    foreign = _create(other_merchant, None, world, "M-2")
    found, missing = selectors.orders_get_many(
        merchant=merchant, keys=[a.public_id, "M-1", foreign.public_id, "x"]
    )
    assert found == [a]
    assert missing == [foreign.public_id, "x"]


def test_order_list_filters_and_tabs(merchant, owner, world):
    a = _create(
        merchant, owner, world, "L-1", store_name="Shop A", shipping_customer_name="Ann Lee"
    )
    b = _create(merchant, owner, world, "L-2")
    services.order_confirm(order=b, actor=owner)
    services.order_paid(orders=[b], actor=owner)
    c = _create(merchant, owner, world, "L-3")
    services.order_cancel(order=c, actor=owner)

    def numbers(**filters):
        return [o.order_number for o in selectors.order_list(merchant=merchant, **filters)]

    assert numbers() == ["L-3", "L-2", "L-1"]
    assert numbers(tab="pending") == ["L-1"]
    assert numbers(tab="processing") == ["L-2"]
    assert numbers(tab="cancelled") == ["L-3"]
    assert numbers(status="PENDING") == ["L-2"]
    assert numbers(status="PROCESSING") == []
    assert numbers(status="created") == ["L-1"]
    assert numbers(status="OTHER") == []
    assert numbers(store_name="shop a") == ["L-1"]
    assert numbers(q="ann") == ["L-1"]
    assert numbers(q=a.code) == ["L-1"]
    assert numbers(country="us") == ["L-3", "L-2", "L-1"]
    assert numbers(country="DE") == []
    today = timezone.localdate()
    assert numbers(date_from=today, date_to=today) == ["L-3", "L-2", "L-1"]
    assert numbers(date_to=today - datetime.timedelta(days=1)) == []
    assert numbers(shipments_id=b.parent.shipments_id) == ["L-2"]
    assert selectors.order_tab_counts(merchant=merchant) == {
        "pending": 1,
        "processing": 1,
        "dispatched": 0,
        "completed": 0,
        "cancelled": 1,
    }


def test_order_list_is_merchant_scoped(merchant, owner, other_merchant, world):
    _create(other_merchant, None, world, "X-1")
    assert list(selectors.order_list(merchant=merchant)) == []


def test_parcels_and_events(merchant, owner, world):
    order = _create(merchant, owner, world, "P-1")
    services.order_update_logistics(order=order, actor=owner, logistic_name="DHL")
    assert [p.line.name for p in selectors.order_parcels(order=order)] == ["DHL"]
    assert [e.kind for e in selectors.order_events(order=order)] == ["created", "logistics"]


def test_order_logistics_options(merchant, owner, world):
    order = _create(merchant, owner, world, "Q-1")
    quote = selectors.order_logistics_options(order=order)
    assert [(o.line.name, o.price.amount_minor) for o in quote.available] == [
        ("CJPacket", 500),
        ("DHL", 1000),
    ]


# --- Problem orders -------------------------------------------------------------------------------


def _exception(merchant, *, parcels: int = 1):
    """A paid order with ``parcels`` parcels the carrier reported a delivery exception for."""
    order = make_order(merchant=merchant)
    for _ in range(parcels):
        parcel = make_parcel(merchant=merchant, order=order)
        for status in (PS.PICKING, PS.PACKED, PS.SHIPPED, PS.EXCEPTION):
            parcel_transition(parcel=parcel, to=status, actor=None)
    return order


def test_problem_orders_by_kind_each_once_and_scoped(merchant, owner, other_merchant, world):
    two_parcels = _exception(merchant, parcels=2)
    unroutable = _create(merchant, owner, world, "U-1")
    Order.objects.filter(pk=unroutable.pk).update(logistics_miss=True)
    _create(merchant, owner, world, "OK-1")
    _exception(other_merchant)

    assert list(selectors.order_problem_list(merchant=merchant, problem="exception")) == [
        two_parcels
    ]
    assert list(selectors.order_problem_list(merchant=merchant, problem="unroutable")) == [
        unroutable
    ]
    assert selectors.order_problem_list(merchant=merchant, problem="nonsense").count() == 0
    counts = selectors.order_problem_counts(merchant=merchant)
    assert (counts["any"], counts["exception"], counts["unroutable"]) == (2, 1, 1)
    assert selectors.order_problem_counts()["any"] == 3  # an operator read: every merchant
    listed = selectors.order_list(merchant=merchant, problem="any")
    assert {o.order_number for o in listed} == {two_parcels.order_number, "U-1"}
    assert selectors.order_list(merchant=merchant, problem="bogus").count() == 0


def test_a_cancelled_unroutable_order_is_no_problem(merchant, owner, world):
    order = _create(merchant, owner, world, "C-1")
    Order.objects.filter(pk=order.pk).update(logistics_miss=True)
    services.order_cancel(order=Order.objects.get(pk=order.pk), actor=owner, reason="test")

    assert selectors.order_problem_counts(merchant=merchant)["any"] == 0
