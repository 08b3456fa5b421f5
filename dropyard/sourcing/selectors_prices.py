"""Price negotiation reads, scoped to a merchant or to an operator (agents: their merchants)."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.catalog import selectors as catalog_selectors

from .choices import NegotiationStatus as N
from .exceptions import NotFound
from .models import PriceNegotiation


def _base() -> QuerySet[PriceNegotiation]:
    return PriceNegotiation.objects.select_related(
        "merchant", "variant__product", "agent", "created_by"
    )


def _search(
    qs: QuerySet[PriceNegotiation], search: str, *, merchant_too: bool = False
) -> QuerySet[PriceNegotiation]:
    if not search:
        return qs
    match = (
        Q(variant__sku__icontains=search)
        | Q(variant__product__name__icontains=search)
        | Q(public_id=search)
    )
    if merchant_too:
        match |= Q(merchant__business_name__icontains=search) | Q(
            merchant__account_number__icontains=search
        )
    return qs.filter(match)


def negotiation_list(
    *, merchant: MerchantAccount, search: str = "", status: str = ""
) -> QuerySet[PriceNegotiation]:
    """The merchant's price requests, newest first; ``search`` matches a SKU, a product name
    or a request id; ``status`` one ``NegotiationStatus`` (others: no filter)."""
    qs = _search(_base().filter(merchant=merchant), search.strip())
    if status in N.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def negotiation_get(*, merchant: MerchantAccount, public_id: str) -> PriceNegotiation:
    """The merchant's own request; ``NotFound`` for unknown ids and other merchants'."""
    found = _base().filter(merchant=merchant, public_id=public_id).first()
    if found is None:
        raise NotFound(_("price request not found"))
    return found


def _for_operator(operator: User) -> QuerySet[PriceNegotiation]:
    if operator.operator_role == OperatorRole.ADMIN:
        return _base()
    if operator.operator_role == OperatorRole.AGENT:
        return _base().filter(merchant__agent=operator)
    return _base().none()


def negotiation_list_for_operator(
    operator: User, *, search: str = "", status: str = ""
) -> QuerySet[PriceNegotiation]:
    """Requests an operator handles (admins: all; agents: their merchants'): OPEN first,
    then oldest first (the longest wait on top); ``search`` also matches the merchant."""
    qs = _search(_for_operator(operator), search.strip(), merchant_too=True)
    if status in N.values:
        qs = qs.filter(status=status)
    open_first = Case(
        When(status=N.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(open_rank=open_first).order_by("open_rank", "created_at", "pk")


def negotiation_get_for_operator(*, operator: User, public_id: str) -> PriceNegotiation:
    """One request the operator may open; ``NotFound`` otherwise (also another agent's)."""
    found = _for_operator(operator).filter(public_id=public_id).first()
    if found is None:
        raise NotFound(_("price request not found"))
    return found


def open_count_for_operator(operator: User) -> int:
    return _for_operator(operator).filter(status=N.OPEN).count()


def current_price_for(negotiation: PriceNegotiation) -> int | None:
    """The merchant's agreed price on the request's variant now (None: it pays list)."""
    return catalog_selectors.merchant_prices_for(
        negotiation.merchant, [negotiation.variant_id]
    ).get(negotiation.variant_id)
