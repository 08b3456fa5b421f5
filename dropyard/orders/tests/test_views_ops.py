"""Back-office order pages (``orders.views_ops``): the list across merchants with filters and
sorting, and the non-money actions behind confirmation pages; the agent's scope on each."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.orders import services
from dropyard.orders.models import Order, OrderEvent, OrderNote
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def orders(assigned, other_merchant, world):
    mine = services.order_create(
        merchant=assigned, actor=assigned.owner, **order_item((world.red, 1), number="A-1")
    )
    theirs = services.order_create(
        merchant=other_merchant,
        actor=other_merchant.owner,
        **order_item(
            (world.red, 2),
            number="B-1",
            shipping_country_code="CA",
            shipping_province="ON",
            shipping_city="Toronto",
            shipping_zip="M5V 2T6",
        ),
    )
    return mine, theirs


def _codes(response):
    return [row.record.code for row in response.context["table"].page.object_list]


def test_support_lists_every_merchants_orders_newest_first(client, support, orders):
    client.force_login(support)

    response = client.get(reverse("orders_ops:list"))

    assert response.status_code == 200
    assert _codes(response) == [orders[1].code, orders[0].code]
    html = response.content.decode()
    assert 'data-testid="ops-order-row"' in html
    assert "Other Shop Ltd" in html


def test_agent_lists_only_their_merchants_orders(client, agent, orders):
    client.force_login(agent)

    response = client.get(reverse("orders_ops:list"))

    assert _codes(response) == [orders[0].code]
    assert [m.pk for m in response.context["filter"].form.fields["merchant"].queryset] == [
        orders[0].merchant_id
    ]


def test_agent_csv_export_holds_only_their_merchants_orders(client, agent, orders):
    client.force_login(agent)

    response = client.get(reverse("orders_ops:list"), {"export": "csv"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert orders[0].code in body
    assert orders[1].code not in body
    assert "Other Shop Ltd" not in body


def test_htmx_filter_answers_only_the_results(client, support, orders):
    client.force_login(support)

    response = client.get(reverse("orders_ops:list"), {"q": "B-1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert _codes(response) == [orders[1].code]
    assert 'data-testid="result-count">1 order</div>' in html


def test_agent_cannot_filter_their_way_to_another_merchant(client, agent, orders):
    client.force_login(agent)

    response = client.get(reverse("orders_ops:list"), {"merchant": orders[1].merchant_id})

    assert response.status_code == 200
    assert "merchant" in response.context["filter"].form.errors
    assert orders[1].code not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "ca"}, [1]),
        ({"status": "CREATED"}, [1, 0]),
        ({"status": "UNPAID"}, []),
        ({"q": "A-1"}, [0]),
        ({"problem": "hold"}, [0]),
        ({"problem": "logistics"}, [1]),  # no line ships to Canada in this world
        ({"problem": "any"}, [1, 0]),
        ({"date_from": "2000-01-01", "date_to": "2000-01-02"}, []),
    ],
)
def test_filters(client, support, orders, params, expected):
    services.order_hold(order=orders[0], actor=support, reason="check")
    client.force_login(support)

    response = client.get(reverse("orders_ops:list"), params)

    assert _codes(response) == [orders[i].code for i in expected]


def test_filter_by_merchant_and_sorting(client, operator_admin, orders):
    client.force_login(operator_admin)

    by_merchant = client.get(reverse("orders_ops:list"), {"merchant": orders[1].merchant_id})
    by_total = client.get(reverse("orders_ops:list"), {"sort": "total_amount_minor"})

    assert _codes(by_merchant) == [orders[1].code]
    assert _codes(by_total) == [orders[0].code, orders[1].code]


def test_bad_filter_input_is_a_form_error_not_a_500(client, support, orders):
    client.force_login(support)

    response = client.get(reverse("orders_ops:list"), {"date_from": "yesterday", "status": "X"})

    assert response.status_code == 200
    assert set(response.context["filter"].form.errors) == {"date_from", "status"}


@pytest.mark.parametrize("role", ["warehouse", "finance"])
def test_list_is_refused_to_other_roles_and_merchants(client, role, merchant, orders):
    client.force_login(make_operator(role=role))
    assert client.get(reverse("orders_ops:list")).status_code == 403
    client.force_login(merchant.owner)
    assert client.get(reverse("orders_ops:list")).status_code == 403


def test_operator_navigation_links_the_list(client, agent, orders):
    client.force_login(agent)

    response = client.get(reverse("orders_ops:list"))

    assert {
        "label": "Orders",
        "url": "/ops/orders/",
        "name": "orders_ops:list",
    } in response.context["nav_links"]


# --- Actions ------------------------------------------------------------------------------------


def test_hold_shows_a_confirmation_then_holds_on_post(client, agent, orders):
    order = orders[0]
    client.force_login(agent)
    url = reverse("orders_ops:hold", args=[order.public_id])

    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="ops-action-form"' in page.content.decode()
    assert Order.objects.get(pk=order.pk).on_hold is False

    response = client.post(url, {"reason": "buyer asked to wait"})

    assert response.status_code == 302
    assert response["Location"] == reverse("orders_ops:detail", args=[order.public_id])
    assert Order.objects.get(pk=order.pk).hold_reason == "buyer asked to wait"


def test_release_and_refused_release(client, support, orders):
    order = orders[0]
    client.force_login(support)
    url = reverse("orders_ops:release", args=[order.public_id])

    refused = client.post(url, {"note": ""})
    assert refused.status_code == 409
    assert "is not on hold" in refused.content.decode()

    services.order_hold(order=order, actor=support, reason="check")
    assert client.post(url, {"note": "ok"}).status_code == 302
    assert Order.objects.get(pk=order.pk).on_hold is False


def test_missing_reason_is_a_form_error(client, support, orders):
    client.force_login(support)

    response = client.post(reverse("orders_ops:hold", args=[orders[0].public_id]), {"reason": ""})

    assert response.status_code == 400
    assert Order.objects.get(pk=orders[0].pk).on_hold is False


def test_note_is_added_and_shown_to_operators_only(client, agent, orders, assigned):
    order = orders[0]
    orders_owner = assigned.owner
    client.force_login(agent)

    client.post(reverse("orders_ops:note", args=[order.public_id]), {"body": "VIP buyer"})

    assert list(OrderNote.objects.values_list("body", flat=True)) == ["VIP buyer"]
    detail = client.get(reverse("orders_ops:detail", args=[order.public_id]))
    assert "VIP buyer" in detail.content.decode()
    client.force_login(orders_owner)
    merchant_page = client.get(reverse("orders:detail", args=[order.public_id]))
    assert merchant_page.status_code == 200
    assert "VIP buyer" not in merchant_page.content.decode()


@pytest.mark.parametrize("name", ["hold", "release", "note", "replan", "detail"])
def test_agent_gets_404_on_an_unassigned_merchants_order_for_any_method(
    client, agent, orders, name
):
    theirs = orders[1]
    client.force_login(agent)
    url = reverse(f"orders_ops:{name}", args=[theirs.public_id])
    events = OrderEvent.objects.filter(order=theirs).count()

    assert client.get(url).status_code == 404
    if name != "detail":
        data = {"reason": "x", "body": "x", "note": "x", "option": "1:1", "confirmed": "on"}
        assert client.post(url, data).status_code == 404
    assert OrderEvent.objects.filter(order=theirs).count() == events
    assert Order.objects.get(pk=theirs.pk).on_hold is False
    assert not OrderNote.objects.exists()
