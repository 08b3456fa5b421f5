"""openIds exact in a JSON number: every account's openId ≤ 2^53 - 1.

The API sends ``openId`` as a JSON number (getAccessToken, setting/get, webhook bodies). JavaScript
clients read numbers as IEEE-754 doubles, which hold integers exactly only up to 2^53 - 1:
622386593167828582 arrived as 622386593167828600. Accounts created before this migration had
18-digit openIds (10^17 … 10^18), so this gives each account whose openId is ≥ 2^53 a new random
16-digit one (10^15 … 2^53 - 1), then adds a check constraint so no larger one is stored again.

**The openId is also the webhook-signing key** (contract §4: header ``sign`` =
Base64(HMAC-SHA256(key = openId as a string, body))). A webhook receiver that verifies
signatures with the old openId will reject deliveries until it uses the new one: the account's
integration must fetch it again (``authentication/getAccessToken`` or ``setting/get`` answer it).
Reversing the migration drops the constraint only; the old openIds are not kept.
"""

import secrets

from django.db import migrations, models

MAX_EXACT_JSON_INTEGER = 2**53 - 1
OPEN_ID_MIN = 10**15


def _replace_inexact_open_ids(apps, schema_editor):
    merchant_model = apps.get_model("accounts", "MerchantAccount")
    taken = set(merchant_model.objects.values_list("open_id", flat=True))
    inexact = merchant_model.objects.filter(open_id__gt=MAX_EXACT_JSON_INTEGER).order_by("pk")
    for merchant in inexact.only("pk", "open_id"):
        while True:
            open_id = secrets.randbelow(MAX_EXACT_JSON_INTEGER - OPEN_ID_MIN + 1) + OPEN_ID_MIN
            if open_id not in taken:
                break
        taken.add(open_id)
        merchant_model.objects.filter(pk=merchant.pk).update(open_id=open_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_replace_inexact_open_ids, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="merchantaccount",
            constraint=models.CheckConstraint(
                condition=models.Q(("open_id__gte", 1), ("open_id__lte", 9007199254740991)),
                name="merchant_open_id_exact_in_json",
            ),
        ),
    ]
