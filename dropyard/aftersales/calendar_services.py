"""Writes to the business calendar: ``holiday_add`` and ``holiday_remove`` (operator).

Invariant: one ``BusinessHoliday`` per date. Each change is audited HOLIDAY_CHANGED in the same
transaction. Disputes already open keep the due time computed when they were opened; the
change applies to deadlines computed from now on (``selectors.review_due``).
"""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dropyard.accounts.models import User
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from .exceptions import AftersalesError, DisputeNotFound
from .models import BusinessHoliday

NAME_MAX = 120
# Holidays are planned ahead, not decades ahead; a year like 9999 is a typing mistake.
YEARS_AROUND = 10


class HolidayRefused(AftersalesError):
    """The holiday cannot be added (a date already taken, a blank or too long name)."""

    http_status = 409


def _clean_name(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if "\x00" in name:
        raise HolidayRefused(_("the name contains a NUL character"))
    if not name:
        raise HolidayRefused(_("the name is required"))
    if len(name) > NAME_MAX:
        raise HolidayRefused(_("the name is longer than %(max)s characters") % {"max": NAME_MAX})
    return name


@transaction.atomic
def holiday_add(*, day: date, name: Any, actor: User, today: date | None = None) -> BusinessHoliday:
    """Add ``day`` as a holiday called ``name``. Refused (``HolidayRefused``, nothing written)
    for a date that already is one, a blank name, or a date more than ten years away."""
    if not isinstance(day, date):
        raise HolidayRefused(_("the date is not a date"))
    label = _clean_name(name)
    if today is not None and abs(day.year - today.year) > YEARS_AROUND:
        raise HolidayRefused(
            _("the date must be within %(years)s years of today") % {"years": YEARS_AROUND}
        )
    try:
        with transaction.atomic():
            holiday = BusinessHoliday.objects.create(date=day, name=label)
    except IntegrityError:
        existing = BusinessHoliday.objects.filter(date=day).first()
        raise HolidayRefused(
            _("%(date)s is already a holiday (%(name)s)")
            % {"date": day.isoformat(), "name": existing.name if existing else ""}
        ) from None
    audit_record(
        action=AuditAction.HOLIDAY_CHANGED,
        actor=actor,
        target=holiday,
        details={"change": "added", "date": day.isoformat(), "name": label},
    )
    return holiday


@transaction.atomic
def holiday_remove(*, holiday_id: Any, actor: User) -> BusinessHoliday:
    """Remove the holiday ``holiday_id`` (``DisputeNotFound`` for an unknown id)."""
    key = str(holiday_id or "").strip()
    holiday = (
        BusinessHoliday.objects.select_for_update().filter(pk=int(key)).first()
        if key.isdigit() and len(key) < 18
        else None
    )
    if holiday is None:
        raise DisputeNotFound(_("holiday not found"))
    details = {"change": "removed", "date": holiday.date.isoformat(), "name": holiday.name}
    audit_record(
        action=AuditAction.HOLIDAY_CHANGED,
        actor=actor,
        target=holiday,
        details=details,
    )
    holiday.delete()
    return holiday
