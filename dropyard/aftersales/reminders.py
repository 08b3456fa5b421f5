"""Due-time reminders: an open dispute past its review due time tells its operator once.

``disputes_overdue_remind`` is run by the periodic job "aftersales-overdue-remind"
(``tasks.disputes_overdue_remind_task``). Each overdue dispute gets one ``DisputeEvent`` of
kind ``overdue`` and one notice (and email) to the assigned operator, or the merchant's agent
when nobody is assigned (``services.operator_readers``). Invariant: at most one ``overdue``
event per dispute, written in the transaction that sends the reminder, under the dispute's
row lock; a dispute that has one is never reminded again, so running the job twice (or two
workers at once) reminds nobody twice.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_noop

from dropyard.accounts.notifications import notify

from .choices import OPEN_STATUSES
from .models import Dispute, DisputeEvent
from .services import dispute_url, operator_readers

OVERDUE_EVENT = "overdue"
BATCH = 200  # disputes per run; the next run takes the rest


def _reminded() -> Exists:
    return Exists(DisputeEvent.objects.filter(dispute=OuterRef("pk"), kind=OVERDUE_EVENT))


def disputes_overdue(*, now: datetime, limit: int = BATCH) -> list[int]:
    """Ids of open disputes past their due time that have not been reminded, oldest due first."""
    return list(
        Dispute.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now)
        .exclude(_reminded())
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def dispute_overdue_remind(*, dispute_id: int, now: datetime | None = None) -> bool:
    """Remind the operator of one overdue dispute; False when there is nothing to do (closed,
    not overdue, gone, or reminded already), so a replay changes nothing."""
    now = now or timezone.now()
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("order", "merchant", "assigned_to", "merchant__agent")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None or dispute.status not in OPEN_STATUSES or dispute.due_at >= now:
        return False
    if DisputeEvent.objects.filter(dispute=dispute, kind=OVERDUE_EVENT).exists():
        return False
    DisputeEvent.objects.create(
        dispute=dispute,
        from_status=dispute.status,
        to_status=dispute.status,
        kind=OVERDUE_EVENT,
        note=f"due {dispute.due_at.isoformat()}",
        actor_label="system",
    )
    notify(
        users=operator_readers(dispute),
        kind="dispute.overdue",
        title=gettext_noop("The dispute about order %(order)s is past its due time"),
        params={"order": dispute.order.code},
        url=dispute_url(dispute, operator=True),
        merchant=dispute.merchant,
    )
    return True


def disputes_overdue_remind(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Remind every overdue, not yet reminded dispute (up to ``limit``); how many were reminded.
    Each dispute in its own transaction: one failure does not undo the others' reminders."""
    now = now or timezone.now()
    return sum(
        dispute_overdue_remind(dispute_id=pk, now=now)
        for pk in disputes_overdue(now=now, limit=limit)
    )
