"""The whole order lifecycle through the developer API (issue 4, "Done when").

create (payType 3, sandbox) → addCart → addCartConfirm → saveGenerateParentOrder →
sandbox/simulatePay → the warehouse picks, packs and ships with the Sandbox carrier (through the
fulfillment services, as an operator would) → the Sandbox carrier's tick task bodies run until
the journey ends → DELIVERED. Every API call is a real HTTP request through the full stack; the
webhook deliveries are POSTed by the delivery task's body to a local receiver that checks the
``sign`` header with its own stdlib HMAC.

On-commit work (webhook deliveries, the Sandbox carrier's next tick) is run by wrapping each step
in ``django_capture_on_commit_callbacks(execute=True)``, since the test runs in one transaction;
after each tick the ``tracking_changes_follow`` task (a periodic job) moves the parcel and the
order.
"""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import base64
import hashlib
import hmac
import json

import pytest

from dropyard.core.audit import AuditEvent
from dropyard.core.choices import AuditAction
from dropyard.fulfillment import services as fulfillment
from dropyard.fulfillment.tasks import tracking_changes_follow
from dropyard.inventory.models import Stock, StockMovement
from dropyard.logistics.carriers import luhn_check_digit, sandbox_journey
from dropyard.logistics.models import Tracking
from dropyard.logistics.tasks import sandbox_carrier_tick
from dropyard.logistics.tests.factories import sandbox_carrier
from dropyard.orders.models import Order, Parcel
from dropyard.orders.tests.api_fixtures import authed, world  # noqa: F401
from dropyard.webhooks.choices import DeliveryStatus
from dropyard.webhooks.tasks import webhook_deliver
from dropyard.webhooks.tests.receiver import start_receiver

pytestmark = pytest.mark.django_db

DELIVERED = 12


def delivering_number(*, origin: str, dest: str, dest_city: str) -> tuple[str, list[int]]:
    """A well-formed Sandbox tracking number whose scripted journey ends in delivery with no
    exception on the way, and that journey's statuses."""
    for serial_number in range(1, 200):
        serial = f"{serial_number:09d}"
        number = f"SBX{serial}{luhn_check_digit(serial)}"
        statuses = [
            int(step.status)
            for step in sandbox_journey(
                tracking_number=number,
                origin_country=origin,
                dest_country=dest,
                dest_city=dest_city,
            )
        ]
        if statuses[-1] == DELIVERED and 13 not in statuses and 14 not in statuses:
            return number, statuses
    raise AssertionError("no delivering Sandbox number among the first 200 serials")


def oracle_sign(open_id, body: bytes) -> str:
    return base64.b64encode(hmac.new(str(open_id).encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def receiver(merchant):
    rec = start_receiver(merchant.open_id)
    yield rec
    rec.stop()


def deliver_all(tasks, done: set[int]) -> None:
    """Run the body of every webhook delivery task enqueued so far (once each)."""
    for result in list(tasks.results):
        if result.task.module_path.endswith("webhook_deliver"):
            delivery_id = result.kwargs["delivery_id"]
            if delivery_id not in done:
                done.add(delivery_id)
                assert webhook_deliver.call(delivery_id=delivery_id) == DeliveryStatus.DELIVERED


def test_order_lifecycle_from_api_to_delivered(
    authed,
    world,
    merchant,
    operator_admin,
    receiver,
    tasks,
    django_capture_on_commit_callbacks,
):
    sent: set[int] = set()

    def step(call):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = call()
        deliver_all(tasks, sent)
        return outcome

    # Webhooks for the order and logistics topics, to the local receiver (http://127.0.0.1 is
    # allowed by the test settings).
    hook = {"type": "ENABLE", "callbackUrls": [receiver.url]}
    assert step(lambda: authed.post("webhook/set", {"order": hook, "logistics": hook}).ok())

    # 1. Create only (payType 3), a sandbox order.
    created = step(
        lambda: authed.post(
            "shopping/order/createOrderV2",
            {
                "orderNumber": "E2E-1",
                "shippingCountryCode": "US",
                "shippingCountry": "United States",
                "shippingProvince": "CA",
                "shippingCity": "Los Angeles",
                "shippingZip": "90001",
                "shippingAddress": "1 Main Street",
                "shippingCustomerName": "Jane Doe",
                "shippingPhone": "+1 213 555 0100",
                "logisticName": "CJPacket",
                "fromCountryCode": "CN",
                "payType": 3,
                "isSandbox": 1,
                "products": [{"vid": world.red.public_id, "quantity": 2}],
            },
        ).ok()
    )
    order_id = created["orderId"]
    assert (created["orderStatus"], created["isSandbox"], created["orderAmount"]) == (
        "CREATED",
        1,
        "25.00",
    )

    def status():
        data = authed.get("shopping/order/getOrderDetail", {"orderId": order_id}).ok()
        return data["orderStatus"], data["subStatus"]

    # 2. Cart, confirmation (stock reserved), parent order, sandbox payment.
    added = step(lambda: authed.post("shopping/order/addCart", {"cjOrderIdList": [order_id]}).ok())
    assert added == {"successCount": 1, "addSuccessOrders": [order_id], "interceptOrders": []}
    assert status() == ("IN_CART", None)

    confirmed = step(
        lambda: authed.post("shopping/order/addCartConfirm", {"cjOrderIdList": [order_id]}).ok()
    )
    shipments_id = confirmed["shipmentsId"]
    assert confirmed["successCount"] == 1
    assert confirmed["submitSuccess"] is True
    assert status() == ("UNPAID", None)
    stock = Stock.objects.get(variant=world.red, warehouse=world.cn)
    assert (stock.on_hand, stock.reserved) == (100, 2)

    parent = step(
        lambda: authed.post(
            "shopping/order/saveGenerateParentOrder", {"shipmentOrderId": shipments_id}
        ).ok()
    )
    assert parent["shipmentOrderId"] == shipments_id
    assert parent["orderMoney"] == "25.00"
    assert parent["payId"]

    assert step(
        lambda: authed.post("shopping/sandbox/simulatePay", {"shipmentOrderId": shipments_id}).ok()
    )
    assert status() == ("UNSHIPPED", "PENDING")

    # 3. The warehouse: start picking, pack with the measured weight, ship with the Sandbox
    # carrier and a number whose scripted journey ends in delivery.
    number, journey = delivering_number(origin="CN", dest="US", dest_city="Los Angeles")
    carrier = sandbox_carrier()
    world.cn.carriers.add(carrier)
    parcel = Parcel.objects.get(orders__public_id=order_id)
    step(lambda: fulfillment.parcel_start_picking(parcels=[parcel], actor=operator_admin))
    assert status() == ("UNSHIPPED", "PROCESSING")
    step(
        lambda: fulfillment.parcel_pack(parcel=parcel, measured_weight_g=510, actor=operator_admin)
    )
    step(
        lambda: fulfillment.parcel_ship(
            parcel=parcel, actor=operator_admin, carrier=carrier, tracking_number=number
        )
    )
    assert status() == ("SHIPPED", None)
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (98, 0)

    # 4. The Sandbox carrier's clock: run each enqueued tick's body until the journey ends.
    tracking = Tracking.objects.get(tracking_number=number)
    ticks_run = 0
    while True:
        pending = [
            r
            for r in tasks.results
            if r.task.module_path.endswith("sandbox_carrier_tick") and r.kwargs["step"] >= ticks_run
        ]
        if not pending:
            break
        (tick,) = pending
        assert tick.kwargs == {"tracking_id": tracking.pk, "step": ticks_run}
        step(lambda tick=tick: sandbox_carrier_tick.call(**tick.kwargs))
        step(tracking_changes_follow.call)  # the periodic job: parcel and order follow
        ticks_run += 1
    assert ticks_run == len(journey)
    tracking.refresh_from_db()
    assert tracking.status == DELIVERED

    # 5. Delivered, as the API reports it.
    detail = authed.get("shopping/order/getOrderDetail", {"orderId": order_id}).ok()
    assert (detail["orderStatus"], detail["subStatus"], detail["isComplete"]) == (
        "DELIVERED",
        None,
        1,
    )
    assert detail["trackNumber"] == number
    assert detail["shipmentOrderId"] == shipments_id
    assert detail["paymentDate"] is not None
    assert detail["outWarehouseTime"] is not None

    # The history: one row per status change, in order.
    order = Order.objects.get(public_id=order_id)
    events = list(order.events.order_by("created_at", "pk"))
    assert [
        (e.from_status, e.to_status, e.to_sub_status) for e in events if e.kind == "status"
    ] == [
        ("CREATED", "IN_CART", ""),
        ("IN_CART", "UNPAID", ""),
        ("UNPAID", "UNSHIPPED", "PENDING"),
        ("UNSHIPPED", "UNSHIPPED", "PROCESSING"),
        ("UNSHIPPED", "SHIPPED", ""),
        ("SHIPPED", "DELIVERED", ""),
    ]
    assert events[0].kind == "created"
    assert [e.kind for e in events] == ["created"] + ["status"] * 6
    assert order.delivered_at is not None

    # Stock: reserved at confirmation, consumed at shipment, nothing released.
    movements = list(
        StockMovement.objects.filter(reference=parcel.reservation_reference).order_by("pk")
    )
    assert [(m.kind, m.on_hand_delta, m.reserved_delta) for m in movements] == [
        ("reservation", 0, 2),
        ("shipment", -2, -2),
    ]
    assert not StockMovement.objects.filter(kind="release").exists()

    # Audit trail of the sensitive writes.
    actions = list(
        AuditEvent.objects.filter(
            action__in=[
                AuditAction.ORDER_CREATED,
                AuditAction.ORDER_PAID,
                AuditAction.PARCEL_PACKED,
                AuditAction.PARCEL_SHIPPED,
            ]
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.ORDER_CREATED,
        AuditAction.ORDER_PAID,
        AuditAction.PARCEL_PACKED,
        AuditAction.PARCEL_SHIPPED,
    ]

    # 6. Webhooks: every request correctly signed (checked here again with our own oracle).
    assert receiver.requests != []
    for request in receiver.requests:
        assert request.sign_ok
        assert request.headers["sign"] == oracle_sign(merchant.open_id, request.body)
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert len({b["messageId"] for b in bodies}) == len(bodies)  # each message once
    assert all(b["openId"] == merchant.open_id for b in bodies)
    orders = [b["params"] for b in bodies if b["type"] == "ORDER"]
    assert [p["orderStatus"] for p in orders] == [
        "IN_CART",
        "UNPAID",
        "UNSHIPPED",
        "UNSHIPPED",
        "SHIPPED",
        "DELIVERED",
    ]
    assert {p["cjOrderId"] for p in orders} == {order_id}
    assert orders[-1]["trackNumber"] == number
    logistics = [b["params"] for b in bodies if b["type"] == "LOGISTIC"]
    statuses = [p["trackingStatus"] for p in logistics]
    assert statuses[0] == 1  # warehouse outbound, at shipment
    assert statuses[-1] == DELIVERED
    assert statuses == sorted(statuses)
    assert {p["trackingNumber"] for p in logistics} == {number}
    assert {p["orderId"] for p in logistics} == {order_id}
    last_events = json.loads(logistics[-1]["logisticsTrackEvents"])
    assert [e["status"] for e in last_events] == journey

    # 7. logistic/trackInfo for the number.
    [info] = authed.get("logistic/trackInfo", {"trackNumber": number}).ok()
    assert info["trackingNumber"] == number
    assert info["trackingStatus"] == "Delivered"
    assert (info["trackingFrom"], info["trackingTo"]) == ("CN", "US")
    assert info["deliveryTime"] is not None
