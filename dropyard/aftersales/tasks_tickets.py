"""Periodic ticket work (``DROPYARD_PERIODIC_JOBS``, "tickets-expire")."""

from django.tasks import task

from . import tickets_services


@task()
def tickets_expire() -> int:
    """Expire tickets unanswered by the merchant and drop unused API uploads
    (``tickets_services.tickets_expire_due``); how many tickets expired. Safe to run twice."""
    return tickets_services.tickets_expire_due()
