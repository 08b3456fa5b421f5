import pytest

from dropyard.catalog.tests.factories import create_product
from dropyard.core.errors import NotFound
from dropyard.inventory import selectors, services
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.exceptions import ProductNotFound, VariantNotFound, WarehouseNotFound
from dropyard.inventory.models import Stock, Warehouse
from dropyard.inventory.tests.factories import (
    WarehouseFactory,
    make_inventory_product,
    make_stock,
    make_supplier_warehouse,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return make_inventory_product(variants=2)


@pytest.fixture
def variant(product):
    return product.variants.order_by("position").first()


def test_warehouse_list_filters_active_and_country():
    de = WarehouseFactory(code="DE1", country="DE")
    cn = WarehouseFactory(code="CN1", country="CN")
    WarehouseFactory(code="CN2", country="CN", is_active=False)

    assert list(selectors.warehouse_list()) == [cn, de]
    assert list(selectors.warehouse_list(country="de")) == [de]
    assert [w.code for w in selectors.warehouse_list(active_only=False)] == ["CN1", "CN2", "DE1"]


def test_warehouse_get_by_public_id_or_code():
    warehouse = WarehouseFactory(code="GB1", country="GB")

    assert selectors.warehouse_get(public_id=warehouse.public_id) == warehouse
    assert selectors.warehouse_get(code="gb1") == warehouse
    with pytest.raises(WarehouseNotFound):
        selectors.warehouse_get(public_id="nope")
    with pytest.raises(WarehouseNotFound):
        selectors.warehouse_get()


def test_warehouse_area_list_marks_countries_without_active_warehouse():
    WarehouseFactory(country="US")
    WarehouseFactory(country="US", is_active=False)
    WarehouseFactory(country="TH", is_active=False)

    assert selectors.warehouse_area_list() == [
        selectors.WarehouseArea(country="TH", active=False),
        selectors.WarehouseArea(country="US", active=True),
    ]


def test_area_id_is_iso_numeric():
    assert (selectors.area_id("CN"), selectors.area_id("US"), selectors.area_id("DE")) == (
        156,
        840,
        276,
    )


def test_stock_for_variant_shows_only_own_private_stock(variant, merchant, other_merchant):
    warehouse = WarehouseFactory()
    shared = make_stock(variant=variant, warehouse=warehouse, on_hand=5)
    mine = make_stock(variant=variant, warehouse=warehouse, on_hand=2, merchant=merchant)
    make_stock(variant=variant, warehouse=warehouse, on_hand=9, merchant=other_merchant)

    assert list(selectors.stock_for_variant(variant=variant)) == [shared]
    assert set(selectors.stock_for_variant(variant=variant, merchant=merchant)) == {shared, mine}


def test_stock_for_variant_skips_inactive_warehouses(variant, operator_admin):
    warehouse = WarehouseFactory()
    make_stock(variant=variant, warehouse=warehouse, on_hand=5)
    services.warehouse_set_active(warehouse=warehouse, is_active=False, actor=operator_admin)

    assert list(selectors.stock_for_variant(variant=variant)) == []


def test_inventory_by_country_splits_platform_and_factory(variant, merchant, other_merchant):
    cn_platform = WarehouseFactory(code="CN-P", country="CN")
    cn_factory = make_supplier_warehouse(code="CN-F", country="CN", is_verified=False)
    us = WarehouseFactory(code="US-P", country="US")
    make_stock(variant=variant, warehouse=cn_platform, on_hand=10, reserved=3)
    make_stock(variant=variant, warehouse=cn_factory, on_hand=100)
    make_stock(variant=variant, warehouse=us, on_hand=4)
    make_stock(variant=variant, warehouse=us, on_hand=6, merchant=merchant)
    make_stock(variant=variant, warehouse=us, on_hand=50, merchant=other_merchant)

    anonymous = selectors.inventory_by_country(variant=variant)
    mine = selectors.inventory_by_country(variant=variant, merchant=merchant)

    assert [(c.country, c.total, c.platform, c.factory, c.verified) for c in anonymous] == [
        ("CN", 107, 7, 100, False),
        ("US", 4, 4, 0, True),
    ]
    assert [(c.country, c.total, c.platform, c.private) for c in mine] == [
        ("CN", 107, 7, 0),
        ("US", 10, 10, 6),
    ]
    cn = anonymous[0]
    assert [(w.warehouse.code, w.platform, w.factory) for w in cn.warehouses] == [
        ("CN-F", 0, 100),
        ("CN-P", 7, 0),
    ]
    assert (cn.area_id, cn.area_en) == (156, "China")


def test_inventory_by_country_for_product_sums_variants(product):
    first, second = product.variants.order_by("position")
    warehouse = WarehouseFactory(country="DE")
    make_stock(variant=first, warehouse=warehouse, on_hand=3)
    make_stock(variant=second, warehouse=warehouse, on_hand=4, reserved=1)

    [germany] = selectors.inventory_by_country(product=product)
    per_variant = selectors.inventory_by_variant(product=product)

    assert (germany.country, germany.total) == ("DE", 6)
    assert [(v, [c.total for c in countries]) for v, countries in per_variant] == [
        (first, [3]),
        (second, [3]),
    ]


def test_inventory_by_country_needs_exactly_one_scope(product, variant):
    with pytest.raises(ValueError, match="exactly one"):
        selectors.inventory_by_country(product=product, variant=variant)


def test_movement_list_filters(variant, operator_admin):
    warehouse = WarehouseFactory()
    other = WarehouseFactory()
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=5, reserved=2)
    make_stock(variant=variant, warehouse=other, on_hand=1)

    by_stock = selectors.movement_list(stock=stock)
    by_warehouse = selectors.movement_list(warehouse=other)
    reservations = selectors.movement_list(variant=variant, kind="reservation")

    assert [m.kind for m in by_stock] == ["reservation", "receipt"]
    assert [m.on_hand_delta for m in by_warehouse] == [1]
    assert [m.reserved_delta for m in reservations] == [2]
    assert selectors.movement_list(reference="missing").count() == 0


def test_private_stock_list_is_per_merchant(variant, merchant, other_merchant):
    warehouse = WarehouseFactory()
    mine = make_stock(variant=variant, warehouse=warehouse, on_hand=2, merchant=merchant)
    make_stock(variant=variant, warehouse=warehouse, on_hand=3, merchant=other_merchant)
    make_stock(variant=variant, warehouse=warehouse, on_hand=4)

    assert list(selectors.private_stock_list(merchant=merchant)) == [mine]


def test_catalog_lookups(product, variant):
    assert selectors.variant_get_by_vid(vid=variant.public_id) == variant
    assert selectors.product_get_by_pid(pid=product.public_id) == product
    assert selectors.stock_lookup_by_sku(sku=variant.sku) == variant
    assert selectors.stock_lookup_by_sku(sku=product.sku) == product
    with pytest.raises(VariantNotFound):
        selectors.variant_get_by_vid(vid="x")
    with pytest.raises(ProductNotFound):
        selectors.product_get_by_pid(pid="x")
    with pytest.raises(VariantNotFound):
        selectors.stock_lookup_by_sku(sku="x")


# --- Operator back office -----------------------------------------------------------------------


def test_warehouse_list_searches_code_name_and_city_and_filters_state():
    berlin = WarehouseFactory(code="DEBER1", name="Berlin hub", city="Berlin", country="DE")
    paris = WarehouseFactory(code="FRPAR1", name="Paris", city="Roissy", country="FR")
    closed = WarehouseFactory(code="FRLYS1", name="Lyon", city="Lyon", is_active=False)

    def codes(**filters):
        return [w.code for w in selectors.warehouse_list(active_only=False, **filters)]

    assert codes(search="ber") == ["DEBER1"]
    assert codes(search="roissy") == [paris.code]
    assert codes(search="fr") == ["FRLYS1", "FRPAR1"]
    assert codes(is_active=False) == [closed.code]
    assert codes(is_active=True, country="de") == [berlin.code]


def test_stock_list_is_every_row_of_the_warehouse_by_sku(product, merchant):
    warehouse, elsewhere = WarehouseFactory(), WarehouseFactory()
    first, second = product.variants.order_by("sku")
    shared = make_stock(variant=first, warehouse=warehouse, on_hand=5)
    private = make_stock(variant=first, warehouse=warehouse, on_hand=2, merchant=merchant)
    other = make_stock(variant=second, warehouse=warehouse, on_hand=1)
    make_stock(variant=first, warehouse=elsewhere, on_hand=9)

    rows = list(selectors.stock_list(warehouse=warehouse))
    assert set(rows[:2]) == {shared, private}  # where NULL (shared) sorts depends on the database
    assert rows[2:] == [other]
    assert list(selectors.stock_list(warehouse=warehouse, sku=second.sku.lower())) == [other]
    assert len(selectors.stock_list(warehouse=warehouse, sku=product.sku)) == 3


def test_stock_get(variant):
    stock = make_stock(variant=variant, warehouse=WarehouseFactory(), on_hand=1)

    found = selectors.stock_get(pk=stock.pk)

    assert (found, found.variant, found.warehouse) == (stock, variant, stock.warehouse)
    with pytest.raises(NotFound):
        selectors.stock_get(pk=stock.pk + 1000)


def test_movement_list_filters_by_variant_sku(product):
    warehouse = WarehouseFactory()
    first, second = product.variants.order_by("sku")
    make_stock(variant=first, warehouse=warehouse, on_hand=1)
    make_stock(variant=second, warehouse=warehouse, on_hand=2)

    movements = selectors.movement_list(warehouse=warehouse, sku=second.sku[-4:])

    assert [m.stock.variant for m in movements] == [second]


def test_stock_totals_by_product(merchant):
    product = create_product(prices=(100, 200))
    empty = create_product()
    first, second = product.variants.order_by("position")
    platform = Warehouse.objects.create(code="P1", name="P1", country="US")
    factory = Warehouse.objects.create(
        code="F1", name="F1", country="CN", kind=WarehouseKind.SUPPLIER, is_verified=False
    )
    closed = Warehouse.objects.create(code="X1", name="X1", country="US", is_active=False)
    Stock.objects.create(variant=first, warehouse=platform, on_hand=10, reserved=2)
    Stock.objects.create(variant=second, warehouse=factory, on_hand=4)
    Stock.objects.create(variant=second, warehouse=platform, on_hand=50, merchant=merchant)
    Stock.objects.create(variant=first, warehouse=closed, on_hand=99)

    totals = selectors.stock_totals_by_product([product.pk, empty.pk])

    assert totals == {
        product.pk: selectors.StockTotals(platform=8, factory=4, verified=8, unverified=4)
    }
    assert totals[product.pk].total == 12
