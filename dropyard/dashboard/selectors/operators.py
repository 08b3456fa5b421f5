"""The back-office home: each operator role's work queues, with counts and the age of the
oldest item, read through the apps' own selectors.

Scope: an agent sees only the merchants they are the personal agent of; support, finance and
warehouse staff see every merchant's items of their queues; an admin sees every queue and the
system's health. A queue the role does not work is ``None`` and its card is left out.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, QuerySet

from dropyard.accounts import selectors as accounts_selectors
from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import User
from dropyard.core import selectors as core_selectors
from dropyard.core.models import Job
from dropyard.fulfillment import selectors as fulfillment_selectors
from dropyard.fulfillment.selectors import WarehouseQueue
from dropyard.orders import selectors as orders_selectors
from dropyard.orders.models import Order
from dropyard.sourcing.models import AgentMessage
from dropyard.wallet import refunds as wallet_refunds
from dropyard.wallet import selectors as wallet_selectors
from dropyard.wallet.choices import RefundStatus

from .health import SystemHealth, system_health

RECENT_LIMIT = 5
PROBLEM_LIST_LIMIT = 8

R = OperatorRole


@dataclass(frozen=True)
class Queue:
    """One queue: how many items wait, and since when the oldest one has (None: empty)."""

    count: int
    oldest: datetime | None


@dataclass(frozen=True)
class ProblemOrders:
    """Orders with a problem in the operator's scope (``orders.selectors.order_problem_list``):
    the counts by kind and the oldest ``PROBLEM_LIST_LIMIT`` of them, merchant loaded."""

    total: Queue
    exceptions: int
    unroutable: int
    oldest: list[Order] = field(default_factory=list)


@dataclass(frozen=True)
class OperatorHome:
    """The back-office home: the queues of the operator's role (``None``: not shown)."""

    pending_supplier_applications: int | None = None
    my_merchant_count: int | None = None
    recent_jobs: list[Job] | None = None
    warehouses: list[WarehouseQueue] | None = None
    wires: Queue | None = None
    refunds_due: Queue | None = None
    unanswered: Queue | None = None
    problems: ProblemOrders | None = None
    health: SystemHealth | None = None


def warehouse_totals(rows: list[WarehouseQueue]) -> dict[str, Queue]:
    """Every warehouse's steps added up (to pick = READY, to pack = PICKING, to ship =
    PACKED), each with the oldest parcel of any warehouse."""

    def total(count: str, oldest: str) -> Queue:
        dates = [getattr(row, oldest) for row in rows if getattr(row, oldest) is not None]
        count_sum = sum(getattr(row, count) for row in rows)
        return Queue(count=count_sum, oldest=min(dates, default=None))

    return {
        "pick": total("ready", "oldest_ready"),
        "pack": total("picking", "oldest_picking"),
        "ship": total("packed", "oldest_packed"),
    }


def _queue(queryset: QuerySet, date_field: str = "created_at") -> Queue:
    row = queryset.order_by().aggregate(count=Count("pk"), oldest=Min(date_field))
    return Queue(count=row["count"], oldest=row["oldest"])


def unanswered_threads(*, operator: User) -> Queue:
    """Conversations whose merchant wrote last and is not read yet: how many (one per
    merchant) and the oldest unread merchant message. An agent's own merchants; every merchant
    for an admin (``sourcing.selectors.can_operator_access_thread``'s rule). One query."""
    unread = AgentMessage.objects.filter(from_agent=False, read_at__isnull=True)
    if operator.operator_role != R.ADMIN:
        unread = unread.filter(merchant__agent=operator)
    row = unread.order_by().aggregate(
        count=Count("merchant", distinct=True), oldest=Min("created_at")
    )
    return Queue(count=row["count"], oldest=row["oldest"])


def problem_orders(*, agent_id: int | None = None) -> ProblemOrders:
    """Problem orders of an agent's merchants (``agent_id``) or of every merchant. Two
    queries: the counts, and the oldest few."""
    counts = orders_selectors.order_problem_counts(agent_id=agent_id)
    oldest = list(
        orders_selectors.order_problem_list(agent_id=agent_id).select_related("merchant")[
            :PROBLEM_LIST_LIMIT
        ]
    )
    return ProblemOrders(
        total=Queue(count=counts["any"], oldest=counts["oldest"]),
        exceptions=counts["exception"],
        unroutable=counts["unroutable"],
        oldest=oldest,
    )


def operator_home(*, user: User) -> OperatorHome:
    """What the operator's role works on; a bounded number of queries per role (the admin's,
    every queue, about 15)."""
    role = user.operator_role
    is_admin = role == R.ADMIN
    works = {
        "threads": role in {R.ADMIN, R.AGENT},
        "suppliers": role in {R.ADMIN, R.SUPPORT},
        "warehouse": role in {R.ADMIN, R.WAREHOUSE},
        "finance": role in {R.ADMIN, R.FINANCE},
        "problems": role in {R.ADMIN, R.SUPPORT, R.AGENT},
    }
    return OperatorHome(
        pending_supplier_applications=(
            accounts_selectors.supplier_application_pending_count() if works["suppliers"] else None
        ),
        my_merchant_count=(
            accounts_selectors.merchant_list(agent=user).count() if role == R.AGENT else None
        ),
        recent_jobs=list(core_selectors.job_list()[:RECENT_LIMIT]) if is_admin else None,
        warehouses=fulfillment_selectors.warehouse_queue_list() if works["warehouse"] else None,
        wires=_queue(wallet_selectors.wire_queue()) if works["finance"] else None,
        refunds_due=(
            _queue(wallet_refunds.refunds_list(status=RefundStatus.PENDING))
            if works["finance"]
            else None
        ),
        unanswered=unanswered_threads(operator=user) if works["threads"] else None,
        problems=(
            problem_orders(agent_id=user.pk if role == R.AGENT else None)
            if works["problems"]
            else None
        ),
        health=system_health() if is_admin else None,
    )
