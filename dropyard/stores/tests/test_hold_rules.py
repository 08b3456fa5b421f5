"""A store's hold rules: new orders wait for the merchant's review, then "Import now"."""

import pytest
from django.urls import reverse

from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import StoreOrderStatus
from dropyard.stores.exceptions import StoreInvalid, StoreNotFound
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant, name="Acme Shop")
    (v1,) = import_variants(store, ("V1", world.red.sku))
    connect(store, v1, world.red)
    return store


def _rules(store, **changes):
    services.store_settings_update(store=store, merchant=store.merchant, actor=None, **changes)


def _ingest(store, order_id, total_minor=1999):
    return services.store_order_ingest(
        store=store,
        order=platform_order(order_id, ("V1", 1), total_minor=total_minor),
        via="webhook",
    )


def test_review_rule_holds_every_new_order_until_import_now(shop, merchant, owner):
    _rules(shop, hold_for_review=True)

    row = _ingest(shop, "8001")
    assert (row.status, row.hold_reason) == (
        StoreOrderStatus.HELD,
        "held by the store's rule: every new order waits for your review",
    )
    assert row.held_by_rule
    assert services.store_orders_release(store=shop) == []  # a connection change keeps it
    assert Order.objects.count() == 0

    imported = services.store_order_import_now(store_order=row, merchant=merchant, actor=owner)

    assert (imported.status, imported.order) == (StoreOrderStatus.IMPORTED, Order.objects.get())
    with pytest.raises(StoreInvalid):  # only rule-held orders
        services.store_order_import_now(store_order=row, merchant=merchant, actor=owner)


def test_amount_rule_holds_only_orders_above_the_limit(shop):
    _rules(shop, hold_above_minor=5000)

    small, large = _ingest(shop, "8002", total_minor=5000), _ingest(shop, "8003", total_minor=5001)

    assert small.status == StoreOrderStatus.IMPORTED
    assert (large.status, large.hold_reason) == (
        StoreOrderStatus.HELD,
        "held by the store's rule: total 50.01 USD above 50.00",
    )


def test_another_merchant_cannot_import_a_held_order(shop, other_merchant):
    _rules(shop, hold_for_review=True)
    row = _ingest(shop, "8004")

    with pytest.raises(StoreNotFound):
        services.store_order_import_now(store_order=row, merchant=other_merchant, actor=None)
    row.refresh_from_db()
    assert row.status == StoreOrderStatus.HELD


def test_the_held_page_offers_import_now_for_rule_held_orders(shop, client, owner):
    _rules(shop, hold_for_review=True)
    row = _ingest(shop, "8005")
    client.force_login(owner)

    page = client.get(f"{reverse('stores:held')}?store={shop.public_id}").content.decode()
    assert 'data-testid="import-now"' in page
    response = client.post(reverse("stores:held_import_now", args=[row.pk]), follow=True)

    assert response.status_code == 200
    assert "#8005 of Acme Shop reviewed" in response.content.decode()
    row.refresh_from_db()
    assert row.status == StoreOrderStatus.IMPORTED


def test_the_settings_form_saves_the_hold_limit_in_the_store_currency(shop, client, owner):
    client.force_login(owner)
    url = reverse("stores:detail", args=[shop.public_id])
    form = {
        "name": "Acme Shop",
        "order_sync": "on",
        "paid_orders_only": "on",
        "hold_above": "120.50",
        "tracking_push": "on",
        "auto_pay_daily_cap": "0",
    }

    assert client.post(url, form).status_code == 302
    shop.refresh_from_db()
    assert (shop.hold_above_minor, shop.hold_for_review) == (12050, False)
