"""Inventory sync: connected variants' available stock pushed to the store when it changes."""

import pytest
from django.db.models import F

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.inventory.models import Stock
from dropyard.stores import services
from dropyard.stores.adapters.base import AuthorizationLost
from dropyard.stores.choices import StoreStatus
from dropyard.stores.models import ProductConnection, SandboxShopVariant
from dropyard.stores.selectors import available_by_variant
from dropyard.stores.tasks import stores_inventory_sync_all
from dropyard.stores.tests.listing_helpers import FakeAdapter
from dropyard.stores.tests.sandbox_world import make_sandbox_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw(merchant):
    """A Sandbox store with the world's red and blue variants listed, inventory sync on."""
    sw = make_sandbox_world(merchant)
    services.store_settings_update(
        store=sw.store, merchant=merchant, actor=merchant.owner, inventory_sync=True
    )
    return sw


def _available(sw, variant) -> int:
    return available_by_variant(merchant=sw.store.merchant, variant_ids=[variant.pk])[variant.pk]


def _shop_available(sw, variant) -> int | None:
    return SandboxShopVariant.objects.get(shop=sw.shop, sku=variant.sku).available


def test_the_store_gets_each_connected_variants_available_stock_once(sw):
    red, blue = sw.world.red, sw.world.blue
    Stock.objects.filter(variant=red).update(reserved=F("on_hand") - 7)  # 7 left to sell

    assert services.store_inventory_sync(store_id=sw.store.pk) == 2
    assert (_shop_available(sw, red), _shop_available(sw, blue)) == (7, _available(sw, blue))
    assert services.store_inventory_sync(store_id=sw.store.pk) == 0  # nothing changed

    Stock.objects.filter(variant=red).update(reserved=F("on_hand"))  # sold out
    assert services.store_inventory_sync(store_id=sw.store.pk) == 1
    assert _shop_available(sw, red) == 0
    assert ProductConnection.objects.get(variant=red).pushed_available == 0


def test_another_merchants_private_stock_does_not_count(sw, other_merchant):
    red = sw.world.red
    before = _available(sw, red)
    row = Stock.objects.filter(variant=red).first()
    Stock.objects.create(variant=red, warehouse=row.warehouse, merchant=other_merchant, on_hand=50)
    Stock.objects.create(
        variant=red, warehouse=row.warehouse, merchant=sw.store.merchant, on_hand=5
    )

    assert _available(sw, red) == before + 5


def test_sync_off_or_a_store_needing_authorization_pushes_nothing(sw):
    adapter = FakeAdapter()
    services.store_settings_update(
        store=sw.store, merchant=sw.store.merchant, actor=None, inventory_sync=False
    )
    assert services.store_inventory_sync(store_id=sw.store.pk, adapter=adapter) == 0
    services.store_settings_update(
        store=sw.store, merchant=sw.store.merchant, actor=None, inventory_sync=True
    )
    services.store_reauthorize_needed(store=sw.store, reason="key revoked")
    assert services.store_inventory_sync(store_id=sw.store.pk, adapter=adapter) == 0
    assert adapter.updates == []


def test_a_platform_error_stops_the_run_and_the_next_run_pushes_again(sw):
    failing = FakeAdapter(fail="sandbox store error 503")

    assert services.store_inventory_sync(store_id=sw.store.pk, adapter=failing) == 0
    sw.store.refresh_from_db()
    assert sw.store.last_error == "inventory sync failed: sandbox store error 503"
    assert ProductConnection.objects.filter(pushed_available__isnull=False).count() == 0

    working = FakeAdapter()
    assert services.store_inventory_sync(store_id=sw.store.pk, adapter=working) == 2
    assert [u["price_minor"] for u in working.updates] == [None, None]  # price left alone


class RevokedAdapter(FakeAdapter):
    def price_inventory_update(self, *, platform_variant_id, price_minor, available):
        raise AuthorizationLost("sandbox store error 401: invalid access token")


def test_lost_authorization_marks_the_store(sw):
    assert services.store_inventory_sync(store_id=sw.store.pk, adapter=RevokedAdapter()) == 0

    sw.store.refresh_from_db()
    assert sw.store.status == StoreStatus.REAUTHORIZE
    assert AuditEvent.objects.filter(action=AuditAction.STORE_REAUTHORIZE).count() == 1


def test_the_periodic_job_enqueues_stores_with_sync_on(sw, merchant, tasks):
    sandbox_off = services.sandbox_store_create(merchant=merchant, actor=None, name="Quiet Shop")

    assert stores_inventory_sync_all.call() == 1
    runs = [r.kwargs for r in tasks.results if r.task.name == "store_inventory_sync_run"]
    assert runs == [{"store_id": sw.store.pk}]
    assert sandbox_off.inventory_sync is False
