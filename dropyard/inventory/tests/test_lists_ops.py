"""The back-office stock and movement lists on the generic list page (core.lists): filters,
sorting, the CSV export, the htmx partial and bad input, scoped to the warehouse in the URL."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.testing.lists import csv_rows
from dropyard.inventory.models import StockMovement
from dropyard.inventory.tests.factories import (
    WarehouseFactory,
    make_inventory_product,
    make_stock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):
    user = make_operator(role="warehouse")
    client.force_login(user)
    return user


@pytest.fixture
def warehouse():
    return WarehouseFactory(code="SZ01", name="Shenzhen 1")


@pytest.fixture
def stocks(warehouse, merchant):
    """Three rows here (platform 10/4, platform 3/0, private 5/0) and one elsewhere."""
    a, b, c = (make_inventory_product(variants=1).variants.get() for _ in range(3))
    rows = [
        make_stock(variant=a, warehouse=warehouse, on_hand=10, reserved=4),
        make_stock(variant=b, warehouse=warehouse, on_hand=3),
        make_stock(variant=c, warehouse=warehouse, on_hand=5, merchant=merchant),
    ]
    make_stock(variant=a, warehouse=WarehouseFactory(code="LA01"), on_hand=99)
    return rows


def _stock_url(warehouse):
    return reverse("inventory_ops:warehouse_stock", args=[warehouse.public_id])


def _movement_url(warehouse):
    return reverse("inventory_ops:movement_list", args=[warehouse.public_id])


def _skus(response) -> list[str]:
    return [row.variant.sku for row in response.context["page"].object_list]


def test_stock_filters_by_owner_and_sku(client, clerk, warehouse, stocks):
    a, b, c = (s.variant.sku for s in stocks)

    private = client.get(_stock_url(warehouse), {"owner": "private"})
    platform = client.get(_stock_url(warehouse), {"owner": "platform"})
    by_sku = client.get(_stock_url(warehouse), {"sku": b})

    assert _skus(private) == [c]
    assert _skus(platform) == [a, b]
    assert _skus(by_sku) == [b]
    assert 'data-testid="result-count">2 stock rows</div>' in platform.content.decode()


def test_stock_sorts_by_available_units(client, clerk, warehouse, stocks):
    a, b, c = (s.variant.sku for s in stocks)

    ascending = client.get(_stock_url(warehouse), {"sort": "available"})
    descending = client.get(_stock_url(warehouse), {"sort": "-available"})

    assert _skus(ascending) == [b, c, a]  # 3, 5, 6 available
    assert _skus(descending) == [a, c, b]


def test_stock_csv_export_holds_this_warehouses_filtered_rows(client, clerk, warehouse, stocks):
    a, b, _c = stocks

    response = client.get(_stock_url(warehouse), {"owner": "platform", "export": "csv"})

    assert response["Content-Disposition"].startswith('attachment; filename="stock-SZ01-')
    assert csv_rows(response) == [
        ["Variant", "Product", "On hand", "Reserved", "Available", "Owner"],
        [a.variant.sku, a.variant.product.name, "10", "4", "6", "Platform"],
        [b.variant.sku, b.variant.product.name, "3", "0", "3", "Platform"],
    ]


def test_stock_htmx_filter_answers_only_the_results(client, clerk, warehouse, stocks):
    response = client.get(
        _stock_url(warehouse), {"owner": "private"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="receive-form"' not in html
    assert html.count('data-testid="stock-row"') == 1
    assert reverse("inventory_ops:stock_adjust", args=[stocks[2].pk]) in html


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "999"},
        {"sort": "nope"},
        {"per_page": "7"},
        {"owner": "everyone"},
        {"sku": "x" * 500},
    ],
)
def test_stock_bad_input_still_shows_the_page(client, clerk, warehouse, stocks, query):
    response = client.get(_stock_url(warehouse), query)

    assert response.status_code == 200
    assert 'data-testid="receive-form"' in response.content.decode()


def test_empty_stock_says_to_receive(client, clerk, warehouse):
    response = client.get(_stock_url(warehouse))

    assert "No stock in this warehouse yet. Receive some with the form." in (
        response.content.decode()
    )


def test_failed_receipt_shows_the_list_and_the_errors(client, clerk, warehouse, stocks):
    response = client.post(
        reverse("inventory_ops:stock_receive", args=[warehouse.public_id]),
        {"sku": "NO-SUCH-SKU", "quantity": "2", "reason": "Inbound"},
    )

    assert response.status_code == 400
    assert list(response.context["receive_form"].errors) == ["sku"]
    assert len(_skus(response)) == 3


def _age(stock, days: int) -> None:
    StockMovement.objects.filter(stock=stock).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_movements_filter_by_date_and_sort_by_change(client, clerk, warehouse, stocks):
    a, b, c = stocks
    _age(a, 10)
    day = (timezone.localdate() - timedelta(days=10)).isoformat()

    that_day = client.get(_movement_url(warehouse), {"since": day, "until": day})
    recent = client.get(_movement_url(warehouse), {"since": timezone.localdate().isoformat()})
    by_change = client.get(_movement_url(warehouse), {"sort": "on_hand_delta"})

    assert [m.kind for m in that_day.context["page"].object_list] == ["reservation", "receipt"]
    assert {m.stock for m in that_day.context["page"].object_list} == {a}
    assert [m.stock for m in recent.context["page"].object_list] == [c, b]
    assert [m.on_hand_delta for m in by_change.context["page"].object_list] == [0, 3, 5, 10]


def test_movements_csv_export_is_this_warehouses_history(client, clerk, warehouse, stocks):
    response = client.get(_movement_url(warehouse), {"kind": "receipt", "export": "csv"})

    rows = csv_rows(response)
    assert rows[0] == [
        "When",
        "Kind",
        "SKU",
        "On hand ±",
        "Reserved ±",
        "After",
        "Reason",
        "Reference",
        "By",
    ]
    assert sorted((r[2], r[1], r[3], r[5]) for r in rows[1:]) == sorted(
        (s.variant.sku, "Receipt", str(s.on_hand), f"{s.on_hand} / 0") for s in stocks
    )


def test_movements_htmx_and_bad_input(client, clerk, warehouse, stocks):
    partial = client.get(
        _movement_url(warehouse), {"kind": "reservation"}, headers={"HX-Request": "true"}
    )
    bad = [
        client.get(_movement_url(warehouse), query).status_code
        for query in ({"since": "2026-13-45"}, {"page": "-1"}, {"sort": "actor"}, {"kind": "x"})
    ]

    html = partial.content.decode()
    assert "<html" not in html
    assert html.count('data-testid="movement-row"') == 1
    assert bad == [200, 200, 200, 200]


def test_stock_page_lists_only_its_movements_without_the_sku(client, clerk, warehouse, stocks):
    url = reverse("inventory_ops:stock_adjust", args=[stocks[0].pk])

    page = client.get(url)
    refused = client.post(url, {"delta": "-99", "reason": "Damaged"})

    html = page.content.decode()
    assert [m.kind for m in page.context["page"].object_list] == ["reservation", "receipt"]
    assert 'data-label="SKU"' not in html
    assert 'name="sku"' not in html
    assert refused.status_code == 400
    assert len(refused.context["page"].object_list) == 2
