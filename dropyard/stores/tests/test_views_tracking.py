"""The push status on the merchant's order page and "Retry now": scoped to the merchant (and
a staff member's stores), POST only, audited, refusals shown."""

import pytest
from django.urls import reverse

from dropyard.accounts.models import Membership
from dropyard.accounts.tests.factories import make_staff
from dropyard.core.models import AuditEvent
from dropyard.stores import services
from dropyard.stores.adapters.base import AdapterError
from dropyard.stores.choices import TrackingPushStatus
from dropyard.stores.models import TrackingPush
from dropyard.stores.tests.factories import make_store
from dropyard.stores.tests.push_world import FakeAdapter, make_push_world, ship, store_order_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(merchant):
    """A shipped store order whose push the store refused."""
    pw = make_push_world(merchant)
    parcel = ship(pw, store_order_paid(pw), number="YT2400000001")
    adapter = FakeAdapter(failures=[AdapterError("tracking company is unknown")])
    services.tracking_push_parcel(parcel_id=parcel.pk, adapter=adapter)
    return TrackingPush.objects.get()


def _order_id(push):
    return push.store_order.order.public_id


def test_the_order_page_loads_the_push_status_from_the_stores_app(client, owner, failed):
    client.force_login(owner)

    page = client.get(reverse("orders:detail", args=[_order_id(failed)])).content.decode()
    partial = client.get(
        reverse("stores:order_tracking", args=[_order_id(failed)]), HTTP_HX_REQUEST="true"
    )

    url = reverse("stores:order_tracking", args=[_order_id(failed)])
    assert f'hx-get="{url}" hx-trigger="load"' in page
    html = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in html
    assert f'data-testid="push-{failed.parcel.code}"' in html
    assert '<span class="badge text-bg-danger" data-testid="push-status">Failed</span>' in html
    assert "tracking company is unknown" in html
    assert 'data-testid="push-retry">Retry now</button>' in html


def test_without_htmx_the_status_is_a_page_of_its_own(client, owner, failed):
    client.force_login(owner)

    response = client.get(reverse("stores:order_tracking", args=[_order_id(failed)]))

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "Tracking sent to the store" in response.content.decode()


def test_retry_now_makes_the_push_due_audits_it_and_returns_to_the_order(
    client, owner, failed, tasks, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stores:tracking_push_retry", args=[failed.pk]))

    failed.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[_order_id(failed)])
    assert (failed.status, failed.attempts) == (TrackingPushStatus.PENDING, 0)
    assert [(r.task.module_path, r.kwargs) for r in tasks.results] == [
        ("dropyard.stores.tasks.tracking_push_run", {"push_id": failed.pk})
    ]
    event = AuditEvent.objects.get(action="store.tracking_push", details__result="retry requested")
    assert event.actor == owner


def test_retry_now_over_htmx_answers_the_partial_with_the_outcome(client, owner, failed):
    client.force_login(owner)

    response = client.post(
        reverse("stores:tracking_push_retry", args=[failed.pk]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Pushing tracking YT2400000001 to" in html
    assert '<span class="badge text-bg-warning" data-testid="push-status">Pending</span>' in html


def test_retrying_a_pushed_push_is_refused_with_a_message(client, owner, failed):
    services.tracking_push_retry(push=failed, actor=owner)
    assert services.tracking_push_attempt(push_id=failed.pk, adapter=FakeAdapter()) == "pushed"
    client.force_login(owner)
    audits = AuditEvent.objects.count()

    response = client.post(
        reverse("stores:tracking_push_retry", args=[failed.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 409
    assert "this tracking is already on the store" in response.content.decode()
    assert AuditEvent.objects.count() == audits


def test_retry_now_is_post_only(client, owner, failed):
    client.force_login(owner)

    response = client.get(reverse("stores:tracking_push_retry", args=[failed.pk]))

    failed.refresh_from_db()
    assert response.status_code == 405
    assert failed.status == TrackingPushStatus.FAILED


def test_another_merchant_gets_404_and_changes_nothing(client, other_merchant, failed):
    client.force_login(other_merchant.owner)

    retry = client.post(reverse("stores:tracking_push_retry", args=[failed.pk]))
    status = client.get(reverse("stores:order_tracking", args=[_order_id(failed)]))

    failed.refresh_from_db()
    assert (retry.status_code, status.status_code) == (404, 404)
    assert failed.status == TrackingPushStatus.FAILED
    assert not AuditEvent.objects.filter(details__result="retry requested").exists()


def test_staff_outside_the_stores_scope_see_no_order_and_cannot_retry(client, merchant, failed):
    other_store = make_store(merchant=merchant)
    staff = make_staff(merchant=merchant, permissions=["orders"])
    Membership.objects.filter(user=staff).update(store_ids=[other_store.pk])
    client.force_login(staff)

    retry = client.post(reverse("stores:tracking_push_retry", args=[failed.pk]))
    status = client.get(
        reverse("stores:order_tracking", args=[_order_id(failed)]), HTTP_HX_REQUEST="true"
    )

    # The order comes from a store outside the member's scope: not found at all.
    assert retry.status_code == 404
    assert status.status_code == 404


def test_the_store_page_counts_failed_pushes(client, owner, failed):
    client.force_login(owner)

    response = client.get(reverse("stores:detail", args=[failed.store.public_id]))

    assert (
        '<dd class="col-5 text-end text-danger fw-semibold" data-testid="failed-push-count">1</dd>'
        in response.content.decode()
    )
