"""PostgreSQL's narrow search rows (catalog migration 0009): one ``catalog_searchdoc`` row per
on-sale product with its words and stock / country markers, kept by triggers whatever writes
the product, and on-sale keyword counts taken from them equal to the product rows' counts."""

import pytest
from django.db import connection

from dropyard.catalog import search_pg
from dropyard.catalog.models import Product
from dropyard.catalog.search import product_search_ids, search_index_update
from dropyard.catalog.tests.factories import create_product

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the narrow search rows are PostgreSQL's"
    ),
]


def _docs() -> dict[int, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT product_id, keys FROM catalog_searchdoc")
        return {pk: sorted(keys) for pk, keys in cursor.fetchall()}


def _product_keys(pk: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_keys FROM catalog_product WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_doc_rows_hold_the_words_and_markers_of_on_sale_products_only():
    mount = create_product(name="Magnetic Phone Mount")
    lamp = create_product(name="Desk Lamp")
    Product.objects.filter(pk=lamp.pk).update(is_on_sale=False)

    keys = _product_keys(mount.pk)
    assert "n:magnetic" in keys
    assert "~sale" in keys
    assert any(key.startswith("p:") for key in keys)
    assert list(_docs()) == [mount.pk]
    assert _docs()[mount.pk] == sorted(
        k for k in keys if not k.startswith(("n:", "p:")) and k != "~sale"
    )
    assert {"magnetic", "phone", "mount"} <= set(_docs()[mount.pk])


def test_doc_rows_follow_sale_stock_renames_and_deletes():
    mount = create_product(name="Magnetic Phone Mount")
    assert list(_docs()) == [mount.pk]

    # Off sale: the row goes (a bulk update, no Python code of ours runs).
    Product.objects.filter(pk=mount.pk).update(is_on_sale=False)
    assert _docs() == {}
    Product.objects.filter(pk=mount.pk).update(is_on_sale=True)
    assert list(_docs()) == [mount.pk]

    # Stock markers follow the aggregate columns.
    Product.objects.filter(pk=mount.pk).update(stock_available=3, stock_countries=",DE,US,")
    assert {"~stock", "~c:DE", "~c:US"} <= set(_docs()[mount.pk])
    Product.objects.filter(pk=mount.pk).update(stock_available=0, stock_countries=",DE,")
    assert "~stock" not in _docs()[mount.pk]
    assert "~c:US" not in _docs()[mount.pk]
    assert "~c:DE" in _docs()[mount.pk]

    # A rename re-indexes the words.
    Product.objects.filter(pk=mount.pk).update(name="Bamboo Desk Lamp")
    search_index_update([mount.pk])
    assert "bamboo" in _docs()[mount.pk]
    assert "magnetic" not in _docs()[mount.pk]

    # Deleting the product deletes its row.
    Product.objects.get(pk=mount.pk).variants.all().delete()
    Product.objects.filter(pk=mount.pk).delete()
    assert _docs() == {}


def test_on_sale_counts_from_doc_rows_equal_the_product_rows():
    names = [
        "Magnetic Phone Mount",
        "Magnetic Phone Case",
        "Phone Stand",
        "Desk Lamp",
        "Magnetic Desk Lamp",
        "Yoga Mat",
    ]
    products = [create_product(name=name) for name in names]
    Product.objects.filter(pk=products[1].pk).update(is_on_sale=False)
    Product.objects.filter(pk__in=[products[0].pk, products[3].pk, products[4].pk]).update(
        stock_available=2, stock_countries=",US,"
    )
    with connection.cursor() as cursor:
        for keyword, marks in [
            ("phone", ["~sale"]),
            ("magn", ["~sale"]),
            ("magnetic lamp", ["~sale"]),
            ("phone", ["~sale", "~stock"]),
            ("lamp", ["~sale", "~stock", "~c:US"]),
            ("zzz", ["~sale"]),
        ]:
            tokens = keyword.split()
            words = search_pg.expansions(cursor, tokens)
            assert words is not None
            where, params = search_pg.word_conditions(words, marks)
            from_product = search_pg.index_count(cursor, where, params, None)
            for cap in (None, 1):
                from_docs = search_pg.doc_count(cursor, words, marks, cap)
                assert from_docs == (from_product if cap is None else min(from_product, 1))
        # Markers alone (the stock filter without a keyword).
        assert search_pg.doc_count(cursor, [], ["~sale", "~stock"], None) == 3

    # Through the search: on-sale totals come from the doc rows; the off-sale search does not.
    assert product_search_ids(keyword="magnetic")[0] == 2
    assert product_search_ids(keyword="magnetic", on_sale_only=False)[0] == 3
    assert product_search_ids(keyword="lamp", min_available=1, warehouse_country="US")[0] == 2
    assert product_search_ids(min_available=1)[0] == 3
