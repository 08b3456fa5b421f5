"""Read side of tickets: the merchant's scoped lookups and tabs, the operator's desk queues,
the SLA due time on the business calendar.

A merchant reaches only its own tickets (``ticket_get`` answers ``TicketNotFound`` for another
merchant's, whatever the id). Operators reach tickets through the order scope
(``orders.selectors_ops.operator_merchants``: admin, support and finance every merchant's; an
agent their assigned merchants' only).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.core.ids import code_public_id
from dropyard.orders.selectors_ops import operator_merchants

from .choices_tickets import (
    CLOSED_TICKET_STATUSES,
    PRIORITY_RANK,
    WAITING_ON_SUPPORT,
    TicketStatus,
)
from .exceptions_tickets import TicketNotFound
from .models_tickets import TICKET_CODE_PREFIX, Ticket, TicketAttachment, TicketMessage
from .selectors import due_after

T = TicketStatus
# The merchant's tabs → the statuses each shows.
TICKET_TABS: dict[str, tuple[str, ...]] = {
    "support": (T.AWAITING_CJ_REPLY, T.ON_HOLD, T.COLLABORATING),
    "you": (T.AWAITING_YOUR_REPLY,),
    "completed": (T.COMPLETED, T.REVIEWED),
    "expired": (T.EXPIRED,),
}
# The operator desk's queues (besides "unassigned", "mine", "overdue" and "all").
DESK_QUEUES = ("unassigned", "mine", "awaiting", "overdue", "hold", "all")
# Roles that work the ticket desk (and may be assigned a ticket).
DESK_ROLES = frozenset(
    {OperatorRole.ADMIN, OperatorRole.SUPPORT, OperatorRole.AGENT, OperatorRole.FINANCE}
)
REMIND_INTERVAL_SECONDS = 24 * 3600


def sla_due(start: datetime | None = None) -> datetime:
    """When the desk must answer a message sent at ``start`` (default now): the SLA's working
    days later on the business calendar."""
    return due_after(start or timezone.now(), settings.DROPYARD_TICKET_SLA_WORKING_DAYS)


def _search(rows: QuerySet[Ticket], search: str) -> QuerySet[Ticket]:
    text = (search or "").strip()
    if not text:
        return rows
    match = Q(subject__icontains=text) | Q(code__iexact=text) | Q(order__code__iexact=text)
    public_id = code_public_id(TICKET_CODE_PREFIX, text) or (text if text.isdigit() else "")
    if public_id:
        match |= Q(public_id=public_id)
    return rows.filter(match)


# --- Merchant side -------------------------------------------------------------------------------


def ticket_list(*, merchant: MerchantAccount, tab: str = "", search: str = "") -> QuerySet[Ticket]:
    """The merchant's tickets, most recently changed first; ``tab`` one of ``TICKET_TABS``
    (unknown → all); ``search`` matches the subject, the ticket's or its order's code."""
    rows = Ticket.objects.filter(merchant=merchant).select_related("order", "dispute")
    statuses = TICKET_TABS.get(tab)
    if statuses:
        rows = rows.filter(status__in=statuses)
    return _search(rows, search).order_by("-updated_at", "-pk")


def ticket_list_api(
    *, merchant: MerchantAccount, status: str = "", category: str = ""
) -> QuerySet[Ticket]:
    """The API's ``ticket/list``: newest first, filtered by exact status and category."""
    rows = Ticket.objects.filter(merchant=merchant).select_related("order", "dispute")
    if status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    return rows.order_by("-created_at", "-pk")


def ticket_tab_counts(*, merchant: MerchantAccount) -> dict[str, int]:
    counts = dict.fromkeys(TICKET_TABS, 0)
    per_status = dict(
        Ticket.objects.filter(merchant=merchant)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    for tab, statuses in TICKET_TABS.items():
        counts[tab] = sum(per_status.get(status, 0) for status in statuses)
    counts[""] = sum(per_status.values())
    return counts


def ticket_get(*, merchant: MerchantAccount, public_id: Any) -> Ticket:
    """One of the merchant's tickets by its id (``TicketNotFound`` otherwise)."""
    key = str(public_id or "").strip() if isinstance(public_id, str | int) else ""
    found = (
        Ticket.objects.filter(merchant=merchant, public_id=key)
        .select_related("order", "dispute", "assigned_to", "created_by")
        .first()
        if key.isdigit() and not isinstance(public_id, bool)
        else None
    )
    if found is None:
        raise TicketNotFound(_("ticket not found"))
    return found


def pending_count(*, merchant: MerchantAccount) -> int:
    """How many of the merchant's tickets await its reply."""
    return Ticket.objects.filter(merchant=merchant, status=T.AWAITING_YOUR_REPLY).count()


def ticket_messages(*, ticket: Ticket) -> QuerySet[TicketMessage]:
    """The thread, oldest first, with authors and attachments."""
    return (
        TicketMessage.objects.filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=TicketAttachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def unclaimed_attachments(*, merchant: MerchantAccount, ids: list[str]) -> list[TicketAttachment]:
    """The merchant's uploads named by ``ids`` that no message holds yet, in ``ids`` order
    (ids not found are left out: the caller compares lengths)."""
    rows = {
        row.public_id: row
        for row in TicketAttachment.objects.filter(
            merchant=merchant, public_id__in=ids, message__isnull=True
        )
    }
    return [rows[i] for i in ids if i in rows]


def can_remind(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """The merchant may nudge the desk about a ticket waiting on it, once per 24 hours."""
    if ticket.status not in (T.AWAITING_CJ_REPLY, T.ON_HOLD, T.COLLABORATING):
        return False
    now = now or timezone.now()
    return (
        ticket.reminded_at is None
        or (now - ticket.reminded_at).total_seconds() >= REMIND_INTERVAL_SECONDS
    )


def is_overdue(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """Waiting on the desk past its SLA due time."""
    return ticket.status in WAITING_ON_SUPPORT and ticket.due_at < (now or timezone.now())


def expiry_due(*, now: datetime | None = None) -> QuerySet[Ticket]:
    """Tickets that have awaited the merchant's reply for ``DROPYARD_TICKET_EXPIRE_DAYS``."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DROPYARD_TICKET_EXPIRE_DAYS)
    return Ticket.objects.filter(status=T.AWAITING_YOUR_REPLY, status_changed_at__lte=cutoff)


def stale_uploads(*, now: datetime | None = None) -> QuerySet[TicketAttachment]:
    """API uploads never named in a create or reply within a day."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    return TicketAttachment.objects.filter(message__isnull=True, created_at__lt=cutoff)


# --- Operator side -------------------------------------------------------------------------------


def _priority_rank() -> Case:
    return Case(
        *(When(priority=value, then=Value(rank)) for value, rank in PRIORITY_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )


def tickets_for_operator(
    *, user: User, queue: str = "all", search: str = "", now: datetime | None = None
) -> QuerySet[Ticket]:
    """The tickets of the merchants ``user`` may reach in one desk queue, the most urgent
    first: by due time, then priority (``PermissionDenied`` for non-operators).

    Queues: ``unassigned`` open and nobody's; ``mine`` open and the user's; ``awaiting`` the
    desk's turn; ``overdue`` the desk's turn past the SLA; ``hold`` on hold or with another
    team; ``all`` (and anything unknown) every ticket.
    """
    now = now or timezone.now()
    rows = Ticket.objects.filter(merchant__in=operator_merchants(user=user)).select_related(
        "merchant", "order", "assigned_to"
    )
    open_rows = ~Q(status__in=CLOSED_TICKET_STATUSES)
    filters = {
        "unassigned": open_rows & Q(assigned_to__isnull=True),
        "mine": open_rows & Q(assigned_to=user),
        "awaiting": Q(status__in=WAITING_ON_SUPPORT),
        "overdue": Q(status__in=WAITING_ON_SUPPORT, due_at__lt=now),
        "hold": Q(status__in=(T.ON_HOLD, T.COLLABORATING)),
    }
    if queue in filters:
        rows = rows.filter(filters[queue])
    return (
        _search(rows, search)
        .annotate(priority_rank=_priority_rank())
        .order_by("due_at", "priority_rank", "pk")
    )


def desk_queue_counts(*, user: User, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        queue: tickets_for_operator(user=user, queue=queue, now=now).count()
        for queue in DESK_QUEUES
    }


def ticket_get_for_operator(*, user: User, public_id: Any) -> Ticket:
    key = str(public_id or "").strip()
    found = (
        tickets_for_operator(user=user)
        .select_related("dispute", "created_by")
        .filter(public_id=key)
        .first()
        if key.isdigit()
        else None
    )
    if found is None:
        raise TicketNotFound(_("ticket not found"))
    return found


def desk_staff() -> QuerySet[User]:
    """Operators a ticket may be assigned to."""
    return User.objects.filter(is_active=True, operator_role__in=DESK_ROLES).order_by("email")
