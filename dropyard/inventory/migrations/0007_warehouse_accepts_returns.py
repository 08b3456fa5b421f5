"""Warehouses that accept after-sales returns (RMA): off by default; the active platform
warehouses in China accept them (CJ takes returned dropshipping goods back in its China
warehouse, never in a US one)."""

from django.db import migrations, models


def china_accepts_returns(apps, schema_editor):
    Warehouse = apps.get_model("inventory", "Warehouse")
    Warehouse.objects.filter(kind="platform", is_active=True, country="CN").update(
        accepts_returns=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0006_pgspeed_country_flags"),
    ]

    operations = [
        migrations.AddField(
            model_name="warehouse",
            name="accepts_returns",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.RunPython(china_accepts_returns, migrations.RunPython.noop),
    ]
