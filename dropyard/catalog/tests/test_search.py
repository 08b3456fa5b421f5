"""Full-text product search (FTS5 on SQLite, tsvector on PostgreSQL) and its filters/sorts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dropyard.catalog import services
from dropyard.catalog.models import Product
from dropyard.catalog.search import (
    fts5_query,
    product_search,
    search_index_rebuild,
    search_index_update,
    search_tokens,
    tsquery_text,
)
from dropyard.catalog.tests.factories import (
    ProductFactory,
    VariantFactory,
    create_product,
    make_category_path,
)
from dropyard.inventory.aggregates import product_stock_refresh
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import ProductCountryStock, Stock, Warehouse

pytestmark = pytest.mark.django_db


def names(result):
    return [p.name for p in result[1]]


def warehouse(code: str, country: str, **fields) -> Warehouse:
    return Warehouse.objects.create(code=code, name=code, country=country, **fields)


def stock(product: Product, wh: Warehouse, on_hand: int, reserved: int = 0, merchant=None):
    row = Stock.objects.create(
        variant=product.variants.first(),
        warehouse=wh,
        on_hand=on_hand,
        reserved=reserved,
        merchant=merchant,
    )
    product_stock_refresh([product.pk])  # rows made directly, not by the inventory services
    return row


# --- Pure helpers -------------------------------------------------------------------------------


def test_search_tokens_and_query_text():
    tokens = search_tokens('Blue "TED"* (x_y) -- ÄRGER')

    assert tokens == ["blue", "ted", "x", "y", "ärger"]
    assert fts5_query(tokens[:2]) == '{name skus categories material} : ("blue"* "ted"*)'
    assert tsquery_text(tokens[:2]) == "blue:* & ted:*"


# --- Matching -----------------------------------------------------------------------------------


def test_prefix_matching_of_partial_words():
    create_product(name="Blue Teddy Bear")
    create_product(name="Blue Kettle")
    create_product(name="Red Teddy Bear")

    assert names(product_search(keyword="blue ted")) == ["Blue Teddy Bear"]
    assert product_search(keyword="ted")[0] == 2


def test_matches_product_and_variant_sku_category_and_material():
    leaf = make_category_path("Outdoor", "Camping", "Lanterns")
    lantern = create_product(name="Storm light", category=leaf, material="Aluminium")
    other = create_product(name="Desk fan")
    variant_sku = lantern.variants.first().sku

    assert product_search(keyword=lantern.sku)[1] == [lantern]
    assert product_search(keyword=variant_sku)[1] == [lantern]
    assert product_search(keyword="camp")[1] == [lantern]
    assert product_search(keyword="outdoor lantern")[1] == [lantern]
    assert product_search(keyword="alumin")[1] == [lantern]
    assert product_search(keyword="desk")[1] == [other]


def test_keyword_with_only_punctuation_matches_everything():
    create_product(name="A thing")

    assert product_search(keyword='"*()')[0] == 1


def test_relevance_ranks_name_matches_first():
    in_material = create_product(name="Storage box", material="Bamboo")
    in_name = create_product(name="Bamboo cutting board")

    assert product_search(keyword="bamboo")[1] == [in_name, in_material]


def test_off_sale_products_hidden_unless_asked():
    shown = create_product(name="Garden hose")
    hidden = create_product(name="Garden gnome")
    services.product_set_on_sale(product=hidden, on_sale=False, reason="Recall", actor=None)

    assert product_search(keyword="garden")[1] == [shown]
    assert product_search(keyword="garden", on_sale_only=False)[0] == 2


def test_rebuild_indexes_bulk_created_products():
    leaf = make_category_path()
    Product.objects.bulk_create(
        [Product(sku=f"BULK{i}", name=f"Bulk widget {i}", category=leaf) for i in range(3)]
    )
    assert product_search(keyword="widget")[0] == 0

    search_index_rebuild()

    assert product_search(keyword="widget")[0] == 3


def test_deleted_products_leave_the_index_on_update():
    product = create_product(name="Temporary item")
    pk = product.pk
    product.delete()

    search_index_update([pk])

    assert product_search(keyword="tempor") == (0, [])


# --- Filters ------------------------------------------------------------------------------------


def test_category_filter_includes_descendants():
    leaf = make_category_path("Toys", "Plush", "Bears")
    sibling_leaf = services.category_create(name="Dogs", parent=leaf.parent)
    elsewhere = create_product(name="Bear lamp")
    bear = create_product(name="Bear A", category=leaf)
    dog = create_product(name="Dog B", category=sibling_leaf)

    top = leaf.parent.parent
    assert set(product_search(category_id=top.pk)[1]) == {bear, dog}
    assert product_search(category_id=leaf.parent.pk)[0] == 2
    assert product_search(category_id=leaf.pk)[1] == [bear]
    assert product_search(keyword="bear", category_id=top.pk)[1] == [bear]
    assert elsewhere not in product_search(category_id=top.pk)[1]


def test_price_range_filters_on_lowest_price():
    create_product(name="Cheap", prices=(500, 5000))
    create_product(name="Mid", prices=(1500,))
    create_product(name="Dear", prices=(3000,))

    assert names(product_search(min_price_minor=1000, max_price_minor=3000, sort="price_asc")) == [
        "Mid",
        "Dear",
    ]
    assert names(product_search(max_price_minor=500)) == ["Cheap"]


def test_warehouse_country_and_in_stock_filters(merchant):
    us = warehouse("US1", "US")
    de = warehouse("DE1", "DE")
    closed = warehouse("US2", "US", is_active=False)
    in_us = create_product(name="In US")
    sold_out_us = create_product(name="Sold out US")
    in_de = create_product(name="In DE")
    private_only = create_product(name="Private US")
    closed_only = create_product(name="Closed US")
    no_stock = create_product(name="Nowhere")
    stock(in_us, us, 5)
    stock(sold_out_us, us, 3, reserved=3)
    stock(in_de, de, 1)
    stock(private_only, us, 9, merchant=merchant)
    stock(closed_only, closed, 9)

    assert set(product_search(warehouse_country="us")[1]) == {in_us, sold_out_us}
    assert product_search(warehouse_country="US", in_stock=True)[1] == [in_us]
    assert set(product_search(in_stock=True)[1]) == {in_us, in_de}
    assert set(product_search(in_stock=False)[1]) == {
        sold_out_us,
        private_only,
        closed_only,
        no_stock,
    }


def test_in_stock_counts_supplier_warehouses(merchant):
    factory_wh = warehouse("CNF", "CN", kind=WarehouseKind.SUPPLIER)
    product = create_product(name="Factory stocked")
    stock(product, factory_wh, 2)

    assert product_search(warehouse_country="CN", in_stock=True)[1] == [product]


# --- Sorting and paging -------------------------------------------------------------------------


def test_sorts():
    now = timezone.now()
    a = ProductFactory(name="Alpha", min_price_minor=300, listed_count=5)
    b = ProductFactory(name="Bravo", min_price_minor=100, listed_count=50)
    c = ProductFactory(name="Charlie", min_price_minor=200, listed_count=0)
    for offset, product in ((3, a), (2, b), (1, c)):
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(days=offset))
    search_index_rebuild()

    assert names(product_search(sort="price_asc")) == ["Bravo", "Charlie", "Alpha"]
    assert names(product_search(sort="price_desc")) == ["Alpha", "Charlie", "Bravo"]
    assert names(product_search(sort="newest")) == ["Charlie", "Bravo", "Alpha"]
    assert names(product_search(sort="oldest")) == ["Alpha", "Bravo", "Charlie"]
    assert names(product_search(sort="listings")) == ["Bravo", "Alpha", "Charlie"]
    assert names(product_search(sort="relevance")) == ["Charlie", "Bravo", "Alpha"]


def test_inventory_sort():
    wh = warehouse("CN1", "CN")
    few = create_product(name="Few")
    many = create_product(name="Many")
    create_product(name="None")
    stock(few, wh, 2)
    stock(many, wh, 20)

    assert names(product_search(sort="inventory"))[:2] == ["Many", "Few"]
    assert names(product_search(sort="inventory_asc"))[2] == "Many"


def test_unknown_sort_is_refused():
    with pytest.raises(ValueError, match="unknown sort"):
        product_search(sort="random")


def test_paging_and_count_cap():
    leaf = make_category_path()
    for i in range(7):
        product = ProductFactory(name=f"Pen {i}", category=leaf)
        VariantFactory(product=product)
    search_index_rebuild()

    total, page = product_search(keyword="pen", sort="oldest", offset=5, limit=5)
    assert (total, [p.name for p in page]) == (7, ["Pen 5", "Pen 6"])
    assert product_search(keyword="pen", count_cap=3, limit=2)[0] == 3
    assert product_search(keyword="pen", offset=10) == (7, [])


def test_result_products_come_with_relations_loaded(django_assert_num_queries):
    create_product(name="Loaded one", prices=(100, 200))

    # count, ids, products (+category path), variants, images; PostgreSQL adds the prefix
    # expansion and the two planner settings around its index-only count (search_pg).
    with django_assert_num_queries(5 if connection.vendor == "sqlite" else 8):
        _, products = product_search(keyword="loaded")
        assert [v.price_minor for v in products[0].variants.all()] == [100, 200]
        assert products[0].category.parent.parent.level == 1


def test_relevance_tiers_are_phrase_then_title_then_anywhere():
    phrase = create_product(name="Desk lamp with clamp")
    scattered = create_product(name="Lamp for the desk")
    in_category = create_product(name="Clamp light", material="Desk lamp steel")
    newer_phrase = create_product(name="Small desk lamp")

    _, found = product_search(keyword="desk lamp")

    assert found == [newer_phrase, phrase, scattered, in_category]


def test_relevance_tier_expressions():
    from dropyard.catalog.search import relevance_tiers  # noqa: PLC0415

    assert relevance_tiers(["lamp"]) == [
        '({name skus} : ("lamp"*))',
        '({name skus categories material} : ("lamp"*)) NOT ({name skus} : ("lamp"*))',
    ]
    assert relevance_tiers(["desk", "la"]) == [
        '({name skus} : "desk la"*)',
        '({name skus} : ("desk"* "la"*)) NOT ({name skus} : "desk la"*)',
        '({name skus categories material} : ("desk"* "la"*)) NOT ({name skus} : ("desk"* "la"*))',
    ]


def test_sale_marker_follows_every_write_path():
    # The FTS5 "sale" column is kept by a trigger (catalog migration 0004), so even a bulk
    # QuerySet.update hides an off-sale product from merchant searches at once.
    first = create_product(name="Onion slicer")
    second = create_product(name="Onion chopper")

    Product.objects.filter(pk=first.pk).update(is_on_sale=False)

    assert product_search(keyword="onion")[1] == [second]
    assert product_search(keyword="onion", on_sale_only=False)[0] == 2
    Product.objects.filter(pk=first.pk).update(is_on_sale=True)
    assert product_search(keyword="onion")[0] == 2


def test_keyword_does_not_match_the_sale_marker():
    create_product(name="Plain mug")

    assert product_search(keyword="onsale", on_sale_only=False)[0] == 0
    assert product_search(keyword="offs", on_sale_only=False)[0] == 0


@pytest.mark.parametrize("count_cap", [None, 4])
def test_relevance_pages_follow_tiers_then_newest(count_cap):
    # Oracle: tier computed in Python from the names (1: "lamp" in the name, 2: elsewhere),
    # newest (highest pk) first within a tier; off-sale products skipped.
    leaf = make_category_path()
    products = []
    for i in range(12):
        in_name = i % 3 != 0
        products.append(
            create_product(
                name=f"Desk lamp {i}" if in_name else f"Reading light {i}",
                material="" if in_name else "Lamp glass",
                category=leaf,
            )
        )
    off_sale = products[4:6]
    Product.objects.filter(pk__in=[p.pk for p in off_sale]).update(is_on_sale=False)
    shown = [p for p in products if p not in off_sale]
    expected = sorted(shown, key=lambda p: ("lamp" not in p.name.lower(), -p.pk))

    pages = [
        product_search(keyword="lamp", offset=offset, limit=3, count_cap=count_cap)[1]
        for offset in (0, 3, 6, 9)
    ]

    # The cap bounds the count only; pages before it follow the full order.
    total = product_search(keyword="lamp", count_cap=count_cap)[0]
    assert total == (10 if count_cap is None else 4)
    assert pages == [expected[o : o + 3] if o < total else [] for o in (0, 3, 6, 9)]


def test_stock_markers_follow_every_write_path():
    # The stock and country markers of the index (FTS5 "sale" column / PostgreSQL search_keys)
    # are kept by triggers from the product's aggregate columns (catalog migration 0006), so a
    # keyword search with the stock filters sees every change at once, bulk updates included.
    stocked = create_product(name="Garlic press")
    create_product(name="Garlic peeler")
    assert product_search(keyword="garlic", min_available=1)[0] == 0

    # The country rows the aggregates write with those columns: PostgreSQL counts a country
    # without a keyword from them (their flags follow the product row by trigger).
    for country in ("DE", "US"):
        ProductCountryStock.objects.create(product=stocked, country=country, available=2)
    Product.objects.filter(pk=stocked.pk).update(stock_available=4, stock_countries=",DE,US,")
    assert product_search(keyword="garlic", min_available=1)[1] == [stocked]
    assert product_search(keyword="garlic", warehouse_country="us")[1] == [stocked]
    assert product_search(warehouse_country="DE", min_available=1)[1] == [stocked]
    assert product_search(keyword="garlic", warehouse_country="GB")[0] == 0
    # In stock and a country together (one SQLite marker, catalog migration 0011).
    assert product_search(keyword="garlic", min_available=1, warehouse_country="US")[1] == [stocked]
    assert product_search(keyword="garlic", min_available=1, warehouse_country="GB")[0] == 0

    Product.objects.filter(pk=stocked.pk).update(stock_available=3, stock_countries=",DE,")
    assert product_search(keyword="garlic", min_available=1, warehouse_country="US")[0] == 0
    assert product_search(keyword="garlic", min_available=1, warehouse_country="DE")[1] == [stocked]
    assert product_search(min_available=1, warehouse_country="DE")[1] == [stocked]

    Product.objects.filter(pk=stocked.pk).update(stock_available=0, stock_countries=",DE,")
    assert product_search(keyword="garlic", min_available=1)[0] == 0
    assert product_search(keyword="garlic", warehouse_country="US")[0] == 0
    assert product_search(keyword="garlic", warehouse_country="DE")[1] == [stocked]
    assert product_search(keyword="garlic", min_available=1, warehouse_country="DE")[0] == 0
    assert product_search(min_available=1, warehouse_country="DE")[0] == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 document is SQLite's")
def test_sqlite_document_holds_a_marker_per_stock_country_of_an_in_stock_product():
    product = create_product(name="Garlic press")
    Product.objects.filter(pk=product.pk).update(stock_available=4, stock_countries=",DE,US,")

    def markers() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sale FROM catalog_product_fts WHERE rowid = %s", [product.pk])
            return cursor.fetchone()[0].split()

    # Kept by the trigger on the product row, and written the same by a rebuild.
    assert markers() == ["onsale", "instock", "DE", "US", "instockDE", "instockUS"]
    search_index_rebuild()
    assert markers() == ["onsale", "instock", "DE", "US", "instockDE", "instockUS"]
    Product.objects.filter(pk=product.pk).update(stock_available=0)
    assert markers() == ["onsale", "DE", "US"]
