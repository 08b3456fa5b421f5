"""Reads for the developer API's disputes (``api``): the token's merchant's disputes, within
the token's store scope (a member limited to some stores reaches only the disputes of those
stores' orders, as the orders API does), with what the wire shapes read prefetched.

Another merchant's dispute, or one outside the store scope, is answered exactly like an
unknown id (``DisputeNotFound``).
"""

from collections.abc import Collection

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.orders.selectors import order_list

from .exceptions import DisputeNotFound
from .models import Dispute, DisputeLine


def _lines() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=DisputeLine.objects.select_related(
            "order_line__variant__product__supplier", "order_line__variant__image"
        )
        .prefetch_related("order_line__variant__product__images")
        .order_by("pk"),
    )


def _scoped(merchant: MerchantAccount, store_ids: Collection[int] | None) -> QuerySet[Dispute]:
    rows = Dispute.objects.filter(merchant=merchant)
    if store_ids is not None:
        scope = order_list(merchant=merchant, store_ids=store_ids).values("pk")
        rows = rows.filter(order__in=scope)
    return rows.select_related("order", "resend_order").prefetch_related(_lines())


def disputes_for_api(
    *,
    merchant: MerchantAccount,
    store_ids: Collection[int] | None = None,
    order_key: str = "",
    dispute_id: str = "",
    order_number: str = "",
) -> QuerySet[Dispute]:
    """The merchant's disputes, newest first. ``order_key``: the order's id or code
    (``orderId``); ``order_number``: the merchant's own order number; ``dispute_id``: one
    dispute. Filters combine; an unknown value matches nothing."""
    rows = _scoped(merchant, store_ids)
    if order_key:
        rows = rows.filter(Q(order__public_id=order_key) | Q(order__code=order_key))
    if order_number:
        rows = rows.filter(order__order_number=order_number)
    if dispute_id:
        rows = rows.filter(public_id=dispute_id)
    return rows.order_by("-created_at", "-pk")


def dispute_for_api(
    *, merchant: MerchantAccount, store_ids: Collection[int] | None = None, public_id: str
) -> Dispute:
    """One dispute with its lines, return, thread, evidence and history; ``DisputeNotFound``."""
    key = str(public_id or "").strip()
    found = (
        _scoped(merchant, store_ids)
        .select_related("refund", "return_authorization__warehouse")
        .prefetch_related("messages", "evidence", "events")
        .filter(public_id=key)
        .first()
        if key.isdigit()
        else None
    )
    if found is None:
        raise DisputeNotFound(_("dispute %(id)s not found") % {"id": key[:40]})
    return found
