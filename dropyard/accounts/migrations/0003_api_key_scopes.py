"""API keys get scopes; every key that existed before keeps full access.

Scopes (``core.api_scopes.ApiScope``) are chosen when a key is created and enforced on every API
operation. Keys made before scopes existed could call every operation, so they get every scope:
no running integration loses access. The list is written out here (migrations never import app
code); it is the full set at the time of this migration.
"""

from django.db import migrations, models

SCOPES_AT_THIS_MIGRATION = ["read", "orders", "payments", "products", "stores", "webhooks"]


def _existing_keys_keep_full_scope(apps, schema_editor):
    apps.get_model("accounts", "ApiKey").objects.update(scopes=SCOPES_AT_THIS_MIGRATION)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_open_id_exact_in_json"),
    ]

    operations = [
        migrations.AddField(
            model_name="apikey",
            name="scopes",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(_existing_keys_keep_full_scope, migrations.RunPython.noop),
    ]
