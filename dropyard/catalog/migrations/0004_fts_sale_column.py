"""SQLite search: an on-sale marker in the FTS5 table (kept by a trigger), longer prefix indexes.

The column holds the token ``onsale`` or ``offsale``. A merchant search excludes off-sale
products inside FTS5 (``… NOT sale : offsale``) instead of joining every match to its product
row, so a keyword-only search and its capped count never leave the FTS index
(``dropyard.catalog.search``). The trigger keeps the token right for every write path,
including ``QuerySet.update``. PostgreSQL is unchanged (its query filters the product row).

Prefix indexes for 2 to 8 characters: a prefix query ("phone"*) then reads one stored doclist
instead of merging the doclists of every word with that prefix (phone, phones, phonecase…),
which made a capped count of a common word cost 20-30 ms at a million products instead of
under 1 ms (docs/benchmarks.md). The index is larger for it.

Django rebuilds a SQLite table for some ``ALTER``s, which drops its triggers: a later migration
that rebuilds ``catalog_product`` must re-create this trigger (``test_search`` checks it exists).
"""

from django.db import migrations

DOCUMENT_SELECT = (
    "SELECT p.id, p.name, p.sku || ' ' || COALESCE((SELECT group_concat(v.sku, ' ') "
    "FROM catalog_variant v WHERE v.product_id = p.id), ''), "
    "COALESCE(c3.name, '') || ' ' || COALESCE(c2.name, '') || ' ' || COALESCE(c1.name, ''), "
    "p.material{sale} FROM catalog_product p "
    "LEFT JOIN catalog_category c3 ON c3.id = p.category_id "
    "LEFT JOIN catalog_category c2 ON c2.id = c3.parent_id "
    "LEFT JOIN catalog_category c1 ON c1.id = c2.parent_id"
)
SALE_TOKEN = "CASE WHEN {row}.is_on_sale THEN 'onsale' ELSE 'offsale' END"
TRIGGER = (
    "CREATE TRIGGER catalog_product_fts_sale AFTER UPDATE OF is_on_sale ON catalog_product "
    "WHEN OLD.is_on_sale IS NOT NEW.is_on_sale BEGIN "
    f"UPDATE catalog_product_fts SET sale = {SALE_TOKEN.format(row='NEW')} "
    "WHERE rowid = NEW.id; END"
)

SQLITE_FORWARD = [
    "DROP TABLE IF EXISTS catalog_product_fts",
    "CREATE VIRTUAL TABLE catalog_product_fts USING fts5("
    "name, skus, categories, material, sale, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6 7 8')",
    "INSERT INTO catalog_product_fts(rowid, name, skus, categories, material, sale) "
    + DOCUMENT_SELECT.format(sale=", " + SALE_TOKEN.format(row="p")),
    TRIGGER,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_fts_sale",
    "DROP TABLE IF EXISTS catalog_product_fts",
    "CREATE VIRTUAL TABLE catalog_product_fts USING fts5("
    "name, skus, categories, material, tokenize = 'unicode61 remove_diacritics 2', "
    "prefix = '2 3')",
    "INSERT INTO catalog_product_fts(rowid, name, skus, categories, material) "
    + DOCUMENT_SELECT.format(sale=""),
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_product_video_url")]

    operations = [migrations.RunPython(_run(SQLITE_FORWARD), _run(SQLITE_BACKWARD))]
