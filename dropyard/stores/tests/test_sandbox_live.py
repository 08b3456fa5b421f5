"""The production path: with in-process calls off, the adapter and the shop's webhook reach the
site over real HTTP at SITE_URL (here Django's live test server)."""

import pytest

from dropyard.orders.models import Order
from dropyard.stores.adapters import adapter_for
from dropyard.stores.models import StoreOrder
from dropyard.stores.sandbox import http
from dropyard.stores.sandbox import shop as shop_side
from dropyard.stores.sandbox.tasks import sandbox_webhook_send
from dropyard.stores.tests.sandbox_world import SHOPPER, make_sandbox_world, shop_variant_id


@pytest.mark.django_db(transaction=True)
def test_adapter_and_webhook_go_over_real_http_to_the_site_url(merchant, live_server, settings):
    sw = make_sandbox_world(merchant)  # listed in-process (the test settings' default)
    settings.DROPYARD_SANDBOX_STORE_IN_PROCESS = False
    settings.SITE_URL = live_server.url
    order = shop_side.order_place(
        shop=sw.shop, quantities={shop_variant_id(sw, sw.world.red.sku): 1}, customer=SHOPPER
    )

    adapter = adapter_for(sw.store)
    status = sandbox_webhook_send.call(order_id=order.pk, topic="orders/create")

    assert http.default_transport() is None
    assert adapter.authorize() == sw.store.credentials_get()
    assert [o.platform_order_id for o in adapter.orders_since("").items] == [str(order.pk)]
    assert status == 200
    assert StoreOrder.objects.get().order == Order.objects.get()
