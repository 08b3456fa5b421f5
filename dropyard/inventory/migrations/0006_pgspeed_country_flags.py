"""The product's on-sale and in-stock state on its ``ProductCountryStock`` rows, with a
(country, flags) index: PostgreSQL counts a country's on-sale (in-stock) products for
``listV2?countryCode=`` from that index alone (an index-only scan) instead of visiting up to
6000 product rows (docs/benchmarks.md, 2026-12-06). A trigger on the product row keeps the
flags when ``is_on_sale`` or ``stock_available > 0`` changes (any writer, even
``QuerySet.update``); ``inventory.aggregates`` sets them on the rows it inserts."""

from django.db import migrations, models

_FILL = (
    "UPDATE inventory_productcountrystock SET product_on_sale = p.is_on_sale, "
    "product_in_stock = p.stock_available > 0 FROM catalog_product p "
    "WHERE p.id = inventory_productcountrystock.product_id"
)
_SET_FLAGS = (
    "UPDATE inventory_productcountrystock SET product_on_sale = NEW.is_on_sale, "
    "product_in_stock = NEW.stock_available > 0 WHERE product_id = NEW.id"
)
_CHANGED = (
    "OLD.is_on_sale IS DISTINCT FROM NEW.is_on_sale "
    "OR (OLD.stock_available > 0) IS DISTINCT FROM (NEW.stock_available > 0)"
)
FORWARD = {
    "sqlite": [
        "CREATE TRIGGER inventory_country_stock_flags AFTER UPDATE OF is_on_sale, "
        f"stock_available ON catalog_product WHEN {_CHANGED.replace('DISTINCT FROM', 'NOT')} "
        f"BEGIN {_SET_FLAGS}; END",
        _FILL,
    ],
    "postgresql": [
        "CREATE FUNCTION inventory_country_stock_flags() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_SET_FLAGS}; RETURN NULL; END $$",
        "CREATE TRIGGER inventory_country_stock_flags AFTER UPDATE OF is_on_sale, "
        f"stock_available ON catalog_product FOR EACH ROW WHEN ({_CHANGED}) "
        "EXECUTE FUNCTION inventory_country_stock_flags()",
        _FILL,
    ],
}
BACKWARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS inventory_country_stock_flags"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS inventory_country_stock_flags ON catalog_product",
        "DROP FUNCTION IF EXISTS inventory_country_stock_flags()",
    ],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
        if statements_by_vendor is not FORWARD:
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM inventory_stock) "
                "AND NOT EXISTS (SELECT 1 FROM inventory_productcountrystock)"
            )
            unfilled = cursor.fetchone()[0]
        if unfilled:
            # A database migrated from before 0005, which no longer fills the aggregates (the
            # rebuild's live SQL writes the columns added here).
            from dropyard.inventory.aggregates import product_stock_rebuild  # noqa: PLC0415

            product_stock_rebuild()

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_search_keys"),
        ("inventory", "0005_product_country_stock"),
    ]

    operations = [
        migrations.AddField(
            model_name="productcountrystock",
            name="product_in_stock",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="productcountrystock",
            name="product_on_sale",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
        migrations.AddIndex(
            model_name="productcountrystock",
            index=models.Index(
                fields=["country", "product_on_sale", "product_in_stock"],
                name="product_country_stock_flags",
            ),
        ),
    ]
