"""The demo's Sandbox store (``demo.stores``) and its shopper (``demo.tasks``)."""

import random

import pytest
from django.conf import settings

from dropyard.demo import loader as demo
from dropyard.demo.stores import DEMO_SANDBOX_STORE, demo_shopper_order, demo_store
from dropyard.demo.tasks import demo_shopper_order as demo_shopper_task
from dropyard.orders.models import Order
from dropyard.stores.choices import ConnectionHow, StoreStatus
from dropyard.stores.models import ProductConnection, SandboxShopOrder, SandboxShopVariant
from dropyard.stores.tests.sandbox_world import send_webhooks

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv(demo.DEMO_PRODUCTS_ENV, "10")
    return demo.demo_load()


def test_the_demo_merchant_has_a_connected_sandbox_store_with_listed_products(loaded):
    store = demo_store(loaded.merchant)

    assert store is not None
    assert (store.name, store.status) == (DEMO_SANDBOX_STORE, StoreStatus.AUTHORIZED)
    connections = ProductConnection.objects.filter(store=store)
    assert connections.count() == 4
    assert set(connections.values_list("how", flat=True)) == {ConnectionHow.LISTED}
    listed = SandboxShopVariant.objects.filter(shop__slug=store.domain, product__listed=True)
    assert sorted(listed.values_list("sku", flat=True)) == sorted(
        connections.values_list("variant__sku", flat=True)
    )
    assert all(price % 100 == 99 for price in listed.values_list("price_minor", flat=True))
    assert f"Sandbox store {DEMO_SANDBOX_STORE} with 4 listed variants" in loaded.created


def test_a_second_demo_run_adds_no_store(loaded):
    again = demo.demo_load()

    assert not any("Sandbox store" in line for line in again.created)
    assert ProductConnection.objects.filter(store__name=DEMO_SANDBOX_STORE).count() == 4


def test_the_shopper_buys_on_the_demo_store_and_the_order_reaches_dropyard(
    loaded, tasks, settings, django_capture_on_commit_callbacks
):
    settings.DROPYARD_DEMO_SHOPPER_EVERY_SECONDS = 240
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order = demo_shopper_order(merchant=loaded.merchant, rng=random.Random(7))
        again = demo_shopper_order(merchant=loaded.merchant, rng=random.Random(8))
    statuses = send_webhooks(tasks)

    assert order is not None
    assert again is None  # within half a period of the last order
    assert SandboxShopOrder.objects.count() == 1
    assert statuses == [200]
    store_order = Order.objects.get(store_order_id=str(order.pk))
    assert (store_order.store_name, store_order.shipping_country_code) == (
        DEMO_SANDBOX_STORE,
        "US",
    )


def test_the_shopper_task_does_nothing_without_a_demo_merchant(db):
    assert demo_shopper_task.call() is None


def test_the_shopper_job_is_off_unless_asked_for():
    assert settings.DROPYARD_DEMO_SHOPPER_EVERY_SECONDS == 0
    assert "demo-shopper" not in settings.DROPYARD_PERIODIC_JOBS
