"""The double-entry ledger: accounts, the one write path (``ledger_post``), reversals, balances,
and the books' own checks (trial balance, integrity).

Ledger invariants (held here; ``ledger_integrity_check`` below verifies them):

- ``ledger_post`` is THE only code that writes ``LedgerTransaction``/``Entry`` rows and
  ``Account.balance_minor``. Entries are append-only; a correction is a new transaction that
  reverses the original (``ledger_reverse``).
- Every transaction's entries sum to zero per currency (else ``LedgerImbalance``, nothing
  written), so the whole ledger (the trial balance) sums to zero per currency.
- Every transaction has a unique ``idempotency_key``: posting the same key again returns the
  existing transaction and writes nothing (a replayed provider event, an API retry, a second
  click credit once).
- ``Account.balance_minor`` equals the sum of the account's entries: it is changed in the same
  database transaction as the entries, by ``UPDATE … SET balance = balance + d`` (never
  read-modify-save), and each entry records ``balance_after_minor``.
- Merchant wallet accounts and supplier payables never go below zero: the UPDATE of such an
  account with a negative delta carries ``WHERE balance + d >= 0``; no row updated →
  ``InsufficientBalance`` (1604000) and the whole posting is rolled back. The
  ``ledger_wallet_not_negative`` / ``ledger_supplier_payable_not_negative`` check constraints
  back it up.

Concurrency: on PostgreSQL each UPDATE takes the account's row lock and re-evaluates its guard
against the latest committed balance, so concurrent payments from one wallet cannot overdraw
it. Rows are updated (locked) in one total order — merchant accounts first, then platform
accounts, each by primary key — so two postings can never wait on each other in a cycle (no
deadlock). The platform accounts (revenue, discounts, provider cash) are shared by every
posting, so their locks are what concurrent payments queue on: they come last, and on
PostgreSQL one statement locks them, updates them and inserts the entries, leaving only the
COMMIT inside that window (``_post_platform_pg``). Callers holding a transaction open after
``ledger_post`` keep those locks longer: post late in the caller's transaction. On SQLite
write transactions are ``BEGIN IMMEDIATE`` (settings) and therefore serialised.

Sign convention (``AccountKind``): merchant wallet balances are positive (what the platform
owes the merchant); revenue accounts are positive; money held at a provider (``PROVIDER_CASH``)
and discounts given are negative. ``PROVIDER_FEES`` holds the fees providers withheld from
what they collected (positive: ``PROVIDER_CASH + PROVIDER_FEES`` is what the provider will pay
out).
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Required, TypedDict, Unpack

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor, User
from dropyard.accounts.models import MerchantAccount, Supplier
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from .choices import MERCHANT_KINDS, SUPPLIER_KINDS, AccountKind, LedgerKind, Provider
from .exceptions import InsufficientBalance, LedgerImbalance, WalletError
from .models import Account, Entry, LedgerTransaction

PROVIDER_KINDS = frozenset(
    {AccountKind.PROVIDER_CASH, AccountKind.PROVIDER_FEES, AccountKind.REFUNDS_PAYABLE}
)
_PROVIDER_REQUIRED = frozenset({AccountKind.PROVIDER_CASH, AccountKind.PROVIDER_FEES})


# --- Ledger -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posting:
    """One signed amount for one account in a ``ledger_post`` call."""

    account: Account
    amount_minor: int
    currency: str = "USD"


@dataclass(frozen=True)
class WalletBalance:
    """A merchant's wallet in one currency. Both amounts are ≥ 0."""

    available_minor: int
    frozen_minor: int
    currency: str = "USD"


def clean_currency(currency: str) -> str:
    """``currency`` as a three-letter upper-case code; ``WalletError`` for anything else."""
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise WalletError(f"invalid currency code {currency!r}")
    return currency.upper()


def account_for(
    *,
    merchant: MerchantAccount | None = None,
    kind: AccountKind | str,
    provider: str = "",
    currency: str = "USD",
    supplier: Supplier | None = None,
) -> Account:
    """Return the one account for (merchant, kind, provider, currency), creating it if needed.

    Merchant kinds (wallet available/frozen) need a merchant and no provider; supplier kinds
    (the supplier payable) need a supplier and nothing else; platform kinds have neither;
    ``provider`` is required for provider cash and provider fees, allowed for refunds payable,
    refused elsewhere. Race-safe: a concurrent creation hits the unique
    constraint inside a savepoint and the winner's row is returned.
    """
    if kind not in AccountKind.values:
        raise WalletError(f"unknown account kind {kind!r}")
    kind = AccountKind(kind)
    currency = clean_currency(currency)
    if (kind in SUPPLIER_KINDS) != (supplier is not None):
        raise WalletError(f"{kind.label}: a supplier account exactly when the kind is one")
    if kind in SUPPLIER_KINDS:
        if merchant is not None or provider:
            raise WalletError(f"{kind.label} has no merchant and no provider")
    elif kind in MERCHANT_KINDS:
        if merchant is None:
            raise WalletError(f"{kind.label} needs a merchant")
        if provider:
            raise WalletError(f"{kind.label} has no provider")
    else:
        if merchant is not None:
            raise WalletError(f"{kind.label} is a platform account (no merchant)")
        if kind in _PROVIDER_REQUIRED and not provider:
            raise WalletError(f"{kind.label} needs a provider")
        if provider and kind not in PROVIDER_KINDS:
            raise WalletError(f"{kind.label} has no provider")
    if provider and provider not in Provider.values:
        raise WalletError(f"unknown provider {provider!r}")
    lookup = {
        "merchant": merchant,
        "supplier": supplier,
        "kind": kind,
        "provider": provider,
        "currency": currency,
    }
    try:
        # get() runs without the model's default ORDER BY (cheaper than first(); every
        # posting calls this for each of its accounts).
        return Account.objects.get(**lookup)
    except Account.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return Account.objects.create(**lookup)
    except IntegrityError:
        # Another request created it between our read and our insert.
        return Account.objects.get(**lookup)


def platform_accounts(*, kinds: Sequence[AccountKind], currency: str) -> dict[str, Account]:
    """The platform accounts (no merchant, no provider) of ``kinds`` in ``currency``, by kind:
    one query for those that exist, ``account_for`` (creating) for any missing. A payment
    posts to three of them; reading them together saves two round trips per payment."""
    currency = clean_currency(currency)
    found = {
        account.kind: account
        for account in Account.objects.filter(
            merchant__isnull=True,
            supplier__isnull=True,
            provider="",
            currency=currency,
            kind__in=list(kinds),
        )
    }
    for kind in kinds:
        if kind not in found:
            found[kind] = account_for(kind=kind, currency=currency)
    return found


def _check_postings(entries: Sequence[Posting]) -> None:
    if not entries:
        raise LedgerImbalance("a transaction needs at least one entry")
    sums: dict[str, int] = defaultdict(int)
    for posting in entries:
        if not isinstance(posting, Posting):
            raise WalletError("entries must be Posting instances")
        if not isinstance(posting.account, Account) or posting.account.pk is None:
            raise WalletError("a posting needs a saved ledger account")
        amount = posting.amount_minor
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise WalletError("amount_minor must be an int")
        if amount == 0:
            raise WalletError("a posting of zero says nothing; leave it out")
        if posting.currency != posting.account.currency:
            raise WalletError(
                f"a {posting.currency} posting on a {posting.account.currency} account"
            )
        sums[posting.currency] += amount
    unbalanced = {cur: total for cur, total in sums.items() if total != 0}
    if unbalanced:
        raise LedgerImbalance(f"entries do not sum to zero: {unbalanced}")


def _owned(account: Account) -> bool:
    """A merchant's or a supplier's account (not shared by every posting, unlike platform ones)."""
    return bool(account.merchant_id or account.supplier_id)


def _lock_order(account: Account) -> tuple[int, int]:
    # Merchant / supplier accounts first, platform accounts last (held shortest), by pk within each.
    return (0 if _owned(account) else 1, account.pk)


def _apply_delta(account: Account, delta: int) -> int:
    """One conditional UPDATE of the cached balance; returns the new balance."""
    table = connection.ops.quote_name(Account._meta.db_table)
    guarded = (account.kind in MERCHANT_KINDS or account.kind in SUPPLIER_KINDS) and delta < 0
    sql = f"UPDATE {table} SET balance_minor = balance_minor + %s WHERE id = %s"
    params: list[Any] = [delta, account.pk]
    if guarded:
        sql += " AND balance_minor + %s >= 0"
        params.append(delta)
    sql += " RETURNING balance_minor"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        if guarded:
            raise InsufficientBalance(
                _("Insufficient balance"),
                extra={"account": account.pk, "required_minor": -delta},
            )
        raise WalletError(f"ledger account {account.pk} does not exist")
    return int(row[0])


@dataclass
class _Opened:
    """A posting between its halves: the transaction row and merchant side written, the
    platform side (shared rows) and the entries still to come."""

    txn: LedgerTransaction
    entries: Sequence[Posting]
    accounts: dict[int, Account]
    deltas: dict[int, int]
    after: dict[int, int]
    suffix: list[int]
    platform_side: list[Account]


def _open(
    *,
    entries: Sequence[Posting],
    idempotency_key: str,
    kind: str,
    memo: str,
    merchant: MerchantAccount | None,
    reference_type: str,
    reference_id: str,
    actor: Actor,
    reverses: LedgerTransaction | None,
    public_id: str = "",
) -> _Opened:
    """The first half of a posting: the transaction row, then the merchant accounts' guarded
    updates (an overdraft is refused here, before anything shared is touched)."""
    # The transaction row goes first: its unique key is what a racing duplicate waits on.
    txn = LedgerTransaction.objects.create(
        idempotency_key=idempotency_key,
        kind=kind,
        memo=memo[:300],
        merchant=merchant,
        reference_type=reference_type,
        reference_id=reference_id,
        reverses=reverses,
        actor=actor if isinstance(actor, User) and actor.is_authenticated else None,
        **({"public_id": public_id} if public_id else {}),
    )
    deltas: dict[int, int] = defaultdict(int)
    accounts: dict[int, Account] = {}
    for posting in entries:
        deltas[posting.account.pk] += posting.amount_minor
        accounts[posting.account.pk] = posting.account
    ordered = sorted(accounts.values(), key=_lock_order)
    after: dict[int, int] = {}
    for account in ordered:
        if _owned(account):
            after[account.pk] = _apply_delta(account, deltas[account.pk])
    # Each entry's balance after it, in the order given: the last entry on an account ends on
    # the account's new balance, so an earlier one is that minus the amounts after it.
    later: dict[int, int] = defaultdict(int)
    suffix = [0] * len(entries)
    for index in range(len(entries) - 1, -1, -1):
        pk = entries[index].account.pk
        suffix[index] = later[pk]
        later[pk] += entries[index].amount_minor
    for index, posting in enumerate(entries):
        pk = posting.account.pk
        if pk in after and after[pk] - suffix[index] < 0:
            # The wallet nets to ≥ 0 but an earlier entry of this posting dips below zero.
            raise InsufficientBalance(_("Insufficient balance"), extra={"account": pk})
    platform_side = [account for account in ordered if not _owned(account)]
    return _Opened(txn, entries, accounts, deltas, after, suffix, platform_side)


def _close(opened: _Opened) -> None:
    """The second half: the platform accounts (shared by every posting: their row locks are
    held from here to COMMIT) and every entry with its balance after."""
    entries, after, suffix = opened.entries, opened.after, opened.suffix
    platform_side = opened.platform_side
    if platform_side and connection.vendor == "postgresql":
        after.update(
            _post_platform_pg(opened.txn, entries, suffix, after, platform_side, opened.deltas)
        )
    else:
        for account in platform_side:
            after[account.pk] = _apply_delta(account, opened.deltas[account.pk])
        _insert_entries(
            [
                (
                    opened.txn.pk,
                    posting.account.pk,
                    posting.amount_minor,
                    posting.currency,
                    after[posting.account.pk] - suffix[index],
                )
                for index, posting in enumerate(entries)
            ]
        )
    for pk, account in opened.accounts.items():
        account.balance_minor = after[pk]


def _insert_entries(rows: list[tuple[int, int, int, str, int]]) -> None:
    """One multi-row INSERT of entries, in posting order (ids follow it)."""
    table = connection.ops.quote_name(Entry._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (transaction_id, account_id, amount_minor, currency, "
            f"balance_after_minor) VALUES {values}",
            [value for row in rows for value in row],
        )


def _post_platform_pg(
    txn: LedgerTransaction,
    entries: Sequence[Posting],
    suffix: list[int],
    after: dict[int, int],
    platform_side: list[Account],
    deltas: dict[int, int],
) -> dict[int, int]:
    """PostgreSQL: lock and update the platform rows and insert every entry in ONE statement.

    Platform accounts (order revenue, discounts, provider cash…) are shared by every posting,
    so their row locks are what concurrent payments queue on; they are held from this
    statement to COMMIT. Doing the update and the entry insert in one round trip keeps that
    window to one statement plus the commit. The ``locked`` CTE takes the row locks in pk order
    (``FOR UPDATE`` above the sort), the same total order as the per-row path, so no deadlock.
    Returns the platform accounts' new balances.
    """
    account_table = connection.ops.quote_name(Account._meta.db_table)
    entry_table = connection.ops.quote_name(Entry._meta.db_table)
    delta_rows = ", ".join(["(%s::bigint, %s::bigint)"] * len(platform_side))
    entry_rows = ", ".join(
        ["(%s::int, %s::bigint, %s::bigint, %s::varchar, %s::bigint, %s::bigint)"] * len(entries)
    )
    params: list[Any] = [[account.pk for account in platform_side]]
    for account in platform_side:
        params += [account.pk, deltas[account.pk]]
    params.append(txn.pk)
    for index, posting in enumerate(entries):
        pk = posting.account.pk
        known = after[pk] - suffix[index] if pk in after else None
        params += [index, pk, posting.amount_minor, posting.currency, known, suffix[index]]
    sql = f"""
        WITH locked AS (
            SELECT id FROM {account_table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE
        ), updated AS (
            UPDATE {account_table} AS a SET balance_minor = a.balance_minor + v.delta
            FROM (VALUES {delta_rows}) AS v(id, delta)
            WHERE a.id = v.id AND a.id IN (SELECT id FROM locked)
            RETURNING a.id, a.balance_minor
        )
        INSERT INTO {entry_table}
            (transaction_id, account_id, amount_minor, currency, balance_after_minor)
        SELECT %s, e.account_id, e.amount, e.currency,
               COALESCE(updated.balance_minor - e.suffix, e.known)
        FROM (VALUES {entry_rows}) AS e(ord, account_id, amount, currency, known, suffix)
        LEFT JOIN updated ON updated.id = e.account_id
        ORDER BY e.ord
        RETURNING id, account_id, balance_after_minor
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    if len(returned) != len(entries):
        raise WalletError("ledger accounts vanished during the posting")
    # Ids come from the sequence in ORDER BY e.ord order, so sorted by id the rows line up with
    # ``entries``; an account's new balance is any of its entries' balance-after + suffix.
    platform_pks = {account.pk for account in platform_side}
    new: dict[int, int] = {}
    for index, (_id, account_id, balance_after) in enumerate(sorted(returned)):
        if account_id != entries[index].account.pk:
            raise WalletError("ledger entries came back out of order")
        if account_id in platform_pks:
            new[account_id] = balance_after + suffix[index]
    return new


def _transaction_by_key(idempotency_key: str) -> LedgerTransaction | None:
    # Hot path of every posting (usually: no such key): one indexed look-up by the unique key
    # in plain SQL; compiling the ORM query cost more than running it.
    table = connection.ops.quote_name(LedgerTransaction._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE idempotency_key = %s", [idempotency_key])
        row = cursor.fetchone()
    return None if row is None else LedgerTransaction.objects.get(pk=row[0])


class PostingArguments(TypedDict, total=False):
    """What ``ledger_post`` and ``ledger_posting`` take (see ``ledger_posting``)."""

    entries: Required[Sequence[Posting]]
    idempotency_key: Required[str]
    kind: Required[str]
    memo: str
    merchant: MerchantAccount | None
    reference_type: str
    reference_id: str
    actor: Actor
    reverses: LedgerTransaction | None
    public_id: str


def ledger_post(**arguments: Unpack[PostingArguments]) -> tuple[LedgerTransaction, bool]:
    """Post one balanced transaction; return ``(transaction, created)``.

    Atomic: the transaction row, its entries and every affected account's cached balance are
    written together or not at all. Refusals (nothing written): entries not summing to zero
    per currency → ``LedgerImbalance``; a merchant wallet account going below zero →
    ``InsufficientBalance`` (1604000); zero amounts, non-int amounts, a posting currency
    differing from its account's → ``WalletError``. The same ``idempotency_key`` again returns
    ``(existing transaction, False)`` and writes nothing, also when two requests race (the
    unique key decides; the loser waits for the winner on PostgreSQL and then returns its
    transaction). Callers audit their business action; the ledger itself is the record.
    ``public_id`` names the new transaction when the caller had to quote it before posting.
    """
    # A savepoint when the caller already holds a transaction: a refusal rolls back only
    # this posting.
    with transaction.atomic(), ledger_posting(**arguments) as result:
        pass
    return result


@contextmanager
def ledger_posting(
    *,
    entries: Sequence[Posting],
    idempotency_key: str,
    kind: str,
    memo: str = "",
    merchant: MerchantAccount | None = None,
    reference_type: str = "",
    reference_id: str = "",
    actor: Actor = None,
    reverses: LedgerTransaction | None = None,
    public_id: str = "",
) -> Iterator[tuple[LedgerTransaction, bool]]:
    """``ledger_post`` in two halves around the caller's block, inside the caller's
    transaction: ``with ledger_posting(...) as (txn, created):``.

    Entering writes the transaction row and the merchant side (an overdraft is refused here,
    ``InsufficientBalance``); the block then writes what refers to the transaction (payment
    rows, audit); leaving the block without an error posts the platform side and the entries.
    Platform accounts (order revenue, discounts…) are shared by every posting and their row
    locks are held until COMMIT: posting them last keeps what other payments wait for to the
    end of the transaction. An error in the block posts nothing more (the caller's transaction
    rolls back). A used ``idempotency_key`` yields ``(existing transaction, False)`` and writes
    nothing. Same refusals as ``ledger_post``; ``WalletError`` outside a transaction (the two
    halves must commit together).
    """
    if not connection.in_atomic_block:
        raise WalletError("a posting in two halves needs the caller's transaction")
    _check_postings(entries)
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key or len(idempotency_key) > 200:
        raise WalletError("an idempotency key (at most 200 characters) is required")
    if not kind or len(kind) > 30:
        raise WalletError("a transaction kind (at most 30 characters) is required")
    if reverses is not None and reverses.pk is None:
        raise WalletError("reverses must be a saved transaction")
    existing = _transaction_by_key(idempotency_key)
    opened = None
    if existing is None:
        try:
            # A savepoint: a lost race on the key rolls back only this half.
            with transaction.atomic():
                opened = _open(
                    entries=entries,
                    idempotency_key=idempotency_key,
                    kind=kind,
                    memo=memo or "",
                    merchant=merchant,
                    reference_type=reference_type or "",
                    reference_id=str(reference_id or ""),
                    actor=actor,
                    reverses=reverses,
                    public_id=public_id,
                )
        except IntegrityError:
            existing = _transaction_by_key(idempotency_key)
            if existing is None:
                raise
    if opened is None:
        assert existing is not None
        yield existing, False
        return
    yield opened.txn, True
    _close(opened)


def wallet_balance(*, merchant: MerchantAccount, currency: str = "USD") -> WalletBalance:
    """The merchant's available and frozen wallet balance (0 when no account exists yet)."""
    currency = clean_currency(currency)
    balances = dict(
        Account.objects.filter(
            merchant=merchant, currency=currency, kind__in=MERCHANT_KINDS
        ).values_list("kind", "balance_minor")
    )
    return WalletBalance(
        available_minor=balances.get(AccountKind.WALLET_AVAILABLE, 0),
        frozen_minor=balances.get(AccountKind.WALLET_FROZEN, 0),
        currency=currency,
    )


@transaction.atomic
def ledger_reverse(
    *, transaction: LedgerTransaction, actor: Actor, reason: str, idempotency_key: str
) -> LedgerTransaction:
    """Post the exact opposite of ``transaction`` (the correction of an append-only ledger).

    The reversal carries ``reverses=transaction``, the original's merchant and reference, and
    kind "reversal". Idempotent on ``idempotency_key``. Refused (``WalletError``) for a
    reversal, an already-reversed transaction or without a reason; ``InsufficientBalance``
    when the merchant has already spent the money being taken back. Audited LEDGER_REVERSED.
    """
    reason = (reason or "").strip()
    if not reason:
        raise WalletError(_("a reason is required to reverse a transaction"))
    existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.reverses_id != transaction.pk:
            raise WalletError("that idempotency key was used for another transaction")
        return existing
    # Row lock on the original: two reversals with different keys cannot both pass the check.
    original = LedgerTransaction.objects.select_for_update(of=("self",), no_key=True).get(
        pk=transaction.pk
    )
    if original.reverses_id is not None:
        raise WalletError(_("a reversal cannot be reversed; post a new transaction instead"))
    if original.reversals.exists():
        raise WalletError(_("transaction %(id)s is already reversed") % {"id": original.public_id})
    postings = [
        Posting(account=entry.account, amount_minor=-entry.amount_minor, currency=entry.currency)
        for entry in original.entries.select_related("account").order_by("pk")
    ]
    reversal, _created = ledger_post(
        entries=postings,
        idempotency_key=idempotency_key,
        kind=LedgerKind.REVERSAL,
        memo=f"Reversal of {original.public_id}: {reason}",
        merchant=original.merchant,
        reference_type=original.reference_type,
        reference_id=original.reference_id,
        actor=actor,
        reverses=original,
    )
    audit_record(
        action=AuditAction.LEDGER_REVERSED,
        actor=actor,
        merchant=original.merchant,
        target=reversal,
        details={"reverses": original.public_id, "reason": reason},
    )
    return reversal


# --- The books' own checks ----------------------------------------------------------------------


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
        kind__in=MERCHANT_KINDS | SUPPLIER_KINDS, balance_minor__lt=0
    ).values_list("pk", "balance_minor"):
        problems.append(f"wallet account {pk} is below zero ({balance})")
    return problems
