"""Stock aggregates on the product row: ``stock_available`` and ``stock_countries``.

Kept by ``dropyard.inventory.aggregates`` (the inventory services call it in the transaction of
every stock change); the catalog search filters and sorts on them instead of summing the stock
table per request (docs/benchmarks.md, "Stock and country filters").

The columns are added with a plain ``ALTER TABLE … ADD COLUMN … DEFAULT`` on both databases
(the state side is the usual ``AddField``): Django would rebuild the whole SQLite table for a
NOT NULL column, which at a million products takes minutes and drops the FTS trigger of
migration 0004. The values are filled by the inventory migration that creates the per-country
table (``inventory.0005_product_country_stock``).
"""

from django.db import migrations, models

COLUMNS = [
    ("stock_available", "bigint NOT NULL DEFAULT 0"),
    ("stock_countries", "text NOT NULL DEFAULT ''"),
]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_product_image_hash")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="product",
                    name="stock_available",
                    field=models.BigIntegerField(db_default=0, default=0),
                ),
                migrations.AddField(
                    model_name="product",
                    name="stock_countries",
                    field=models.TextField(blank=True, db_default="", default=""),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE catalog_product ADD COLUMN {name} {definition}",
                    f"ALTER TABLE catalog_product DROP COLUMN {name}",
                )
                for name, definition in COLUMNS
            ],
        ),
    ]
