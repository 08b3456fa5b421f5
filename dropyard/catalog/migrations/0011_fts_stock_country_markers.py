"""SQLite search: one marker per stock country of an in-stock product, beside the two it joins.

The FTS5 column ``sale`` of an in-stock product with stock rows in China and the US now reads
"onsale instock CN US instockCN instockUS" (tokens are case-folded). A keyword search with both
``startWarehouseInventory=1`` and ``countryCode`` asks FTS5 for one marker (``instockus``)
instead of intersecting two: each marker's doclist spans most of a large catalog, and walking
it cost about 4 ms of a keyword count at a million products (docs/benchmarks.md, 2026-12-07,
session 14). The trigger of migration 0007 is re-created with the new expression (its ``WHEN``
is unchanged: the markers still depend only on on-sale, in-stock and the country list), and the
documents of in-stock products with stock countries are rewritten and the index is merged
(41.9 s on the benchmark's catalog of a million products). PostgreSQL is unchanged.
"""

from django.db import migrations

MARKERS = (
    "CASE WHEN {row}.is_on_sale THEN 'onsale' ELSE 'offsale' END "
    "|| CASE WHEN {row}.stock_available > 0 THEN ' instock' ELSE '' END "
    "|| replace({row}.stock_countries, ',', ' ')"
    "{combined}"
)
# ",CN,US," -> " instockCN instockUS" when the product has available stock.
COMBINED = (
    " || CASE WHEN {row}.stock_available > 0 "
    "THEN replace(rtrim({row}.stock_countries, ','), ',', ' instock') ELSE '' END"
)


def _markers(row: str, *, combined: bool) -> str:
    return MARKERS.format(row=row, combined=COMBINED.format(row=row) if combined else "")


def _statements(*, combined: bool) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS catalog_product_fts_sale",
        "CREATE TRIGGER catalog_product_fts_sale AFTER UPDATE OF is_on_sale, stock_available, "
        "stock_countries ON catalog_product WHEN OLD.is_on_sale IS NOT NEW.is_on_sale "
        "OR (OLD.stock_available > 0) IS NOT (NEW.stock_available > 0) "
        "OR OLD.stock_countries IS NOT NEW.stock_countries BEGIN "
        f"UPDATE catalog_product_fts SET sale = {_markers('NEW', combined=combined)} "
        "WHERE rowid = NEW.id; END",
        "UPDATE catalog_product_fts SET sale = (SELECT "
        + _markers("p", combined=combined)
        + " FROM catalog_product p WHERE p.id = catalog_product_fts.rowid) "
        "WHERE rowid IN (SELECT id FROM catalog_product "
        "WHERE stock_available > 0 AND stock_countries <> '' AND private_for_id IS NULL)",
        # Rewriting most documents leaves the index in many segments, each searched apart
        # (measured: keyword counts twice as slow until merged); merge them as a rebuild does.
        "INSERT INTO catalog_product_fts(catalog_product_fts) VALUES ('optimize')",
    ]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_product_private_for_merchantprice")]

    operations = [
        migrations.RunPython(
            _run(_statements(combined=True)), _run(_statements(combined=False))
        ),
    ]
