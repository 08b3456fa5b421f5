"""listV2 and product/list stock and country filters, answered from the stock aggregates that
the inventory services keep (``inventory.aggregates``): exact product ids, stock made and moved
only through the services, and no per-request read of the stock table by the search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dropyard.accounts.tests.factories import make_merchant
from dropyard.catalog.tests.factories import create_product
from dropyard.inventory import services
from dropyard.inventory.tests.factories import WarehouseFactory, make_supplier_warehouse


@pytest.fixture
def api(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def catalog(db):
    """Products stocked through the services: {name: product}."""
    cn = WarehouseFactory(code="CN1", country="CN")
    us = WarehouseFactory(code="US1", country="US")
    de = make_supplier_warehouse(code="DEF", country="DE")
    closed = WarehouseFactory(code="GB1", country="GB")
    merchant = make_merchant(business_name="Private Stock Co")
    names = ["US phone", "US phone sold out", "CN lamp", "DE phone", "Private phone", "GB lamp"]
    products = {name: create_product(name=name) for name in names}
    create_product(name="Nowhere phone")

    def receive(name, warehouse, quantity, **kw):
        variant = products[name].variants.get()
        services.stock_receive(
            variant=variant, warehouse=warehouse, quantity=quantity, actor=None, reason="in", **kw
        )
        return variant

    receive("US phone", us, 7)
    receive("US phone", cn, 2)
    sold = receive("US phone sold out", us, 3)
    services.stock_reserve(variant=sold, warehouse=us, quantity=3, reference="ord-1")
    receive("CN lamp", cn, 12)
    receive("DE phone", de, 4)
    receive("Private phone", us, 50, merchant=merchant)
    receive("GB lamp", closed, 9)
    services.warehouse_set_active(warehouse=closed, is_active=False, actor=None)
    products["Nowhere phone"] = None
    return products


def pids(catalog, *names):
    return [catalog[name].public_id for name in names]


def listv2(api, **params):
    data = api.get("product/listV2", {"size": 50, **params}).ok()
    return data["totalRecords"], [p["id"] for p in data["content"][0]["productList"]]


def product_list(api, **params):
    data = api.get("product/list", {"pageSize": 50, **params}).ok()
    return data["total"], [p["pid"] for p in data["list"]]


def test_list_v2_start_warehouse_inventory_one(api, catalog):
    # CJ's own client always sends startWarehouseInventory=1; newest first without a keyword.
    assert listv2(api, startWarehouseInventory=1) == (
        3,
        pids(catalog, "DE phone", "CN lamp", "US phone"),
    )
    assert listv2(api, startWarehouseInventory=9) == (2, pids(catalog, "CN lamp", "US phone"))
    assert listv2(api, startWarehouseInventory=1, endWarehouseInventory=5) == (
        1,
        pids(catalog, "DE phone"),
    )


def test_list_v2_country_code_with_and_without_stock(api, catalog):
    # A country lists products with a shared stock row in an active warehouse there, sold out
    # or not; private stock and inactive warehouses do not count.
    assert listv2(api, countryCode="us") == (
        2,
        pids(catalog, "US phone sold out", "US phone"),
    )
    assert listv2(api, countryCode="US", startWarehouseInventory=1) == (
        1,
        pids(catalog, "US phone"),
    )
    assert listv2(api, countryCode="CN") == (2, pids(catalog, "CN lamp", "US phone"))
    assert listv2(api, countryCode="DE") == (1, pids(catalog, "DE phone"))
    assert listv2(api, countryCode="GB") == (0, [])


def test_list_v2_keyword_with_stock_and_country_filters(api, catalog):
    # Relevance: every word in the name, newest first.
    assert listv2(api, keyWord="phone", startWarehouseInventory=1) == (
        2,
        pids(catalog, "DE phone", "US phone"),
    )
    assert listv2(api, keyWord="phone", countryCode="US") == (
        2,
        pids(catalog, "US phone sold out", "US phone"),
    )
    assert listv2(api, keyWord="lamp", countryCode="CN", startWarehouseInventory=1) == (
        1,
        pids(catalog, "CN lamp"),
    )
    assert listv2(api, keyWord="lamp", countryCode="GB") == (0, [])


def test_list_v2_inventory_sort_uses_the_aggregates(api, catalog):
    _, ids = listv2(api, orderBy=4, startWarehouseInventory=1)
    assert ids == pids(catalog, "CN lamp", "US phone", "DE phone")  # 12, 9, 4
    _, ids = listv2(api, orderBy=4, sort="asc", countryCode="US")
    assert ids == pids(catalog, "US phone sold out", "US phone")  # 0, 9


def test_a_movement_moves_the_product_between_filters_at_once(api, catalog):
    lamp = catalog["CN lamp"]
    warehouse = lamp.variants.get().stock.get().warehouse
    services.stock_reserve(
        variant=lamp.variants.get(), warehouse=warehouse, quantity=12, reference="ord-2"
    )
    assert listv2(api, startWarehouseInventory=1)[1] == pids(catalog, "DE phone", "US phone")
    assert listv2(api, countryCode="CN")[1] == pids(catalog, "CN lamp", "US phone")
    services.stock_release(
        variant=lamp.variants.get(), warehouse=warehouse, quantity=1, reference="ord-2"
    )
    assert listv2(api, startWarehouseInventory=1, endWarehouseInventory=1)[1] == pids(
        catalog, "CN lamp"
    )


def test_product_list_country_and_inventory_bounds(api, catalog):
    assert product_list(api, countryCode="US") == (
        2,
        pids(catalog, "US phone sold out", "US phone"),
    )
    assert product_list(api, startInventory=1) == (
        3,
        pids(catalog, "DE phone", "CN lamp", "US phone"),
    )
    assert product_list(api, startInventory=4, endInventory=9) == (
        2,
        pids(catalog, "DE phone", "US phone"),
    )
    assert product_list(api, endInventory=0)[0] == 4  # sold out, private only, GB, nowhere
    assert product_list(api, productNameEn="phone", countryCode="us", startInventory=1) == (
        1,
        pids(catalog, "US phone"),
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"startInventory": "x"}, "startInventory must be a whole number"),
        ({"endInventory": "-1"}, "endInventory must be a whole number"),
        ({"startInventory": 5, "endInventory": 1}, "startInventory must not exceed endInventory"),
        ({"startInventory": "9" * 30}, "startInventory must be between 0 and"),
        ({"countryCode": "U1"}, "countryCode must be an ISO 3166-1 alpha-2 country code"),
    ],
)
def test_product_list_bad_stock_params(api, db, params, message):
    assert api.get("product/list", params).error(1600300).startswith(message)


def test_list_v2_huge_stock_bound_is_refused_not_a_500(api, db):
    message = api.get("product/listV2", {"startWarehouseInventory": "9" * 25}).error(1600300)
    assert message.startswith("startWarehouseInventory must be between 0 and")


def test_the_search_does_not_read_the_stock_table(api, catalog):
    with CaptureQueriesContext(connection) as queries:
        listv2(api, keyWord="phone", startWarehouseInventory=1, countryCode="US")
        listv2(api, startWarehouseInventory=1, countryCode="CN")
        product_list(api, countryCode="US", startInventory=1)
    search = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(search) >= 3
    assert not [sql for sql in search if "inventory_stock" in sql]
