"""Data migrations of accounts, run forward on a real schema."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_open_id_exact_in_json")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Leave the schema fully migrated for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_open_ids_above_2_53_get_new_exact_ones(back_to_latest):
    old_apps = _migrate(BEFORE)
    merchant_model = old_apps.get_model("accounts", "MerchantAccount")
    common = {"business_name": "M", "target_markets": []}
    big = merchant_model.objects.create(
        account_number="DY10000001", open_id=622386593167828582, **common
    )
    small = merchant_model.objects.create(
        account_number="DY10000002", open_id=4_000_000_000_000_000, **common
    )

    new_apps = _migrate(AFTER)

    merchants = new_apps.get_model("accounts", "MerchantAccount").objects
    new_open_id = merchants.get(pk=big.pk).open_id
    assert 10**15 <= new_open_id <= 2**53 - 1
    assert float(new_open_id) == new_open_id
    assert merchants.get(pk=small.pk).open_id == 4_000_000_000_000_000


@pytest.mark.django_db(transaction=True)
def test_keys_made_before_scopes_keep_every_scope(back_to_latest):
    old_apps = _migrate(AFTER)
    merchant = old_apps.get_model("accounts", "MerchantAccount").objects.create(
        account_number="DY10000003", open_id=10**15, business_name="M", target_markets=[]
    )
    key = old_apps.get_model("accounts", "ApiKey").objects.create(
        merchant=merchant, name="old", key_hash="0" * 64, key_hint="abcd"
    )

    new_apps = _migrate([("accounts", "0003_api_key_scopes")])

    assert new_apps.get_model("accounts", "ApiKey").objects.get(pk=key.pk).scopes == [
        "read",
        "orders",
        "payments",
        "products",
        "stores",
        "webhooks",
    ]
