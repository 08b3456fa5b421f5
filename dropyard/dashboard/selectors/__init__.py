"""What the home pages show, gathered from the apps' own selectors (never their views): the
merchant home (``merchant``), the back-office home per role (``operators``) and the admin's
system health (``health``)."""

from .health import SystemHealth, system_health
from .merchant import (
    ChecklistItem,
    MerchantHome,
    OrderCounts,
    SpendSummary,
    merchant_home,
    order_counts,
    spend_summary,
)
from .operators import (
    OperatorHome,
    ProblemOrders,
    Queue,
    operator_home,
    problem_orders,
    warehouse_totals,
)

__all__ = [
    "ChecklistItem",
    "MerchantHome",
    "OperatorHome",
    "OrderCounts",
    "ProblemOrders",
    "Queue",
    "SpendSummary",
    "SystemHealth",
    "merchant_home",
    "operator_home",
    "order_counts",
    "problem_orders",
    "spend_summary",
    "system_health",
    "warehouse_totals",
]
