"""The merchant home's facts: exact counts from real data, scoped to the merchant."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_staff
from dropyard.catalog import services as catalog_services
from dropyard.checkout.services import pay_from_wallet
from dropyard.dashboard import selectors
from dropyard.fulfillment.tests.factories import make_order, make_parcel
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, ParcelStatus
from dropyard.orders.models import Order
from dropyard.orders.parcel_transitions import parcel_transition
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.sourcing.services import message_send
from dropyard.stores import services
from dropyard.stores.tests.factories import make_store
from dropyard.wallet.models import Payment
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = pytest.mark.django_db


def _home(merchant, user):
    return selectors.merchant_home(membership=merchant.members.get(user=user), user=user)


def _done(home) -> dict[str, bool]:
    return {item.key: item.done for item in home.checklist}


def _unpaid(merchant, owner, world, *specs):
    """UNPAID orders, one per (quantity, store sale price or None)."""
    orders = [
        order_services.order_create(
            merchant=merchant, actor=owner, shop_amount_minor=shop, **order_item((world.red, q))
        )
        for q, shop in specs
    ]
    order_services.cart_add(merchant=merchant, orders=orders, actor=owner)
    order_services.cart_confirm(merchant=merchant, orders=orders, actor=owner)
    return [Order.objects.get(pk=o.pk) for o in orders]


def _moved(merchant, *statuses):
    """A paid order (UNSHIPPED) moved on through ``statuses`` by the order transition."""
    order = make_order(merchant=merchant)
    for status in statuses:
        order_services.order_transition(order, to=status)
    return order


def _to_exception(parcel):
    for status in (ParcelStatus.PICKING, ParcelStatus.PACKED, ParcelStatus.SHIPPED):
        parcel_transition(parcel=parcel, to=status, actor=None)
    parcel_transition(parcel=parcel, to=ParcelStatus.EXCEPTION, actor=None)


# --- Getting started ----------------------------------------------------------------------------


def test_new_merchant_has_the_whole_path_to_do(merchant, owner):
    home = _home(merchant, owner)

    assert _done(home) == {
        "verify_email": True,
        "catalog": False,
        "add_store": False,
        "first_order": False,
        "top_up": False,
        "invite_team": False,
        "api_key": False,
    }
    assert [(i.key, i.url_name, i.optional) for i in home.checklist] == [
        ("verify_email", None, False),
        ("catalog", "catalog:search", False),
        ("add_store", "stores:list", False),
        ("first_order", "orders:list", False),
        ("top_up", "wallet:home", False),
        ("invite_team", "accounts:team", True),
        ("api_key", "accounts:apikeys", True),
    ]
    assert home.is_new is True
    assert (home.store_count, home.held_store_orders) == (0, 0)


def test_new_merchant_has_zero_counts_and_an_empty_spend(merchant, owner):
    home = _home(merchant, owner)

    assert home.orders == selectors.OrderCounts(0, 0, 0, 0, 0, 0, None)
    assert (home.balance.available_minor, home.pending_topups) == (0, 0)
    spend = home.spend
    assert (spend.spent_minor, spend.paid_orders, spend.margin_minor) == (0, 0, None)
    assert len(spend.per_day) == 30
    assert spend.per_day[-1] == (timezone.localdate(), 0, 0)


def test_saving_a_product_ticks_the_catalog_step(merchant, owner):
    world = make_order_world()
    catalog_services.my_product_add(merchant=merchant, product=world.red.product, actor=owner)

    home = _home(merchant, owner)

    assert _done(home)["catalog"] is True
    assert home.is_new is False


def test_an_order_ticks_catalog_and_first_order_a_top_up_the_last_step(merchant, owner):
    world = make_order_world()
    order_services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))
    fund(merchant, owner, 5_000)

    done = _done(_home(merchant, owner))

    assert (done["catalog"], done["first_order"], done["top_up"]) == (True, True, True)
    assert done["add_store"] is False


def test_connected_store_ticks_the_store_step_and_counts(merchant, owner):
    store = make_store(merchant=merchant)
    make_store(merchant=merchant)
    services.store_disconnect(store=store, merchant=merchant, actor=owner)

    home = _home(merchant, owner)

    assert _done(home)["add_store"] is True
    assert (home.store_count, home.held_store_orders) == (1, 0)


def test_unverified_email_is_not_done(merchant, owner):
    EmailAddress.objects.filter(user=owner).update(verified=False)

    assert _done(_home(merchant, owner))["verify_email"] is False


def test_pending_invitation_counts_as_inviting_the_team(merchant, owner):
    account_services.member_invite(merchant=merchant, actor=owner, email="new@example.test")

    home = _home(merchant, owner)

    assert _done(home)["invite_team"] is True
    assert home.member_count == 1


def test_api_keys_count_only_active_ones(merchant, owner):
    account_services.apikey_create(merchant=merchant, actor=owner, name="live")
    revoked, _ = account_services.apikey_create(merchant=merchant, actor=owner, name="old")
    account_services.apikey_revoke(api_key=revoked, actor=owner)

    home = _home(merchant, owner)

    assert home.active_api_keys == 1
    assert _done(home)["api_key"] is True


def test_areas_hide_what_the_member_may_not_see(merchant):
    orders_only = make_staff(merchant=merchant, permissions=["orders"])
    plain = make_staff(merchant=merchant, permissions=[])

    orders_home = _home(merchant, orders_only)
    plain_home = _home(merchant, plain)

    assert orders_home.orders is not None
    assert (orders_home.balance, orders_home.spend, orders_home.pending_topups) == (None,) * 3
    assert (orders_home.store_count, orders_home.active_api_keys) == (None, None)
    assert (plain_home.orders, plain_home.balance, plain_home.recent_audit_events) == (None,) * 3


def test_unread_messages_come_from_the_agent(merchant, owner, agent, operator_admin):
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)
    message_send(merchant=merchant, sender=agent, body="1")
    message_send(merchant=merchant, sender=owner, body="2")

    assert _home(merchant, owner).unread_messages == 1


# --- Order counts -------------------------------------------------------------------------------


def test_order_counts_are_exact_and_leave_other_merchants_out(merchant, owner, other_merchant):
    world = make_order_world()
    _unpaid(merchant, owner, world, (1, None), (1, None))  # to pay: 2
    order_services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))
    make_order(merchant=merchant)  # paid, awaiting shipment
    shipped = _moved(merchant, OrderStatus.SHIPPED)
    _moved(merchant, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    exception = make_parcel(merchant=merchant, order=shipped)
    _to_exception(exception)
    unroutable = order_services.order_create(
        merchant=merchant, actor=owner, **order_item((world.red, 1))
    )
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Order.objects.filter(pk=unroutable.pk).update(logistics_miss=True, created_at=an_hour_ago)
    # Another merchant's orders, of every kind, must not count.
    make_order(merchant=other_merchant)
    other_shipped = _moved(other_merchant, OrderStatus.SHIPPED)
    _to_exception(make_parcel(merchant=other_merchant, order=other_shipped))

    counts = _home(merchant, owner).orders

    assert (counts.to_pay, counts.awaiting_shipment, counts.in_transit) == (4, 1, 1)
    assert (counts.problems, counts.exceptions, counts.unroutable) == (2, 1, 1)
    assert counts.oldest_problem_at == an_hour_ago  # older than the exception


def test_a_staff_member_limited_to_a_store_counts_only_its_orders(merchant, owner):
    world = make_order_world()
    store = make_store(merchant=merchant)
    order_services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))
    staff = make_staff(merchant=merchant, permissions=["orders"])
    account_services.member_update(
        membership=merchant.members.get(user=staff),
        actor=owner,
        role="staff",
        permissions=["orders"],
        store_ids=[store.pk],
    )

    # The order is not one of that store's (no store linked it), so the staff member's home
    # does not count it; the owner's does.
    assert _home(merchant, staff).orders.to_pay == 0
    assert _home(merchant, owner).orders.to_pay == 1


# --- Spend and margin ---------------------------------------------------------------------------


def test_spend_and_margin_over_paid_orders_of_the_last_30_days(merchant, owner, other_merchant):
    world = make_order_world()
    fund(merchant, owner, 500_000)
    priced, unpriced, cancelled, old = _unpaid(
        merchant, owner, world, (1, 4_000), (2, None), (1, 9_000), (1, 7_000)
    )
    pay_from_wallet(merchant=merchant, orders=[priced, unpriced, cancelled, old], actor=owner)
    order_services.order_cancel(order=Order.objects.get(pk=cancelled.pk), actor=owner, reason="t")
    Payment.objects.filter(order=old).update(created_at=timezone.now() - timedelta(days=30))
    fund(other_merchant, other_merchant.owner, 100_000)
    [theirs] = _unpaid(other_merchant, other_merchant.owner, world, (1, 5_000))
    pay_from_wallet(merchant=other_merchant, orders=[theirs], actor=other_merchant.owner)
    net = {p.order_id: p.net_minor for p in Payment.objects.filter(merchant=merchant)}

    spend = _home(merchant, owner).spend

    assert spend.spent_minor == net[priced.pk] + net[unpriced.pk]
    assert (spend.paid_orders, spend.priced_orders, spend.unpriced_orders) == (2, 1, 1)
    assert spend.sale_minor == 4_000
    assert spend.margin_minor == 4_000 - net[priced.pk]
    assert spend.per_day[-1] == (timezone.localdate(), spend.spent_minor, 2)
    assert sum(spent for _, spent, _ in spend.per_day) == spend.spent_minor
    data = spend.chart_data()
    assert len(data["labels"]) == len(data["spent"]) == len(data["orders"]) == 30
    assert data["orders"][-1] == 2
    assert data["currency"] == "USD"


def test_margin_is_unknown_when_no_paid_order_has_a_store_price(merchant, owner):
    world = make_order_world()
    fund(merchant, owner, 100_000)
    orders = _unpaid(merchant, owner, world, (1, None))
    pay_from_wallet(merchant=merchant, orders=orders, actor=owner)

    spend = _home(merchant, owner).spend

    assert (spend.paid_orders, spend.unpriced_orders) == (1, 1)
    assert (spend.margin_minor, spend.margin_pct) == (None, None)


def test_merchant_home_queries_are_bounded(merchant, owner, django_assert_max_num_queries):
    world = make_order_world()
    fund(merchant, owner, 500_000)
    orders = _unpaid(merchant, owner, world, *[(1, 3_000)] * 6)
    pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    make_store(merchant=merchant)

    with django_assert_max_num_queries(20):
        home = _home(merchant, owner)

    assert home.spend.paid_orders == 6
