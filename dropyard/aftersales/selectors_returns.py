"""Read side of returns (RMA): where returns go, what the return shipping costs, and scoped
lookups.

- Warehouses: returns go to an active platform warehouse that accepts returns. The default is
  ``DROPYARD_RETURNS_WAREHOUSE`` (a code) or else the first such warehouse, China first (CJ
  takes returned dropshipping goods back in its China warehouse, never in a US one).
- Quote: the reverse route (the customer's country → the warehouse's country) priced by the
  logistics rate cards (``logistics.selectors.freight_quote``), the cheapest line in the
  dispute's currency; when no card prices that route, the configured flat fee
  ``DROPYARD_RETURNS_FLAT_FEE_MINOR``.
- A merchant reaches only its own returns (``return_get`` answers ``ReturnNotFound`` for
  another merchant's); operators with the returns desk's roles (admin, support, warehouse)
  reach every return.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.core.errors import PermissionDenied
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Warehouse
from dropyard.logistics.exceptions import LogisticsError
from dropyard.logistics.selectors import freight_quote

from .choices import ReturnQuoteSource
from .exceptions import ReturnNotFound
from .models import DisputeLine, ReturnAuthorization

RETURNS_DESK = frozenset({OperatorRole.ADMIN, OperatorRole.SUPPORT, OperatorRole.WAREHOUSE})
PREFERRED_COUNTRY = "CN"


@dataclass(frozen=True)
class ReturnQuote:
    """The return shipping the merchant pays, and where the price came from."""

    amount_minor: int
    currency: str
    source: str  # ReturnQuoteSource
    line_name: str = ""


# --- Warehouses ----------------------------------------------------------------------------------


def accepts_returns(warehouse: Warehouse) -> bool:
    return (
        warehouse.accepts_returns
        and warehouse.is_active
        and warehouse.kind == WarehouseKind.PLATFORM
    )


def return_warehouses() -> QuerySet[Warehouse]:
    """The warehouses returns may go to: active platform ones that accept returns, China
    first, then by country and code."""
    return (
        Warehouse.objects.filter(accepts_returns=True, is_active=True, kind=WarehouseKind.PLATFORM)
        .annotate(
            preferred=Case(
                When(country=PREFERRED_COUNTRY, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("preferred", "country", "code")
    )


def default_return_warehouse() -> Warehouse | None:
    """``DROPYARD_RETURNS_WAREHOUSE`` (whatever it is: the service checks it accepts returns),
    else the first of ``return_warehouses``; None when there is none."""
    code = (settings.DROPYARD_RETURNS_WAREHOUSE or "").strip().upper()
    if code:
        return Warehouse.objects.filter(code=code).first()
    return return_warehouses().first()


def desk_warehouses() -> QuerySet[Warehouse]:
    """The returns desk's warehouse filter: those that accept returns or hold some."""
    return (
        Warehouse.objects.filter(Q(accepts_returns=True) | Q(returns__isnull=False))
        .distinct()
        .order_by("country", "code")
    )


def warehouse_by_code(code: str) -> Warehouse | None:
    key = str(code or "").strip().upper()
    if not key or "\x00" in key or len(key) > 20:
        return None
    return Warehouse.objects.filter(code=key).first()


# --- Quote ---------------------------------------------------------------------------------------


def return_shipping_quote(
    *, lines: Sequence[DisputeLine], origin_country: str, warehouse: Warehouse, currency: str
) -> ReturnQuote:
    """What sending ``lines`` from ``origin_country`` back to ``warehouse`` costs (see the
    module docstring). ``lines`` come with ``order_line__variant__product`` loaded."""
    items = [(line.order_line.variant, line.quantity) for line in lines]
    try:
        quote = freight_quote(
            items=items, origin_country=origin_country, dest_country=warehouse.country
        )
    except LogisticsError:
        quote = None
    options = [o for o in quote.available if o.price.currency == currency] if quote else []
    if options:
        cheapest = options[0]
        return ReturnQuote(
            amount_minor=cheapest.price.amount_minor,
            currency=currency,
            source=ReturnQuoteSource.RATE_CARD,
            line_name=cheapest.line.name,
        )
    return ReturnQuote(
        amount_minor=int(settings.DROPYARD_RETURNS_FLAT_FEE_MINOR),
        currency=currency,
        source=ReturnQuoteSource.FLAT_FEE,
    )


# --- Lookups -------------------------------------------------------------------------------------


def _rows() -> QuerySet[ReturnAuthorization]:
    return ReturnAuthorization.objects.select_related(
        "dispute", "order", "merchant", "warehouse", "makeup", "refund"
    )


def return_get(*, merchant: MerchantAccount, public_id: str) -> ReturnAuthorization:
    """One of the merchant's returns by its public id (``ReturnNotFound`` otherwise)."""
    key = str(public_id or "").strip()
    found = _rows().filter(merchant=merchant, public_id=key).first() if key.isdigit() else None
    if found is None:
        raise ReturnNotFound(_("return not found"))
    return found


def return_of_dispute(*, dispute_id: int) -> ReturnAuthorization | None:
    return _rows().filter(dispute_id=dispute_id).first()


def returns_for_operator(
    *, user: User, status: str = "", warehouse: str = "", search: str = ""
) -> QuerySet[ReturnAuthorization]:
    """Every return, newest first, for the returns desk (admin,
    support, warehouse; ``PermissionDenied`` otherwise). ``status`` and ``warehouse`` (a code)
    filter exactly; ``search`` matches the RMA code, the order code or number, the tracking
    number, or the merchant's account number."""
    if getattr(user, "operator_role", "") not in RETURNS_DESK:
        raise PermissionDenied(_("returns are for the returns desk"))
    rows = _rows()
    if status:
        rows = rows.filter(status=status)
    if warehouse:
        rows = rows.filter(warehouse__code=warehouse.upper())
    if search:
        rows = rows.filter(
            Q(code__icontains=search)
            | Q(order__code__icontains=search)
            | Q(order__order_number__icontains=search)
            | Q(tracking_number__icontains=search)
            | Q(merchant__account_number__iexact=search)
        )
    return rows.order_by("-created_at", "-pk")


def return_get_for_operator(*, user: User, public_id: str) -> ReturnAuthorization:
    key = str(public_id or "").strip()
    found = returns_for_operator(user=user).filter(public_id=key).first() if key.isdigit() else None
    if found is None:
        raise ReturnNotFound(_("return not found"))
    return found


def return_lines(rma: ReturnAuthorization) -> list:
    """The return's lines with their order line, variant and product (for the pages)."""
    return list(
        rma.lines.select_related("dispute_line__order_line__variant__product").order_by("pk")
    )
