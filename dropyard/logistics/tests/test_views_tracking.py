"""Public tracking pages (/track/) and the trackings back office (logistics_ops:tracking_*)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from dropyard.accounts.testing.views import (
    OPERATOR_ACTORS,
    assert_page_access,
    assert_sent_to_login,
    operator_actors,
)
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.logistics import services
from dropyard.logistics.models import TrackingEvent
from dropyard.logistics.services import TrackingEventIn
from dropyard.logistics.tests.factories import CarrierFactory, make_tracking
from dropyard.orders.models import Order

pytestmark = pytest.mark.django_db

RECIPIENT = "Jane Recipient"
STREET = "742 Evergreen Terrace"
PHONE = "+1 512 555 0199"
EMAIL = "jane@example.test"
ORDER_NUMBER = "SHOP-ORDER-77123"
PARCEL_CODE = "P8F3K2"


@pytest.fixture
def tracking(merchant):
    """A Sandbox tracking with two events, one typed by an operator who wrote personal data."""
    tracking = make_tracking(
        merchant, number="SBX0000000018", dest_city="Austin", reference=PARCEL_CODE
    )
    services.tracking_events_record(
        tracking=tracking,
        events=[
            TrackingEventIn(
                status=1,
                activity="Parcel handed over by the warehouse",
                event_time=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
                external_id="sandbox:0",
                city="Shenzhen",
                country="CN",
            ),
            TrackingEventIn(
                status=10,
                activity="Out for delivery",
                event_time=datetime(2026, 3, 9, 7, 45, tzinfo=UTC),
                external_id="sandbox:8",
                city="Austin",
                country="US",
            ),
        ],
    )
    return tracking


# --- Public page --------------------------------------------------------------------------------


def test_public_page_shows_status_and_timeline_with_city_and_country(client, tracking):
    response = client.get(reverse("tracking:track_detail", args=["SBX0000000018"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="track-status">Out for delivery<' in html
    assert 'data-testid="sandbox-badge">Sandbox<' in html
    assert html.index("Out for delivery</div>") < html.index("Parcel handed over")
    assert "2026-03-01 08:00 UTC" in html
    assert "Shenzhen, CN" in html
    assert "Austin, US" in html


def test_public_page_shows_no_personal_data(client, tracking, merchant):
    # The order behind the parcel holds the recipient's details; none may reach this page.
    Order.objects.create(
        code="DY2603010001",
        merchant=merchant,
        order_number=ORDER_NUMBER,
        shipping_country_code="US",
        shipping_city="Austin",
        shipping_zip="78701",
        shipping_address=STREET,
        shipping_customer_name=RECIPIENT,
        shipping_phone=PHONE,
        email=EMAIL,
    )
    response = client.get(reverse("tracking:track_detail", args=["sbx0000000018"]))

    html = response.content.decode()
    assert response.status_code == 200
    for secret in (RECIPIENT, STREET, PHONE, EMAIL, ORDER_NUMBER, PARCEL_CODE, "78701"):
        assert secret not in html
    assert merchant.business_name not in html
    assert merchant.account_number not in html
    assert merchant.owner.email not in html


def test_public_page_shows_only_the_status_of_an_operator_typed_event(client, tracking, support):
    services.tracking_manual_event(
        tracking=tracking,
        actor=support,
        status=11,
        activity=f"Left with neighbour {RECIPIENT} at {STREET}",
        city="Austin",
        country="US",
    )

    html = client.get(reverse("tracking:track_detail", args=["SBX0000000018"])).content.decode()

    assert RECIPIENT not in html
    assert STREET not in html
    assert "Awaiting pickup</div>" in html


def test_unknown_number_answers_a_not_found_page(client, tracking):
    response = client.get(reverse("tracking:track_detail", args=["SBX9999999999"]))

    assert response.status_code == 404
    assert b'data-testid="track-not-found"' in response.content
    assert b"SBX9999999999" in response.content


def test_garbage_number_is_not_found_and_not_echoed_raw(client):
    response = client.get("/track/%3Cscript%3Ealert(1)%3C%2Fscript%3E/")

    assert response.status_code == 404
    assert b"<script>alert(1)" not in response.content


def test_lookup_form_goes_to_the_numbers_page(client):
    response = client.get(reverse("tracking:track_form"), {"number": " sbx 0000000018 "})

    assert response.status_code == 302
    assert response["Location"] == reverse("tracking:track_detail", args=["SBX0000000018"])


def test_lookup_form_without_number_shows_the_form(client):
    response = client.get(reverse("tracking:track_form"))

    assert response.status_code == 200
    assert b'data-testid="track-lookup"' in response.content


def test_lookup_form_explains_a_malformed_number(client):
    response = client.get(reverse("tracking:track_form"), {"number": "a!"})

    assert response.status_code == 400
    assert b'data-testid="track-error"' in response.content


def test_lookups_are_rate_limited_per_ip(client, tracking, settings):
    settings.DROPYARD_TRACKING_LOOKUPS_PER_MINUTE = 3
    url = reverse("tracking:track_detail", args=["SBX0000000018"])

    statuses = [client.get(url, REMOTE_ADDR="203.0.113.9").status_code for _ in range(4)]
    other_ip = client.get(url, REMOTE_ADDR="203.0.113.10").status_code

    assert statuses == [200, 200, 200, 429]
    assert other_ip == 200


def test_a_number_without_events_says_so(client, merchant):
    make_tracking(merchant, number="SBX0000000026")

    response = client.get(reverse("tracking:track_detail", args=["SBX0000000026"]))

    assert response.status_code == 200
    assert b'data-testid="empty-state"' in response.content


# --- Back office: permissions -----------------------------------------------------------------

ALLOWED = {"admin", "warehouse", "support"}


@pytest.fixture
def actors(owner, agent, support, operator_admin):
    return operator_actors(owner=owner, agent=agent, support=support, operator_admin=operator_admin)


@pytest.fixture
def page_urls(tracking):
    return {
        "tracking_list": reverse("logistics_ops:tracking_list"),
        "tracking_detail": reverse("logistics_ops:tracking_detail", args=[tracking.pk]),
    }


@pytest.mark.parametrize("page", ["tracking_list", "tracking_detail"])
def test_anonymous_is_sent_to_login(client, page_urls, page):
    assert_sent_to_login(client, page_urls[page])


@pytest.mark.parametrize("actor", OPERATOR_ACTORS)
@pytest.mark.parametrize("page", ["tracking_list", "tracking_detail"])
def test_page_permission_matrix(client, actors, page_urls, page, actor):
    assert_page_access(client, actors[actor], page_urls[page], allowed=actor in ALLOWED)


@pytest.mark.parametrize("actor", sorted(set(OPERATOR_ACTORS) - ALLOWED))
def test_refused_manual_event_changes_nothing(client, actors, tracking, actor):
    client.force_login(actors[actor])

    response = client.post(
        reverse("logistics_ops:tracking_event_add", args=[tracking.pk]),
        {"status": "12", "activity": "Delivered"},
    )

    assert response.status_code == 403
    assert tracking.events.count() == 2


# --- Back office: flows -----------------------------------------------------------------------


def test_list_searches_by_number_and_filters_by_status(client, operator_admin, tracking, merchant):
    other = make_tracking(merchant, carrier=CarrierFactory(), number="LX0042", reference="P9")
    client.force_login(operator_admin)
    url = reverse("logistics_ops:tracking_list")

    by_number = client.get(url, {"q": "0000018"}).content.decode()
    by_status = client.get(url, {"status": "0"}).content.decode()
    nothing = client.get(url, {"q": "NOPE"}).content.decode()

    assert "SBX0000000018" in by_number
    assert other.tracking_number not in by_number
    assert other.tracking_number in by_status
    assert "SBX0000000018" not in by_status
    assert "No trackings match these filters." in nothing


def test_list_is_empty_before_any_shipment(client, operator_admin):
    client.force_login(operator_admin)

    response = client.get(reverse("logistics_ops:tracking_list"))

    assert "No trackings yet" in response.content.decode()


def test_list_htmx_search_renders_only_the_results(client, operator_admin, tracking):
    client.force_login(operator_admin)

    response = client.get(
        reverse("logistics_ops:tracking_list"), {"q": "SBX"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert 'data-testid="tracking-table"' in html
    assert "<html" not in html


def test_detail_shows_events_and_the_manual_event_form(client, support, tracking):
    client.force_login(support)

    response = client.get(reverse("logistics_ops:tracking_detail", args=[tracking.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="event-row"') == 2
    assert "2026-03-09 07:45:00" in html
    assert "Shenzhen, CN" in html
    assert 'data-label="Activity"' in html  # phone cards name each cell
    assert 'data-testid="manual-event-form"' in html
    assert 'data-confirm="Record this event?' in html
    assert PARCEL_CODE in html  # operators see the reference


def _activities(response) -> list[str]:
    return [event.activity for event in response.context["events"].object_list]


def test_detail_events_sort_by_time_both_ways(client, support, tracking):
    client.force_login(support)
    url = reverse("logistics_ops:tracking_detail", args=[tracking.pk])

    newest = _activities(client.get(url))
    oldest = _activities(client.get(url, {"sort": "event_time"}))
    by_status = _activities(client.get(url, {"sort": "-status"}))

    assert newest == ["Out for delivery", "Parcel handed over by the warehouse"]
    assert oldest == ["Parcel handed over by the warehouse", "Out for delivery"]
    assert by_status == ["Out for delivery", "Parcel handed over by the warehouse"]
    assert client.get(url, {"sort": "activity", "page": "x"}).status_code == 200


def test_detail_events_page_and_answer_htmx_with_the_table_only(client, support, tracking):
    services.tracking_events_record(
        tracking=tracking,
        events=[
            TrackingEventIn(
                status=2,
                activity=f"Scan {n}",
                event_time=datetime(2026, 3, 2, n, 0, tzinfo=UTC),
                external_id=f"sandbox:scan-{n}",
            )
            for n in range(24)
        ],
    )
    client.force_login(support)
    url = reverse("logistics_ops:tracking_detail", args=[tracking.pk])

    second = client.get(url, {"page": "2"})
    partial = client.get(url, {"page": "2"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="events")

    assert len(client.get(url).context["events"].object_list) == 25
    assert _activities(second) == ["Parcel handed over by the warehouse"]
    html = partial.content.decode()
    assert html.count('id="events"') == 1
    assert "Parcel handed over by the warehouse" in html
    assert 'data-testid="manual-event-form"' not in html
    assert "<html" not in html


def test_operator_records_a_manual_event(client, support, tracking):
    client.force_login(support)

    response = client.post(
        reverse("logistics_ops:tracking_event_add", args=[tracking.pk]),
        {
            "status": "12",
            "activity": "Delivered to the front desk",
            "city": "Austin",
            "country": "US",
            "event_time": "2026-03-09T15:10",
        },
    )

    assert response.status_code == 302
    tracking.refresh_from_db()
    event = tracking.events.get(source="manual")
    assert (event.status, event.actor, event.event_time) == (
        12,
        support,
        datetime(2026, 3, 9, 15, 10, tzinfo=UTC),
    )
    assert (tracking.status, tracking.delivered_at) == (12, event.event_time)
    assert (
        AuditEvent.objects.filter(action=AuditAction.TRACKING_CHANGED, actor=support).count() == 1
    )


@pytest.mark.parametrize(
    "data",
    [
        {"status": "15", "activity": "x"},
        {"status": "12", "activity": ""},
        {"status": "12", "activity": "x", "country": "ZZ"},
        {"status": "12", "activity": "x", "event_time": "2999-01-01T00:00"},
        {"status": "12", "activity": "x", "event_time": "yesterday"},
    ],
)
def test_bad_manual_event_is_refused_and_changes_nothing(client, support, tracking, data):
    client.force_login(support)

    response = client.post(reverse("logistics_ops:tracking_event_add", args=[tracking.pk]), data)

    assert response.status_code == 400
    assert 'data-testid="manual-event-form"' in response.content.decode()
    assert TrackingEvent.objects.filter(tracking=tracking).count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.TRACKING_CHANGED).exists()


def test_sandbox_complete_from_the_back_office(client, operator_admin, tracking):
    client.force_login(operator_admin)

    response = client.post(
        reverse("logistics_ops:tracking_sandbox_complete", args=[tracking.pk]), follow=True
    )

    tracking.refresh_from_db()
    assert response.status_code == 200
    assert tracking.status in (12, 13, 14)
    assert tracking.sandbox_step == 10
    assert b"played to its end" in response.content


def test_sandbox_complete_refuses_other_carriers(client, operator_admin, merchant):
    manual = make_tracking(merchant, carrier=CarrierFactory(), number="LX0042")
    client.force_login(operator_admin)

    response = client.post(
        reverse("logistics_ops:tracking_sandbox_complete", args=[manual.pk]), follow=True
    )

    assert b"Only Sandbox carrier trackings can be advanced" in response.content
    assert manual.events.count() == 0


def test_unknown_tracking_is_404(client, operator_admin):
    client.force_login(operator_admin)

    assert client.get(reverse("logistics_ops:tracking_detail", args=[999999])).status_code == 404
