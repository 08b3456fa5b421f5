"""The business calendar (``views_ops_calendar``), under /ops/after-sales/calendar/."""

from django.urls import path

from . import views_ops_calendar as views

urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
