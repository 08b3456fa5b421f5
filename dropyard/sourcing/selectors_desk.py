"""The agent desk's reads: sourcing requests and standings in an operator's scope.

Scope rule (the same as ``services_requests._operator_may``): admins and support see every
merchant's requests; an agent only those of the merchants assigned to them
(``MerchantAccount.agent``). Anything outside the scope is "not found", never "forbidden", so
an agent cannot learn which request ids exist.
"""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.core.errors import NotFound

from .choices import OPEN_STATUSES
from .choices import SourcingStatus as S
from .models import AuthorityEvent, SourcingEvent, SourcingQuote, SourcingRequest

DESK_OPEN = "open"
DESK_ALL = "all"
# A request waiting longer than this is shown as overdue (one working day, counted simply).
OVERDUE_AFTER = timedelta(days=1)
SEARCH_MAX = 100


def _sees_all(user: User) -> bool:
    return user.is_superuser or user.operator_role in (OperatorRole.ADMIN, OperatorRole.SUPPORT)


def desk_scope(user: User) -> QuerySet[SourcingRequest]:
    """Every request the operator may work on, with what the desk shows loaded."""
    requests = SourcingRequest.objects.select_related("merchant", "agent")
    if _sees_all(user):
        return requests
    if user.operator_role == OperatorRole.AGENT:
        return requests.filter(merchant__agent=user)
    return requests.none()


def desk_queue(
    *,
    user: User,
    status: str = DESK_OPEN,
    merchant_id: int | None = None,
    mine: bool = False,
    search: str = "",
) -> QuerySet[SourcingRequest]:
    """The queue: open requests by default, the longest waiting first (then by pk).

    ``status`` is ``DESK_OPEN``, ``DESK_ALL`` or one ``SourcingStatus``; ``mine`` keeps the
    requests the operator claimed; ``search`` matches the product name, the request id or the
    merchant's name / account number."""
    requests = desk_scope(user)
    if status == DESK_OPEN:
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif status in S.values:
        requests = requests.filter(status=status)
    if merchant_id is not None:
        requests = requests.filter(merchant_id=merchant_id)
    if mine:
        requests = requests.filter(agent=user)
    search = search.strip()[:SEARCH_MAX]
    if search:
        requests = requests.filter(
            Q(product_name__icontains=search)
            | Q(public_id__iexact=search.upper().removeprefix("SR"))
            | Q(merchant__business_name__icontains=search)
            | Q(merchant__account_number__iexact=search)
        )
    return requests.order_by("created_at", "pk")


def desk_merchants(user: User) -> QuerySet[MerchantAccount]:
    """The merchants with requests in the operator's scope (the queue's merchant filter)."""
    ids = desk_scope(user).values("merchant_id")
    return MerchantAccount.objects.filter(pk__in=ids).order_by("business_name", "pk")


def desk_request_get(*, user: User, public_id: str) -> SourcingRequest:
    """One request in the operator's scope; ``NotFound`` otherwise."""
    found = desk_scope(user).filter(public_id=public_id).select_related("store_variant").first()
    if found is None:
        raise NotFound(_("sourcing request not found"))
    return found


def desk_unclaimed_count(user: User) -> int:
    """Requests in the operator's scope that nobody claimed yet (the navigation badge)."""
    return desk_scope(user).filter(status=S.SUBMITTED).count()


def is_overdue(request: SourcingRequest, *, now: datetime | None = None) -> bool:
    """An open request waiting longer than ``OVERDUE_AFTER`` since it was sent."""
    if request.status not in OPEN_STATUSES:
        return False
    return (now or timezone.now()) - request.created_at > OVERDUE_AFTER


def request_events(request: SourcingRequest) -> QuerySet[SourcingEvent]:
    return request.events.order_by("created_at", "pk")


def request_quotes(request: SourcingRequest) -> QuerySet[SourcingQuote]:
    return request.quotes.select_related("supplier").order_by("unit_price_minor", "pk")


def standing_merchant_get(*, user: User, pk: int) -> MerchantAccount:
    """A merchant whose standing the operator may see (an agent: their own merchants)."""
    merchants = MerchantAccount.objects.all()
    if not _sees_all(user):
        if user.operator_role != OperatorRole.AGENT:
            merchants = merchants.none()
        merchants = merchants.filter(agent=user)
    found = merchants.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("merchant not found"))
    return found


def authority_events(merchant: MerchantAccount, *, limit: int = 50) -> list[AuthorityEvent]:
    """The merchant's latest authority changes, newest first."""
    return list(
        AuthorityEvent.objects.filter(merchant=merchant)
        .select_related("actor", "request")
        .order_by("-created_at", "-pk")[:limit]
    )
