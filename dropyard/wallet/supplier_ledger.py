"""Suppliers in the ledger: what a supplier earns when its parcel ships, and its payable.

The rule (``supplier_share_minor``): a supplier ships goods the platform sold to a merchant at
the order line's price (``OrderLine.unit_price_minor``, the variant's sell price when the order
was made). The variants carry no separate supplier cost, so the supplier earns that price ×
the shipped quantity minus the platform's commission, ``DROPYARD_SUPPLIER_COMMISSION_PERMILLE``
(default 100 = 10 %) of it, rounded half up, per line. A parcel's earning is the sum over its
shipped lines, per currency of their orders.

The posting (``supplier_earning_post``): one ledger transaction per shipped parcel of a
supplier warehouse (``Warehouse.kind`` SUPPLIER), idempotency key ``supplier-earning:<parcel
public id>``: + earning on the supplier's SUPPLIER_PAYABLE account (one per supplier and
currency), − the same on the platform's SUPPLIER_COST account, so it sums to zero per
currency. Posting again (a second ship attempt, the sweep, a replayed task) returns the
existing transaction and credits nothing more. A partial shipment's remainder is another
parcel, with its own key, credited when it ships.

Who calls it: the supplier portal ships a parcel through ``suppliers.shipping``, which calls
``fulfillment.services.parcel_ship`` and then this function in one database transaction (the
layer above both; fulfillment and wallet are siblings and cannot call each other, and the house
style forbids a lower app calling up, even through a signal). Parcels of supplier warehouses
shipped by any other door (the back office's warehouse pages, the sandbox) are credited by
``suppliers.earnings.supplier_earnings_sweep`` (a periodic job), through the same key.
"""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import Supplier
from dropyard.inventory.choices import WarehouseKind
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.models import Parcel, ParcelLine

from .choices import PAYOUT_OPEN, AccountKind, LedgerKind, ReferenceType
from .exceptions import WalletError
from .ledger import Posting, account_for, clean_currency, ledger_post
from .models import Account, Entry, LedgerTransaction, Payout

# Parcels whose goods have left the supplier: they earn (DELIVERED, EXCEPTION and RETURNED
# come after SHIPPED; a return is an after-sales matter, not an un-shipping).
EARNING_STATUSES = (
    ParcelStatus.SHIPPED,
    ParcelStatus.DELIVERED,
    ParcelStatus.EXCEPTION,
    ParcelStatus.RETURNED,
)


def commission_permille() -> int:
    """The platform's commission on supplier-shipped goods, in permille (settings)."""
    value = getattr(settings, "DROPYARD_SUPPLIER_COMMISSION_PERMILLE", 100)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
        raise WalletError("DROPYARD_SUPPLIER_COMMISSION_PERMILLE must be an integer 0 to 1000")
    return value


def supplier_share_minor(*, gross_minor: int, permille: int) -> int:
    """What the supplier earns of ``gross_minor``: gross minus the commission, the commission
    being ``gross × permille / 1000`` rounded half up. Pure; 0 ≤ result ≤ gross."""
    if gross_minor < 0 or not 0 <= permille <= 1000:
        raise WalletError("a share needs a gross ≥ 0 and a permille 0 to 1000")
    commission = (gross_minor * permille + 500) // 1000
    return gross_minor - commission


def parcel_earning_minor(*, parcel: Parcel, permille: int | None = None) -> dict[str, int]:
    """The parcel's earning per currency: ``supplier_share_minor`` of each shipped line's
    ``unit_price_minor × shipped_quantity``, summed. Currencies with 0 are left out."""
    rate = commission_permille() if permille is None else permille
    totals: dict[str, int] = defaultdict(int)
    lines = ParcelLine.objects.filter(parcel=parcel).select_related("order_line__order")
    for line in lines.order_by("pk"):
        gross = line.order_line.unit_price_minor * line.shipped_quantity
        totals[line.order_line.order.currency] += supplier_share_minor(
            gross_minor=gross, permille=rate
        )
    return {currency: amount for currency, amount in totals.items() if amount}


def earning_key(parcel: Parcel) -> str:
    return f"supplier-earning:{parcel.public_id}"


@transaction.atomic
def supplier_earning_post(*, parcel: Parcel, actor: Actor = None) -> LedgerTransaction | None:
    """Credit the supplier's payable with what a shipped supplier parcel earned (see the module
    docstring); idempotent per parcel. None when there is nothing to credit: the parcel is not
    from a supplier warehouse, has not shipped, or earns 0."""
    parcel = Parcel.objects.select_related("warehouse__supplier").get(pk=parcel.pk)
    warehouse = parcel.warehouse
    supplier = warehouse.supplier
    if warehouse.kind != WarehouseKind.SUPPLIER or supplier is None:
        return None
    if parcel.status not in EARNING_STATUSES:
        return None
    earnings = parcel_earning_minor(parcel=parcel)
    if not earnings:
        return None
    postings: list[Posting] = []
    for currency in sorted(earnings):
        amount = earnings[currency]
        payable = account_for(
            kind=AccountKind.SUPPLIER_PAYABLE, supplier=supplier, currency=currency
        )
        cost = account_for(kind=AccountKind.SUPPLIER_COST, currency=currency)
        postings += [
            Posting(account=payable, amount_minor=amount, currency=currency),
            Posting(account=cost, amount_minor=-amount, currency=currency),
        ]
    txn, _created = ledger_post(
        entries=postings,
        idempotency_key=earning_key(parcel),
        kind=LedgerKind.SUPPLIER_EARNING,
        memo=f"Parcel {parcel.code} shipped by {supplier.company_name}",
        reference_type=ReferenceType.PARCEL,
        reference_id=parcel.code,
        actor=actor,
    )
    return txn


# --- Reading the payable --------------------------------------------------------------------


def supplier_payable_account(*, supplier: Supplier, currency: str = "USD") -> Account | None:
    """The supplier's payable account in ``currency`` (None before its first earning)."""
    return Account.objects.filter(
        supplier=supplier, kind=AccountKind.SUPPLIER_PAYABLE, currency=clean_currency(currency)
    ).first()


def supplier_payable_minor(*, supplier: Supplier, currency: str = "USD") -> int:
    """What the platform owes the supplier in ``currency`` (its payable balance)."""
    account = supplier_payable_account(supplier=supplier, currency=currency)
    return account.balance_minor if account is not None else 0


def supplier_requested_minor(*, supplier: Supplier, currency: str = "USD") -> int:
    """The amounts of the supplier's open payouts (requested or approved, not yet paid)."""
    total = Payout.objects.filter(
        supplier=supplier, currency=clean_currency(currency), status__in=PAYOUT_OPEN
    ).aggregate(total=Sum("amount_minor"))["total"]
    return int(total or 0)


def supplier_available_minor(*, supplier: Supplier, currency: str = "USD") -> int:
    """What the supplier may still ask to be paid: payable minus open payouts (≥ 0)."""
    payable = supplier_payable_minor(supplier=supplier, currency=currency)
    return max(payable - supplier_requested_minor(supplier=supplier, currency=currency), 0)


def supplier_entries(*, supplier: Supplier, kind: str = "") -> QuerySet[Entry]:
    """The entries on the supplier's payable accounts (every currency), newest first; one
    transaction kind when ``kind`` is given."""
    rows = Entry.objects.filter(
        account__supplier=supplier, account__kind=AccountKind.SUPPLIER_PAYABLE
    ).select_related("transaction", "account")
    if kind:
        rows = rows.filter(transaction__kind=kind)
    return rows.order_by("-transaction__created_at", "-pk")
