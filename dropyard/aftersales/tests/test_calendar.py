"""The business calendar's working-day arithmetic (``aftersales.calendar``), no database.

Every expected value below was worked out by hand from the rule in the module docstring
(time passes only on working days, in the business's wall-clock time). January 2025: the 6th
is a Monday. October 2025: the 1st is a Wednesday. December 2026: the 25th is a Friday.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dropyard.aftersales.calendar import CalendarError, add_working_days

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC_ZONE = ZoneInfo("UTC")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC_ZONE)


GOLDEN_WEEK = {date(2025, 10, day) for day in range(1, 8)}  # Wed 1st … Tue 7th

CASES = [
    # id, start, days, tz, holidays, weekend, expected
    ("mon-0900", utc(2025, 1, 6, 9), 2, UTC_ZONE, set(), None, utc(2025, 1, 8, 9)),
    # Thu 9 h + Fri 24 h + Mon 15 h.
    ("thu-1500", utc(2025, 1, 9, 15), 2, UTC_ZONE, set(), None, utc(2025, 1, 13, 15)),
    # Fri 9 h + Mon 24 h + Tue 15 h.
    ("fri-1500", utc(2025, 1, 10, 15), 2, UTC_ZONE, set(), None, utc(2025, 1, 14, 15)),
    # The clock stands still until Monday 00:00, then two whole days.
    ("sat-1000", utc(2025, 1, 11, 10), 2, UTC_ZONE, set(), None, utc(2025, 1, 15)),
    ("sun-2359", utc(2025, 1, 12, 23, 59), 2, UTC_ZONE, set(), None, utc(2025, 1, 15)),
    # Fri 0.5 h + Mon 24 h + Tue 23.5 h.
    ("fri-2330", utc(2025, 1, 10, 23, 30), 2, UTC_ZONE, set(), None, utc(2025, 1, 14, 23, 30)),
    # Monday off: Fri 9 h + Tue 24 h + Wed 15 h, one day later than without it.
    (
        "monday-holiday",
        utc(2025, 1, 10, 15),
        2,
        UTC_ZONE,
        {date(2025, 1, 13)},
        None,
        utc(2025, 1, 15, 15),
    ),
    # Christmas on Friday, Boxing Day's substitute on Monday: Thu 9 h + Tue 24 h + Wed 15 h.
    (
        "christmas-boxing-day",
        utc(2026, 12, 24, 15),
        2,
        UTC_ZONE,
        {date(2026, 12, 25), date(2026, 12, 28)},
        None,
        utc(2026, 12, 30, 15),
    ),
    # Seven days off from Wednesday: Tue 14 h + Wed 8th 24 h + Thu 9th 10 h.
    ("golden-week", utc(2025, 9, 30, 10), 2, UTC_ZONE, GOLDEN_WEEK, None, utc(2025, 10, 9, 10)),
    # UTC Friday 20:00 is Saturday 04:00 in Shanghai (UTC+8): Mon 00:00 local + 2 days is
    # Wed 00:00 local, Tuesday 16:00 UTC.
    ("shanghai-weekend", utc(2025, 1, 10, 20), 2, SHANGHAI, set(), None, utc(2025, 1, 14, 16)),
    # Berlin goes to summer time on Sunday 30 March 2025: Fri 10:00 CET (09:00 UTC) → Fri 14 h
    # + Mon 24 h + Tue 10 h = Tue 1 April 10:00 CEST, 08:00 UTC (same wall-clock hour).
    ("berlin-dst-weekend", utc(2025, 3, 28, 9), 2, BERLIN, set(), None, utc(2025, 4, 1, 8)),
    # With no weekend the 23-hour Sunday counts as one day: Sat 10:00 CET (09:00 UTC) → Mon
    # 10:00 CEST (08:00 UTC): 47 real hours, still 10:00 on the clock.
    ("berlin-dst-sunday-works", utc(2025, 3, 29, 9), 2, BERLIN, set(), (), utc(2025, 3, 31, 8)),
    # Zero days from a weekend: the start of the next working day.
    ("zero-on-saturday", utc(2025, 1, 11, 10), 0, UTC_ZONE, set(), None, utc(2025, 1, 13)),
    ("zero-on-monday", utc(2025, 1, 6, 9), 0, UTC_ZONE, set(), None, utc(2025, 1, 6, 9)),
]


@pytest.mark.parametrize(
    ("start", "days", "tz", "holidays", "weekend", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_due_time(start, days, tz, holidays, weekend, expected):
    kwargs = {} if weekend is None else {"weekend": weekend}

    due = add_working_days(start, days, tz=tz, holidays=holidays, **kwargs)

    assert due == expected
    assert due.tzinfo == tz  # given in the business's zone


def test_berlin_summer_time_keeps_the_hour_on_the_clock():
    due = add_working_days(datetime(2025, 3, 28, 10, tzinfo=BERLIN), 2, tz=BERLIN)

    assert (due.date(), due.hour, due.minute) == (date(2025, 4, 1), 10, 0)
    assert due.utcoffset() == timedelta(hours=2)


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(CalendarError, match="no working day within ten years"):
        add_working_days(utc(2025, 1, 6, 9), 2, tz=UTC_ZONE, weekend=range(7))


def test_every_day_a_holiday_is_refused():
    every_day = {date(2025, 1, 1) + timedelta(days=n) for n in range(3700)}

    with pytest.raises(CalendarError):
        add_working_days(utc(2025, 1, 1, 9), 2, tz=UTC_ZONE, holidays=every_day)


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_days(datetime(2025, 1, 6, 9), 2, tz=UTC_ZONE)  # noqa: DTZ001
