"""Search keys: the stock and on-sale markers in the full-text index, and on PostgreSQL an
exact (recheck-free) GIN index of words, name words, name word pairs and markers.

SQLite: the FTS5 column ``sale`` now holds ``onsale``/``offsale``, ``instock`` when the product
has available shared stock, and the codes of its stock countries ("onsale instock cn us"), kept
by the trigger (re-created here) on ``is_on_sale``, ``stock_available`` and ``stock_countries``.
A keyword search with ``startWarehouseInventory=1`` or ``countryCode`` then stays inside FTS5,
and so does the capped count of those filters without a keyword.

PostgreSQL: ``catalog_product.search_keys`` (text[], GIN ``array_ops``), derived from
``search_vector`` by ``catalog_search_keys()``: every lexeme, ``n:<lexeme>`` for lexemes of the
name and SKUs (weight A), ``p:<a> <b>`` for adjacent weight-A lexemes, and the markers ``~sale``,
``~stock``, ``~c:<country>``. Unlike ``tsvector @@`` (which GIN always rechecks on the heap),
``&&`` / ``@>`` on an array are answered by the index alone, so a capped ``COUNT`` skips the
heap for all-visible pages. A BEFORE UPDATE trigger keeps the keys in step with the vector and
the marker columns (only when one of them changes, so a stock movement that leaves the markers
alone stays a HOT update). ``catalog_search_word`` (C collation) lists every lexeme, for
expanding a prefix ("magn" → magnet, magnetic…) into the words the array holds
(``dropyard.catalog.search``).
"""

from django.db import migrations

SQLITE_MARKERS = (
    "CASE WHEN {row}.is_on_sale THEN 'onsale' ELSE 'offsale' END "
    "|| CASE WHEN {row}.stock_available > 0 THEN ' instock' ELSE '' END "
    "|| replace({row}.stock_countries, ',', ' ')"
)
SQLITE_TRIGGER = (
    "CREATE TRIGGER catalog_product_fts_sale AFTER UPDATE OF is_on_sale, stock_available, "
    "stock_countries ON catalog_product WHEN OLD.is_on_sale IS NOT NEW.is_on_sale "
    "OR (OLD.stock_available > 0) IS NOT (NEW.stock_available > 0) "
    "OR OLD.stock_countries IS NOT NEW.stock_countries BEGIN "
    f"UPDATE catalog_product_fts SET sale = {SQLITE_MARKERS.format(row='NEW')} "
    "WHERE rowid = NEW.id; END"
)
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_fts_sale",
    SQLITE_TRIGGER,
    "UPDATE catalog_product_fts SET sale = (SELECT "
    + SQLITE_MARKERS.format(row="p")
    + " FROM catalog_product p WHERE p.id = catalog_product_fts.rowid) "
    "WHERE rowid IN (SELECT id FROM catalog_product "
    "WHERE stock_available > 0 OR stock_countries <> '')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_fts_sale",
    "CREATE TRIGGER catalog_product_fts_sale AFTER UPDATE OF is_on_sale ON catalog_product "
    "WHEN OLD.is_on_sale IS NOT NEW.is_on_sale BEGIN "
    "UPDATE catalog_product_fts SET sale = CASE WHEN NEW.is_on_sale THEN 'onsale' "
    "ELSE 'offsale' END WHERE rowid = NEW.id; END",
]

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION catalog_search_markers(on_sale boolean, available bigint, countries text)
    RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN on_sale THEN ARRAY['~sale'] ELSE ARRAY[]::text[] END
            || CASE WHEN available > 0 THEN ARRAY['~stock'] ELSE ARRAY[]::text[] END
            || ARRAY(SELECT '~c:' || c FROM unnest(string_to_array(countries, ',')) c
                     WHERE c <> '')
    $$
    """,
    """
    CREATE FUNCTION catalog_search_keys(
        v tsvector, on_sale boolean, available bigint, countries text
    ) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
        WITH a AS (
            SELECT u.lexeme, x.pos FROM unnest(v) u,
                unnest(u.positions, u.weights) AS x(pos, weight)
            WHERE x.weight = 'A'
        )
        SELECT ARRAY(SELECT lexeme FROM unnest(v))
            || ARRAY(SELECT DISTINCT 'n:' || lexeme FROM a)
            || ARRAY(SELECT DISTINCT 'p:' || a1.lexeme || ' ' || a2.lexeme
                     FROM a a1 JOIN a a2 ON a2.pos = a1.pos + 1)
            || catalog_search_markers(on_sale, available, countries)
    $$
    """,
    """
    CREATE FUNCTION catalog_product_search_keys_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_keys := catalog_search_keys(
            COALESCE(NEW.search_vector, ''::tsvector), NEW.is_on_sale, NEW.stock_available,
            NEW.stock_countries);
        RETURN NEW;
    END
    $$
    """,
    "ALTER TABLE catalog_product ADD COLUMN search_keys text[] NOT NULL DEFAULT '{}'",
    """
    CREATE TRIGGER catalog_product_search_keys BEFORE UPDATE OF search_vector, is_on_sale,
        stock_available, stock_countries ON catalog_product FOR EACH ROW
    WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector
          OR OLD.is_on_sale IS DISTINCT FROM NEW.is_on_sale
          OR (OLD.stock_available > 0) IS DISTINCT FROM (NEW.stock_available > 0)
          OR OLD.stock_countries IS DISTINCT FROM NEW.stock_countries)
    EXECUTE FUNCTION catalog_product_search_keys_trigger()
    """,
    "CREATE TABLE catalog_search_word (word text COLLATE \"C\" PRIMARY KEY)",
    "UPDATE catalog_product SET search_keys = catalog_search_keys("
    "COALESCE(search_vector, ''::tsvector), is_on_sale, stock_available, stock_countries)",
    "INSERT INTO catalog_search_word (word) SELECT DISTINCT u.lexeme "
    "FROM catalog_product p, unnest(p.search_vector) u ON CONFLICT DO NOTHING",
    "CREATE INDEX catalog_product_search_keys_gin ON catalog_product USING GIN (search_keys)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_keys_gin",
    "DROP TABLE IF EXISTS catalog_search_word",
    "DROP TRIGGER IF EXISTS catalog_product_search_keys ON catalog_product",
    "ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_keys",
    "DROP FUNCTION IF EXISTS catalog_product_search_keys_trigger()",
    "DROP FUNCTION IF EXISTS catalog_search_keys(tsvector, boolean, bigint, text)",
    "DROP FUNCTION IF EXISTS catalog_search_markers(boolean, bigint, text)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_product_stock_aggregates")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
