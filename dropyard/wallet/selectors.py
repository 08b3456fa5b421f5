"""Wallet reads: statements, the trial balance, the ledger integrity check, top-up lists.

Merchant-facing selectors take the merchant and filter by it; platform-wide ones (trial
balance, integrity check, wire queue) are for finance views only.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from dropyard.accounts.models import MerchantAccount

from .choices import MERCHANT_KINDS, AccountKind, Provider, TopUpStatus
from .models import Account, Entry, LedgerTransaction, TopUp


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


@dataclass(frozen=True)
class TrialBalance:
    """Every account's balance; ``totals`` per currency must all be 0."""

    accounts: list[Account]
    totals: dict[str, int]

    @property
    def balanced(self) -> bool:
        return all(total == 0 for total in self.totals.values())


def trial_balance() -> TrialBalance:
    """Every ledger account with its cached balance (platform accounts first), and the total
    per currency — zero when every posting balanced."""
    accounts = list(
        Account.objects.select_related("merchant").order_by(
            F("merchant").asc(nulls_first=True), "kind", "provider", "currency"
        )
    )
    totals: dict[str, int] = defaultdict(int)
    for account in accounts:
        totals[account.currency] += account.balance_minor
    return TrialBalance(accounts=accounts, totals=dict(totals))


def trial_balance_totals() -> dict[str, int]:
    """The trial balance total per currency, in one query (for benchmarks and checks)."""
    return {
        row["currency"]: row["total"]
        for row in Account.objects.values("currency").annotate(total=Sum("balance_minor"))
    }


def ledger_integrity_check() -> list[str]:
    """Verify the ledger's invariants over the whole database; return the problems found.

    An empty list means: every transaction has entries, and they sum to zero per currency;
    every entry's currency is its account's; each account's cached balance equals the sum
    of its entries; no merchant wallet account is below zero. Aggregate queries only.
    """
    problems: list[str] = []
    unbalanced = (
        Entry.objects.values("transaction__public_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .order_by("transaction__public_id")
    )
    for row in unbalanced:
        problems.append(
            f"transaction {row['transaction__public_id']} sums to {row['total']} "
            f"{row['currency']}, not 0"
        )
    for public_id in LedgerTransaction.objects.filter(entries__isnull=True).values_list(
        "public_id", flat=True
    ):
        problems.append(f"transaction {public_id} has no entries")
    for entry_id, account_id in Entry.objects.exclude(currency=F("account__currency")).values_list(
        "pk", "account_id"
    ):
        problems.append(f"entry {entry_id} is not in account {account_id}'s currency")
    drifted = (
        Account.objects.annotate(entries_total=Coalesce(Sum("entries__amount_minor"), Value(0)))
        .exclude(balance_minor=F("entries_total"))
        .values_list("pk", "balance_minor", "entries_total")
    )
    for pk, cached, total in drifted:
        problems.append(f"account {pk} balance {cached} != sum of its entries {total}")
    for pk, balance in Account.objects.filter(
        kind__in=MERCHANT_KINDS, balance_minor__lt=0
    ).values_list("pk", "balance_minor"):
        problems.append(f"wallet account {pk} is below zero ({balance})")
    return problems


def merchant_transactions(*, merchant: MerchantAccount) -> QuerySet[LedgerTransaction]:
    """The merchant's ledger transactions, newest first."""
    return LedgerTransaction.objects.filter(merchant=merchant).order_by("-created_at", "-pk")


def merchant_topups(*, merchant: MerchantAccount) -> QuerySet[TopUp]:
    """The merchant's top-ups, newest first."""
    return TopUp.objects.filter(merchant=merchant).order_by("-created_at", "-pk")


def topup_for_merchant(*, merchant: MerchantAccount, public_id: str) -> TopUp | None:
    """One of the merchant's top-ups by public id (None for another merchant's)."""
    return TopUp.objects.filter(merchant=merchant, public_id=public_id).first()


def wire_queue(*, status: str = TopUpStatus.PENDING) -> QuerySet[TopUp]:
    """Wire transfers for finance, oldest pending first."""
    queryset = TopUp.objects.filter(provider=Provider.WIRE).select_related("merchant")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "pk")


__all__ = [
    "Statement",
    "StatementRow",
    "TrialBalance",
    "ledger_integrity_check",
    "merchant_topups",
    "merchant_transactions",
    "statement",
    "topup_for_merchant",
    "trial_balance",
    "trial_balance_totals",
    "wire_queue",
]
