"""After-sales background tasks. Tasks take ids (or nothing), call one service and are safe to
run twice."""

from django.tasks import task

from . import reminders


@task()
def disputes_overdue_remind_task() -> int:
    """Periodic job (``DROPYARD_PERIODIC_JOBS``, "aftersales-overdue-remind"): tell the
    operator of each open dispute past its due time, once (``reminders``); how many."""
    return reminders.disputes_overdue_remind()
