"""The back-office home per role: exact queue counts and ages, an agent's scope, bounded queries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.checkout import services as checkout_services
from dropyard.dashboard import selectors
from dropyard.fulfillment.tests.factories import make_order, make_parcel
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, ParcelStatus
from dropyard.orders.models import Order, Parcel
from dropyard.orders.parcel_transitions import parcel_transition
from dropyard.orders.tests.factories import make_order_world
from dropyard.sourcing.models import AgentMessage
from dropyard.sourcing.services import message_send
from dropyard.wallet import refunds
from dropyard.wallet.models import Refund, TopUp
from dropyard.wallet.tests.payment_helpers import confirmed
from dropyard.wallet.topups import topup_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test proof\n"


def _ago(**delta):
    return timezone.now() - timedelta(**delta)


def _parcel(merchant, warehouse, status, ready_at):
    parcel = make_parcel(merchant=merchant, warehouse=warehouse, ready_at=ready_at)
    steps = {
        ParcelStatus.READY: [],
        ParcelStatus.PICKING: [ParcelStatus.PICKING],
        ParcelStatus.PACKED: [ParcelStatus.PICKING, ParcelStatus.PACKED],
    }[status]
    for step in steps:
        parcel_transition(parcel=parcel, to=step, actor=None)
    return parcel


def _exception_order(merchant, since):
    order = make_order(merchant=merchant)
    order_services.order_transition(order, to=OrderStatus.SHIPPED)
    parcel = make_parcel(merchant=merchant, order=order)
    for status in (ParcelStatus.PICKING, ParcelStatus.PACKED, ParcelStatus.SHIPPED):
        parcel_transition(parcel=parcel, to=status, actor=None)
    parcel_transition(parcel=parcel, to=ParcelStatus.EXCEPTION, actor=None)
    Parcel.objects.filter(pk=parcel.pk).update(updated_at=since)
    return order


def _unroutable_order(merchant, since):
    order = make_order(merchant=merchant)
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.UNPAID, sub_status="", logistics_miss=True, created_at=since
    )
    return order


# --- Warehouse ----------------------------------------------------------------------------------


def test_warehouse_queues_per_warehouse_with_the_oldest_parcel(merchant, other_merchant):
    shenzhen = WarehouseFactory(code="CN-SZ")
    newark = WarehouseFactory(code="US-NJ")
    WarehouseFactory(code="DE-FR")  # active, nothing waiting
    _parcel(merchant, shenzhen, ParcelStatus.READY, _ago(hours=5))
    _parcel(other_merchant, shenzhen, ParcelStatus.READY, _ago(hours=2))
    _parcel(merchant, shenzhen, ParcelStatus.PICKING, _ago(hours=3))
    _parcel(merchant, newark, ParcelStatus.PACKED, _ago(days=2))
    oldest_ready = Parcel.objects.filter(warehouse=shenzhen, status="ready").order_by("ready_at")

    home = selectors.operator_home(user=make_operator(role="warehouse"))

    rows = {row.warehouse.code: row for row in home.warehouses}
    assert (rows["CN-SZ"].ready, rows["CN-SZ"].picking, rows["CN-SZ"].packed) == (2, 1, 0)
    assert rows["CN-SZ"].oldest_ready == oldest_ready[0].ready_at
    assert (rows["US-NJ"].ready, rows["US-NJ"].picking, rows["US-NJ"].packed) == (0, 0, 1)
    assert rows["DE-FR"].open == 0
    totals = selectors.warehouse_totals(home.warehouses)
    assert {key: q.count for key, q in totals.items()} == {"pick": 2, "pack": 1, "ship": 1}
    assert totals["ship"].oldest == rows["US-NJ"].oldest_packed
    assert (home.wires, home.problems, home.unanswered, home.health) == (None,) * 4


# --- Finance ------------------------------------------------------------------------------------


def test_finance_counts_pending_wires_and_refunds_owed(merchant, owner, settings):
    for reference in ("W-1", "W-2"):
        topup_create(
            merchant=merchant,
            provider="wire",
            amount_minor=50_000,
            actor=owner,
            wire_reference=reference,
            proof=SimpleUploadedFile("proof.pdf", PDF),
        )
    TopUp.objects.filter(wire_reference="W-1").update(created_at=_ago(days=3))
    settings.DROPYARD_REFUND_TO_SOURCE = {"stripe": True}
    world = make_order_world()
    parent, [order] = confirmed(merchant, owner, world, 1)
    checkout_services.parent_order_paid_by_provider(
        provider="stripe", parent=parent, amount_minor=1500, provider_reference="pi_1"
    )
    refund = refunds.refund_issue(
        merchant=merchant, order=order, amount_minor=600, reason="damaged", idempotency_key="r1"
    )

    home = selectors.operator_home(user=make_operator(role="finance"))

    assert home.wires == selectors.Queue(
        count=2, oldest=TopUp.objects.get(wire_reference="W-1").created_at
    )
    assert home.refunds_due == selectors.Queue(
        count=1, oldest=Refund.objects.get(pk=refund.pk).created_at
    )
    assert (home.warehouses, home.problems, home.unanswered) == (None, None, None)


# --- Agent and support --------------------------------------------------------------------------


def test_agent_sees_only_their_merchants_threads_and_problem_orders(
    merchant, owner, assigned, agent, other_merchant
):
    message_send(merchant=merchant, sender=owner, body="Where is my order?")
    message_send(merchant=other_merchant, sender=other_merchant.owner, body="Hello?")
    oldest = AgentMessage.objects.get(merchant=merchant).created_at
    mine = _exception_order(merchant, _ago(hours=6))
    _unroutable_order(merchant, _ago(hours=1))
    _exception_order(other_merchant, _ago(days=3))  # unassigned merchant: not the agent's

    home = selectors.operator_home(user=agent)

    assert home.unanswered == selectors.Queue(count=1, oldest=oldest)
    problems = home.problems
    assert (problems.total.count, problems.exceptions, problems.unroutable) == (2, 1, 1)
    assert [o.code for o in problems.oldest][0] == mine.code
    assert {o.merchant_id for o in problems.oldest} == {merchant.pk}
    assert home.my_merchant_count == 1
    assert (home.warehouses, home.wires, home.health) == (None, None, None)


def test_an_answered_thread_is_not_waiting(merchant, owner, assigned, agent):
    message_send(merchant=merchant, sender=owner, body="Hi")
    AgentMessage.objects.filter(merchant=merchant).update(read_at=timezone.now())

    assert selectors.operator_home(user=agent).unanswered == selectors.Queue(0, None)


def test_support_sees_every_merchants_problem_orders_oldest_first(merchant, other_merchant):
    _exception_order(merchant, _ago(hours=2))
    oldest = _unroutable_order(other_merchant, _ago(days=1))
    make_order(merchant=merchant)  # no problem

    home = selectors.operator_home(user=make_operator(role="support"))

    assert home.problems.total.count == 2
    assert home.problems.oldest[0].code == oldest.code
    assert home.problems.oldest[0].has_exception is False
    assert home.problems.oldest[1].has_exception is True
    assert home.unanswered is None
    assert home.pending_supplier_applications == 0


# --- Admin --------------------------------------------------------------------------------------


def test_admin_gets_every_queue_and_the_system_health(merchant, owner):
    admin = make_operator(role="admin")
    WarehouseFactory(code="CN-SZ")
    message_send(merchant=merchant, sender=owner, body="Unassigned merchant, admin sees it")

    home = selectors.operator_home(user=admin)

    assert home.unanswered.count == 1
    assert [row.warehouse.code for row in home.warehouses] == ["CN-SZ"]
    assert home.wires == selectors.Queue(0, None)
    assert home.refunds_due == selectors.Queue(0, None)
    assert home.problems.total.count == 0
    assert home.health is not None
    assert home.recent_jobs == []


@pytest.mark.parametrize(
    ("role", "suppliers", "my_merchants", "jobs"),
    [
        ("admin", 0, None, []),
        ("support", 0, None, None),
        ("agent", None, 1, None),
        ("warehouse", None, None, None),
        ("finance", None, None, None),
    ],
)
def test_operator_home_cards_by_role(role, suppliers, my_merchants, jobs):
    user = make_operator(role=role)
    if role == "agent":
        account_services.merchant_agent_assign(
            merchant=make_merchant(), agent=user, actor=make_operator(role="admin")
        )

    home = selectors.operator_home(user=user)

    assert (home.pending_supplier_applications, home.my_merchant_count, home.recent_jobs) == (
        suppliers,
        my_merchants,
        jobs,
    )


def test_admin_home_queries_are_bounded(
    merchant, owner, other_merchant, django_assert_max_num_queries
):
    admin = make_operator(role="admin")
    for code in ("CN-SZ", "US-NJ"):
        warehouse = WarehouseFactory(code=code)
        _parcel(merchant, warehouse, ParcelStatus.READY, _ago(hours=1))
    for n in range(3):
        _unroutable_order(merchant, _ago(hours=n))
        _exception_order(other_merchant, _ago(hours=n))
    message_send(merchant=merchant, sender=owner, body="Hi")

    with django_assert_max_num_queries(16):
        home = selectors.operator_home(user=admin)

    assert home.problems.total.count == 6
