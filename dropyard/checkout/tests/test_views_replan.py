"""The back office's "Change warehouse or line" page (``checkout.views_replan``): options,
confirmation, the change, refusals as form errors, the agent's scope, CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.checkout import services as checkout_services
from dropyard.fulfillment import services as fulfillment_services
from dropyard.inventory.tests.factories import make_stock
from dropyard.orders.models import Order, OrderEvent, Parcel
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.models import Makeup
from dropyard.wallet.tests.payment_helpers import available, confirmed, fund, wallet_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def paid(assigned, world):
    """1 red of ``assigned`` paid from the wallet at CN on CJPacket (freight 5.00); the wallet
    keeps 85.30."""
    return wallet_paid(assigned, assigned.owner, world)


def _url(order):
    return reverse("orders_ops:replan", args=[order.public_id])


def _key(warehouse, line):
    return f"{warehouse.pk}:{line.pk}"


def test_get_lists_the_options_with_freight_days_and_difference(client, support, paid, world):
    make_stock(variant=world.red, warehouse=world.us, on_hand=5)
    client.force_login(support)

    response = client.get(_url(paid))

    assert response.status_code == 200
    found = response.context["found"]
    assert [(o.warehouse_code, o.line_name, o.delta_minor) for o in found.options] == [
        (world.us.code, "USPS", -200),
        (world.cn.code, "CJPacket", 0),
        (world.cn.code, "DHL", 500),
    ]
    html = response.content.decode()
    assert html.count('data-testid="replan-option"') == 3
    assert html.count('type="radio" name="option"') == 3
    assert f'value="{_key(world.cn, world.cjpacket)}" disabled>' in html
    assert "2–5 days" in html
    assert '<span class="text-success">-$2.00 vs now</span>' in html
    assert '<span class="text-danger">+$5.00 vs now</span>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<script" not in html.split('data-testid="replan-form"')[1].split("</form>")[0]
    assert ' style="' not in html


def test_review_shows_the_confirmation_and_changes_nothing(client, support, paid, world):
    client.force_login(support)

    response = client.post(
        _url(paid), {"option": _key(world.cn, world.dhl), "reason": "buyer pays express"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="replan-confirm"' in html
    assert "$5.00 is charged from the merchant's wallet now (a supplementary freight bill)." in html
    assert '<input type="hidden" name="confirmed" value="on">' in html
    assert '<input type="hidden" name="reason" value="buyer pays express">' in html
    assert Order.objects.get(pk=paid.pk).postage_amount_minor == 500
    assert not Makeup.objects.exists()


def test_confirmed_post_applies_the_change_and_flashes(client, support, paid, world, assigned):
    client.force_login(support)

    response = client.post(
        _url(paid),
        {"option": _key(world.cn, world.dhl), "reason": "buyer pays express", "confirmed": "on"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("orders_ops:detail", args=[paid.public_id]), 302)]
    bill = Makeup.objects.get()
    assert [str(m) for m in response.context["messages"]] == [
        f"Order {paid.code} now ships from {world.cn.code} on DHL. $5.00 charged from the "
        f"merchant's wallet (supplementary bill {bill.code})."
    ]
    assert Order.objects.get(pk=paid.pk).postage_amount_minor == 1000
    assert available(assigned) == 8030
    assert OrderEvent.objects.filter(order=paid, kind="replanned").count() == 1


def test_refusal_is_shown_as_a_form_error(client, support, paid, world):
    client.force_login(support)
    parcel = Parcel.objects.get(orders=paid)
    url = _url(paid)
    data = {"option": _key(world.cn, world.dhl), "reason": "express", "confirmed": "on"}
    # The warehouse starts picking between the confirmation page and its submit.
    fulfillment_services.parcel_start_picking(
        parcels=[parcel], actor=make_operator(role="warehouse")
    )

    response = client.post(url, data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "option": ["That warehouse and line cannot ship this order now: choose again."]
    }
    assert 'data-testid="replan-blocked"' in response.content.decode()
    assert Order.objects.get(pk=paid.pk).postage_amount_minor == 500


def test_service_refusal_is_a_form_error_and_changes_nothing(client, support, assigned, world):
    fund(assigned, assigned.owner, 1470)
    _, [order] = confirmed(assigned, assigned.owner, world, 1)
    checkout_services.pay_from_wallet(merchant=assigned, orders=[order], actor=assigned.owner)
    client.force_login(support)

    response = client.post(
        _url(order), {"option": _key(world.cn, world.dhl), "reason": "express", "confirmed": "on"}
    )

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Insufficient balance: 5.00 USD needed, 0.00 available"
    ]
    assert response.context["chosen"] is None
    assert 'data-testid="replan-options"' in response.content.decode()
    assert Order.objects.get(pk=order.pk).postage_amount_minor == 500
    assert not Makeup.objects.exists()


def test_missing_reason_and_unknown_option_are_form_errors(client, support, paid, world):
    client.force_login(support)

    response = client.post(_url(paid), {"option": "999:999", "reason": ""})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"option", "reason"}
    assert Order.objects.get(pk=paid.pk).postage_amount_minor == 500


def test_agent_of_another_merchant_gets_404(client, other_merchant, world, agent, assigned):
    _, [theirs] = confirmed(other_merchant, other_merchant.owner, world, 1)
    client.force_login(agent)
    events = OrderEvent.objects.filter(order=theirs).count()

    assert client.get(_url(theirs)).status_code == 404
    data = {"option": _key(world.cn, world.dhl), "reason": "x", "confirmed": "on"}
    assert client.post(_url(theirs), data).status_code == 404
    assert OrderEvent.objects.filter(order=theirs).count() == events
    assert Order.objects.get(pk=theirs.pk).postage_amount_minor == 500


def test_agent_changes_an_assigned_merchants_unpaid_order(client, agent, assigned, world):
    _, [order] = confirmed(assigned, assigned.owner, world, 1)
    client.force_login(agent)
    data = {"option": _key(world.cn, world.dhl), "reason": "faster"}

    review = client.post(_url(order), data)
    assert "The order's total becomes $20.00." in review.content.decode()
    response = client.post(_url(order), {**data, "confirmed": "on"})

    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).total_amount_minor == 2000


def test_post_without_the_csrf_token_is_refused(support, paid, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(support)

    response = client.post(
        _url(paid), {"option": _key(world.cn, world.dhl), "reason": "x", "confirmed": "on"}
    )

    assert response.status_code == 403
    assert Order.objects.get(pk=paid.pk).postage_amount_minor == 500


def test_detail_links_the_page_until_picking_starts(client, support, paid):
    client.force_login(support)
    detail = reverse("orders_ops:detail", args=[paid.public_id])
    assert 'data-testid="replan-link"' in client.get(detail).content.decode()

    fulfillment_services.parcel_start_picking(
        parcels=[Parcel.objects.get(orders=paid)], actor=make_operator(role="warehouse")
    )

    assert 'data-testid="replan-link"' not in client.get(detail).content.decode()
