"""ORDER webhook messages published by the lifecycle services (contract §4)."""

import json

import pytest

from dropyard.orders import services
from dropyard.orders.exceptions import ConfirmRefused
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.webhooks.models import WebhookMessage
from dropyard.webhooks.services import CallbackSetting, webhook_set

pytestmark = pytest.mark.django_db


def test_status_changes_publish_order_messages(merchant, owner):
    world = make_order_world()
    webhook_set(
        merchant=merchant,
        actor=owner,
        settings_by_topic=[
            CallbackSetting(topic="order", action="ENABLE", urls=("http://localhost:9/hook",))
        ],
    )
    order = services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 2)))
    assert WebhookMessage.objects.count() == 0  # no INSERT for regular orders (contract §4)

    services.order_confirm(order=order, actor=owner)
    services.order_paid(orders=[order], actor=owner)
    services.order_cancel(order=order, actor=owner)

    bodies = [json.loads(m.body) for m in WebhookMessage.objects.order_by("pk")]
    assert [(b["type"], b["messageType"]) for b in bodies] == [("ORDER", "UPDATE")] * 3
    assert [b["params"]["orderStatus"] for b in bodies] == ["UNPAID", "UNSHIPPED", "CANCELLED"]
    params = bodies[1]["params"]
    assert params["cjOrderId"] == order.public_id
    assert params["orderNumber"] == order.order_number
    assert params["logisticName"] == "CJPacket"
    assert params["payDate"] is not None
    assert params["orderItems"] == [
        {
            "vid": world.red.public_id,
            "quantity": 2,
            "sellPrice": "10.00",
            "lineItemId": order.lines.get().line_item_id,
            "storeLineItemId": None,
        }
    ]


def test_refused_change_publishes_nothing(merchant, owner):
    world = make_order_world(stock=0)
    webhook_set(
        merchant=merchant,
        actor=owner,
        settings_by_topic=[
            CallbackSetting(topic="order", action="ENABLE", urls=("http://localhost:9/hook",))
        ],
    )
    order = services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))
    with pytest.raises(ConfirmRefused):
        services.order_confirm(order=order, actor=owner)
    assert WebhookMessage.objects.count() == 0
