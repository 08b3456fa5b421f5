"""Warehouse back office (fulfillment_ops): permissions, pages and the pick → pack → ship flow."""

import pytest
from django.urls import reverse

from dropyard.accounts.testing.views import (
    OPERATOR_ACTORS,
    assert_page_access,
    assert_sent_to_login,
    operator_actors,
)
from dropyard.accounts.tests.factories import make_operator
from dropyard.fulfillment import services
from dropyard.fulfillment.tests.factories import (
    make_carrier_serving,
    make_order,
    make_parcel,
    make_variants,
    sandbox_carrier,
)
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.logistics.tests.factories import ShippingLineFactory
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, OrderSubStatus, ParcelStatus
from dropyard.orders.models import Parcel

pytestmark = pytest.mark.django_db
PS = ParcelStatus
ALLOWED = {"warehouse", "admin"}


@pytest.fixture
def actors(owner, agent, support, operator_admin):
    return operator_actors(owner=owner, agent=agent, support=support, operator_admin=operator_admin)


@pytest.fixture
def clerk(client):
    user = make_operator(role="warehouse")
    client.force_login(user)
    return user


@pytest.fixture
def parcel(merchant):
    (variant,) = make_variants(1, weight_g=250)
    return make_parcel(merchant=merchant, items=[(variant, 2)])


@pytest.fixture
def page_urls(parcel):
    wid, pid = parcel.warehouse.public_id, parcel.public_id
    return {
        "warehouses": reverse("fulfillment_ops:warehouses"),
        "queue": reverse("fulfillment_ops:queue", args=[wid]),
        "pick_list": reverse("fulfillment_ops:pick_list", args=[wid]),
        "parcel_detail": reverse("fulfillment_ops:parcel_detail", args=[pid]),
        "packing_slip": reverse("fulfillment_ops:packing_slip", args=[pid]),
        "parcel_pack": reverse("fulfillment_ops:parcel_pack", args=[pid]),
        "parcel_ship": reverse("fulfillment_ops:parcel_ship", args=[pid]),
    }


def _packed(parcel, actor):
    services.parcel_start_picking(parcels=[parcel], actor=actor)
    parcel.refresh_from_db()
    services.parcel_pack(parcel=parcel, measured_weight_g=500, actor=actor)
    parcel.refresh_from_db()
    return parcel


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    ["warehouses", "queue", "pick_list", "parcel_detail", "packing_slip", "parcel_pack"],
)
def test_anonymous_is_sent_to_login(client, page_urls, page):
    assert_sent_to_login(client, page_urls[page])


@pytest.mark.parametrize("actor", OPERATOR_ACTORS)
@pytest.mark.parametrize(
    "page",
    ["warehouses", "queue", "pick_list", "parcel_detail", "packing_slip", "parcel_pack"],
)
def test_only_warehouse_staff_and_admins_open_the_pages(client, actors, page_urls, actor, page):
    assert_page_access(client, actors[actor], page_urls[page], allowed=actor in ALLOWED)


@pytest.mark.parametrize("actor", ["merchant_owner", "agent", "finance", "support"])
def test_others_cannot_start_picking(client, actors, parcel, actor):
    client.force_login(actors[actor])

    response = client.post(
        reverse("fulfillment_ops:start_picking", args=[parcel.warehouse.public_id]),
        {"parcel": [parcel.public_id]},
    )

    parcel.refresh_from_db()
    assert response.status_code == 403
    assert parcel.status == PS.READY


def test_unknown_parcel_is_404(client, clerk):
    response = client.get(reverse("fulfillment_ops:parcel_detail", args=["404404"]))

    assert response.status_code == 404


# --- Queue --------------------------------------------------------------------------------------


def test_queue_lists_the_warehouses_ready_parcels_oldest_first(client, clerk, merchant):
    from datetime import timedelta

    from django.utils import timezone

    warehouse = WarehouseFactory()
    now = timezone.now()
    newer = make_parcel(merchant=merchant, warehouse=warehouse, ready_at=now)
    older = make_parcel(merchant=merchant, warehouse=warehouse, ready_at=now - timedelta(hours=2))
    elsewhere = make_parcel(merchant=merchant)

    response = client.get(reverse("fulfillment_ops:queue", args=[warehouse.public_id]))

    assert response.status_code == 200
    assert [p.code for p in response.context["page_obj"]] == [older.code, newer.code]
    assert elsewhere.code not in response.content.decode()
    assert response.context["counts"] == {
        "ready": 2,
        "picking": 0,
        "packed": 0,
        "shipped_today": 0,
    }


def test_queue_search_and_filters(client, clerk, merchant):
    warehouse = WarehouseFactory()
    us = make_parcel(merchant=merchant, warehouse=warehouse, country="US")
    de = make_parcel(
        merchant=merchant,
        warehouse=warehouse,
        order=make_order(merchant=merchant, country="DE", order_number="SHOPIFY-7788"),
    )
    url = reverse("fulfillment_ops:queue", args=[warehouse.public_id])

    by_country = client.get(url, {"country": "de"})
    by_number = client.get(url, {"q": "shopify-7788"})
    by_code = client.get(url, {"q": us.code})
    by_line = client.get(url, {"line": us.line_id})

    assert [p.code for p in by_country.context["page_obj"]] == [de.code]
    assert [p.code for p in by_number.context["page_obj"]] == [de.code]
    assert [p.code for p in by_code.context["page_obj"]] == [us.code]
    assert [p.code for p in by_line.context["page_obj"]] == [us.code]


def test_empty_queue_says_so(client, clerk):
    warehouse = WarehouseFactory()

    response = client.get(reverse("fulfillment_ops:queue", args=[warehouse.public_id]))

    assert response.status_code == 200
    assert "Nothing to pick" in response.content.decode()


def test_warehouse_picker_shows_counts(client, clerk, parcel):
    response = client.get(reverse("fulfillment_ops:warehouses"))

    rows = {warehouse.pk: warehouse for warehouse in response.context["page_obj"]}
    assert (rows[parcel.warehouse_id].n_ready, rows[parcel.warehouse_id].n_picking) == (1, 0)


def test_bulk_start_picking_then_pick_list(client, clerk, merchant):
    a, b = make_variants(2)
    warehouse = WarehouseFactory()
    first = make_parcel(merchant=merchant, warehouse=warehouse, items=[(a, 2), (b, 1)])
    second = make_parcel(merchant=merchant, warehouse=warehouse, items=[(a, 3)])
    untouched = make_parcel(merchant=merchant, warehouse=warehouse)

    response = client.post(
        reverse("fulfillment_ops:start_picking", args=[warehouse.public_id]),
        {"parcel": [first.public_id, second.public_id]},
    )

    assert response.status_code == 302
    assert [p.status for p in Parcel.objects.filter(pk__in=[first.pk, second.pk])] == [
        PS.PICKING,
        PS.PICKING,
    ]
    untouched.refresh_from_db()
    assert untouched.status == PS.READY
    order = first.orders.get()
    assert (order.status, order.sub_status) == (OrderStatus.UNSHIPPED, OrderSubStatus.PROCESSING)
    pick = client.get(response["Location"])
    assert pick.status_code == 200
    assert [(row.sku, row.quantity) for row in pick.context["rows"]] == sorted(
        [(a.sku, 5), (b.sku, 1)]
    )
    html = pick.content.decode()
    assert "dropyard/print.css" in html
    assert a.sku in html


def test_start_picking_with_nothing_ticked_changes_nothing(client, clerk, parcel):
    response = client.post(
        reverse("fulfillment_ops:start_picking", args=[parcel.warehouse.public_id]), {}, follow=True
    )

    parcel.refresh_from_db()
    assert parcel.status == PS.READY
    assert "Tick at least one parcel" in response.content.decode()


def test_start_picking_ignores_parcels_of_another_warehouse(client, clerk, merchant):
    mine = make_parcel(merchant=merchant)
    other = make_parcel(merchant=merchant)

    client.post(
        reverse("fulfillment_ops:start_picking", args=[mine.warehouse.public_id]),
        {"parcel": [other.public_id]},
    )

    other.refresh_from_db()
    assert other.status == PS.READY


def test_empty_pick_list_says_so(client, clerk):
    warehouse = WarehouseFactory()

    response = client.get(reverse("fulfillment_ops:pick_list", args=[warehouse.public_id]))

    assert response.status_code == 200
    assert "Nothing to pick" in response.content.decode()


def test_packing_slip_shows_the_recipient_and_lines_without_prices(client, clerk, parcel):
    order = parcel.orders.get()
    line = parcel.lines.get()

    response = client.get(reverse("fulfillment_ops:packing_slip", args=[parcel.public_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert order.shipping_customer_name in html
    assert line.order_line.variant.sku in html
    assert "dropyard/print.css" in html
    assert "price" not in html.lower()
    assert "$" not in html


# --- Pack ---------------------------------------------------------------------------------------


def test_pack_screen_packs(client, clerk, parcel):
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    url = reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id])

    response = client.post(url, {"measured_weight_g": "520"})

    parcel.refresh_from_db()
    assert response.status_code == 302
    assert (parcel.status, parcel.measured_weight_g) == (PS.PACKED, 520)


def test_pack_screen_warns_about_an_implausible_weight_then_accepts_the_confirmation(
    client, clerk, parcel
):
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    url = reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id])

    warned = client.post(url, {"measured_weight_g": "2000"})
    parcel.refresh_from_db()
    assert warned.status_code == 400
    assert warned.context["weight_warning"].startswith("The scale says 2000 g but")
    assert parcel.status == PS.PICKING

    confirmed = client.post(url, {"measured_weight_g": "2000", "confirm_weight": "on"})

    parcel.refresh_from_db()
    assert confirmed.status_code == 302
    assert (parcel.status, parcel.measured_weight_g) == (PS.PACKED, 2000)


@pytest.mark.parametrize("weight", ["", "0", "-3", "abc", "70001"])
def test_pack_screen_refuses_bad_weights(client, clerk, parcel, weight):
    services.parcel_start_picking(parcels=[parcel], actor=clerk)

    response = client.post(
        reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id]),
        {"measured_weight_g": weight},
    )

    parcel.refresh_from_db()
    assert response.status_code == 400
    assert parcel.status == PS.PICKING


def test_pack_screen_of_a_ready_parcel_explains_why_not(client, clerk, parcel):
    response = client.get(reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id]))

    assert response.status_code == 200
    assert 'data-testid="not-packable"' in response.content.decode()


# --- Ship ---------------------------------------------------------------------------------------


def test_ship_screen_asks_for_confirmation_before_shipping(client, clerk, parcel):
    carrier = make_carrier_serving(parcel.warehouse)
    _packed(parcel, clerk)
    line = parcel.lines.get()
    url = reverse("fulfillment_ops:parcel_ship", args=[parcel.public_id])
    data = {"carrier": carrier.pk, "tracking_number": "LP55443322", f"qty_{line.pk}": "2"}

    review = client.post(url, data)

    parcel.refresh_from_db()
    assert review.status_code == 200
    assert review.context["confirming"] is True
    assert 'data-testid="ship-confirm"' in review.content.decode()
    assert parcel.status == PS.PACKED

    shipped = client.post(url, {**data, "confirmed": "on"})

    parcel.refresh_from_db()
    assert shipped.status_code == 302
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == (
        PS.SHIPPED,
        carrier,
        "LP55443322",
    )
    detail = client.get(shipped["Location"])
    assert "Parcel shipped" in detail.content.decode()


def test_ship_screen_partial_shipment(client, clerk, merchant):
    (variant,) = make_variants(1)
    parcel = make_parcel(merchant=merchant, items=[(variant, 3)])
    _packed(parcel, clerk)
    line = parcel.lines.get()
    url = reverse("fulfillment_ops:parcel_ship", args=[parcel.public_id])
    data = {
        "carrier": parcel.line.carrier_id,
        "tracking_number": "LP12121212",
        f"qty_{line.pk}": "1",
    }

    review = client.post(url, data)
    assert 'data-testid="partial-warning"' in review.content.decode()
    client.post(url, {**data, "confirmed": "on"})

    remainder = Parcel.objects.get(split_from=parcel)
    assert (remainder.status, remainder.lines.get().quantity) == (PS.READY, 2)


def test_ship_screen_gets_the_number_from_the_sandbox_carrier(client, clerk, merchant):
    sandbox = sandbox_carrier()
    parcel = make_parcel(merchant=merchant, line=ShippingLineFactory(carrier=sandbox))
    _packed(parcel, clerk)
    line = parcel.lines.get()

    response = client.post(
        reverse("fulfillment_ops:parcel_ship", args=[parcel.public_id]),
        {"carrier": sandbox.pk, "from_carrier": "on", f"qty_{line.pk}": "2", "confirmed": "on"},
    )

    parcel.refresh_from_db()
    assert response.status_code == 302
    assert parcel.tracking_number.startswith("SBX")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"tracking_number": ""}, "Type the tracking number"),
        ({"from_carrier": "on"}, "is not connected"),
        ({"tracking_number": "LP#1234"}, "4 to 64 letters"),
        ({"tracking_number": "LP1234567", "qty": "9"}, "less than or equal to 2"),
    ],
)
def test_ship_screen_refusals_change_nothing(client, clerk, parcel, data, error):
    _packed(parcel, clerk)
    line = parcel.lines.get()
    post = {"carrier": parcel.line.carrier_id, f"qty_{line.pk}": data.pop("qty", "2"), **data}

    response = client.post(
        reverse("fulfillment_ops:parcel_ship", args=[parcel.public_id]),
        {**post, "confirmed": "on"},
    )

    parcel.refresh_from_db()
    assert response.status_code == 400
    assert error in response.content.decode()
    assert (parcel.status, parcel.tracking_number) == (PS.PACKED, "")


def test_ship_screen_refuses_a_carrier_not_serving_the_warehouse(client, clerk, parcel):
    stranger = make_carrier_serving(WarehouseFactory())
    _packed(parcel, clerk)
    line = parcel.lines.get()

    response = client.post(
        reverse("fulfillment_ops:parcel_ship", args=[parcel.public_id]),
        {
            "carrier": stranger.pk,
            "tracking_number": "LP1234567",
            f"qty_{line.pk}": "2",
            "confirmed": "on",
        },
    )

    parcel.refresh_from_db()
    assert response.status_code == 400
    assert parcel.status == PS.PACKED


def test_ship_screen_of_an_unpacked_parcel_explains_why_not(client, clerk, parcel):
    response = client.get(reverse("fulfillment_ops:parcel_ship", args=[parcel.public_id]))

    assert response.status_code == 200
    assert 'data-testid="not-shippable"' in response.content.decode()


def test_parcel_detail_shows_history_and_tracking(client, clerk, parcel):
    _packed(parcel, clerk)
    services.parcel_ship(parcel=parcel, actor=clerk, tracking_number="LP777888")

    response = client.get(reverse("fulfillment_ops:parcel_detail", args=[parcel.public_id]))

    html = response.content.decode()
    whats = [row.what for row in response.context["history"]]
    assert response.status_code == 200
    assert "Parcel packed" in whats
    assert "Parcel shipped" in whats
    assert "LP777888" in html
    assert response.context["tracking"].tracking_number == "LP777888"
    assert reverse("logistics_ops:tracking_detail", args=[response.context["tracking"].pk]) in html


# --- An order put on hold after picking -------------------------------------------------------


def _hold(parcel, reason="buyer changed the address"):
    order = parcel.orders.get()
    order_services.order_hold(order=order, actor=make_operator(role="support"), reason=reason)
    return order


def test_pack_screen_of_a_held_parcel_shows_the_hold_and_no_form(client, clerk, parcel):
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    order = _hold(parcel)

    html = client.get(reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id])).content
    html = html.decode()

    assert 'data-testid="parcel-on-hold"' in html
    assert "On hold:</strong> buyer changed the address" in html
    assert f"({order.code})" in html
    assert 'data-testid="held-not-packable"' in html
    assert 'data-testid="pack-form"' not in html


def test_pack_screen_refuses_a_held_parcel(client, clerk, parcel):
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    order = _hold(parcel)

    response = client.post(
        reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id]),
        {"measured_weight_g": "500"},
    )

    parcel.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"Order {order.code} is on hold: buyer changed the address. "
        "Release it before the parcel is packed or shipped."
    ]
    assert (parcel.status, parcel.measured_weight_g) == (PS.PICKING, None)


def test_ship_screen_refuses_a_held_parcel(client, clerk, parcel):
    carrier = make_carrier_serving(parcel.warehouse)
    _packed(parcel, clerk)
    order = _hold(parcel, reason="fraud check")
    line = parcel.lines.get()

    response = client.post(
        reverse("fulfillment_ops:parcel_ship", args=[parcel.public_id]),
        {
            "carrier": carrier.pk,
            "tracking_number": "LP1234567",
            f"qty_{line.pk}": "2",
            "confirmed": "on",
        },
    )

    parcel.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        f"Order {order.code} is on hold: fraud check. "
        "Release it before the parcel is packed or shipped." in html
    )
    assert 'data-testid="held-not-shippable"' in html
    assert 'data-testid="ship-form"' not in html
    assert (parcel.status, parcel.tracking_number) == (PS.PACKED, "")


def test_released_parcel_packs_from_the_screen(client, clerk, parcel):
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    order = _hold(parcel)
    order_services.order_release(order=order, actor=make_operator(role="support"))

    response = client.post(
        reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id]),
        {"measured_weight_g": "500"},
    )

    parcel.refresh_from_db()
    assert response.status_code == 302
    assert parcel.status == PS.PACKED


def test_detail_pick_list_and_queue_show_the_hold(client, clerk, parcel):
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    _hold(parcel)
    wid = parcel.warehouse.public_id

    detail = client.get(reverse("fulfillment_ops:parcel_detail", args=[parcel.public_id]))
    picks = client.get(reverse("fulfillment_ops:pick_list", args=[wid]))
    queue = client.get(reverse("fulfillment_ops:queue", args=[wid]) + "?tab=picking")

    pack_url = reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id])
    assert "On hold:</strong> buyer changed the address" in detail.content.decode()
    assert f'href="{pack_url}"' not in detail.content.decode()
    assert (
        f'<span class="font-monospace">{parcel.code}</span> · <strong>On hold:</strong> '
        "buyer changed the address" in picks.content.decode()
    )
    assert 'data-testid="queue-on-hold"' in queue.content.decode()
    assert f'href="{pack_url}"' not in queue.content.decode()
