"""Back-office order pages that need the wallet (``checkout.views_ops``): the detail, the cancel
with its refund, finance's manual refund form (from the detail or the refunds queue)."""

import re

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.inventory.models import Stock
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.choices import AccountKind, InvoiceKind
from dropyard.wallet.models import Invoice, Refund
from dropyard.wallet.tests.payment_helpers import (
    available,
    confirmed,
    entries_by_kind,
    wallet_paid,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def finance(db):
    return make_operator(role="finance")


@pytest.fixture
def paid(assigned, world):
    """An order of ``assigned`` paid from the wallet: 15.00, net 14.70, UNSHIPPED."""
    return wallet_paid(assigned, assigned.owner, world)


@pytest.fixture
def foreign(other_merchant, world):
    _, [order] = confirmed(other_merchant, other_merchant.owner, world, 1)
    return order


def _token(response):
    return re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode()).group(1)


def test_detail_shows_merchant_money_parcels_history_and_role_actions(client, support, paid):
    client.force_login(support)

    response = client.get(reverse("orders_ops:detail", args=[paid.public_id]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Drop Co" in html
    assert 'data-testid="paid">$14.70' in html
    assert 'data-testid="order-timeline"' in html
    assert 'data-testid="parcel"' in html
    ctx = response.context
    # Paid and not picked yet: the warehouse or line may still change (checkout.replan).
    assert (ctx["can_hold"], ctx["can_cancel"], ctx["can_refund"], ctx["can_replan"]) == (
        True,
        True,
        False,
        True,
    )
    assert ctx["refundable_minor"] == 1470


def test_finance_sees_the_detail_with_the_refund_action_only(client, finance, paid):
    client.force_login(finance)

    response = client.get(reverse("orders_ops:detail", args=[paid.public_id]))

    ctx = response.context
    assert (ctx["can_refund"], ctx["can_hold"], ctx["can_cancel"], ctx["can_operate"]) == (
        True,
        False,
        False,
        False,
    )
    assert client.get(reverse("orders_ops:hold", args=[paid.public_id])).status_code == 403
    assert client.get(reverse("orders_ops:cancel", args=[paid.public_id])).status_code == 403


def test_cancel_with_refund_confirms_then_cancels_and_refunds_in_full(client, agent, paid):
    client.force_login(agent)
    url = reverse("orders_ops:cancel", args=[paid.public_id])
    before = available(paid.merchant)

    assert client.get(url).status_code == 200
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.UNSHIPPED
    response = client.post(url, {"reason": "buyer cancelled by phone"})

    assert response.status_code == 302
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.CANCELLED
    refund = Refund.objects.get(order=paid)
    assert (refund.amount_minor, refund.idempotency_key) == (1470, f"cancel:{paid.public_id}")
    assert available(paid.merchant) == before + 1470


def test_refused_cancel_is_shown_and_changes_nothing(client, support, paid):
    order_services.order_transition(paid, to=OrderStatus.SHIPPED)
    client.force_login(support)

    response = client.post(reverse("orders_ops:cancel", args=[paid.public_id]), {"reason": "x"})

    assert response.status_code == 409
    assert "cannot be cancelled" in response.content.decode()
    assert not Refund.objects.exists()


def test_refund_form_posts_the_ledger_entries_and_credit_note(client, finance, paid):
    client.force_login(finance)
    url = reverse("orders_ops:refund", args=[paid.public_id])
    form = client.get(url)
    assert form.status_code == 200
    assert 'data-testid="refundable">$14.70' in form.content.decode()

    response = client.post(
        url, {"amount": "7.00", "reason": "one item broken", "token": _token(form)}
    )

    assert response.status_code == 302
    refund = Refund.objects.get()
    assert entries_by_kind(refund.transaction) == {
        AccountKind.WALLET_AVAILABLE: 700,
        AccountKind.ORDER_REVENUE: -476,
        AccountKind.FREIGHT_REVENUE: -238,
        AccountKind.DISCOUNTS_GIVEN: 14,
    }
    note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    assert note.total_minor == 700
    assert [line["amount_minor"] for line in note.snapshot["lines"]] == [700]


def test_double_submit_of_the_refund_form_refunds_once(client, finance, paid):
    client.force_login(finance)
    url = reverse("orders_ops:refund", args=[paid.public_id])
    data = {"amount": "5.00", "reason": "late", "token": _token(client.get(url))}

    first = client.post(url, data)
    second = client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert list(Refund.objects.values_list("amount_minor", flat=True)) == [500]


def test_refund_above_what_is_left_is_refused_with_the_bound(client, finance, paid):
    client.force_login(finance)
    url = reverse("orders_ops:refund", args=[paid.public_id])

    response = client.post(url, {"amount": "14.71", "reason": "x", "token": "abc"})

    assert response.status_code == 409
    assert "At most 14.70 USD can be refunded" in response.content.decode()
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "-1", "reason": "x", "token": "t"},
        {"amount": "1.234", "reason": "x", "token": "t"},
        {"amount": "abc", "reason": "x", "token": "t"},
        {"amount": "1", "reason": "", "token": "t"},
        {"amount": "1", "reason": "x", "token": ""},
        {"amount": "1", "reason": "x", "token": "t", "destination": "bank"},
    ],
)
def test_bad_refund_input_is_a_form_error(client, finance, paid, data):
    client.force_login(finance)

    response = client.post(reverse("orders_ops:refund", args=[paid.public_id]), data)

    assert response.status_code == 400
    assert not Refund.objects.exists()


@pytest.mark.parametrize("role", ["support", "agent", "warehouse"])
def test_refund_is_for_finance_and_admin_only(client, role, paid):
    client.force_login(make_operator(role=role))

    url = reverse("orders_ops:refund", args=[paid.public_id])

    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "token": "t"}).status_code == 403
    assert not Refund.objects.exists()


def test_admin_can_refund(client, operator_admin, paid):
    client.force_login(operator_admin)
    url = reverse("orders_ops:refund", args=[paid.public_id])

    client.post(url, {"reason": "goodwill", "token": _token(client.get(url))})

    assert Refund.objects.get().amount_minor == 1470


def test_refund_lookup_from_the_queue(client, finance, paid):
    client.force_login(finance)

    found = client.get(reverse("orders_ops:refund_lookup"), {"order": paid.code})
    missing = client.get(reverse("orders_ops:refund_lookup"), {"order": "NOPE"})

    assert found["Location"] == reverse("orders_ops:refund", args=[paid.public_id])
    assert missing["Location"] == reverse("wallet_ops:refund_list")
    queue = client.get(reverse("wallet_ops:refund_list"))
    assert 'data-testid="refund-lookup"' in queue.content.decode()


@pytest.mark.parametrize("name", ["detail", "cancel"])
def test_agent_gets_404_for_an_unassigned_merchants_order(client, agent, foreign, name):
    client.force_login(agent)
    url = reverse(f"orders_ops:{name}", args=[foreign.public_id])
    stock = list(Stock.objects.values_list("pk", "reserved"))

    assert client.get(url).status_code == 404
    if name == "cancel":
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert Order.objects.get(pk=foreign.pk).status == OrderStatus.UNPAID
    assert list(Stock.objects.values_list("pk", "reserved")) == stock
