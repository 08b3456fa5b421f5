"""Tracking push-back (``stores.services.tracking``): a shipped parcel of a store order goes to
the store once, retried with backoff, skipped when the store says so, and marked delivered."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from dropyard.core.models import AuditEvent
from dropyard.fulfillment import services as fulfillment_services
from dropyard.fulfillment.tests.factories import make_parcel, make_variants
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.orders.choices import ParcelStatus
from dropyard.stores import services
from dropyard.stores.adapters.base import AdapterError, AuthorizationLost, PlatformFulfillment
from dropyard.stores.choices import DeliveryMark, StoreStatus, TrackingPushStatus
from dropyard.stores.models import Store, TrackingPush
from dropyard.stores.services import tracking
from dropyard.stores.tests.push_world import (
    FakeAdapter,
    make_push_world,
    retryable,
    ship,
    store_order_paid,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(merchant):
    return make_push_world(merchant)


def _push_audits():
    return list(
        AuditEvent.objects.filter(action="store.tracking_push")
        .order_by("pk")
        .values_list("details__result", flat=True)
    )


def test_shipping_a_store_orders_parcel_enqueues_the_push_task_after_the_commit(
    pw, tasks, django_capture_on_commit_callbacks
):
    row = store_order_paid(pw)
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        parcel = ship(pw, row)

    assert [(r.task.module_path, r.kwargs) for r in tasks.results] == [
        ("dropyard.stores.tasks.tracking_push_parcel", {"parcel_id": parcel.pk})
    ]


def test_a_shipped_parcel_is_pushed_with_carrier_number_url_and_platform_lines(pw):
    row = store_order_paid(pw, quantity=2)
    parcel = ship(pw, row, number="YT2400000001")
    adapter = FakeAdapter()

    outcomes = services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)

    assert outcomes == ["pushed"]
    assert adapter.pushed == [
        PlatformFulfillment(
            platform_order_id="1001",
            carrier="Yun Express",
            tracking_number="YT2400000001",
            tracking_url="https://yun.example/t/YT2400000001",
            line_quantities={"L1001-0": 2},
        )
    ]
    push = TrackingPush.objects.get()
    assert (push.status, push.platform_fulfillment_id, push.attempts, push.last_error) == (
        TrackingPushStatus.PUSHED,
        "FUL-1",
        0,
        "",
    )
    assert push.pushed_at is not None
    assert (push.store, push.store_order, push.parcel) == (pw.store, row, parcel)
    assert _push_audits() == ["pushed"]


def test_a_pushed_parcel_is_never_pushed_again(pw):
    parcel = ship(pw, store_order_paid(pw))
    adapter = FakeAdapter()
    services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)

    again = services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)
    swept = services.tracking_pushes_sweep(adapter=adapter)

    assert again == []
    assert swept == {"recorded": 0, "marked": 0}
    assert len(adapter.pushed) == 1
    assert TrackingPush.objects.count() == 1
    assert _push_audits() == ["pushed"]


def test_a_retryable_failure_waits_with_backoff_then_pushes_exactly_once(pw):
    parcel = ship(pw, store_order_paid(pw))
    adapter = FakeAdapter(failures=[retryable("store error 503"), retryable("timed out")])
    start = timezone.now()

    with freeze_time(start):
        first = services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)
        early = services.tracking_pushes_sweep(adapter=adapter)
    push = TrackingPush.objects.get()
    assert first == ["retry"]
    assert early == {"recorded": 0, "marked": 0}  # not due before its time
    assert (push.status, push.attempts, push.last_error) == (
        TrackingPushStatus.PENDING,
        1,
        "store error 503",
    )
    assert push.next_attempt_at == start + timedelta(seconds=60)

    with freeze_time(start + timedelta(seconds=61)):
        second = services.tracking_pushes_sweep(adapter=adapter)
    push.refresh_from_db()
    assert second == {"recorded": 0, "marked": 0, "retry": 1}
    assert (push.attempts, push.next_attempt_at) == (
        2,
        start + timedelta(seconds=61) + timedelta(seconds=120),
    )

    with freeze_time(start + timedelta(seconds=61 + 121)):
        third = services.tracking_pushes_sweep(adapter=adapter)
        fourth = services.tracking_pushes_sweep(adapter=adapter)
    push.refresh_from_db()
    assert third == {"recorded": 0, "marked": 0, "pushed": 1}
    assert fourth == {"recorded": 0, "marked": 0}
    assert len(adapter.pushed) == 1
    assert (push.status, push.platform_fulfillment_id) == (TrackingPushStatus.PUSHED, "FUL-1")
    assert _push_audits() == ["pushed"]


def test_retries_stop_after_the_last_attempt_and_the_push_fails(pw):
    parcel = ship(pw, store_order_paid(pw))
    adapter = FakeAdapter(failures=[retryable() for _ in range(tracking.MAX_ATTEMPTS)])
    services.tracking_pushes_record(parcel_id=parcel.pk)
    push = TrackingPush.objects.get()

    outcomes = []
    for _ in range(tracking.MAX_ATTEMPTS):
        TrackingPush.objects.filter(pk=push.pk).update(next_attempt_at=timezone.now())
        outcomes.append(services.tracking_push_attempt(push_id=push.pk, adapter=adapter))

    push.refresh_from_db()
    assert outcomes == ["retry"] * (tracking.MAX_ATTEMPTS - 1) + ["failed"]
    assert (push.status, push.attempts, push.next_attempt_at) == (
        TrackingPushStatus.FAILED,
        tracking.MAX_ATTEMPTS,
        None,
    )
    assert adapter.pushed == []
    assert _push_audits() == ["push failed"]


def test_a_refusal_fails_the_push_at_once_with_the_platforms_error(pw):
    parcel = ship(pw, store_order_paid(pw))
    adapter = FakeAdapter(failures=[AdapterError("order 1001 is already fulfilled")])

    outcomes = services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)

    push = TrackingPush.objects.get()
    assert outcomes == ["failed"]
    assert (push.status, push.attempts, push.last_error) == (
        TrackingPushStatus.FAILED,
        1,
        "order 1001 is already fulfilled",
    )
    assert services.tracking_pushes_sweep(adapter=adapter) == {"recorded": 0, "marked": 0}


def test_with_tracking_push_off_the_push_is_skipped_and_the_store_not_called(merchant):
    pw = make_push_world(merchant)
    Store.objects.filter(pk=pw.store.pk).update(tracking_push=False)
    parcel = ship(pw, store_order_paid(pw))
    adapter = FakeAdapter()

    outcomes = services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)

    push = TrackingPush.objects.get()
    assert outcomes == []
    assert (push.status, push.last_error, push.attempts) == (
        TrackingPushStatus.SKIPPED,
        "tracking push is off for this store",
        0,
    )
    assert adapter.pushed == []
    assert _push_audits() == ["skipped"]


def test_the_stores_url_template_wins_over_the_carriers_page(merchant):
    pw = make_push_world(merchant)
    services.store_settings_update(
        store=pw.store,
        merchant=merchant,
        actor=merchant.owner,
        tracking_url_template="https://track.example/?n={number}",
    )
    parcel = ship(pw, store_order_paid(pw), number="YT24 0000 0002")
    adapter = FakeAdapter()

    services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)

    assert [f.tracking_url for f in adapter.pushed] == ["https://track.example/?n=YT2400000002"]


def test_a_carrier_without_a_tracking_page_pushes_no_url(pw):
    pw.carrier.tracking_url_template = ""
    pw.carrier.save()
    parcel = ship(pw, store_order_paid(pw))
    adapter = FakeAdapter()

    services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)

    assert [(f.carrier, f.tracking_url) for f in adapter.pushed] == [("Yun Express", "")]


def test_authorization_lost_fails_the_push_and_the_store_needs_reauthorizing(pw):
    first = ship(pw, store_order_paid(pw, "1001"), number="YT2400000001")
    second = ship(pw, store_order_paid(pw, "1002"), number="YT2400000002")
    adapter = FakeAdapter(failures=[AuthorizationLost("the token was revoked")])

    outcomes = services.tracking_push_parcel(parcel_id=first.pk, adapter=adapter)
    later = services.tracking_push_parcel(parcel_id=second.pk, adapter=adapter)

    store = Store.objects.get(pk=pw.store.pk)
    assert outcomes == ["failed"]
    assert (store.status, store.status_reason) == (
        StoreStatus.REAUTHORIZE,
        "authorization lost: the token was revoked",
    )
    assert later == []  # waits for the store to be authorized again
    assert list(TrackingPush.objects.order_by("pk").values_list("status", "last_error")) == [
        (TrackingPushStatus.FAILED, "the token was revoked"),
        (TrackingPushStatus.PENDING, ""),
    ]
    assert adapter.pushed == []


def test_the_sweep_pushes_a_shipped_parcel_whose_task_never_ran(pw):
    parcel = ship(pw, store_order_paid(pw))  # on-commit callbacks not run: no task at all
    adapter = FakeAdapter()

    counts = services.tracking_pushes_sweep(adapter=adapter)

    assert counts == {"recorded": 1, "marked": 0, "pushed": 1}
    assert [f.tracking_number for f in adapter.pushed] == [parcel.tracking_number]


def test_a_delivered_parcel_is_marked_delivered_on_the_store_once(
    pw, tasks, django_capture_on_commit_callbacks
):
    parcel = ship(pw, store_order_paid(pw))
    adapter = FakeAdapter()
    services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        fulfillment_services.parcel_tracking_changed(
            tracking_number=parcel.tracking_number, new_status=12
        )
    delivered = services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)
    again = services.tracking_pushes_sweep(adapter=adapter)

    parcel.refresh_from_db()
    push = TrackingPush.objects.get()
    assert parcel.status == ParcelStatus.DELIVERED
    assert [(r.task.module_path, r.kwargs) for r in tasks.results] == [
        ("dropyard.stores.tasks.tracking_push_parcel", {"parcel_id": parcel.pk})
    ]
    assert delivered == ["delivered"]
    assert again == {"recorded": 0, "marked": 0}
    assert adapter.delivered == [("1001", "FUL-1")]
    assert push.delivery == DeliveryMark.MARKED
    assert _push_audits() == ["pushed", "delivered"]


def test_the_merchants_retry_makes_a_failed_push_due_and_runs_it_after_the_commit(
    pw, tasks, django_capture_on_commit_callbacks
):
    parcel = ship(pw, store_order_paid(pw))
    services.tracking_push_parcel(
        parcel_id=parcel.pk, adapter=FakeAdapter(failures=[AdapterError("bad carrier name")])
    )
    push = TrackingPush.objects.get()
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.tracking_push_retry(push=push, actor=pw.store.merchant.owner)
    outcome = services.tracking_push_attempt(push_id=push.pk, adapter=FakeAdapter())

    push.refresh_from_db()
    assert [(r.task.module_path, r.kwargs) for r in tasks.results] == [
        ("dropyard.stores.tasks.tracking_push_run", {"push_id": push.pk})
    ]
    assert outcome == "pushed"
    assert (push.status, push.attempts) == (TrackingPushStatus.PUSHED, 0)
    retry = AuditEvent.objects.get(action="store.tracking_push", details__result="retry requested")
    assert retry.actor == pw.store.merchant.owner


def test_retrying_a_pushed_push_is_refused_and_changes_nothing(
    pw, tasks, django_capture_on_commit_callbacks
):
    parcel = ship(pw, store_order_paid(pw))
    services.tracking_push_parcel(parcel_id=parcel.pk, adapter=FakeAdapter())
    push = TrackingPush.objects.get()
    tasks.clear()
    audits = AuditEvent.objects.count()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(tracking.TrackingPushRefused, match="already on the store"),
    ):
        services.tracking_push_retry(push=push, actor=None)

    push.refresh_from_db()
    assert push.status == TrackingPushStatus.PUSHED
    assert list(tasks.results) == []
    assert AuditEvent.objects.count() == audits


def test_a_running_attempt_is_not_claimed_twice(pw):
    parcel = ship(pw, store_order_paid(pw))
    services.tracking_pushes_record(parcel_id=parcel.pk)
    push = TrackingPush.objects.get()

    claim = tracking._claim(push.pk)
    second = services.tracking_push_attempt(push_id=push.pk, adapter=FakeAdapter())

    assert claim is not None
    assert second == "not due"
    assert TrackingPush.objects.get().attempts == 1


def test_a_parcel_of_an_order_not_from_a_store_records_nothing(merchant):
    (variant,) = make_variants(1)
    parcel = make_parcel(
        merchant=merchant, warehouse=WarehouseFactory(), items=[(variant, 1)], on_hand=5
    )

    assert services.tracking_pushes_record(parcel_id=parcel.pk) == []
    assert TrackingPush.objects.count() == 0
