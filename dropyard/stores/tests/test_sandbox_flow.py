"""End to end through HTTP: a shopper buys on the Sandbox storefront, the shop's signed webhook
reaches Dropyard's receiver, and exactly one Dropyard order is made; polling catches a lost
webhook; the tracking pushed back shows on the shopper's order page."""

import pytest
from django.urls import reverse

from dropyard.fulfillment import services as fulfillment_services
from dropyard.fulfillment.tests.factories import make_carrier_serving
from dropyard.orders.choices import OrderSource, OrderStatus
from dropyard.orders.models import Order
from dropyard.stores import services
from dropyard.stores.choices import ReceivedVia, StoreOrderStatus
from dropyard.stores.models import (
    SandboxShopOrder,
    StoreOrder,
    StoreWebhookReceipt,
    TrackingPush,
)
from dropyard.stores.sandbox import shop as shop_side
from dropyard.stores.sandbox.tasks import sandbox_webhook_send
from dropyard.stores.tasks import tracking_push_parcel
from dropyard.stores.tests.push_world import pay, ship_row
from dropyard.stores.tests.sandbox_world import (
    BLUE_PRICE,
    RED_PRICE,
    buy,
    last_shop_order,
    make_sandbox_world,
    send_webhooks,
    webhook_tasks,
)


@pytest.fixture
def sw(merchant):
    return make_sandbox_world(merchant)


def _receive(client, sw, body, headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post(
        reverse("stores_public:webhook_receive", args=[sw.store.public_id]),
        body,
        content_type="application/json",
        **{k: v for k, v in extra.items() if k != "HTTP_CONTENT_TYPE"},
    )


@pytest.mark.django_db
def test_a_storefront_purchase_becomes_exactly_one_dropyard_order(
    client, sw, tasks, django_capture_on_commit_callbacks
):
    red, blue = (sw.world.red.sku, 2), (sw.world.blue.sku, 1)
    response = buy(client, sw, django_capture_on_commit_callbacks, red, blue)
    shop_order = last_shop_order(sw)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "stores_public:storefront_order", args=[sw.shop.slug, shop_order.token]
    )
    assert Order.objects.count() == 0  # nothing until the webhook arrives
    assert webhook_tasks(tasks) == [{"order_id": shop_order.pk, "topic": "orders/create"}]

    assert send_webhooks(tasks) == [200]

    order = Order.objects.get()
    row = StoreOrder.objects.get()
    assert (row.status, row.order, row.received_via) == (
        StoreOrderStatus.IMPORTED,
        order,
        ReceivedVia.WEBHOOK,
    )
    assert (order.source, order.platform, order.store_name) == (
        OrderSource.STORE,
        "sandbox",
        "Sandy Shop",
    )
    assert order.order_number == f"S{sw.store.pk}-#1001"
    assert order.store_order_id == str(shop_order.pk)
    assert order.shop_amount_minor == 2 * RED_PRICE + BLUE_PRICE
    assert (order.shipping_customer_name, order.shipping_city, order.shipping_zip) == (
        "Sam Shopper",
        "Santa Monica",
        "90401",
    )
    assert sorted((line.variant.sku, line.quantity) for line in order.lines.all()) == sorted(
        [(sw.world.red.sku, 2), (sw.world.blue.sku, 1)]
    )
    shop_order.refresh_from_db()
    assert shop_order.webhook_sent_at is not None


@pytest.mark.django_db
def test_a_replayed_webhook_makes_no_second_order(
    client, sw, tasks, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    (kwargs,) = webhook_tasks(tasks)

    statuses = [sandbox_webhook_send.call(**kwargs) for _ in range(3)]
    body, headers = shop_side.webhook_request(
        order=SandboxShopOrder.objects.get(pk=kwargs["order_id"]), topic="orders/create"
    )
    replay = _receive(client, sw, body, headers)

    assert statuses == [200, 200, 200]
    assert replay.json() == {"received": True, "outcome": "duplicate"}
    assert Order.objects.count() == 1
    assert StoreOrder.objects.count() == 1
    assert StoreWebhookReceipt.objects.count() == 1


@pytest.mark.django_db
def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(
    client, sw, tasks, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    body, headers = shop_side.webhook_request(order=last_shop_order(sw), topic="orders/create")
    forged = {**headers, "X-Sandbox-Hmac-Sha256": shop_side.sign("wrong secret", body)}

    response = _receive(client, sw, body, forged)
    tampered = _receive(client, sw, body.replace(b"Sam", b"Tom"), headers)

    assert (response.status_code, tampered.status_code) == (401, 401)
    assert response.json() == {"error": "invalid signature"}
    assert (Order.objects.count(), StoreOrder.objects.count()) == (0, 0)
    assert StoreWebhookReceipt.objects.count() == 0


@pytest.mark.django_db
def test_polling_picks_up_an_order_whose_webhook_was_lost_and_a_second_poll_adds_nothing(
    client, sw, tasks, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.blue.sku, 3))
    # The webhook task is never run: the delivery was lost.

    first = services.store_poll(store_id=sw.store.pk)
    second = services.store_poll(store_id=sw.store.pk)

    sw.store.refresh_from_db()
    row = StoreOrder.objects.get()
    assert (first, second) == (1, 0)
    assert (row.status, row.received_via) == (StoreOrderStatus.IMPORTED, ReceivedVia.POLL)
    assert Order.objects.get().lines.get().quantity == 3
    assert sw.store.poll_cursor == str(last_shop_order(sw).change_seq) == "1"
    assert sw.store.last_synced_at is not None
    assert sw.store.last_error == ""


@pytest.mark.django_db
def test_a_webhook_after_the_poll_and_a_poll_after_the_webhook_make_one_order(
    client, sw, tasks, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    services.store_poll(store_id=sw.store.pk)

    statuses = send_webhooks(tasks)
    services.store_poll(store_id=sw.store.pk)

    assert statuses == [200]
    assert Order.objects.count() == 1
    assert StoreOrder.objects.get().received_via == ReceivedVia.POLL


@pytest.mark.django_db
def test_the_tracking_pushed_back_shows_on_the_shoppers_order_page(
    client, sw, tasks, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    send_webhooks(tasks)
    shop_order = last_shop_order(sw)
    page_url = reverse("stores_public:storefront_order", args=[sw.shop.slug, shop_order.token])
    before = client.get(page_url)
    row = StoreOrder.objects.get()
    pay(row)
    carrier = make_carrier_serving(
        sw.world.cn, name="Yun Express", tracking_url_template="https://yun.example/t/{number}"
    )
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        parcel = ship_row(row, carrier, "YT2400000018")
    outcomes = [tracking_push_parcel.call(**r.kwargs) for r in tasks.results]
    shipped = client.get(page_url).content.decode()
    tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fulfillment_services.parcel_tracking_changed(
            tracking_number=parcel.tracking_number, new_status=12
        )
    delivered_outcomes = [tracking_push_parcel.call(**r.kwargs) for r in tasks.results]
    delivered = client.get(page_url).content.decode()

    assert 'data-testid="tracking-pending"' in before.content.decode()
    assert outcomes == [["pushed"]]
    assert delivered_outcomes == [["delivered"]]
    shop_order.refresh_from_db()
    assert (shop_order.fulfillment_carrier, shop_order.tracking_number) == (
        "Yun Express",
        "YT2400000018",
    )
    assert shop_order.delivered_at is not None
    link = (
        '<a class="font-monospace" href="https://yun.example/t/YT2400000018" '
        'rel="noopener noreferrer" data-testid="tracking-number">YT2400000018</a>'
    )
    assert link in shipped
    assert '<dd class="col-7 col-sm-8" data-testid="carrier">Yun Express</dd>' in shipped
    assert 'data-testid="order-status">Shipped</span>' in shipped
    assert 'data-testid="order-status">Delivered</span>' in delivered
    push = TrackingPush.objects.get()
    assert (push.platform_fulfillment_id, push.delivery) == (f"F{shop_order.pk}", "marked")


@pytest.mark.django_db
def test_a_cancellation_on_the_shop_before_payment_cancels_the_dropyard_order(
    client, sw, tasks, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    send_webhooks(tasks)
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        shop_side.order_cancel(shop=sw.shop, order_id=last_shop_order(sw).pk)
    statuses = send_webhooks(tasks)

    assert statuses == [200]
    assert StoreOrder.objects.get().status == StoreOrderStatus.CANCELLED
    assert Order.objects.get().status == OrderStatus.CANCELLED
