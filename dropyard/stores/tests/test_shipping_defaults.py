"""A store's shipping line per destination: asked for by its imported orders."""

import pytest
from django.urls import reverse

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.exceptions import StoreInvalid, StoreNotFound
from dropyard.stores.models import StoreShippingDefault
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(merchant):
    world = make_order_world()
    store = make_store(merchant=merchant, name="Acme Shop")
    (v1,) = import_variants(store, ("V1", world.red.sku))
    connect(store, v1, world.red)
    store.world = world
    return store


def _set(store, country, line):
    return services.store_shipping_default_set(
        store=store,
        merchant=store.merchant,
        actor=store.merchant.owner,
        dest_country=country,
        line=line,
    )


def test_an_imported_order_asks_for_the_stores_line_to_its_country(shop):
    _set(shop, "us", shop.world.dhl)

    services.store_order_ingest(store=shop, order=platform_order("9001", ("V1", 1)), via="poll")

    order = Order.objects.get()
    assert order.requested_logistic_name == "DHL"
    assert order.line.code == "DHL"
    event = AuditEvent.objects.get(action=AuditAction.STORE_SETTINGS_CHANGED)
    assert event.details == {"shipping_default": "US", "line": "DHL", "previous_line": None}


def test_without_a_store_line_the_merchants_defaults_decide(shop):
    _set(shop, "US", shop.world.dhl)
    assert _set(shop, "US", None) is None  # cleared

    services.store_order_ingest(store=shop, order=platform_order("9002", ("V1", 1)), via="poll")

    order = Order.objects.get()
    assert order.requested_logistic_name == ""
    assert order.line.code == "CJPACKET"  # routing's cheapest
    assert StoreShippingDefault.objects.count() == 0


def test_a_line_without_a_rate_or_an_unknown_country_is_refused(shop, other_merchant):
    with pytest.raises(StoreInvalid) as no_rate:
        _set(shop, "DE", shop.world.dhl)
    with pytest.raises(StoreInvalid) as no_country:
        _set(shop, "ZZ", shop.world.dhl)
    with pytest.raises(StoreNotFound):
        services.store_shipping_default_set(
            store=shop, merchant=other_merchant, actor=None, dest_country="US", line=None
        )

    assert no_rate.value.extra["errors"] == {"line": "DHL has no rate to DE"}
    assert no_country.value.extra["errors"] == {"dest_country": "choose a destination country"}
    assert StoreShippingDefault.objects.count() == 0


def test_the_store_page_sets_a_line_for_a_destination(shop, client):
    client.force_login(shop.merchant.owner)
    url = reverse("stores:shipping_default_set", args=[shop.public_id])

    assert client.get(url).status_code == 405
    response = client.post(url, {"dest_country": "US", "line": shop.world.dhl.pk}, follow=True)

    assert response.status_code == 200
    assert "Orders of Acme Shop to US ask for DHL." in response.content.decode()
    page = client.get(reverse("stores:detail", args=[shop.public_id])).content.decode()
    assert "<strong>US</strong> → DHL" in page
