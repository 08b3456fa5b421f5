"""Sourcing request reads for the merchant's pages, always scoped to one merchant.

Invariant: every lookup filters by ``merchant``; another merchant's public id is simply not
found (``NotFound``, a 404 on the pages), so ids reveal nothing.
"""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.core.errors import NotFound
from dropyard.core.ids import code_public_id
from dropyard.stores.models import StoreVariant
from dropyard.stores.selectors import StoreScope, store_list_scoped

from .choices import SourcingStatus
from .models import AuthorityEvent, SourcingEvent, SourcingQuote, SourcingRequest

# The list's tabs: "" is All; the others are one status each.
REQUEST_TABS: tuple[str, ...] = tuple(s.value.lower() for s in SourcingStatus)
# The store variants offered in the form's select (the newest imports of the member's stores).
STORE_VARIANT_CHOICES_MAX = 500


def _status_of(tab: str) -> str:
    return tab.upper() if tab in REQUEST_TABS else ""


def sourcing_request_list(
    *, merchant: MerchantAccount, tab: str = "", search: str = ""
) -> QuerySet[SourcingRequest]:
    """The merchant's requests, newest first; ``tab``: one status (lower-case) or all;
    ``search``: part of the product name, of the product URL, or of the code (SR…)."""
    requests = SourcingRequest.objects.filter(merchant=merchant)
    status = _status_of(tab)
    if status:
        requests = requests.filter(status=status)
    if search:
        match = Q(product_name__icontains=search) | Q(source_url__icontains=search)
        public_id = code_public_id("SR", search.upper()) or (search if search.isdigit() else "")
        if public_id:
            match |= Q(public_id=public_id)
        requests = requests.filter(match)
    return requests.order_by("-created_at", "-pk")


def sourcing_request_tab_counts(*, merchant: MerchantAccount) -> dict[str, int]:
    """How many requests the merchant has per tab ("" = all), in one query."""
    counts = dict(
        SourcingRequest.objects.filter(merchant=merchant)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tabs = {status.lower(): counts.get(status, 0) for status in SourcingStatus.values}
    tabs[""] = sum(counts.values())
    return tabs


def sourcing_request_get(*, merchant: MerchantAccount, public_id: str) -> SourcingRequest:
    """The merchant's request with this public id, with its agent, product, variant and store
    variant; ``NotFound`` for any other."""
    found = (
        SourcingRequest.objects.select_related(
            "agent", "product", "variant", "store_variant__store"
        )
        .filter(merchant=merchant, public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound(_("Sourcing request not found"))
    return found


def sourcing_event_list(request: SourcingRequest) -> QuerySet[SourcingEvent]:
    """The request's history, oldest first."""
    return SourcingEvent.objects.filter(request=request).order_by("created_at", "pk")


def sourcing_quote_list(request: SourcingRequest) -> QuerySet[SourcingQuote]:
    """The request's supplier options, cheapest first."""
    return SourcingQuote.objects.filter(request=request).order_by("unit_price_minor", "pk")


def authority_event_list(*, merchant: MerchantAccount, limit: int = 10) -> list[AuthorityEvent]:
    """The merchant's latest authority score changes, newest first, with their requests."""
    return list(
        AuthorityEvent.objects.filter(merchant=merchant)
        .select_related("request")
        .order_by("-created_at", "-pk")[:limit]
    )


def store_variant_choices(*, merchant: MerchantAccount, scope: StoreScope) -> list[StoreVariant]:
    """The store variants a request may be for: of the merchant's live stores within the
    member's ``scope``, by store and title, at most ``STORE_VARIANT_CHOICES_MAX``."""
    stores = store_list_scoped(merchant=merchant, scope=scope)
    return list(
        StoreVariant.objects.filter(store__in=stores)
        .select_related("store")
        .order_by("store__name", "title", "variant_title", "pk")[:STORE_VARIANT_CHOICES_MAX]
    )
