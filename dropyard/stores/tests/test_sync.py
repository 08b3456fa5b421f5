"""Polling, the safety net of order sync: which stores are polled, the periodic job, errors."""

import pytest
from django.conf import settings

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.stores import services
from dropyard.stores.adapters.base import AdapterError, AuthorizationLost, Page
from dropyard.stores.choices import StoreStatus
from dropyard.stores.models import StoreOrder
from dropyard.stores.sandbox import shop as shop_side
from dropyard.stores.tasks import store_poll_run, stores_poll_all
from dropyard.stores.tests.factories import make_store
from dropyard.stores.tests.sandbox_world import SHOPPER, make_sandbox_world, shop_variant_id


@pytest.fixture
def sw(merchant):
    return make_sandbox_world(merchant)


def _place(sw):
    variant_id = shop_variant_id(sw, sw.world.red.sku)
    return shop_side.order_place(shop=sw.shop, quantities={variant_id: 1}, customer=SHOPPER)


class FailingAdapter:
    def orders_since(self, cursor=""):
        raise AdapterError("sandbox store error 503", retryable=True)


class PagedAdapter:
    """Two pages of no orders with moving cursors, then nothing new."""

    def __init__(self):
        self.calls = []

    def orders_since(self, cursor=""):
        self.calls.append(cursor)
        return Page(items=(), next_cursor=cursor or "c1")


@pytest.mark.django_db
def test_a_store_with_order_sync_off_is_not_polled(sw):
    _place(sw)
    services.store_settings_update(
        store=sw.store, merchant=sw.store.merchant, actor=None, order_sync=False
    )

    assert services.store_poll(store_id=sw.store.pk) == 0
    assert StoreOrder.objects.count() == 0


@pytest.mark.django_db
def test_a_disconnected_store_is_not_polled(sw):
    _place(sw)
    services.store_disconnect(store=sw.store, merchant=sw.store.merchant, actor=None)

    assert services.store_poll(store_id=sw.store.pk) == 0
    assert StoreOrder.objects.count() == 0


@pytest.mark.django_db
def test_a_platform_error_is_kept_and_the_cursor_stays(sw):
    services.store_poll(store_id=sw.store.pk)
    sw.store.refresh_from_db()
    cursor = sw.store.poll_cursor

    assert services.store_poll(store_id=sw.store.pk, adapter=FailingAdapter()) == 0

    sw.store.refresh_from_db()
    assert sw.store.last_error == "polling failed: sandbox store error 503"
    assert sw.store.poll_cursor == cursor


@pytest.mark.django_db
def test_an_empty_first_page_stores_the_platforms_cursor_and_stops(sw):
    adapter = PagedAdapter()

    assert services.store_poll(store_id=sw.store.pk, adapter=adapter) == 0

    sw.store.refresh_from_db()
    assert adapter.calls == [""]
    assert sw.store.poll_cursor == "c1"


@pytest.mark.django_db
def test_the_poll_task_ingests_through_the_service(sw):
    _place(sw)

    assert store_poll_run.call(store_id=sw.store.pk) == 1
    assert StoreOrder.objects.count() == 1


@pytest.mark.django_db
def test_the_periodic_job_enqueues_a_poll_of_each_authorized_syncing_store(merchant, tasks):
    sw = make_sandbox_world(merchant)
    quiet = make_store(merchant=merchant)
    services.store_settings_update(store=quiet, merchant=merchant, actor=None, order_sync=False)
    gone = make_store(merchant=merchant)
    services.store_disconnect(store=gone, merchant=merchant, actor=None)

    assert stores_poll_all.call() == 1
    assert [(r.task.module_path, r.kwargs) for r in tasks.results] == [
        ("dropyard.stores.tasks.store_poll_run", {"store_id": sw.store.pk})
    ]
    assert settings.DROPYARD_PERIODIC_JOBS["stores-poll"] == {
        "task": "dropyard.stores.tasks.stores_poll_all",
        "every_seconds": 180,
    }


class RevokedAdapter:
    def orders_since(self, cursor=""):
        raise AuthorizationLost("sandbox store error 401: invalid access token")


@pytest.mark.django_db
def test_lost_authorization_marks_the_store_and_stops_its_polling(sw):
    assert services.store_poll(store_id=sw.store.pk, adapter=RevokedAdapter()) == 0

    sw.store.refresh_from_db()
    assert (sw.store.status, sw.store.status_reason) == (
        StoreStatus.REAUTHORIZE,
        "authorization lost: sandbox store error 401: invalid access token",
    )
    assert sw.store.last_error == "polling failed: sandbox store error 401: invalid access token"
    event = AuditEvent.objects.get(action=AuditAction.STORE_REAUTHORIZE)
    assert event.details == {"reason": sw.store.status_reason}
    assert services.store_poll(store_id=sw.store.pk, adapter=RevokedAdapter()) == 0  # not polled
