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
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount, User
from dropyard.orders.models import Order
from dropyard.orders.selectors_ops import operator_merchants

from . import calendar
from .choices import DisputeStatus
from .exceptions import DisputeNotFound
from .models import BusinessHoliday, Dispute

# The merchant's AS service center tabs → the statuses each shows.
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
