"""The business calendar: deadlines counted in working days (no weekends, no holidays).

Pure functions, no database: callers pass the holidays (``selectors.holidays_from``) and the
business's time zone. A working day is a whole calendar day in that zone that is neither a
weekend day nor a holiday; time passes on the deadline's clock only during working days. So
"2 working days" from Friday 15:00 is Tuesday 15:00, and from Saturday 10:00 (clock stopped
until Monday 00:00) is Wednesday 00:00. Arithmetic is in wall-clock time, so a daylight-saving
change does not move a deadline off its hour.
"""

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SATURDAY, SUNDAY = 5, 6
DEFAULT_WEEKEND = frozenset({SATURDAY, SUNDAY})
DAY = timedelta(days=1)
# No deadline here is more than a few weeks away; a calendar whose every day is a holiday
# (a configuration mistake) stops here instead of looping forever.
MAX_DAYS_SCANNED = 3660


class CalendarError(ValueError):
    """The calendar has no working day within ten years (every day a weekend or holiday)."""


def is_working_day(
    day: date, *, holidays: Collection[date], weekend: Collection[int] = DEFAULT_WEEKEND
) -> bool:
    """True when ``day`` is neither a weekend day (``weekday()`` numbers) nor a holiday."""
    return day.weekday() not in weekend and day not in holidays


def add_working_time(
    start: datetime,
    duration: timedelta,
    *,
    tz: ZoneInfo,
    holidays: Collection[date] = (),
    weekend: Collection[int] = DEFAULT_WEEKEND,
) -> datetime:
    """The moment ``duration`` of working time after ``start`` (an aware datetime), in ``tz``.

    ``duration`` of zero from a non-working day gives the start of the next working day.
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    cursor = start.astimezone(tz)
    remaining = duration
    for _scanned in range(MAX_DAYS_SCANNED):
        day = cursor.date()
        next_midnight = datetime.combine(day + DAY, time(0), tzinfo=tz)
        if not is_working_day(day, holidays=holidays, weekend=weekend):
            cursor = next_midnight
            continue
        available = next_midnight.replace(tzinfo=None) - cursor.replace(tzinfo=None)
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = next_midnight
    raise CalendarError("no working day within ten years: check weekends and holidays")


def add_working_days(
    start: datetime,
    days: int,
    *,
    tz: ZoneInfo,
    holidays: Collection[date] = (),
    weekend: Collection[int] = DEFAULT_WEEKEND,
) -> datetime:
    """``days`` whole working days after ``start`` (see the module's rule)."""
    return add_working_time(start, days * DAY, tz=tz, holidays=holidays, weekend=weekend)


def working_days_span(days: int) -> timedelta:
    """How far ahead to load holidays for a deadline of ``days`` working days: generous
    enough for long holiday seasons (a week off twice)."""
    return timedelta(days=days * 3 + 30)
