"""Property: random create / confirm / cancel / pay / ship sequences keep stock consistent.

After every step: available stock is never negative, and each Stock row's ``reserved`` equals
the sum of the open reservations the StockMovement ledger holds for it (by reference), which
in turn equals what the orders' live, unshipped parcels need.
"""

from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dropyard.core.errors import DomainError
from dropyard.inventory.models import Stock, StockMovement
from dropyard.inventory.services import stock_ship
from dropyard.inventory.tests.factories import make_stock
from dropyard.orders import services
from dropyard.orders.choices import OrderStatus, ParcelStatus
from dropyard.orders.models import Order, Parcel
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


OPS = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1), st.integers(1, 4), st.integers(0, 1)),
    st.tuples(st.sampled_from(["confirm", "cancel", "pay", "ship"]), st.integers(0, 3)),
)


def _ship(order, owner):
    """Ship every READY parcel of the order: consume its reservation, mark it shipped."""
    for parcel in Parcel.objects.filter(orders=order, status=ParcelStatus.READY):
        wanted = defaultdict(int)
        for line in parcel.lines.select_related("order_line__variant"):
            wanted[line.order_line.variant] += line.quantity
        for variant, quantity in wanted.items():
            stock_ship(
                variant=variant,
                warehouse=parcel.warehouse,
                quantity=quantity,
                reference=parcel.reservation_reference,
                merchant=order.merchant if parcel.uses_private_stock else None,
            )
        Parcel.objects.filter(pk=parcel.pk).update(
            status=ParcelStatus.SHIPPED, tracking_number=f"T{parcel.pk}"
        )
    services.order_sync_from_parcels(order=order, actor=owner)


def _check_invariants():
    ledger = defaultdict(int)
    for row in (
        StockMovement.objects.exclude(reference="")
        .values("stock_id", "reference")
        .annotate(open=Sum("reserved_delta"))
    ):
        assert row["open"] >= 0, row
        ledger[row["stock_id"]] += row["open"]
    expected = defaultdict(int)
    live = Parcel.objects.filter(
        status__in=[ParcelStatus.PLANNED, ParcelStatus.READY],
        orders__status__in=[OrderStatus.UNPAID, OrderStatus.UNSHIPPED],
    ).prefetch_related("lines__order_line")
    for parcel in live:
        owner = parcel.merchant_id if parcel.uses_private_stock else None
        for line in parcel.lines.all():
            expected[(line.order_line.variant_id, parcel.warehouse_id, owner)] += line.quantity
    for stock in Stock.objects.all():
        assert stock.on_hand - stock.reserved >= 0
        assert stock.reserved == ledger[stock.pk], stock
        assert stock.reserved == expected[(stock.variant_id, stock.warehouse_id, stock.merchant_id)]


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=20))
def test_random_lifecycles_keep_stock_consistent(merchant, owner, ops):
    try:
        with transaction.atomic():
            world = make_order_world(stock=5)
            make_stock(variant=world.red, warehouse=world.us, on_hand=3)
            make_stock(variant=world.blue, warehouse=world.cn, on_hand=2, merchant=merchant)
            orders: list[Order] = []
            for op in ops:
                kind = op[0]
                try:
                    with transaction.atomic():
                        if kind == "create":
                            _, which, quantity, both = op
                            variants = [((world.red, world.blue)[which], quantity)]
                            if both:
                                variants.append(((world.blue, world.red)[which], 1))
                            orders.append(
                                services.order_create(
                                    merchant=merchant, actor=owner, **order_item(*variants)
                                )
                            )
                        elif orders:
                            order = orders[op[1] % len(orders)]
                            order.refresh_from_db()
                            if kind == "confirm":
                                services.order_confirm(order=order, actor=owner)
                            elif kind == "cancel":
                                services.order_cancel(order=order, actor=owner)
                            elif kind == "pay":  # like sandbox pay: confirm first if needed
                                if order.status in (OrderStatus.CREATED, OrderStatus.IN_CART):
                                    services.order_confirm(order=order, actor=owner)
                                services.order_paid(orders=[order], actor=owner)
                            else:
                                _ship(order, owner)
                    event(f"{kind} done")
                except DomainError:
                    event(f"{kind} refused")  # must have changed nothing: invariants check it
                _check_invariants()
            raise _Rollback
    except _Rollback:
        pass
