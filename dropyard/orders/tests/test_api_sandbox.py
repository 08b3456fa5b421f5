"""shopping/sandbox/{simulatePay, updateStatus, updateTrackNumber} through the full stack."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.fulfillment import services as fulfillment
from dropyard.fulfillment.services import tracking as fulfillment_tracking
from dropyard.fulfillment.tasks import tracking_changes_follow
from dropyard.logistics.carriers import luhn_check_digit, sandbox_journey
from dropyard.logistics.models import Tracking, TrackingStatusChange
from dropyard.logistics.tests.factories import sandbox_carrier
from dropyard.orders.choices import OrderStatus, ParcelStatus
from dropyard.orders.models import Order, OrderEvent, Parcel
from dropyard.orders.tests.api_fixtures import authed, other_cj, world  # noqa: F401
from dropyard.orders.tests.test_api import CREATE, body

pytestmark = pytest.mark.django_db

S = OrderStatus

PAY = "shopping/sandbox/simulatePay"
STATUS = "shopping/sandbox/updateStatus"
TRACK = "shopping/sandbox/updateTrackNumber"
DETAIL = "shopping/order/getOrderDetail"
FOLLOW = "dropyard.fulfillment.tasks.tracking_changes_follow"


def create(authed, world, number="S-1", **overrides):
    return authed.post(CREATE, body(world, number, isSandbox=1, **overrides)).ok()["orderId"]


def state(authed, order_id):
    data = authed.get(DETAIL, {"orderId": order_id}).ok()
    return data["orderStatus"], data["subStatus"]


# --- simulatePay ----------------------------------------------------------------------------------


def test_simulate_pay_confirms_and_pays_a_created_sandbox_order(authed, world):
    order_id = create(authed, world)

    assert authed.post(PAY, {"orderId": order_id}).ok() is True

    assert state(authed, order_id) == ("UNSHIPPED", "PENDING")
    events_before = OrderEvent.objects.count()
    assert authed.post(PAY, {"orderId": order_id}).ok() is True  # paying again: no change
    assert OrderEvent.objects.count() == events_before


def test_simulate_pay_by_shipment_order_id(authed, world):
    order_id = create(authed, world, payType=1)
    shipments_id = Order.objects.get(public_id=order_id).parent.shipments_id

    assert authed.post(PAY, {"shipmentOrderId": shipments_id}).ok() is True

    assert state(authed, order_id) == ("UNSHIPPED", "PENDING")


def test_simulate_pay_refuses_a_live_order(authed, world):
    order_id = authed.post(CREATE, body(world, payType=1)).ok()["orderId"]

    message = authed.post(PAY, {"orderId": order_id}).error(1603101)

    assert "sandbox" in message
    assert state(authed, order_id) == ("UNPAID", None)


def test_simulate_pay_input_errors(authed, other_cj, world):
    order_id = create(authed, world)

    assert authed.post(PAY, {}).error(1600300) == "orderId or shipmentOrderId is required"
    other_cj.post(PAY, {"orderId": order_id}).error(1603100)
    authed.post(PAY, {"shipmentOrderId": "nope"}).error(1603100)
    assert state(authed, order_id) == ("CREATED", None)


# --- updateStatus ---------------------------------------------------------------------------------


def _follow_enqueued(tasks, ran: set[str]) -> None:
    """Run the tracking follow tasks the calls enqueued after their commit (the test task backend
    only records them), once each."""
    for result in tasks.results:
        if result.task.module_path == FOLLOW and result.id not in ran:
            ran.add(result.id)
            tracking_changes_follow.call()


def test_update_status_walks_300_to_700(authed, world, tasks, django_capture_on_commit_callbacks):
    sandbox_carrier()
    order_id = create(authed, world)

    ran: set[str] = set()

    def move(target):
        with django_capture_on_commit_callbacks(execute=True):
            assert authed.post(STATUS, {"orderId": order_id, "targetStatus": target}).ok()
        _follow_enqueued(tasks, ran)
        return state(authed, order_id)

    assert move(300) == ("UNSHIPPED", "PENDING")
    assert move(400) == ("UNSHIPPED", "PROCESSING")
    assert move(500) == ("SHIPPED", None)
    detail = authed.get(DETAIL, {"orderId": order_id}).ok()
    assert detail["trackNumber"].startswith("SBX")
    assert move(600) == ("DELIVERED", None)
    tracking = Tracking.objects.get(tracking_number=detail["trackNumber"])
    assert tracking.status == 12
    assert move(700) == ("DELIVERED", None)
    order = Order.objects.get(public_id=order_id)
    assert order.events.filter(kind="completed").count() == 1
    assert authed.post(STATUS, {"orderId": order_id, "targetStatus": 800}).error(1600300)


def _shipped_sandbox_order(authed, world):
    sandbox_carrier()
    order_id = create(authed, world)
    for target in (300, 400, 500):
        assert authed.post(STATUS, {"orderId": order_id, "targetStatus": target}).ok()
    return order_id


def test_update_status_600_answers_once_the_order_is_delivered(authed, world, tasks):
    order_id = _shipped_sandbox_order(authed, world)

    assert authed.post(STATUS, {"orderId": order_id, "targetStatus": 600}).ok()

    # No task has run: the parcel and the order followed the delivery inside the call.
    assert state(authed, order_id) == ("DELIVERED", None)
    assert TrackingStatusChange.objects.filter(applied_at__isnull=True).count() == 0
    parcel = Parcel.objects.get(orders__public_id=order_id)
    assert parcel.status == ParcelStatus.DELIVERED


def test_update_status_600_leaves_a_failed_follow_to_the_retried_task(
    authed, world, tasks, monkeypatch
):
    order_id = _shipped_sandbox_order(authed, world)
    real = fulfillment_tracking.parcel_tracking_changed

    def broken(**kwargs):
        raise RuntimeError("lock timeout")

    monkeypatch.setattr(fulfillment_tracking, "parcel_tracking_changed", broken)
    assert authed.post(STATUS, {"orderId": order_id, "targetStatus": 600}).ok()
    assert state(authed, order_id) == ("SHIPPED", None)
    assert TrackingStatusChange.objects.filter(applied_at__isnull=True).count() == 1

    monkeypatch.setattr(fulfillment_tracking, "parcel_tracking_changed", real)
    assert tracking_changes_follow.call() == 1

    assert state(authed, order_id) == ("DELIVERED", None)
    assert TrackingStatusChange.objects.filter(applied_at__isnull=True).count() == 0
    order = Order.objects.get(public_id=order_id)
    assert order.events.filter(to_status=OrderStatus.DELIVERED).count() == 1


@pytest.mark.parametrize(("target", "expected"), [(500, 300), (400, 300), (200, 300)])
def test_update_status_moves_one_step_at_a_time(authed, world, target, expected):
    order_id = create(authed, world)

    message = authed.post(STATUS, {"orderId": order_id, "targetStatus": target}).error(1600300)

    assert message.startswith(f"targetStatus must be {expected}")
    assert state(authed, order_id) == ("CREATED", None)


def test_update_status_refuses_live_and_other_merchants_orders(authed, other_cj, world):
    live = authed.post(CREATE, body(world, "LIVE-1", payType=1)).ok()["orderId"]
    mine = create(authed, world)

    authed.post(STATUS, {"orderId": live, "targetStatus": 300}).error(1600300)
    other_cj.post(STATUS, {"orderId": mine, "targetStatus": 300}).error(1603100)
    authed.post(STATUS, {"orderId": mine, "targetStatus": "x"}).error(1600300)
    assert state(authed, live) == ("UNPAID", None)
    assert state(authed, mine) == ("CREATED", None)


def exception_number() -> str:
    for serial_number in range(1, 500):
        serial = f"{serial_number:09d}"
        number = f"SBX{serial}{luhn_check_digit(serial)}"
        steps = sandbox_journey(
            tracking_number=number, origin_country="CN", dest_country="US", dest_city="Los Angeles"
        )
        if int(steps[-1].status) == 14:
            return number
    raise AssertionError("no returned journey among the first 500 serials")


def test_update_status_600_delivers_even_a_journey_scripted_to_fail(
    authed, world, operator_admin, tasks, django_capture_on_commit_callbacks
):
    carrier = sandbox_carrier()
    world.cn.carriers.add(carrier)
    order_id = create(authed, world, payType=2)
    parcel = Parcel.objects.get(orders__public_id=order_id)
    number = exception_number()
    with django_capture_on_commit_callbacks(execute=True):
        fulfillment.parcel_start_picking(parcels=[parcel], actor=operator_admin)
        fulfillment.parcel_pack(parcel=parcel, measured_weight_g=500, actor=operator_admin)
        fulfillment.parcel_ship(
            parcel=parcel, actor=operator_admin, carrier=carrier, tracking_number=number
        )

    with django_capture_on_commit_callbacks(execute=True):
        authed.post(STATUS, {"orderId": order_id, "targetStatus": 600}).ok()
    _follow_enqueued(tasks, set())

    assert state(authed, order_id) == ("DELIVERED", None)
    tracking = Tracking.objects.get(tracking_number=number)
    statuses = list(tracking.events.order_by("event_time", "pk").values_list("status", flat=True))
    assert statuses[-1] == 12
    assert 13 not in statuses
    assert 14 not in statuses


# --- updateTrackNumber ----------------------------------------------------------------------------


def test_update_track_number_ships_with_that_number(
    authed, world, django_capture_on_commit_callbacks
):
    sandbox = sandbox_carrier()
    order_id = create(authed, world, payType=2)

    with django_capture_on_commit_callbacks(execute=True):
        assert authed.post(TRACK, {"orderId": order_id, "trackNumber": "ab-1234567"}).ok()

    detail = authed.get(DETAIL, {"orderId": order_id}).ok()
    assert (detail["orderStatus"], detail["trackNumber"]) == ("SHIPPED", "AB-1234567")
    # A typed number is registered under the Sandbox carrier only (no real carrier's number).
    parcel = Parcel.objects.get(tracking_number="AB-1234567")
    assert parcel.carrier == sandbox
    assert Tracking.objects.get(tracking_number="AB-1234567").carrier == sandbox


def test_update_track_number_errors(authed, other_cj, world):
    unshipped = create(authed, world, payType=2)
    created = create(authed, world, "S-2")
    live = authed.post(CREATE, body(world, "LIVE-1", payType=1)).ok()["orderId"]

    authed.post(TRACK, {"orderId": unshipped, "trackNumber": "A" * 65}).error(1600300)
    authed.post(TRACK, {"orderId": unshipped, "trackNumber": "a b"}).error(1600300)
    assert authed.post(TRACK, {"orderId": unshipped}).error(1600300) == "trackNumber is required"
    authed.post(TRACK, {"orderId": created, "trackNumber": "AB-1234567"}).error(1600300)
    authed.post(TRACK, {"orderId": live, "trackNumber": "AB-1234567"}).error(1600300)
    other_cj.post(TRACK, {"orderId": unshipped, "trackNumber": "AB-1234567"}).error(1603100)
    assert not Parcel.objects.exclude(tracking_number="").exists()


# --- Sandbox money off ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("shopping/sandbox/simulatePay", {}),
        ("shopping/sandbox/updateStatus", {"targetStatus": 300}),
        ("shopping/sandbox/updateTrackNumber", {"trackNumber": "SBX12345"}),
    ],
)
def test_sandbox_api_refused_when_off(settings, authed, world, path, extra):
    order_id = authed.post(CREATE, body(world, "SB-API", isSandbox=1, payType=3)).ok()["orderId"]
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    message = authed.post(path, {"orderId": order_id, **extra}).error(1600300)

    assert "sandbox payments are disabled" in message
    assert Order.objects.get(public_id=order_id).status == S.CREATED
