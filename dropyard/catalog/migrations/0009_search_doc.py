"""PostgreSQL: ``catalog_searchdoc.keys``, a narrow copy of each on-sale product's search words
and markers, so a capped keyword count reads ~200-byte rows instead of ~900-byte product rows
(``catalog.search_pg.doc_count``; docs/benchmarks.md, "narrow search rows").

The table is a Django model (so test flushes and product deletes clear it); on PostgreSQL it is
re-created with its ``keys`` column as 16 hash partitions by product (see ``PARTITIONS``), with
a GIN index and the triggers. Triggers after INSERT / UPDATE of a product
keep the invariant of ``SearchDoc`` whatever writes the product (the ORM, ``QuerySet.update``,
raw SQL): a row exactly for each on-sale product with non-empty ``search_keys``, holding them
without ``n:`` / ``p:`` keys and ``~sale``. An update that changes neither ``search_keys`` nor
``is_on_sale`` (a stock movement that leaves the markers alone) does not touch it.
"""

import django.db.models.deletion
from django.db import migrations, models

# Hash partitions of the doc rows: a capped count reads them one after another (an Append under
# the LIMIT) and stops when it has the cap, so a common word's bitmap is built for one or two
# sixteenths of the catalog instead of all of it.
PARTITIONS = 16

POSTGRES_FORWARD = [
    # Re-created partitioned, with the same columns and constraints as the model's table.
    "DROP TABLE catalog_searchdoc",
    "CREATE TABLE catalog_searchdoc (product_id bigint NOT NULL PRIMARY KEY "
    "CONSTRAINT catalog_searchdoc_product_id_fk_catalog_product_id "
    "REFERENCES catalog_product (id) DEFERRABLE INITIALLY DEFERRED, "
    "keys text[] NOT NULL DEFAULT '{}') PARTITION BY HASH (product_id)",
    *(
        f"CREATE TABLE catalog_searchdoc_p{i:02d} PARTITION OF catalog_searchdoc "
        f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {i})"
        for i in range(PARTITIONS)
    ),
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
    # Checked row by row: a deferred check would leave trigger events pending, and PostgreSQL
    # refuses CREATE INDEX on a table with pending events in the same transaction.
    "SET CONSTRAINTS catalog_searchdoc_product_id_fk_catalog_product_id IMMEDIATE",
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
    "DROP TABLE IF EXISTS catalog_searchdoc",
    "CREATE TABLE catalog_searchdoc (product_id bigint NOT NULL PRIMARY KEY "
    "CONSTRAINT catalog_searchdoc_product_id_fk_catalog_product_id "
    "REFERENCES catalog_product (id) DEFERRABLE INITIALLY DEFERRED)",
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
