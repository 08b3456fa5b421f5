"""Inventory back office (inventory_ops): permissions and the main flows through the views."""

import pytest
from django.urls import reverse

from dropyard.accounts.testing.views import (
    OPERATOR_ACTORS,
    assert_page_access,
    assert_sent_to_login,
    operator_actors,
)
from dropyard.accounts.tests.factories import make_operator
from dropyard.inventory.choices import MovementKind
from dropyard.inventory.models import Stock, StockMovement, Warehouse
from dropyard.inventory.tests.factories import (
    WarehouseFactory,
    make_inventory_product,
    make_stock,
)

pytestmark = pytest.mark.django_db

ACTORS = OPERATOR_ACTORS
ALLOWED = {"warehouse", "admin"}


@pytest.fixture
def actors(owner, agent, support, operator_admin):
    return operator_actors(owner=owner, agent=agent, support=support, operator_admin=operator_admin)


@pytest.fixture
def clerk(db):
    return make_operator(role="warehouse")


@pytest.fixture
def warehouse():
    return WarehouseFactory(code="SZ01", name="Shenzhen 1")


@pytest.fixture
def variant():
    return make_inventory_product(variants=1).variants.get()


@pytest.fixture
def stock(variant, warehouse):
    return make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=4)


@pytest.fixture
def page_urls(warehouse, stock):
    return {
        "warehouse_list": reverse("inventory_ops:warehouse_list"),
        "warehouse_create": reverse("inventory_ops:warehouse_create"),
        "warehouse_stock": reverse("inventory_ops:warehouse_stock", args=[warehouse.public_id]),
        "warehouse_edit": reverse("inventory_ops:warehouse_edit", args=[warehouse.public_id]),
        "movement_list": reverse("inventory_ops:movement_list", args=[warehouse.public_id]),
        "stock_adjust": reverse("inventory_ops:stock_adjust", args=[stock.pk]),
    }


# --- Permission matrix ------------------------------------------------------------------------

PAGES = [
    "warehouse_list",
    "warehouse_create",
    "warehouse_stock",
    "warehouse_edit",
    "movement_list",
    "stock_adjust",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client, page_urls, page):
    assert_sent_to_login(client, page_urls[page])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", PAGES)
def test_page_permission_matrix(client, actors, page_urls, page, actor):
    assert_page_access(client, actors[actor], page_urls[page], allowed=actor in ALLOWED)


@pytest.mark.parametrize("actor", sorted(set(ACTORS) - ALLOWED))
def test_refused_receipt_changes_nothing(client, actors, warehouse, variant, actor):
    client.force_login(actors[actor])

    response = client.post(
        reverse("inventory_ops:stock_receive", args=[warehouse.public_id]),
        {"sku": variant.sku, "quantity": "5", "reason": "Inbound"},
    )

    assert response.status_code == 403
    assert StockMovement.objects.count() == 0


def test_unknown_warehouse_is_404(client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("inventory_ops:warehouse_stock", args=["nope"]))

    assert response.status_code == 404


# --- Warehouses -------------------------------------------------------------------------------


def test_list_filters_by_country_and_pages_through_many(client, clerk):
    for i in range(30):
        WarehouseFactory(code=f"DE{i:02d}", country="DE", city="Berlin")
    WarehouseFactory(code="US01", country="US", city="Los Angeles")
    client.force_login(clerk)

    first = client.get(reverse("inventory_ops:warehouse_list"), {"country": "DE"})
    second = client.get(reverse("inventory_ops:warehouse_list"), {"country": "DE", "page": "2"})
    search = client.get(reverse("inventory_ops:warehouse_list"), {"q": "los ang"})

    assert first.context["page_obj"].paginator.count == 30
    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == 5
    assert [w.code for w in search.context["page_obj"]] == ["US01"]


def test_create_and_edit_a_warehouse(client, clerk):
    client.force_login(clerk)
    data = {"code": "yw02", "name": "Yiwu 2", "country": "CN", "kind": "platform"}

    response = client.post(reverse("inventory_ops:warehouse_create"), data)

    warehouse = Warehouse.objects.get(code="YW02")
    assert response["Location"] == reverse(
        "inventory_ops:warehouse_stock", args=[warehouse.public_id]
    )
    client.post(
        reverse("inventory_ops:warehouse_edit", args=[warehouse.public_id]),
        {**data, "code": "YW02", "city": "Yiwu", "is_verified": "on"},
    )
    warehouse.refresh_from_db()
    assert (warehouse.city, warehouse.is_verified) == ("Yiwu", True)


def test_duplicate_warehouse_code_is_refused(client, clerk, warehouse):
    client.force_login(clerk)

    response = client.post(
        reverse("inventory_ops:warehouse_create"),
        {"code": warehouse.code, "name": "Copy", "country": "CN", "kind": "platform"},
    )

    assert response.status_code == 400
    assert Warehouse.objects.count() == 1


def test_deactivate_and_reactivate(client, clerk, warehouse):
    client.force_login(clerk)
    url = reverse("inventory_ops:warehouse_active", args=[warehouse.public_id])

    client.post(url, {"is_active": "false"})
    assert Warehouse.objects.get(pk=warehouse.pk).is_active is False

    client.post(url, {"is_active": "true"})
    assert Warehouse.objects.get(pk=warehouse.pk).is_active is True


# --- Receipts, adjustments, history -----------------------------------------------------------


def test_receive_stock_and_see_the_movement(client, clerk, warehouse, variant):
    client.force_login(clerk)

    response = client.post(
        reverse("inventory_ops:stock_receive", args=[warehouse.public_id]),
        {"sku": variant.sku, "quantity": "7", "reason": "PO 123"},
    )

    assert response.status_code == 302
    stock = Stock.objects.get(variant=variant, warehouse=warehouse, merchant=None)
    assert (stock.on_hand, stock.reserved) == (7, 0)
    history = client.get(reverse("inventory_ops:movement_list", args=[warehouse.public_id]))
    movements = list(history.context["page_obj"])
    assert [(m.kind, m.on_hand_delta, m.reason, m.actor) for m in movements] == [
        (MovementKind.RECEIPT, 7, "PO 123", clerk)
    ]
    assert variant.sku.encode() in history.content


def test_receive_private_stock_for_a_merchant(client, clerk, warehouse, variant, merchant):
    client.force_login(clerk)

    client.post(
        reverse("inventory_ops:stock_receive", args=[warehouse.public_id]),
        {
            "sku": variant.sku,
            "quantity": "3",
            "reason": "Bulk order",
            "account_number": merchant.account_number,
        },
    )

    stock = Stock.objects.get(variant=variant, warehouse=warehouse)
    assert (stock.merchant, stock.on_hand) == (merchant, 3)
    page = client.get(reverse("inventory_ops:warehouse_stock", args=[warehouse.public_id]))
    assert merchant.business_name.encode() in page.content


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sku": "NOPE", "quantity": "1", "reason": "x"}, "sku"),
        ({"quantity": "0", "reason": "x"}, "quantity"),
        ({"quantity": "1", "reason": "x", "account_number": "000"}, "account_number"),
    ],
)
def test_bad_receipt_changes_nothing(client, clerk, warehouse, variant, data, field):
    client.force_login(clerk)

    response = client.post(
        reverse("inventory_ops:stock_receive", args=[warehouse.public_id]),
        {"sku": variant.sku, **data},
    )

    assert response.status_code == 400
    assert field in response.context["receive_form"].errors
    assert Stock.objects.count() == 0


def test_receipt_into_inactive_warehouse_is_refused(client, clerk, variant):
    closed = WarehouseFactory(is_active=False)
    client.force_login(clerk)

    response = client.post(
        reverse("inventory_ops:stock_receive", args=[closed.public_id]),
        {"sku": variant.sku, "quantity": "2", "reason": "x"},
    )

    assert response.status_code == 400
    assert StockMovement.objects.count() == 0


def test_adjust_stock(client, clerk, stock):
    client.force_login(clerk)

    response = client.post(
        reverse("inventory_ops:stock_adjust", args=[stock.pk]),
        {"delta": "-3", "reason": "Damaged"},
    )

    assert response.status_code == 302
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved, stock.available) == (7, 4, 3)
    movement = StockMovement.objects.filter(kind=MovementKind.ADJUSTMENT).get()
    assert (movement.on_hand_delta, movement.reason, movement.actor) == (-3, "Damaged", clerk)


def test_adjust_below_reserved_is_refused(client, clerk, stock):
    client.force_login(clerk)

    response = client.post(
        reverse("inventory_ops:stock_adjust", args=[stock.pk]),
        {"delta": "-7", "reason": "Lost"},
    )

    assert response.status_code == 400
    stock.refresh_from_db()
    assert stock.on_hand == 10
    assert not StockMovement.objects.filter(kind=MovementKind.ADJUSTMENT).exists()


def test_history_filters_by_kind_and_sku(client, clerk, warehouse, stock, variant):
    other = make_inventory_product(variants=1).variants.get()
    make_stock(variant=other, warehouse=warehouse, on_hand=1)
    client.force_login(clerk)
    url = reverse("inventory_ops:movement_list", args=[warehouse.public_id])

    reservations = client.get(url, {"kind": "reservation"})
    by_sku = client.get(url, {"sku": other.sku})

    assert [m.kind for m in reservations.context["page_obj"]] == [MovementKind.RESERVATION]
    assert [m.stock.variant for m in by_sku.context["page_obj"]] == [other]
