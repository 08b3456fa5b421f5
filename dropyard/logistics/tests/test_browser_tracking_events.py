"""Browser test: a tracking's events in the back office on the generic list's table — a sort
link and a page link swap only the table (htmx), and the page does not scroll sideways at
390 px. Screenshots at 1440 px and 390 px go to /tmp/tracking-events-*.png for review."""

import re
from datetime import UTC, datetime

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator
from dropyard.logistics import services
from dropyard.logistics.services import TrackingEventIn
from dropyard.logistics.tests.factories import make_tracking
from dropyard.stores.tests.browser_steps import screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tracking_events_sort_and_page_in_place(browser, live_server):
    tracking = make_tracking(make_merchant(), reference="P-BROWSER")
    services.tracking_events_record(
        tracking=tracking,
        events=[
            TrackingEventIn(
                status=2,
                activity=f"Arrived at the sorting centre number {n} of the long route",
                event_time=datetime(2026, 3, 1 + n // 24, n % 24, 0, tzinfo=UTC),
                external_id=f"sandbox:{n}",
                city="Guangzhou",
                country="CN",
            )
            for n in range(27)
        ],
    )
    operator = make_operator(role="support")
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", operator.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/$"))

    page.goto(f"{live_server.url}/ops/logistics/trackings/{tracking.pk}/")
    rows = page.get_by_test_id("event-row")
    assert rows.count() == 25
    assert "number 26 " in rows.first.inner_text()
    page.locator("#events").get_by_role("link", name="Time (UTC)").click()
    page.wait_for_url(re.compile(r"sort=event_time"))
    page.locator("#events .is-sorted").wait_for()
    assert "number 0 " in rows.first.inner_text()
    assert page.get_by_test_id("manual-event-form").count() == 1  # only the table was swapped
    screenshots(page, "tracking-events")
