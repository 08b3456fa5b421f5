"""Read side of orders for the back office: one scope per operator, used by every page.

``operator_order_scope`` is the one place that says which orders an operator may reach:
admin, support and finance every merchant's; an agent only the merchants assigned to them
(``MerchantAccount.agent``); any other user none (``PermissionDenied``). The list, the detail
and every action look orders up through it, so an agent's request for an unassigned merchant's
order answers 404 whatever the method. Which *pages* a role gets is the views' business
(``core.access.operator_view``); finance reaches the refund form, not the list.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.core.errors import PermissionDenied

from .exceptions import OrderNotFound
from .models import Order, OrderNote
from .selectors import order_lines_with_pictures

ALL_MERCHANTS = frozenset({OperatorRole.ADMIN, OperatorRole.SUPPORT, OperatorRole.FINANCE})


def operator_merchants(*, user: User) -> QuerySet[MerchantAccount]:
    """The merchant accounts whose orders ``user`` may reach (see the module docstring)."""
    role = getattr(user, "operator_role", "")
    if role in ALL_MERCHANTS:
        return MerchantAccount.objects.all()
    if role == OperatorRole.AGENT:
        return MerchantAccount.objects.filter(agent=user)
    raise PermissionDenied(_("orders are for operator staff"))


def operator_order_scope(*, user: User) -> QuerySet[Order]:
    """Every order ``user`` may reach, unordered and unfiltered (the one scoping function)."""
    role = getattr(user, "operator_role", "")
    if role in ALL_MERCHANTS:
        return Order.objects.all()
    if role == OperatorRole.AGENT:
        return Order.objects.filter(merchant__agent=user)
    raise PermissionDenied(_("orders are for operator staff"))


def order_list_for_operator(*, user: User) -> QuerySet[Order]:
    """The orders of ``user``'s scope, newest first, with merchant and chosen line joined (the
    back-office list filters and sorts it: ``orders.filters_ops``)."""
    return (
        operator_order_scope(user=user)
        .select_related("merchant", "line", "requested_warehouse")
        .order_by("-created_at", "-pk")
    )


def order_get_for_operator(*, user: User, key: str) -> Order:
    """One order of ``user``'s scope by public id or code (``OrderNotFound`` otherwise, also
    for an order outside the scope), with merchant and lines → variants → products."""
    key = str(key or "").strip()
    if not key:
        raise OrderNotFound(_("order not found"))
    order = (
        operator_order_scope(user=user)
        .filter(Q(public_id=key) | Q(code=key))
        .select_related("merchant", "merchant__agent", "line", "requested_warehouse", "parent")
        .prefetch_related(Prefetch("lines", queryset=order_lines_with_pictures()))
        .first()
    )
    if order is None:
        raise OrderNotFound(_("order %(key)s not found") % {"key": key})
    return order


def order_internal_notes(*, order: Order) -> QuerySet[OrderNote]:
    """The operators' notes on ``order``, oldest first."""
    return order.internal_notes.select_related("author").order_by("created_at", "pk")
