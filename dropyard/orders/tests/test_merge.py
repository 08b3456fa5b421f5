"""Merging unpaid orders to one address: candidates, preview, merge, undo, pay, cancel."""

import pytest

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.inventory.models import Stock
from dropyard.logistics.models import ShippingLine
from dropyard.orders import services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.exceptions import InvalidTransition, MergeRefused, OrderNotFound, PaymentFailed
from dropyard.orders.models import OrderEvent, OrderMerge, Parcel
from dropyard.orders.services.merge import split_by_weight
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db

S = OrderStatus


@pytest.fixture
def world():
    return make_order_world()


def _create(merchant, owner, *variants, **fields):
    return services.order_create(merchant=merchant, actor=owner, **order_item(*variants, **fields))


def _reserved(variant, warehouse):
    return Stock.objects.get(variant=variant, warehouse=warehouse, merchant=None).reserved


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (650, [250, 400], [250, 400]),
        (10, [0, 0], [5, 5]),
        (7, [3, 3, 1], [3, 3, 1]),
        (1, [1, 1], [1, 0]),
        (0, [5, 6], [0, 0]),
    ],
)
def test_split_by_weight(total, weights, expected):
    parts = split_by_weight(total, weights)
    assert parts == expected
    assert sum(parts) == total


def test_candidates_group_same_address_regardless_of_case_and_spacing(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1))
    b = _create(
        merchant, owner, (world.blue, 1), shipping_address="1  main street ", shipping_zip="90001"
    )
    _create(merchant, owner, (world.red, 1), shipping_address="2 Main Street")

    groups = services.merge_candidates(merchant=merchant)

    assert [[o.pk for o in g.orders] for g in groups] == [[a.pk, b.pk]]


def test_preview_changes_nothing_and_shows_the_saving(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1))  # 250 g: 500
    b = _create(merchant, owner, (world.blue, 1))  # 400 g: 500
    parcels_before = Parcel.objects.count()

    preview = services.merge_preview(merchant=merchant, orders=[a, b])

    # together 650 g: 500 + 150
    assert (preview.postage_before_minor, preview.postage_after_minor) == (1000, 650)
    assert preview.saved_minor == 350
    assert preview.shares_minor == {a.pk: 250, b.pk: 400}
    assert Parcel.objects.count() == parcels_before
    a.refresh_from_db()
    assert a.merge_id is None


def test_merge_and_pay_and_undo_refused_after_payment(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1))
    b = _create(merchant, owner, (world.blue, 1))

    merge = services.orders_merge(merchant=merchant, orders=[a, b], actor=owner)

    a.refresh_from_db()
    b.refresh_from_db()
    [parcel] = Parcel.objects.filter(orders=a)
    assert set(parcel.orders.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert (a.postage_amount_minor, b.postage_amount_minor) == (250, 400)
    assert (a.total_amount_minor, b.total_amount_minor) == (1250, 2400)
    assert (merge.postage_before_minor, merge.postage_after_minor) == (1000, 650)
    assert OrderEvent.objects.filter(kind="merged").count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.ORDERS_MERGED).count() == 1

    # Confirming one confirms the merge; stock reserved once under the merge reference.
    services.order_confirm(order=a, actor=owner)
    b.refresh_from_db()
    assert b.status == "UNPAID"
    assert (_reserved(world.red, world.cn), _reserved(world.blue, world.cn)) == (1, 1)
    parcel.refresh_from_db()
    assert parcel.reservation_reference == f"merge:{merge.public_id}:{parcel.code}"

    paid = services.order_paid(orders=[a], actor=owner)
    assert sorted(o.pk for o in paid) == sorted([a.pk, b.pk])
    with pytest.raises(MergeRefused):
        services.merge_undo(merge=merge, actor=owner)
    with pytest.raises(InvalidTransition):
        services.order_cancel(order=a, actor=owner)


def test_merge_unpaid_orders_moves_reservations_and_undo_restores(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 2))
    b = _create(merchant, owner, (world.red, 3))
    services.order_confirm(order=a, actor=owner)
    services.order_confirm(order=b, actor=owner)
    assert _reserved(world.red, world.cn) == 5

    merge = services.orders_merge(merchant=merchant, orders=[a, b], actor=owner)

    assert _reserved(world.red, world.cn) == 5
    assert Parcel.objects.filter(orders=a).exclude(status="cancelled").count() == 1

    services.merge_undo(merge=merge, actor=owner)

    a.refresh_from_db()
    assert a.merge_id is None
    assert _reserved(world.red, world.cn) == 5
    live = Parcel.objects.exclude(status="cancelled")
    assert sorted(live.values_list("orders", flat=True)) == sorted([a.pk, b.pk])
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_cancel_before_payment_takes_the_order_out_of_its_merge(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1))
    b = _create(merchant, owner, (world.blue, 1))
    services.orders_merge(merchant=merchant, orders=[a, b], actor=owner)

    services.order_cancel(order=a, actor=owner)

    b.refresh_from_db()
    assert (b.merge_id, b.status, b.postage_amount_minor) == (None, "CREATED", 500)


@pytest.mark.parametrize("case", ["one", "other_address", "mixed_status", "other_merchant"])
def test_merge_refusals_change_nothing(merchant, owner, other_merchant, world, case):
    a = _create(merchant, owner, (world.red, 1))
    if case == "one":
        orders = [a]
    elif case == "other_address":
        orders = [a, _create(merchant, owner, (world.red, 1), shipping_city="San Diego")]
    elif case == "mixed_status":
        b = _create(merchant, owner, (world.red, 1))
        services.order_confirm(order=b, actor=owner)
        orders = [a, b]
    else:
        orders = [a, _create(other_merchant, None, (world.red, 1))]
    parcels = sorted(Parcel.objects.values_list("pk", "status"))

    with pytest.raises((MergeRefused, OrderNotFound)):
        services.orders_merge(merchant=merchant, orders=orders, actor=owner)

    assert sorted(Parcel.objects.values_list("pk", "status")) == parcels
    a.refresh_from_db()
    assert a.merge_id is None


# --- Sandbox and live orders never merge; cancelling a merged order -------------------------------


def test_merge_candidates_keep_sandbox_and_live_orders_apart(merchant, owner, world):
    live = _create(merchant, owner, (world.red, 1), number="L-1")
    sandbox = _create(merchant, owner, (world.blue, 1), number="S-1", is_sandbox=True)
    live_2 = _create(merchant, owner, (world.blue, 1), number="L-2")

    groups = services.merge_candidates(merchant=merchant)

    assert [[o.pk for o in g.orders] for g in groups] == [[live.pk, live_2.pk]]
    assert sandbox.pk not in {o.pk for g in groups for o in g.orders}


def test_orders_merge_refuses_a_sandbox_and_live_mix(merchant, owner, world):
    live = _create(merchant, owner, (world.red, 1), number="L-1")
    sandbox = _create(merchant, owner, (world.blue, 1), number="S-1", is_sandbox=True)

    with pytest.raises(MergeRefused) as refused:
        services.orders_merge(merchant=merchant, orders=[live, sandbox], actor=owner)
    with pytest.raises(MergeRefused):
        services.merge_preview(merchant=merchant, orders=[live, sandbox])

    assert refused.value.message == "sandbox and live orders cannot be merged together"
    assert not OrderMerge.objects.exists()


def test_cancel_merged_unpaid_order_when_the_sibling_cannot_route_alone(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1), number="M-A")
    b = _create(merchant, owner, (world.blue, 1), number="M-B")
    merge = services.orders_merge(merchant=merchant, orders=[a, b], actor=owner)
    services.order_confirm(order=a, actor=owner)
    # Every shipping line is switched off meanwhile: b can no longer be routed alone.
    ShippingLine.objects.update(is_active=False)

    services.order_cancel(order=a, actor=owner, reason="customer changed mind")

    a.refresh_from_db()
    b.refresh_from_db()
    merge.refresh_from_db()
    assert a.status == S.CANCELLED
    assert (b.status, b.merge_id, b.logistics_miss) == (S.UNPAID, None, True)
    assert b.intercept_reasons
    assert all(r["message"] for r in b.intercept_reasons)
    assert merge.undone_at is not None
    # No reservation b cannot hold, no parcel left for either.
    assert Stock.objects.filter(reserved__gt=0).count() == 0
    assert not Parcel.objects.filter(orders__in=[a, b]).exclude(status="cancelled").exists()
    note = OrderEvent.objects.get(order=b, kind="unmerged").note
    assert "cannot ship alone" in note
    assert "Re-route it" in note
    # It cannot be paid until it is re-routed.
    with pytest.raises(PaymentFailed) as refused:
        services.order_paid(orders=[b], actor=owner)
    assert "re-route it" in refused.value.message
    b.refresh_from_db()
    assert b.status == S.UNPAID


def test_cancel_merged_order_sibling_that_still_routes_is_reserved_alone(merchant, owner, world):
    a = _create(merchant, owner, (world.red, 1), number="M-A")
    b = _create(merchant, owner, (world.blue, 2), number="M-B")
    services.orders_merge(merchant=merchant, orders=[a, b], actor=owner)
    services.order_confirm(order=a, actor=owner)

    services.order_cancel(order=a, actor=owner)

    b.refresh_from_db()
    assert (b.status, b.merge_id, b.logistics_miss) == (S.UNPAID, None, False)
    assert Stock.objects.get(variant=world.red, merchant=None).reserved == 0
    assert Stock.objects.get(variant=world.blue, merchant=None).reserved == 2
