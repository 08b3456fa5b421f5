"""PostgreSQL: the doc rows (``catalog_searchdoc``, migration 0009) also hold the ``n:`` name
keys and ``p:`` name-pair keys, so an on-sale keyword search ranks and completes its relevance
page on the narrow rows too (``catalog.search_pg.doc_relevance_page``): the tier of a match is
decided by which keys it holds, without reading the ~900-byte product row and its tsvector.

Invariant of ``SearchDoc`` from here on: a row exactly for each on-sale product with non-empty
``search_keys``, holding them without ``~sale`` (implied). The rows are refilled with the index
dropped and re-created (a GIN index built once is faster than a million in-place updates).
"""

from django.db import migrations

FILL = [
    # Checked row by row, so no trigger event is left pending when the index is built (refused
    # then). ALL: naming the constraint reaches the parent table's only, not the partitions'.
    "SET CONSTRAINTS ALL IMMEDIATE",
    "DROP INDEX catalog_searchdoc_keys_gin",
    "TRUNCATE catalog_searchdoc",
    "INSERT INTO catalog_searchdoc (product_id, keys) "
    "SELECT id, catalog_search_doc_keys(search_keys) FROM catalog_product "
    "WHERE is_on_sale AND cardinality(search_keys) > 0",
    "CREATE INDEX catalog_searchdoc_keys_gin ON catalog_searchdoc USING GIN (keys)",
]


def _keys_function(kept: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION catalog_search_doc_keys(search_keys text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$
        SELECT ARRAY(SELECT k FROM unnest(search_keys) k WHERE {kept})
    $$
    """


POSTGRES_FORWARD = [_keys_function("k <> '~sale'"), *FILL]
POSTGRES_BACKWARD = [
    _keys_function("k NOT LIKE 'n:%' AND k NOT LIKE 'p:%' AND k <> '~sale'"),
    *FILL,
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_search_doc"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD)),
    ]
