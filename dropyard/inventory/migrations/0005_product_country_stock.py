"""Per-product stock aggregates (``ProductCountryStock`` + the product columns of catalog 0005),
filled from the existing stock rows by 0006 (which adds columns the rebuild writes); afterwards
kept by ``inventory.aggregates``."""

import django.db.models.deletion
from django.db import migrations, models


def _fill(apps, schema_editor):
    # Filled by 0006 instead: the rebuild's live SQL writes the columns 0006 adds.
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_product_stock_aggregates'),
        ('inventory', '0004_warehouse_parcel_photos_required'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductCountryStock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('country', models.CharField(max_length=2)),
                ('available', models.BigIntegerField(default=0)),
                ('product', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='country_stock', to='catalog.product')),
            ],
            options={
                'ordering': ['product', 'country'],
                'constraints': [models.UniqueConstraint(fields=('product', 'country'), name='product_country_stock_unique')],
            },
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
