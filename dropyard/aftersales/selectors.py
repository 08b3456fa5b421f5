"""Read side of after-sales: scoped dispute lookups, the merchant's tabs, the operator desk,
and the business calendar's due times.

A merchant reaches only its own disputes (``dispute_get`` answers ``DisputeNotFound`` for
another merchant's, whatever the id). Operators reach disputes through the order scope
(``orders.selectors_ops.operator_merchants``: admin, support and finance every merchant's; an
agent their assigned merchants' only).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.inventory.models import Warehouse
from dropyard.orders.models import Order
from dropyard.orders.selectors_ops import ALL_MERCHANTS, operator_merchants

from . import calendar
from .choices import OPEN_STATUSES, DisputeStatus
from .exceptions import DisputeNotFound
from .models import (
    BusinessHoliday,
    Dispute,
    DisputeEvent,
    DisputeEvidence,
    DisputeLine,
    DisputeMessage,
)

# The merchant's AS service center tabs → the statuses each shows.
ALL_MERCHANT_ROLES = tuple(ALL_MERCHANTS)  # admin, support, finance

TABS: dict[str, tuple[str, ...]] = {
    "awaiting": (DisputeStatus.AWAITING_RESPONSE,),
    "reviewing": (DisputeStatus.UNDER_REVIEW, DisputeStatus.EVIDENCE_REQUESTED),
    "processed": (DisputeStatus.RESOLVED,),
    "cancelled": (DisputeStatus.CANCELLED,),
}


# --- Calendar ------------------------------------------------------------------------------------


def business_timezone() -> ZoneInfo:
    return ZoneInfo(settings.DROPYARD_BUSINESS_TIMEZONE)


def holidays_from(start: date, *, days: int) -> set[date]:
    """The configured holidays from ``start`` for ``days`` calendar days."""
    end = date.fromordinal(start.toordinal() + days)
    return set(
        BusinessHoliday.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", flat=True
        )
    )


def due_after(start: datetime, working_days: int) -> datetime:
    """``working_days`` working days after ``start`` on the business calendar."""
    tz = business_timezone()
    span = calendar.working_days_span(working_days)
    holidays = holidays_from(start.astimezone(tz).date(), days=span.days)
    return calendar.add_working_days(
        start,
        working_days,
        tz=tz,
        holidays=holidays,
        weekend=settings.DROPYARD_WEEKEND_DAYS,
    )


def review_due(start: datetime | None = None) -> datetime:
    """When a dispute opened at ``start`` (default now) must have been reviewed."""
    return due_after(start or timezone.now(), settings.DROPYARD_DISPUTE_REVIEW_WORKING_DAYS)


def holidays_list() -> QuerySet[BusinessHoliday]:
    return BusinessHoliday.objects.order_by("date")


# --- Merchant side -------------------------------------------------------------------------------


def disputes_for_merchant(*, merchant: MerchantAccount, tab: str = "") -> QuerySet[Dispute]:
    """The merchant's disputes, newest first; ``tab`` one of ``TABS`` (unknown → all)."""
    rows = Dispute.objects.filter(merchant=merchant).select_related("order", "resend_order")
    statuses = TABS.get(tab)
    if statuses:
        rows = rows.filter(status__in=statuses)
    return rows.order_by("-created_at", "-pk")


def tab_counts(*, merchant: MerchantAccount) -> dict[str, int]:
    counts = {tab: 0 for tab in TABS}
    for status in Dispute.objects.filter(merchant=merchant).values_list("status", flat=True):
        for tab, statuses in TABS.items():
            if status in statuses:
                counts[tab] += 1
    return counts


def dispute_get(*, merchant: MerchantAccount, public_id: str) -> Dispute:
    """One of the merchant's disputes by its public id (``DisputeNotFound`` otherwise)."""
    key = str(public_id or "").strip()
    found = (
        Dispute.objects.filter(merchant=merchant, public_id=key)
        .select_related("order", "resend_order", "refund", "assigned_to")
        .first()
        if key.isdigit()
        else None
    )
    if found is None:
        raise DisputeNotFound(_("dispute not found"))
    return found


def disputes_of_order(*, order: Order) -> QuerySet[Dispute]:
    return Dispute.objects.filter(order=order).order_by("-created_at", "-pk")


# --- Operator side -------------------------------------------------------------------------------


def disputes_for_operator(*, user: User) -> QuerySet[Dispute]:
    """The disputes of the merchants ``user`` may reach, the most urgent first: open ones by
    due time, then the rest newest first (``PermissionDenied`` for non-operators)."""
    return (
        Dispute.objects.filter(merchant__in=operator_merchants(user=user))
        .select_related("merchant", "order", "assigned_to")
        .order_by("due_at", "pk")
    )


def dispute_get_for_operator(*, user: User, public_id: str) -> Dispute:
    key = str(public_id or "").strip()
    found = (
        disputes_for_operator(user=user)
        .select_related("resend_order", "refund")
        .filter(public_id=key)
        .first()
        if key.isdigit()
        else None
    )
    if found is None:
        raise DisputeNotFound(_("dispute not found"))
    return found


def is_overdue(dispute: Dispute, *, now: datetime | None = None) -> bool:
    return dispute.is_open and dispute.due_at < (now or timezone.now())


# Desk filters: "open" (the default) is every status before a decision; "all" is every status.
DESK_OPEN, DESK_ALL = "open", "all"
DESK_MINE, DESK_UNASSIGNED = "me", "none"


def disputes_desk(
    *,
    user: User,
    status: str = DESK_OPEN,
    assignee: str = "",
    overdue: bool = False,
    reason: int | None = None,
    search: str = "",
    now: datetime | None = None,
) -> QuerySet[Dispute]:
    """The operator desk's rows: ``disputes_for_operator`` narrowed by status (``DESK_OPEN``,
    ``DESK_ALL`` or one status), assignee (``DESK_MINE`` / ``DESK_UNASSIGNED``), overdue
    (open and past the due time), reason, and a search of the merchant (name, account number,
    email) or the order (code, number). Unknown values narrow nothing; the scope always holds."""
    rows = disputes_for_operator(user=user)
    if status == DESK_OPEN or (status != DESK_ALL and status not in DisputeStatus.values):
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status != DESK_ALL:
        rows = rows.filter(status=status)
    if assignee == DESK_MINE:
        rows = rows.filter(assigned_to=user)
    elif assignee == DESK_UNASSIGNED:
        rows = rows.filter(assigned_to__isnull=True)
    if overdue:
        rows = rows.filter(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())
    if reason is not None:
        rows = rows.filter(reason=reason)
    text = search.strip()
    if text:
        rows = rows.filter(
            Q(merchant__business_name__icontains=text)
            | Q(merchant__account_number__iexact=text)
            | Q(merchant__contact_email__iexact=text)
            | Q(order__code__istartswith=text)
            | Q(order__order_number__icontains=text)
            | Q(public_id=text)
        )
    return rows


def dispute_attention_count(*, user: User, now: datetime | None = None) -> int:
    """Open disputes in ``user``'s scope that want an operator: overdue, or nobody has them
    (one COUNT over the status index; the nav badge of the desk)."""
    return (
        Dispute.objects.filter(merchant__in=operator_merchants(user=user), status__in=OPEN_STATUSES)
        .filter(Q(due_at__lt=now or timezone.now()) | Q(assigned_to__isnull=True))
        .count()
    )


def dispute_lines(*, dispute: Dispute) -> QuerySet[DisputeLine]:
    """The dispute's lines with their order lines and what their pictures need."""
    return dispute.lines.select_related(
        "order_line__variant__product", "order_line__variant__image"
    ).prefetch_related("order_line__variant__product__images")


def dispute_thread(*, dispute: Dispute) -> QuerySet[DisputeMessage]:
    """The thread, oldest first, with authors and each message's evidence."""
    return dispute.messages.select_related("author").prefetch_related("evidence")


def dispute_evidence(*, dispute: Dispute) -> QuerySet[DisputeEvidence]:
    return dispute.evidence.order_by("created_at", "pk")


def dispute_events(*, dispute: Dispute) -> QuerySet[DisputeEvent]:
    return dispute.events.select_related("actor").order_by("created_at", "pk")


def dispute_assignees(*, dispute: Dispute) -> QuerySet[User]:
    """Operator staff who can see ``dispute``: admin, support and finance, and the merchant's
    own agent (another agent's scope does not include it)."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(operator_role__in=ALL_MERCHANT_ROLES)
            | Q(operator_role=OperatorRole.AGENT, pk=dispute.merchant.agent_id)
        )
        .order_by("email")
    )


def return_warehouses() -> QuerySet[Warehouse]:
    """Active warehouses that accept returns (``Warehouse.accepts_returns``)."""
    return Warehouse.objects.filter(is_active=True, accepts_returns=True).order_by("code")


def holidays_upcoming(*, today: date) -> QuerySet[BusinessHoliday]:
    """Holidays from ``today`` on, the nearest first."""
    return BusinessHoliday.objects.filter(date__gte=today).order_by("date")


def holidays_past(*, today: date, limit: int = 50) -> QuerySet[BusinessHoliday]:
    """The latest ``limit`` holidays before ``today``, the most recent first."""
    return BusinessHoliday.objects.filter(date__lt=today).order_by("-date")[:limit]
