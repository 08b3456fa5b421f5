"""The business calendar page under /ops/after-sales/calendar/ (admin and support): the
holidays that dispute deadlines skip, the configured weekend and time zone, and what a dispute
opened now is due. Holidays are added and removed through ``calendar_services`` (audited)."""

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.forms import BootstrapFormMixin
from dropyard.core.views_helpers import form_call

from . import calendar_services, selectors
from .calendar import CalendarError
from .exceptions import DisputeNotFound

ROLES = {OperatorRole.SUPPORT}


class HolidayForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=calendar_services.NAME_MAX)


def _today() -> date:
    return timezone.now().astimezone(selectors.business_timezone()).date()


def _context(form: forms.Form) -> dict[str, Any]:
    today = _today()
    try:
        example = selectors.review_due()
    except CalendarError:
        example = None
    return {
        "form": form,
        "today": today,
        "upcoming": list(selectors.holidays_upcoming(today=today)),
        "past": list(selectors.holidays_past(today=today)),
        "weekend": [str(WEEKDAYS[day]) for day in sorted(settings.DROPYARD_WEEKEND_DAYS)],
        "business_timezone": settings.DROPYARD_BUSINESS_TIMEZONE,
        "review_days": settings.DROPYARD_DISPUTE_REVIEW_WORKING_DAYS,
        "example_due": example.astimezone(selectors.business_timezone()) if example else None,
    }


@operator_view(roles=ROLES)
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The holidays (upcoming first, then recent ones) and the add form (POST here)."""
    form = HolidayForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            holiday = form_call(
                form,
                lambda: calendar_services.holiday_add(
                    day=data["date"], name=data["name"], actor=request.user, today=_today()
                ),
            )
            if holiday is not None:
                messages.success(
                    request,
                    _("%(date)s (%(name)s) is now a holiday.")
                    % {"date": holiday.date.isoformat(), "name": holiday.name},
                )
                return redirect("aftersales_ops:calendar")
            status = 409
    return render(request, "aftersales/ops/calendar.html", _context(form), status=status)


@operator_view(roles=ROLES)
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation page (GET), then the removal (POST)."""
    holiday = selectors.holidays_list().filter(pk=pk).first()
    if holiday is None:
        raise DisputeNotFound(_("holiday not found"))
    if request.method == "POST":
        calendar_services.holiday_remove(holiday_id=pk, actor=request.user)
        messages.success(
            request,
            _("%(date)s (%(name)s) is a working day again.")
            % {"date": holiday.date.isoformat(), "name": holiday.name},
        )
        return redirect("aftersales_ops:calendar")
    return render(request, "aftersales/ops/holiday_delete.html", {"holiday": holiday})
