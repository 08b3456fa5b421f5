"""The private stock lists (stock, ledger, purchase orders) on the generic list: filters, sort,
CSV scoped to the merchant, the htmx partial and bad input, through the views."""

import pytest
from django.urls import reverse

from dropyard.inventory.models import PurchaseOrder
from dropyard.inventory.purchases import purchase_cart_add, purchase_order_create
from dropyard.inventory.services import stock_ship
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock

pytestmark = pytest.mark.django_db

STOCK, LEDGER, ORDERS = "/private-stock/", "/private-stock/ledger/", "/private-stock/orders/"


def _variant(sku: str, name: str):
    variant = make_inventory_product(variants=1, name=name).variants.get()
    variant.sku = sku
    variant.save(update_fields=["sku"])
    return variant


@pytest.fixture
def world(merchant, other_merchant):
    """The merchant's AAA in USLA (10 in, 4 reserved, 3 shipped by ORD-1) and BBB in DEFR (5);
    the other merchant's CCC in USLA (9)."""
    usla = WarehouseFactory(code="USLA", country="US")
    defr = WarehouseFactory(code="DEFR", country="DE")
    aaa, bbb, ccc = _variant("AAA", "Alpha"), _variant("BBB", "Beta"), _variant("CCC", "Gamma")
    make_stock(variant=aaa, warehouse=usla, on_hand=10, reserved=4, merchant=merchant)
    stock_ship(variant=aaa, warehouse=usla, quantity=3, reference="ORD-1", merchant=merchant)
    make_stock(variant=bbb, warehouse=defr, on_hand=5, merchant=merchant)
    make_stock(variant=ccc, warehouse=usla, on_hand=9, merchant=other_merchant)
    return {"usla": usla, "defr": defr, "aaa": aaa}


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _csv(response) -> list[str]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def _skus(response) -> list[str]:
    return [row.variant.sku for row in response.context["page"].object_list]


# --- Stock -----------------------------------------------------------------------------------


def test_stock_rows_are_the_merchants_with_available_and_shipped(owner_client, world):
    response = owner_client.get(STOCK)

    rows = [
        (r.variant.sku, r.on_hand, r.reserved, r.available_units, r.shipped_units)
        for r in response.context["page"].object_list
    ]
    assert rows == [("AAA", 7, 1, 6, 3), ("BBB", 5, 0, 5, 0)]
    assert "CCC" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"q": "beta"}, ["BBB"]), ({"q": "aaa"}, ["AAA"]), ({"storage": "usla"}, ["AAA"])],
)
def test_stock_filters(owner_client, world, query, expected):
    if "storage" in query:
        query = {"storage": world["usla"].public_id}

    assert _skus(owner_client.get(STOCK, query)) == expected


def test_stock_sorts_by_available_both_ways(owner_client, world):
    assert _skus(owner_client.get(STOCK, {"sort": "available_units"})) == ["BBB", "AAA"]
    assert _skus(owner_client.get(STOCK, {"sort": "-available_units"})) == ["AAA", "BBB"]


def test_stock_csv_holds_only_the_merchants_rows(owner_client, world):
    rows = _csv(owner_client.get(STOCK, {"export": "csv"}))

    assert rows == [
        "SKU,Product,Warehouse,On hand,Reserved,Available,Shipped",
        "AAA,Alpha,USLA,7,1,6,3",
        "BBB,Beta,DEFR,5,0,5,0",
    ]


def test_stock_htmx_answers_only_the_results(owner_client, world):
    response = owner_client.get(STOCK, {"q": "beta"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'data-testid="private-stock-table"' in html
    assert 'data-testid="filter-form"' not in html
    assert 'data-testid="private-nav"' not in html
    assert _skus(response) == ["BBB"]


# --- Ledger ----------------------------------------------------------------------------------


def _movements(response) -> list[tuple[str, str, int]]:
    return [
        (m.stock.variant.sku, m.kind, m.on_hand_delta) for m in response.context["page"].object_list
    ]


def test_ledger_filters_by_kind_reference_and_sku(owner_client, world):
    assert _movements(owner_client.get(LEDGER, {"kind": "shipment"})) == [("AAA", "shipment", -3)]
    assert _movements(owner_client.get(LEDGER, {"reference": "ORD-1"})) == [("AAA", "shipment", -3)]
    assert [kind for _sku, kind, _d in _movements(owner_client.get(LEDGER, {"sku": "AAA"}))] == [
        "shipment",
        "reservation",
        "receipt",
    ]


def test_ledger_sorts_by_sku(owner_client, world):
    skus = [sku for sku, _k, _d in _movements(owner_client.get(LEDGER, {"sort": "-sku"}))]

    assert skus == ["BBB", "AAA", "AAA", "AAA"]


def test_ledger_csv_holds_only_the_merchants_movements(owner_client, world):
    rows = _csv(owner_client.get(LEDGER, {"export": "csv", "sort": "sku"}))

    assert (
        rows[0]
        == "When,Movement,SKU,Warehouse,On hand,Reserved,After (on hand / reserved),Reference"
    )
    assert [row.split(",")[2] for row in rows[1:]] == ["AAA", "AAA", "AAA", "BBB"]
    assert [row.split(",", 1)[1] for row in rows[1:] if "Shipment" in row] == [
        "Shipment,AAA,USLA,-3,-3,7 / 1,ORD-1"  # numbers stay numbers (typed text is guarded)
    ]


# --- Purchase orders -------------------------------------------------------------------------


@pytest.fixture
def orders(merchant, other_merchant, world):
    """Two of the merchant's orders (one cancelled) and one of the other merchant's."""
    shared = make_stock(variant=world["aaa"], warehouse=world["usla"], on_hand=50)
    made = []
    for buyer, quantity in ((merchant, 1), (merchant, 2), (other_merchant, 3)):
        purchase_cart_add(merchant=buyer, variant=shared.variant, quantity=quantity)
        made.append(purchase_order_create(merchant=buyer))
    PurchaseOrder.objects.filter(pk=made[0].pk).update(status="CANCELLED")
    return made


def _codes(response) -> list[str]:
    return [o.code for o in response.context["page"].object_list]


def test_orders_filter_by_status_and_code(owner_client, orders):
    first, second, _theirs = orders

    assert _codes(owner_client.get(ORDERS, {"status": "CANCELLED"})) == [first.code]
    assert _codes(owner_client.get(ORDERS, {"status": "WAIT_PAY"})) == [second.code]
    assert _codes(owner_client.get(ORDERS, {"q": second.code[-6:]})) == [second.code]
    assert _codes(owner_client.get(ORDERS, {"q": "aaa"})) == [second.code, first.code]


def test_orders_sort_by_amount(owner_client, orders):
    first, second, _theirs = orders

    assert _codes(owner_client.get(ORDERS, {"sort": "amount_minor"})) == [first.code, second.code]
    assert _codes(owner_client.get(ORDERS, {"sort": "-amount_minor"})) == [
        second.code,
        first.code,
    ]


def test_orders_csv_holds_only_the_merchants_orders(owner_client, orders):
    rows = _csv(owner_client.get(ORDERS, {"export": "csv", "sort": "amount_minor"}))

    assert rows[0] == "Order,Created,Units,Amount,Status"
    assert [row.split(",")[0] for row in rows[1:]] == [orders[0].code, orders[1].code]
    assert [row.split(",")[2:] for row in rows[1:]] == [
        ["1", f"${orders[0].amount_minor / 100:.2f}", "Cancelled"],
        ["2", f"${orders[1].amount_minor / 100:.2f}", "Awaiting payment"],
    ]


def test_orders_row_cancel_button_posts_to_the_cancel_view(owner_client, orders):
    html = owner_client.get(ORDERS).content.decode()

    cancel = reverse("private_stock:order_cancel", args=[orders[1].code])
    assert f'formaction="{cancel}"' in html
    assert html.count('data-testid="order-cancel"') == 1
    assert reverse("private_stock:order_pay", args=[orders[1].code]) in html


@pytest.mark.parametrize("url", [STOCK, LEDGER, ORDERS])
@pytest.mark.parametrize(
    "query",
    [{"page": "zz"}, {"page": "-4"}, {"sort": "evil"}, {"per_page": "0"}, {"storage": "nope"}],
)
def test_bad_input_still_answers_the_list(owner_client, orders, url, query):
    response = owner_client.get(url, query)

    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 1


@pytest.mark.parametrize(
    ("url", "text"),
    [
        (STOCK, "purchase cart"),
        (LEDGER, "No movements yet"),
        (ORDERS, "Fill your"),
    ],
)
def test_empty_lists_say_what_to_do(owner_client, url, text):
    html = owner_client.get(url).content.decode()

    assert 'data-testid="empty-state"' in html
    assert text in html
