"""Read side of the merchant's AS service center: the searchable dispute list with what its
rows show (the claimed lines and their pictures), and one dispute's page (lines, history,
thread with evidence). Everything starts from the merchant's own disputes
(``selectors.disputes_for_merchant`` / ``dispute_get``), so another merchant's never shows.
"""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount

from . import selectors
from .choices import MessageSide
from .exceptions import DisputeNotFound
from .models import Dispute, DisputeEvent, DisputeEvidence, DisputeLine, DisputeMessage

SEARCH_MAX = 100
# History rows the merchant does not see: who on the desk holds the dispute is internal.
OPERATOR_ONLY_EVENTS = ("assigned",)


def claimed_lines() -> QuerySet[DisputeLine]:
    """Dispute lines with what their picture needs (``catalog.pictures.picture_of``)."""
    return DisputeLine.objects.select_related(
        "order_line__variant__product", "order_line__variant__image"
    ).prefetch_related("order_line__variant__product__images")


def _in_stores(rows: QuerySet[Dispute], store_ids: Collection[int] | None) -> QuerySet[Dispute]:
    # A staff member limited to some stores sees the disputes of those stores' orders only,
    # the same rule as the order pages (orders.selectors: StoreOrder, reverse "store_order").
    if store_ids is None:
        return rows
    return rows.filter(order__store_order__store_id__in=list(store_ids))


def dispute_list(
    *,
    merchant: MerchantAccount,
    tab: str = "",
    search: str = "",
    store_ids: Collection[int] | None = None,
) -> QuerySet[Dispute]:
    """The merchant's disputes of ``tab`` (``selectors.TABS``; unknown → all), newest first,
    of the stores ``store_ids`` only when given (``Membership.store_scope``).

    ``search`` matches the dispute id, the order's code (cjOrderCode) exactly, or a part of
    the merchant's own order number; NUL bytes or over-long text match nothing."""
    rows = _in_stores(
        selectors.disputes_for_merchant(merchant=merchant, tab=tab), store_ids
    ).prefetch_related(Prefetch("lines", queryset=claimed_lines()))
    text = (search or "").strip()
    if not text:
        return rows
    if "\x00" in text or len(text) > SEARCH_MAX:
        return rows.none()
    return rows.filter(
        Q(public_id=text)
        | Q(order__code__iexact=text)
        | Q(order__order_number__icontains=text)
        | Q(business_dispute_id=text)
    )


def dispute_get(
    *, merchant: MerchantAccount, public_id: str, store_ids: Collection[int] | None = None
) -> Dispute:
    """``selectors.dispute_get`` within the member's stores (``DisputeNotFound`` outside)."""
    dispute = selectors.dispute_get(merchant=merchant, public_id=public_id)
    if (
        store_ids is not None
        and not _in_stores(Dispute.objects.filter(pk=dispute.pk), store_ids).exists()
    ):
        raise DisputeNotFound(_("dispute not found"))
    return dispute


@dataclass
class DisputePage:
    """What one dispute's page shows, each list in the order it happened."""

    lines: list[DisputeLine]
    events: list[DisputeEvent]
    messages: list[DisputeMessage]
    loose_evidence: list[DisputeEvidence] = field(default_factory=list)
    evidence_request: DisputeMessage | None = None  # the operator's latest message


def dispute_page(*, dispute: Dispute) -> DisputePage:
    """The parts of ``dispute`` (already scoped by ``selectors.dispute_get``) for the
    merchant's page; the desk's internal history rows (``OPERATOR_ONLY_EVENTS``) left out."""
    messages = list(
        DisputeMessage.objects.filter(dispute=dispute)
        .select_related("author")
        .prefetch_related(Prefetch("evidence", queryset=DisputeEvidence.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    operator = [m for m in messages if m.side == MessageSide.OPERATOR]
    return DisputePage(
        lines=list(claimed_lines().filter(dispute=dispute).order_by("pk")),
        events=list(
            DisputeEvent.objects.filter(dispute=dispute)
            .exclude(kind__in=OPERATOR_ONLY_EVENTS)
            .order_by("created_at", "pk")
        ),
        messages=messages,
        loose_evidence=list(
            DisputeEvidence.objects.filter(dispute=dispute, message__isnull=True).order_by("pk")
        ),
        evidence_request=operator[-1] if operator else None,
    )
