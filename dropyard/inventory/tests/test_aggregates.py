"""Per-product stock aggregates (``inventory.aggregates``): kept by every stock service in the
movement's transaction, rebuilt and checked; exact figures after each service."""

import random
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dropyard.accounts.tests.factories import make_merchant
from dropyard.catalog.models import Product
from dropyard.catalog.search import product_search_ids, search_index_rebuild
from dropyard.inventory import services
from dropyard.inventory.aggregates import (
    product_stock_mismatches,
    product_stock_rebuild,
    product_stock_refresh,
)
from dropyard.inventory.exceptions import InventoryError
from dropyard.inventory.models import ProductCountryStock, Stock
from dropyard.inventory.tests.factories import (
    WarehouseFactory,
    make_inventory_product,
    make_supplier_warehouse,
)

pytestmark = pytest.mark.django_db


def aggregates(product: Product) -> tuple[int, str, dict[str, int]]:
    """(stock_available, stock_countries, {country: available}) as stored."""
    product.refresh_from_db(fields=["stock_available", "stock_countries"])
    rows = dict(
        ProductCountryStock.objects.filter(product=product).values_list("country", "available")
    )
    return product.stock_available, product.stock_countries, rows


def recomputed(product: Product) -> tuple[int, str, dict[str, int]]:
    """The same figures computed in Python from the stock rows (the definition)."""
    per_country: dict[str, int] = defaultdict(int)
    rows = Stock.objects.filter(
        variant__product=product, merchant__isnull=True, warehouse__is_active=True
    ).select_related("warehouse")
    for row in rows:
        per_country[row.warehouse.country] += row.on_hand - row.reserved
    countries = "".join(f",{c}" for c in sorted(per_country)) + ("," if per_country else "")
    return sum(per_country.values()), countries, dict(per_country)


@pytest.fixture
def product():
    return make_inventory_product(variants=2)


def test_receipt_reservation_release_shipment_adjustment_return(product):
    red, blue = product.variants.order_by("pk")
    cn = WarehouseFactory(code="CN1", country="CN")
    us = WarehouseFactory(code="US1", country="US")
    assert aggregates(product) == (0, "", {})

    services.stock_receive(variant=red, warehouse=cn, quantity=10, actor=None, reason="in")
    assert aggregates(product) == (10, ",CN,", {"CN": 10})
    services.stock_receive(variant=blue, warehouse=us, quantity=4, actor=None, reason="in")
    services.stock_receive(variant=blue, warehouse=cn, quantity=1, actor=None, reason="in")
    assert aggregates(product) == (15, ",CN,US,", {"CN": 11, "US": 4})

    services.stock_reserve(variant=red, warehouse=cn, quantity=3, reference="o1")
    assert aggregates(product) == (12, ",CN,US,", {"CN": 8, "US": 4})
    services.stock_release(variant=red, warehouse=cn, quantity=1, reference="o1")
    assert aggregates(product) == (13, ",CN,US,", {"CN": 9, "US": 4})
    services.stock_ship(variant=red, warehouse=cn, quantity=2, reference="o1")  # available same
    assert aggregates(product) == (13, ",CN,US,", {"CN": 9, "US": 4})

    us_row = Stock.objects.get(variant=blue, warehouse=us)
    services.stock_adjust(stock=us_row, delta=-4, actor=None, reason="count")
    # Sold out in the US: the country stays listed (a stock row is there), with 0 available.
    assert aggregates(product) == (9, ",CN,US,", {"CN": 9, "US": 0})
    services.stock_return(variant=blue, warehouse=us, quantity=2, actor=None, reason="back")
    assert aggregates(product) == (11, ",CN,US,", {"CN": 9, "US": 2})
    services.stock_reserve(variant=blue, warehouse=us, quantity=2, reference="o2")
    assert services.reservations_release(references=["o2"], actor=None, reason="cancel") == 2
    assert aggregates(product) == (11, ",CN,US,", {"CN": 9, "US": 2})
    assert aggregates(product) == recomputed(product)
    assert product_stock_mismatches() == []


def test_private_stock_and_supplier_warehouses(product):
    red = product.variants.order_by("pk").first()
    merchant = make_merchant()
    platform = WarehouseFactory(code="CN1", country="CN")
    factory_wh = make_supplier_warehouse(code="CNF", country="DE")

    services.stock_receive(
        variant=red, warehouse=platform, quantity=50, actor=None, reason="in", merchant=merchant
    )
    assert aggregates(product) == (0, "", {})  # private stock is not the catalog's
    services.stock_reserve(
        variant=red, warehouse=platform, quantity=5, reference="p1", merchant=merchant
    )
    assert aggregates(product) == (0, "", {})
    services.stock_receive(variant=red, warehouse=factory_wh, quantity=6, actor=None, reason="f")
    assert aggregates(product) == (6, ",DE,", {"DE": 6})  # factory stock is shared stock


def test_warehouse_deactivation_activation_and_country_change(product):
    red, blue = product.variants.order_by("pk")
    cn = WarehouseFactory(code="CN1", country="CN")
    gb = WarehouseFactory(code="GB1", country="GB")
    services.stock_receive(variant=red, warehouse=cn, quantity=7, actor=None, reason="in")
    services.stock_receive(variant=blue, warehouse=gb, quantity=3, actor=None, reason="in")
    assert aggregates(product) == (10, ",CN,GB,", {"CN": 7, "GB": 3})

    services.warehouse_set_active(warehouse=gb, is_active=False, actor=None)
    assert aggregates(product) == (7, ",CN,", {"CN": 7})
    # A return into the inactive warehouse changes its stock, not the aggregates.
    services.stock_return(variant=blue, warehouse=gb, quantity=2, actor=None, reason="back")
    assert aggregates(product) == (7, ",CN,", {"CN": 7})
    services.warehouse_set_active(warehouse=gb, is_active=True, actor=None)
    assert aggregates(product) == (12, ",CN,GB,", {"CN": 7, "GB": 5})

    services.warehouse_update(warehouse=gb, actor=None, country="fr")
    assert aggregates(product) == (12, ",CN,FR,", {"CN": 7, "FR": 5})
    services.warehouse_update(warehouse=cn, actor=None, country="FR")
    assert aggregates(product) == (12, ",FR,", {"FR": 12})
    assert product_stock_mismatches() == []


def test_refused_movement_leaves_aggregates(product):
    red = product.variants.order_by("pk").first()
    cn = WarehouseFactory(code="CN1", country="CN")
    services.stock_receive(variant=red, warehouse=cn, quantity=2, actor=None, reason="in")
    with pytest.raises(InventoryError):
        services.stock_reserve(variant=red, warehouse=cn, quantity=3, reference="big")
    services.stock_reserve(variant=red, warehouse=cn, quantity=1, reference="dup")
    with pytest.raises(InventoryError):
        services.stock_reserve(variant=red, warehouse=cn, quantity=1, reference="dup")
    assert aggregates(product) == (1, ",CN,", {"CN": 1})


def test_random_movements_keep_aggregates_equal_to_the_stock(product):
    """A seeded random sequence of every stock service over three products, four warehouses
    (one of them a supplier's) and private stock: after every step the stored aggregates equal
    the ones recomputed from the stock rows."""
    rng = random.Random(20261206)
    products = [product, make_inventory_product(variants=1), make_inventory_product(variants=3)]
    variants = [v for p in products for v in p.variants.all()]
    warehouses = [
        WarehouseFactory(code="CN1", country="CN"),
        WarehouseFactory(code="CN2", country="CN"),
        WarehouseFactory(code="US1", country="US"),
        make_supplier_warehouse(code="DEF", country="DE"),
    ]
    merchant = make_merchant()
    references: list[tuple] = []
    for step in range(160):
        variant = rng.choice(variants)
        warehouse = rng.choice(warehouses)
        warehouse.refresh_from_db()
        owner = merchant if rng.random() < 0.15 and warehouse.kind == "PLATFORM" else None
        action = rng.choice(
            ["receive", "receive", "reserve", "reserve", "release", "ship", "adjust", "return"]
            + ["toggle", "country"] * (step % 20 == 0)
        )
        try:
            if action == "receive":
                services.stock_receive(
                    variant=variant,
                    warehouse=warehouse,
                    quantity=rng.randint(1, 9),
                    actor=None,
                    reason="r",
                    merchant=owner,
                )
            elif action == "reserve":
                reference = f"ref-{step}"
                services.stock_reserve(
                    variant=variant,
                    warehouse=warehouse,
                    quantity=rng.randint(1, 4),
                    reference=reference,
                    merchant=owner,
                )
                references.append((variant, warehouse, owner, reference))
            elif action in ("release", "ship") and references:
                variant, warehouse, owner, reference = rng.choice(references)
                service = services.stock_release if action == "release" else services.stock_ship
                service(
                    variant=variant,
                    warehouse=warehouse,
                    quantity=1,
                    reference=f"{reference}-{step}",
                    merchant=owner,
                )
            elif action == "adjust":
                row = Stock.objects.filter(warehouse=warehouse).order_by("?").first()
                if row is not None:
                    delta = rng.choice([-3, -1, 2, 5])
                    services.stock_adjust(stock=row, delta=delta, actor=None, reason="count")
            elif action == "return":
                services.stock_return(
                    variant=variant, warehouse=warehouse, quantity=1, actor=None, merchant=owner
                )
            elif action == "toggle":
                services.warehouse_set_active(
                    warehouse=warehouse, is_active=not warehouse.is_active, actor=None
                )
            elif action == "country":
                services.warehouse_update(
                    warehouse=warehouse, actor=None, country=rng.choice(["CN", "US", "GB"])
                )
        except InventoryError:
            pass  # refused (inactive warehouse, too few units…): nothing may have changed
        for p in products:
            assert aggregates(p) == recomputed(p), (step, action, p.pk)
    assert product_stock_mismatches() == []
    assert sum(aggregates(p)[0] for p in products) > 0


def test_rebuild_and_check_repair_drifted_aggregates(product):
    red = product.variants.order_by("pk").first()
    other = make_inventory_product()
    cn = WarehouseFactory(code="CN1", country="CN")
    services.stock_receive(variant=red, warehouse=cn, quantity=5, actor=None, reason="in")
    # Drift made behind the services' back (a bulk load, a manual UPDATE).
    Product.objects.filter(pk=product.pk).update(stock_available=99)
    Product.objects.filter(pk=other.pk).update(stock_countries=",XX,")
    ProductCountryStock.objects.create(product=other, country="US", available=3)

    assert product_stock_mismatches() == sorted([product.pk, other.pk])
    out = StringIO()
    with pytest.raises(CommandError, match="2 products"):
        call_command("stock_aggregates", "--check", stdout=out)
    call_command("stock_aggregates", "--rebuild", stdout=out)
    assert "consistent" in out.getvalue()
    assert product_stock_mismatches() == []
    assert aggregates(product) == (5, ",CN,", {"CN": 5})
    assert aggregates(other) == (0, "", {})

    product_stock_rebuild()  # idempotent
    assert aggregates(product) == (5, ",CN,", {"CN": 5})


def test_refresh_of_unknown_products_is_harmless(product):
    product_stock_refresh([])
    product_stock_refresh([product.pk, 987654321])
    assert aggregates(product) == (0, "", {})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_refresh_locks_products_without_blocking_foreign_keys(product):
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as queries:
        product_stock_refresh([product.pk])
    sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert sql[0].endswith("ORDER BY id FOR NO KEY UPDATE")  # locked before the stock is read
    assert "INSERT INTO inventory_productcountrystock" in sql[1]


def country_flags(product: Product) -> dict[str, tuple[bool, bool]]:
    """{country: (product_on_sale, product_in_stock)} as stored on the country rows."""
    rows = ProductCountryStock.objects.filter(product=product)
    return {r.country: (r.product_on_sale, r.product_in_stock) for r in rows}


def test_country_rows_follow_the_products_sale_and_stock_state(product):
    red = product.variants.order_by("pk").first()
    cn = WarehouseFactory(code="CN1", country="CN")
    us = WarehouseFactory(code="US1", country="US")
    services.stock_receive(variant=red, warehouse=cn, quantity=2, actor=None, reason="in")
    assert country_flags(product) == {"CN": (True, True)}
    # A new country row for a product already in stock, sold out there: the product's state.
    services.stock_receive(variant=red, warehouse=us, quantity=1, actor=None, reason="in")
    services.stock_reserve(variant=red, warehouse=us, quantity=1, reference="o1")
    assert country_flags(product) == {"CN": (True, True), "US": (True, True)}
    services.stock_reserve(variant=red, warehouse=cn, quantity=2, reference="o2")
    assert country_flags(product) == {"CN": (True, False), "US": (True, False)}
    # Off sale by any writer (the trigger follows the product row, not a service).
    Product.objects.filter(pk=product.pk).update(is_on_sale=False)
    assert country_flags(product) == {"CN": (False, False), "US": (False, False)}
    services.stock_release(variant=red, warehouse=cn, quantity=1, reference="o2")
    assert country_flags(product) == {"CN": (False, True), "US": (False, True)}
    assert product_stock_mismatches() == []


def test_check_reports_a_drifted_country_flag(product):
    red = product.variants.order_by("pk").first()
    cn = WarehouseFactory(code="CN1", country="CN")
    services.stock_receive(variant=red, warehouse=cn, quantity=2, actor=None, reason="in")
    ProductCountryStock.objects.filter(product=product).update(product_in_stock=False)

    assert product_stock_mismatches() == [product.pk]
    product_stock_rebuild()
    assert country_flags(product) == {"CN": (True, True)}
    assert product_stock_mismatches() == []


def _fts_segments() -> int:
    """The number of segments in the SQLite full-text index: the structure record (rowid 10 of
    the FTS5 data table) starts with a 4-byte cookie, then the level and segment counts as
    varints (one byte each below 128)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT block FROM catalog_product_fts_data WHERE id = 10")
        return cursor.fetchone()[0][5]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_rebuild_leaves_the_full_text_index_merged(product):
    # A transactional test before this one (same worker) may have left full-text rows and
    # segments behind (the flush does not empty the FTS5 table): start from a merged index of
    # this test's products only.
    others = [make_inventory_product() for _ in range(3)]
    search_index_rebuild()
    assert _fts_segments() == 1
    # FTS5 merges four segments of a level by itself on a later write: off for this test (its
    # transaction rolls the setting back), so the segment count depends on the rebuild alone.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_product_fts(catalog_product_fts, rank) VALUES ('automerge', 0)"
        )
    cn = WarehouseFactory(code="CN1", country="CN")
    for other in others:
        variant = other.variants.get()
        services.stock_receive(variant=variant, warehouse=cn, quantity=2, actor=None, reason="in")
    # Each document rewritten by the stock markers' trigger went to a segment of its own.
    assert _fts_segments() > 1

    product_stock_rebuild()

    assert _fts_segments() == 1
    assert product_search_ids(keyword=others[0].name, min_available=1)[1] == [others[0].pk]
