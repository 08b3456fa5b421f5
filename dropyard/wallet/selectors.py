"""Wallet reads: statements, top-up lists, what an order was paid, billing documents.

Merchant-facing selectors take the merchant and filter by it; platform-wide ones (wire queue,
every merchant's documents) are for finance views only. The ledger's own checks (trial
balance, integrity) live with the ledger (``wallet.ledger``).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.core.ids import code_public_id
from dropyard.orders.models import Order

from .choices import (
    CODE_PREFIXES,
    MERCHANT_KINDS,
    AccountKind,
    InvoiceKind,
    MakeupStatus,
    MakeupType,
    Provider,
    TopUpStatus,
)
from .exceptions import InvoiceNotFound
from .models import Account, Entry, Invoice, LedgerTransaction, Makeup, Payment, TopUp


@dataclass(frozen=True)
class StatementRow:
    """One entry on a merchant's wallet account, with the running balance after it."""

    entry_id: int
    created_at: datetime
    transaction_id: str  # public id
    kind: str
    memo: str
    reference_type: str
    reference_id: str
    amount_minor: int
    balance_minor: int  # running balance after this row


@dataclass(frozen=True)
class Statement:
    """A wallet statement. Invariant: ``closing = opening + sum(rows)`` and every row's
    balance is the opening plus the amounts up to and including it."""

    merchant_id: int
    kind: str
    currency: str
    date_from: datetime | None
    date_to: datetime | None
    opening_minor: int
    closing_minor: int
    credits_minor: int
    debits_minor: int  # ≤ 0
    rows: list[StatementRow] = field(default_factory=list)


def statement(
    *,
    merchant: MerchantAccount,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    currency: str = "USD",
    kind: str = AccountKind.WALLET_AVAILABLE,
) -> Statement:
    """Entries on the merchant's wallet account (available by default) whose transaction was
    created in ``[date_from, date_to)``, oldest first, with running balance; the opening
    balance is the sum of every earlier entry. Rows are ordered by entry id: entries on one
    account are inserted while its row is locked, so id order is posting order."""
    if kind not in MERCHANT_KINDS:
        raise ValueError("statements are for merchant wallet accounts")
    account = Account.objects.filter(merchant=merchant, kind=kind, currency=currency).first()
    if account is None:
        return Statement(
            merchant_id=merchant.pk,
            kind=kind,
            currency=currency,
            date_from=date_from,
            date_to=date_to,
            opening_minor=0,
            closing_minor=0,
            credits_minor=0,
            debits_minor=0,
        )
    entries = Entry.objects.filter(account=account)
    opening = 0
    if date_from is not None:
        opening = entries.filter(transaction__created_at__lt=date_from).aggregate(
            s=Coalesce(Sum("amount_minor"), Value(0))
        )["s"]
        entries = entries.filter(transaction__created_at__gte=date_from)
    if date_to is not None:
        entries = entries.filter(transaction__created_at__lt=date_to)
    rows: list[StatementRow] = []
    running = opening
    credits = debits = 0
    for entry in entries.select_related("transaction").order_by("pk"):
        running += entry.amount_minor
        if entry.amount_minor > 0:
            credits += entry.amount_minor
        else:
            debits += entry.amount_minor
        txn = entry.transaction
        rows.append(
            StatementRow(
                entry_id=entry.pk,
                created_at=txn.created_at,
                transaction_id=txn.public_id,
                kind=txn.kind,
                memo=txn.memo,
                reference_type=txn.reference_type,
                reference_id=txn.reference_id,
                amount_minor=entry.amount_minor,
                balance_minor=running,
            )
        )
    return Statement(
        merchant_id=merchant.pk,
        kind=kind,
        currency=currency,
        date_from=date_from,
        date_to=date_to,
        opening_minor=opening,
        closing_minor=running,
        credits_minor=credits,
        debits_minor=debits,
        rows=rows,
    )


def merchant_transactions(*, merchant: MerchantAccount) -> QuerySet[LedgerTransaction]:
    """The merchant's ledger transactions, newest first."""
    return LedgerTransaction.objects.filter(merchant=merchant).order_by("-created_at", "-pk")


def _code_q(prefix: str, search: str, field: str = "public_id") -> Q:
    """Matches the object whose code (``prefix`` + public id) or bare public id is ``search``;
    a text that is neither matches nothing (``Q(pk__in=[])``)."""
    public_id = code_public_id(prefix, search) or (search if search.isdigit() else "")
    return Q(**{field: public_id}) if public_id else Q(pk__in=[])


def created_between(
    queryset: QuerySet, date_from: datetime | None, date_to: datetime | None, field: str
) -> QuerySet:
    """``queryset`` limited to ``field`` in ``[date_from, date_to)`` (either bound optional)."""
    if date_from is not None:
        queryset = queryset.filter(**{f"{field}__gte": date_from})
    if date_to is not None:
        queryset = queryset.filter(**{f"{field}__lt": date_to})
    return queryset


def merchant_topups(
    *,
    merchant: MerchantAccount,
    q: str = "",
    status: str = "",
    provider: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> QuerySet[TopUp]:
    """The merchant's top-ups, newest first. ``q`` matches the code (TU…), the bank reference
    or the provider's reference; ``status`` / ``provider`` filter when they are valid values;
    ``date_from`` / ``date_to`` bound the creation time (half-open)."""
    qs = TopUp.objects.filter(merchant=merchant)
    search = q.strip()
    if search:
        qs = qs.filter(
            _code_q(CODE_PREFIXES["topup"], search)
            | Q(wire_reference__icontains=search)
            | Q(provider_reference=search)
        )
    if status in TopUpStatus.values:
        qs = qs.filter(status=status)
    if provider in Provider.values:
        qs = qs.filter(provider=provider)
    return created_between(qs, date_from, date_to, "created_at").order_by("-created_at", "-pk")


def topup_for_merchant(*, merchant: MerchantAccount, public_id: str) -> TopUp | None:
    """One of the merchant's top-ups by public id (None for another merchant's)."""
    return TopUp.objects.filter(merchant=merchant, public_id=public_id).first()


def wire_queue(
    *,
    status: str = TopUpStatus.PENDING,
    q: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> QuerySet[TopUp]:
    """Wire transfers for finance (every merchant's), oldest first; ``status`` "" is all of
    them. ``q`` matches the code (TU…), the bank reference, the merchant's account number or
    name; ``date_from`` / ``date_to`` bound the submission time (half-open)."""
    queryset = TopUp.objects.filter(provider=Provider.WIRE).select_related("merchant")
    if status:
        queryset = queryset.filter(status=status)
    search = q.strip()
    if search:
        queryset = queryset.filter(
            _code_q(CODE_PREFIXES["topup"], search)
            | Q(wire_reference__icontains=search)
            | Q(merchant__account_number__iexact=search)
            | Q(merchant__business_name__icontains=search)
        )
    queryset = created_between(queryset, date_from, date_to, "created_at")
    return queryset.order_by("created_at", "pk")


# --- Supplementary (makeup) bills ----------------------------------------------------------------


def makeup_list(
    *,
    merchant: MerchantAccount | None,
    account_number: str = "",
    q: str = "",
    status: str = "",
    type: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> QuerySet[Makeup]:
    """Supplementary bills, newest first: one merchant's (``merchant``), or every merchant's
    when it is None (finance), then narrowed to ``account_number`` (exact, any case).

    ``q`` matches the bill's code (BT…), its pay order (BTP…), the related order's code or
    number, or the reason; ``status`` / ``type`` filter when they are valid values;
    ``date_from`` / ``date_to`` bound the creation time (half-open)."""
    qs = Makeup.objects.select_related("merchant", "related_order")
    if merchant is not None:
        qs = qs.filter(merchant=merchant)
    elif account_number:
        qs = qs.filter(merchant__account_number__iexact=account_number.strip())
    search = q.strip()
    if search:
        qs = qs.filter(
            Q(code__icontains=search)
            | Q(pay_order_code__iexact=search)
            | Q(related_order__code__iexact=search)
            | Q(related_order__order_number__iexact=search)
            | Q(reason__icontains=search)
        )
    if status in MakeupStatus.values:
        qs = qs.filter(status=status)
    if type in MakeupType.values:
        qs = qs.filter(type=type)
    return created_between(qs, date_from, date_to, "created_at").order_by("-created_at", "-pk")


# --- Payments -----------------------------------------------------------------------------------


def order_payment_get(*, order: Order) -> Payment | None:
    """What ``order`` was paid (method, discount, net), or None when it was not paid."""
    return Payment.objects.filter(order_id=order.pk).first()


# --- Billing documents (invoices, receipts, credit notes) ---------------------------------------


def invoice_list(
    *, merchant: MerchantAccount | None = None, kind: str = "", q: str = ""
) -> QuerySet[Invoice]:
    """Documents, newest first: one merchant's (``merchant``), or every merchant's (finance).

    ``kind`` filters by kind; ``q`` matches the number, the reference, an order's own (store)
    number, or (finance lists) the merchant's name or account number.
    """
    qs = Invoice.objects.select_related("merchant", "original").prefetch_related(
        Prefetch("orders", queryset=Order.objects.only("pk", "code", "order_number"))
    )
    if merchant is not None:
        qs = qs.filter(merchant=merchant)
    if kind:
        qs = qs.filter(kind=kind)
    q = q.strip()
    if q:
        # The merchant's own order number too (documents issued before it was in the reference).
        by_order = Invoice.orders.through.objects.filter(
            invoice_id=OuterRef("pk"), order__order_number__icontains=q
        )
        match = Q(number__icontains=q) | Q(reference__icontains=q) | Q(Exists(by_order))
        if merchant is None:
            match |= Q(merchant__business_name__icontains=q) | Q(
                merchant__account_number__icontains=q
            )
        qs = qs.filter(match)
    return qs.order_by("-issued_at", "-pk")


def invoice_get(*, public_id: str, merchant: MerchantAccount) -> Invoice:
    """One of ``merchant``'s documents by public id (another merchant's id, or no merchant at
    all, is ``InvoiceNotFound``: the merchant path never falls back to every invoice)."""
    if merchant is None:
        raise InvoiceNotFound(_("No such invoice"))
    invoice = (
        Invoice.objects.select_related("merchant")
        .filter(merchant=merchant, public_id=public_id)
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound(_("No such invoice"))
    return invoice


def invoice_get_for_finance(*, public_id: str) -> Invoice:
    """Any merchant's document by public id (finance / admin views only)."""
    invoice = Invoice.objects.select_related("merchant").filter(public_id=public_id).first()
    if invoice is None:
        raise InvoiceNotFound(_("No such invoice"))
    return invoice


def invoice_for_order(*, order: Order) -> Invoice | None:
    """The INVOICE of the payment that paid ``order``: the first one that charged it (later
    ones are supplementary bills). It is the original a refund's credit note cites."""
    return (
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, orders=order)
        .order_by("issued_at", "pk")
        .first()
    )


__all__ = [
    "Statement",
    "StatementRow",
    "created_between",
    "invoice_for_order",
    "invoice_get",
    "invoice_get_for_finance",
    "invoice_list",
    "makeup_list",
    "merchant_topups",
    "merchant_transactions",
    "order_payment_get",
    "statement",
    "topup_for_merchant",
    "wire_queue",
]


@dataclass(frozen=True)
class BankDetails:
    """The platform's bank account for wire top-ups (settings ``DROPYARD_BANK_*``), and the
    reference a merchant quotes so finance can match the transfer to its account."""

    bank_name: str
    account_name: str
    iban: str
    swift: str
    hint: str
    reference: str


def wire_bank_details(*, merchant: MerchantAccount) -> BankDetails | None:
    """The bank details to show ``merchant`` for a wire top-up, or None when the operator has
    not configured an account (no IBAN / account number, or no account holder)."""
    iban = settings.DROPYARD_BANK_IBAN.strip()
    account_name = settings.DROPYARD_BANK_ACCOUNT_NAME.strip()
    if not iban or not account_name:
        return None
    return BankDetails(
        bank_name=settings.DROPYARD_BANK_NAME.strip(),
        account_name=account_name,
        iban=iban,
        swift=settings.DROPYARD_BANK_SWIFT.strip(),
        hint=settings.DROPYARD_BANK_REFERENCE_HINT.strip(),
        reference=merchant.account_number,
    )
