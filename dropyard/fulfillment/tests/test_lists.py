"""The work queue's cells that no seeded queue shows (a remainder parcel's badge, shipped time),
and the warehouse picker on the generic list page: filters, sort, CSV, htmx, bad input."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.testing.lists import csv_rows
from dropyard.fulfillment.lists import QueueTable
from dropyard.fulfillment.tests.factories import make_parcel
from dropyard.inventory.tests.factories import WarehouseFactory


def test_remainder_parcel_is_marked_beside_its_code():
    table = QueueTable([])
    remainder = SimpleNamespace(public_id="917", split_from_id=5)
    first = SimpleNamespace(public_id="918", split_from_id=None)
    url = reverse("fulfillment_ops:parcel_detail", args=["917"])

    assert table.render_code("P917", remainder) == (
        f'<a class="font-monospace" href="{url}">P917</a>'
        ' <span class="badge text-bg-warning">remainder</span>'
    )
    assert table.render_code("P918", first).endswith(">P918</a>")


def test_shipped_cell_shows_the_local_time_and_tracking_number(settings):
    settings.TIME_ZONE = "UTC"
    table = QueueTable([])

    cell = table.render_shipped(
        datetime(2026, 3, 4, 9, 5, tzinfo=UTC), SimpleNamespace(tracking_number="YT1")
    )

    assert cell == "09:05 YT1"


# --- The warehouse picker (fulfillment_ops:warehouses) ----------------------------------------


@pytest.fixture
def clerk(client, db):
    user = make_operator(role="warehouse")
    client.force_login(user)
    return user


@pytest.fixture
def floors(merchant):
    """Three warehouses: SZ1 (CN, two ready parcels), GZ1 (CN, none), LA1 (US, one ready)."""
    sz = WarehouseFactory(code="SZ1", name="Shenzhen", country="CN", city="Shenzhen")
    gz = WarehouseFactory(code="GZ1", name="Guangzhou", country="CN", city="Guangzhou")
    la = WarehouseFactory(code="LA1", name="Los Angeles", country="US", city="Los Angeles")
    for warehouse in (sz, sz, la):
        make_parcel(merchant=merchant, warehouse=warehouse)
    return sz, gz, la


def _codes(response) -> list[str]:
    return [w.code for w in response.context["page"].object_list]


def test_picker_filters_by_country_and_search(client, clerk, floors):
    china = client.get(reverse("fulfillment_ops:warehouses"), {"country": "cn"})
    searched = client.get(reverse("fulfillment_ops:warehouses"), {"q": "angel"})

    assert _codes(china) == ["GZ1", "SZ1"]
    assert _codes(searched) == ["LA1"]


def test_picker_sorts_by_ready_parcels(client, clerk, floors):
    busiest = client.get(reverse("fulfillment_ops:warehouses"), {"sort": "-ready"})

    assert _codes(busiest) == ["SZ1", "LA1", "GZ1"]
    assert [w.n_ready for w in busiest.context["page"].object_list] == [2, 1, 0]


def test_picker_csv_export_has_the_counts(client, clerk, floors):
    response = client.get(reverse("fulfillment_ops:warehouses"), {"country": "CN", "export": "csv"})

    assert [row[:5] for row in csv_rows(response)] == [
        ["Warehouse", "Country", "Ready", "Picking", "Packed"],
        ["GZ1 Guangzhou", "CN", "0", "0", "0"],
        ["SZ1 Shenzhen", "CN", "2", "0", "0"],
    ]


def test_picker_htmx_answers_only_the_results(client, clerk, floors):
    sz, _gz, _la = floors

    response = client.get(
        reverse("fulfillment_ops:warehouses"), {"q": "SZ1"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "<html" not in html
    assert html.count('data-testid="warehouse-queue-row"') == 1
    assert f'href="{reverse("fulfillment_ops:queue", args=[sz.public_id])}"' in html


@pytest.mark.parametrize(
    "query", [{"page": "two"}, {"page": "4"}, {"sort": "secret"}, {"country": "XX"}]
)
def test_picker_bad_input_lists_every_warehouse(client, clerk, floors, query):
    response = client.get(reverse("fulfillment_ops:warehouses"), query)

    assert response.status_code == 200
    assert _codes(response) == ["GZ1", "SZ1", "LA1"]
