"""PostgreSQL: ``catalog_searchdoc.keys``, a narrow copy of each on-sale product's search words
and markers, so a capped keyword count reads ~200-byte rows instead of ~900-byte product rows
(``catalog.search_pg.doc_count``; docs/benchmarks.md, "narrow search rows").

The table is a Django model (so test flushes and product deletes clear it); its ``keys`` column,
GIN index and triggers exist on PostgreSQL only. Triggers after INSERT / UPDATE of a product
keep the invariant of ``SearchDoc`` whatever writes the product (the ORM, ``QuerySet.update``,
raw SQL): a row exactly for each on-sale product with non-empty ``search_keys``, holding them
without ``n:`` / ``p:`` keys and ``~sale``. An update that changes neither ``search_keys`` nor
``is_on_sale`` (a stock movement that leaves the markers alone) does not touch it.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARD = [
    "ALTER TABLE catalog_searchdoc ADD COLUMN keys text[] NOT NULL DEFAULT '{}'",
    """
    CREATE FUNCTION catalog_search_doc_keys(search_keys text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$
        SELECT ARRAY(SELECT k FROM unnest(search_keys) k
                     WHERE k NOT LIKE 'n:%' AND k NOT LIKE 'p:%' AND k <> '~sale')
    $$
    """,
    """
    CREATE FUNCTION catalog_product_search_doc_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.is_on_sale AND cardinality(NEW.search_keys) > 0 THEN
            INSERT INTO catalog_searchdoc (product_id, keys)
            VALUES (NEW.id, catalog_search_doc_keys(NEW.search_keys))
            ON CONFLICT (product_id) DO UPDATE SET keys = EXCLUDED.keys;
        ELSIF TG_OP = 'UPDATE' THEN
            DELETE FROM catalog_searchdoc WHERE product_id = NEW.id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_product_search_doc_update AFTER UPDATE ON catalog_product
    FOR EACH ROW WHEN (OLD.search_keys IS DISTINCT FROM NEW.search_keys
                       OR OLD.is_on_sale IS DISTINCT FROM NEW.is_on_sale)
    EXECUTE FUNCTION catalog_product_search_doc_trigger()
    """,
    """
    CREATE TRIGGER catalog_product_search_doc_insert AFTER INSERT ON catalog_product
    FOR EACH ROW WHEN (NEW.is_on_sale AND cardinality(NEW.search_keys) > 0)
    EXECUTE FUNCTION catalog_product_search_doc_trigger()
    """,
    "INSERT INTO catalog_searchdoc (product_id, keys) "
    "SELECT id, catalog_search_doc_keys(search_keys) FROM catalog_product "
    "WHERE is_on_sale AND cardinality(search_keys) > 0",
    "CREATE INDEX catalog_searchdoc_keys_gin ON catalog_searchdoc USING GIN (keys)",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_search_doc_insert ON catalog_product",
    "DROP TRIGGER IF EXISTS catalog_product_search_doc_update ON catalog_product",
    "DROP FUNCTION IF EXISTS catalog_product_search_doc_trigger()",
    "DROP FUNCTION IF EXISTS catalog_search_doc_keys(text[])",
    "DROP INDEX IF EXISTS catalog_searchdoc_keys_gin",
    "ALTER TABLE catalog_searchdoc DROP COLUMN IF EXISTS keys",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0008_pictures_image_renditions'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDoc',
            fields=[
                ('product', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='catalog.product')),
            ],
        ),
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD)),
    ]
