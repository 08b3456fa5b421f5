"""Full-text search: an FTS5 table on SQLite, a tsvector column + GIN index on PostgreSQL.

Each database gets only its own structure (guarded by vendor); the ``Product`` model does not
declare either, and ``dropyard.catalog.search`` is the only code that reads or writes them.
Existing products are indexed here; later changes are indexed by the catalog services.
"""

from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE catalog_product_fts USING fts5("
    "name, skus, categories, material, tokenize = 'unicode61 remove_diacritics 2', "
    "prefix = '2 3')",
    "INSERT INTO catalog_product_fts(rowid, name, skus, categories, material) "
    "SELECT p.id, p.name, p.sku || ' ' || COALESCE((SELECT group_concat(v.sku, ' ') "
    "FROM catalog_variant v WHERE v.product_id = p.id), ''), "
    "COALESCE(c3.name, '') || ' ' || COALESCE(c2.name, '') || ' ' || COALESCE(c1.name, ''), "
    "p.material FROM catalog_product p "
    "LEFT JOIN catalog_category c3 ON c3.id = p.category_id "
    "LEFT JOIN catalog_category c2 ON c2.id = c3.parent_id "
    "LEFT JOIN catalog_category c1 ON c1.id = c2.parent_id",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS catalog_product_fts"]

POSTGRES_FORWARD = [
    "ALTER TABLE catalog_product ADD COLUMN search_vector tsvector",
    "CREATE INDEX catalog_product_search_gin ON catalog_product USING GIN (search_vector)",
    "UPDATE catalog_product p SET search_vector = "
    "setweight(to_tsvector('simple', p.name), 'A') "
    "|| setweight(to_tsvector('simple', p.sku || ' ' || COALESCE((SELECT string_agg(v.sku, ' ') "
    "FROM catalog_variant v WHERE v.product_id = p.id), '')), 'A') "
    "|| setweight(to_tsvector('simple', COALESCE(c3.name, '') || ' ' || COALESCE(c2.name, '') "
    "|| ' ' || COALESCE(c1.name, '')), 'B') "
    "|| setweight(to_tsvector('simple', p.material), 'C') "
    "FROM catalog_category c3 LEFT JOIN catalog_category c2 ON c2.id = c3.parent_id "
    "LEFT JOIN catalog_category c1 ON c1.id = c2.parent_id WHERE c3.id = p.category_id",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_gin",
    "ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["-created_at", "-id"], name="catalog_product_newest"),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
