"""Store-side changes after import (``StoreOrder.flagged``) are shown to the merchant."""

import pytest
from django.urls import reverse

from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.models import StoreOrder
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant, name="Acme Shop")
    (v1,) = import_variants(store, ("V1", world.red.sku))
    connect(store, v1, world.red)
    row = services.store_order_ingest(
        store=store, order=platform_order("7301", ("V1", 1)), via="webhook"
    )
    # What ingest writes when the store edits an order after its payment (tested in intake).
    StoreOrder.objects.filter(pk=row.pk).update(flagged="after payment: address changed")
    row.refresh_from_db()
    return row


def test_the_order_page_partial_and_the_store_page_show_the_flag(flagged, client, owner):
    client.force_login(owner)

    partial = client.get(reverse("stores:order_tracking", args=[flagged.order.public_id]))
    store_page = client.get(reverse("stores:detail", args=[flagged.store.public_id]))

    assert (
        "Changed on the store after payment: address changed. Dropyard left this order as it was"
        in partial.content.decode()
    )
    assert '#7301</a> — <span class="text-secondary">after payment: address changed' in (
        store_page.content.decode()
    )


def test_another_merchant_sees_no_flag(flagged, client, other_merchant):
    client.force_login(other_merchant.owner)

    response = client.get(reverse("stores:order_tracking", args=[flagged.order.public_id]))

    assert response.status_code == 404
