"""The business calendar page: holidays listed, added (audited), refused twice, removed."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dropyard.accounts.tests.factories import make_operator
from dropyard.aftersales import calendar_services
from dropyard.aftersales.models import BusinessHoliday
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/ops/after-sales/calendar/"


@pytest.fixture
def support(db):
    client = Client()
    user = make_operator(role="support")
    client.force_login(user)
    client.user = user
    return client


def test_the_page_lists_upcoming_holidays_first_and_the_settings(support, settings):
    settings.DROPYARD_BUSINESS_TIMEZONE = "Asia/Shanghai"
    settings.DROPYARD_WEEKEND_DAYS = (5, 6)
    today = timezone.now().date()
    for offset, name in ((40, "Later"), (10, "Sooner"), (-10, "Gone")):
        calendar_services.holiday_add(
            day=today + timedelta(days=offset), name=name, actor=support.user
        )

    response = support.get(URL)

    assert response.status_code == 200
    assert [h.name for h in response.context["upcoming"]] == ["Sooner", "Later"]
    assert [h.name for h in response.context["past"]] == ["Gone"]
    assert response.context["weekend"] == ["Saturday", "Sunday"]
    html = response.content.decode()
    assert "Asia/Shanghai" in html
    assert "A dispute opened now is due" in html


def test_adding_a_holiday_is_audited(support):
    response = support.post(URL, {"date": "2031-01-01", "name": "New Year"})

    assert response.status_code == 302
    assert list(BusinessHoliday.objects.values_list("date", "name")) == [
        (date(2031, 1, 1), "New Year")
    ]
    event = AuditEvent.objects.get(action=AuditAction.HOLIDAY_CHANGED)
    assert event.details == {"change": "added", "date": "2031-01-01", "name": "New Year"}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"date": "2031-02-30", "name": "X"}, "Enter a valid date."),
        ({"date": "", "name": "X"}, "This field is required."),
        ({"date": "2031-01-02", "name": " "}, "This field is required."),
        ({"date": "2031-01-02", "name": "x" * 121}, "at most 120 characters"),
        ({"date": "9999-01-01", "name": "Far"}, "within 10 years"),
    ],
)
def test_bad_input_is_a_form_error(support, data, error):
    response = support.post(URL, data)

    assert response.status_code in (400, 409)
    assert error in str(response.context["form"].errors)
    assert BusinessHoliday.objects.count() == 0


def test_nul_bytes_are_refused_before_the_view(support):
    assert support.post(URL, {"date": "2031-01-02", "name": "a\x00b"}).status_code == 400
    assert BusinessHoliday.objects.count() == 0


def test_a_duplicate_date_is_refused_clearly(support):
    support.post(URL, {"date": "2031-01-01", "name": "New Year"})

    response = support.post(URL, {"date": "2031-01-01", "name": "Again"})

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "2031-01-01 is already a holiday (New Year)"
    ]
    assert BusinessHoliday.objects.count() == 1


def test_removing_asks_first_then_removes(support):
    holiday = calendar_services.holiday_add(
        day=date(2031, 5, 1), name="Labour Day", actor=support.user
    )
    url = reverse("aftersales_ops:holiday_delete", args=[holiday.pk])

    assert support.get(url).status_code == 200
    assert BusinessHoliday.objects.count() == 1
    assert support.post(url).status_code == 302
    assert BusinessHoliday.objects.count() == 0
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.HOLIDAY_CHANGED, details__change="removed"
        ).count()
        == 1
    )
    assert support.post(url).status_code == 404
    assert support.get("/ops/after-sales/calendar/99999999999999999999/delete/").status_code == 404


def test_agents_cannot_edit_the_calendar(db):
    client = Client()
    client.force_login(make_operator(role="agent"))

    assert client.post(URL, {"date": "2031-01-01", "name": "X"}).status_code == 403
    assert BusinessHoliday.objects.count() == 0
