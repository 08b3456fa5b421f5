"""Per-product stock aggregates: what the catalog search filters and sorts on instead of the
stock table.

Kept here, in SQL that runs the same on SQLite and PostgreSQL:

- ``ProductCountryStock`` — one row per (product, warehouse country) where the product has a
  shared (non-private) stock row in an active warehouse, ``available`` = Σ (on_hand − reserved);
- ``Product.stock_available`` — the sum over those rows (0 when none);
- ``Product.stock_countries`` — their countries as ",CN,US," ("" when none), which the search
  tests with ``LIKE '%,US,%'`` on the product row it already reads;
- ``ProductCountryStock.product_on_sale`` / ``product_in_stock`` — the product's on-sale and
  in-stock state on each of its country rows (a trigger on the product row keeps them), so a
  country's capped count reads the (country, flags) index only.

Maintenance is explicit, like the search index: every inventory service that changes a shared
stock row's available quantity (receipt, adjustment, reservation, release, return — a shipment
changes on_hand and reserved alike, so not available), and warehouse activation or a country
change, calls ``product_stock_refresh`` in its own transaction. Bulk loaders call
``product_stock_rebuild()`` once after ``bulk_create``; ``product_stock_mismatches()`` is the
consistency check (``dropyard stock_aggregates --check``).

Concurrency: a refresh first locks the products' rows (PostgreSQL ``FOR NO KEY UPDATE``, in pk
order; SQLite serialises writers) and only then reads the stock rows, in a new statement. Under
READ COMMITTED that statement sees every change committed by a transaction that held the lock
before, plus this transaction's own, so two concurrent movements of one product cannot leave a
total that misses either of them. ``NO KEY`` keeps foreign-key checks (``FOR KEY SHARE``, e.g.
saving to My Products) from waiting on it.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from dropyard.catalog.search import search_index_merge

_CHUNK = 500

# The shared stock in active warehouses, per product and warehouse country.
_GROUPED = """
SELECT v.product_id, w.country, SUM(s.on_hand - s.reserved) AS available
FROM inventory_stock s
JOIN catalog_variant v ON v.id = s.variant_id
JOIN inventory_warehouse w ON w.id = s.warehouse_id
WHERE s.merchant_id IS NULL AND w.is_active = %s{scope}
GROUP BY v.product_id, w.country
"""

# A new row takes the product's flags as they stand; the UPDATE of the product that follows
# fires the flag trigger (inventory migration 0006) when its on-sale or in-stock state moves.
_UPSERT = (
    "INSERT INTO inventory_productcountrystock "
    "(product_id, country, available, product_on_sale, product_in_stock) "
    "SELECT g.product_id, g.country, g.available, p.is_on_sale, p.stock_available > 0 "
    "FROM (" + _GROUPED + ") g JOIN catalog_product p ON p.id = g.product_id"
    " WHERE TRUE ON CONFLICT (product_id, country) DO UPDATE SET available = excluded.available"
)

# Rows whose (product, country) no longer holds shared stock in an active warehouse.
_DELETE_STALE = """
DELETE FROM inventory_productcountrystock
WHERE {scope} NOT EXISTS (
    SELECT 1 FROM inventory_stock s
    JOIN catalog_variant v ON v.id = s.variant_id
    JOIN inventory_warehouse w ON w.id = s.warehouse_id
    WHERE v.product_id = inventory_productcountrystock.product_id
      AND w.country = inventory_productcountrystock.country
      AND s.merchant_id IS NULL AND w.is_active = %s)
"""

_TOTAL = (
    "COALESCE((SELECT SUM(c.available) FROM inventory_productcountrystock c "
    "WHERE c.product_id = catalog_product.id), 0)"
)
_COUNTRIES = {
    "postgresql": (
        "COALESCE((SELECT ',' || string_agg(c.country, ',' ORDER BY c.country) || ',' "
        "FROM inventory_productcountrystock c WHERE c.product_id = catalog_product.id), '')"
    ),
    "sqlite": (
        "COALESCE((SELECT ',' || group_concat(country, ',') || ',' FROM "
        "(SELECT c.country FROM inventory_productcountrystock c "
        "WHERE c.product_id = catalog_product.id ORDER BY c.country)), '')"
    ),
}


# Country rows whose copy of the product's state drifted (the trigger keeps it otherwise).
_FLAGS_REPAIR = (
    "UPDATE inventory_productcountrystock SET product_on_sale = p.is_on_sale, "
    "product_in_stock = p.stock_available > 0 FROM catalog_product p "
    "WHERE p.id = inventory_productcountrystock.product_id "
    "AND (inventory_productcountrystock.product_on_sale <> p.is_on_sale "
    "OR inventory_productcountrystock.product_in_stock <> (p.stock_available > 0))"
)


def _update_products(scope: str) -> str:
    """The UPDATE that derives the product columns from the country rows; only rows that
    change are written (a full rebuild then leaves unchanged products alone)."""
    total, countries = _TOTAL, _COUNTRIES[connection.vendor]
    return (
        f"UPDATE catalog_product SET stock_available = {total}, stock_countries = {countries} "
        f"WHERE {scope}(stock_available <> {total} OR stock_countries <> {countries})"
    )


def product_stock_refresh(product_ids: Iterable[int]) -> None:
    """Recompute the aggregates of these products (pks) from their stock rows.

    Invariant after the call (inside the caller's transaction): each given product's
    ``ProductCountryStock`` rows, ``stock_available`` and ``stock_countries`` equal what its
    stock rows and the warehouses' ``is_active`` / ``country`` give (see the module note on
    locking). Products that no longer exist are skipped.
    """
    ids = sorted({int(pk) for pk in product_ids})
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT id FROM catalog_product WHERE id IN ({marks}) "
                    "ORDER BY id FOR NO KEY UPDATE",
                    chunk,
                )
            cursor.execute(_UPSERT.format(scope=f" AND v.product_id IN ({marks})"), [True, *chunk])
            cursor.execute(
                _DELETE_STALE.format(scope=f"product_id IN ({marks}) AND"), [*chunk, True]
            )
            cursor.execute(_update_products(f"id IN ({marks}) AND "), chunk)


def warehouse_products(warehouse_id: int) -> list[int]:
    """The products with a shared stock row in this warehouse (whose aggregates a change to
    the warehouse's activation or country moves)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT v.product_id FROM inventory_stock s "
            "JOIN catalog_variant v ON v.id = s.variant_id "
            "WHERE s.warehouse_id = %s AND s.merchant_id IS NULL",
            [warehouse_id],
        )
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def product_stock_rebuild() -> None:
    """Recompute every product's aggregates in a few set-based statements (after bulk loads or
    to repair); only changed product rows are written.

    Invariant after the call: ``product_stock_mismatches()`` is empty.
    """
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(scope=""), [True])
        cursor.execute(_DELETE_STALE.format(scope=""), [True])
        if connection.vendor == "sqlite":
            # SQLite keeps the statistics of its last ANALYZE: taken when the country rows were
            # a handful, they make it plan the product UPDATE's per-product subqueries as scans
            # of every country row (a million scans of a million rows: the benchmark's rebuild
            # ran 25 minutes before it was stopped). PostgreSQL scales its estimates to the
            # table's current size.
            cursor.execute("ANALYZE inventory_productcountrystock")
        cursor.execute(_update_products(""))
        cursor.execute(_FLAGS_REPAIR)
    # The product UPDATE rewrote the full-text documents of every product whose stock markers
    # changed (SQLite trigger, catalog migration 0007): merge the index as a rebuild does.
    search_index_merge()


def product_stock_mismatches(limit: int = 100) -> list[int]:
    """Products (pks, at most ``limit``) whose stored aggregates differ from a recomputation
    from the stock table; empty when consistent."""
    grouped = _GROUPED.format(scope="")
    countries = {
        "postgresql": "',' || string_agg(g.country, ',' ORDER BY g.country) || ','",
        "sqlite": "',' || group_concat(g.country, ',') || ','",
    }[connection.vendor]
    # SQLite's group_concat follows the input order, hence the ordered sub-select.
    ordered = "g"
    if connection.vendor == "sqlite":
        ordered = "(SELECT * FROM g ORDER BY product_id, country)"
    sql = f"""
    WITH g(product_id, country, available) AS ({grouped}),
    t AS (SELECT g.product_id, SUM(g.available) AS total, {countries} AS countries
          FROM {ordered} g GROUP BY g.product_id)
    SELECT p.id FROM catalog_product p LEFT JOIN t ON t.product_id = p.id
    WHERE p.stock_available <> COALESCE(t.total, 0)
       OR p.stock_countries <> COALESCE(t.countries, '')
    UNION
    SELECT COALESCE(c.product_id, g.product_id) FROM inventory_productcountrystock c
    FULL OUTER JOIN g ON g.product_id = c.product_id AND g.country = c.country
    WHERE c.product_id IS NULL OR g.product_id IS NULL OR c.available <> g.available
    UNION
    SELECT c.product_id FROM inventory_productcountrystock c
    JOIN catalog_product p ON p.id = c.product_id
    WHERE c.product_on_sale <> p.is_on_sale OR c.product_in_stock <> (p.stock_available > 0)
    ORDER BY 1 LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, limit])
        return [row[0] for row in cursor.fetchall()]
