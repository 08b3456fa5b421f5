"""The wallet's side of a payment: its ledger posting, its ``Payment`` rows, provider money.

One payment = one ledger transaction (sums to zero, signs per ``AccountKind``):

    source (merchant WALLET_AVAILABLE, or PROVIDER_CASH)   −net
    ORDER_REVENUE                                           +products   (total − postage)
    FREIGHT_REVENUE                                         +freight    (postage)
    DISCOUNTS_GIVEN                                         −discount

posted under its natural key (``payment_key``: ``pay:<shipments_id>`` for a parent,
``pay:order:<public_id>`` for one order, ``makeup:<code>`` for a bill) or the caller's key made
unique per merchant (``merchant_key``). ``payment_post`` refuses a key that was already used
(``PaymentRefused``): orders or bills still unpaid under a used key would otherwise be marked
paid for free. Then one ``Payment`` row per order or bill records what it cost.

Money a provider collected that pays nothing (paid meanwhile, amount changed) is credited to
the merchant's wallet instead (``provider_money_to_wallet``), once per provider charge.

The payment flows built on these steps: ``checkout.services`` for orders (wallet, card, PayPal)
and ``wallet.bills`` for supplementary bills.
"""

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.money import Money
from dropyard.orders.exceptions import ORDER_PAYMENT_FAILED
from dropyard.orders.models import Order, ParentOrder

from .choices import AccountKind, LedgerKind, Provider, ReferenceType
from .exceptions import InsufficientBalance, PaymentRefused
from .ledger import (
    Posting,
    account_for,
    ledger_post,
    ledger_posting,
    platform_accounts,
    wallet_balance,
)
from .models import Account, LedgerTransaction, Payment
from .quotes import Quote

PROVIDER_METHODS = frozenset({Provider.STRIPE, Provider.PAYPAL, Provider.SANDBOX})


@dataclass
class PaymentResult:
    """The outcome of a payment call.

    ``created`` is False when nothing was charged by this call (already paid: a replay).
    ``credited_to_wallet_minor`` is provider money put on the wallet instead of paying.
    """

    quote: Quote | None
    transaction: LedgerTransaction | None
    orders: list[Order] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    created: bool = True
    credited_to_wallet_minor: int = 0
    message: str = ""


def already_paid(payments: QuerySet[Payment]) -> PaymentResult:
    """The answer to paying again what ``payments`` paid: those rows, nothing charged."""
    rows = list(payments.select_related("transaction"))
    return PaymentResult(
        quote=None,
        transaction=rows[0].transaction if rows else None,
        payments=rows,
        created=False,
        message="already paid",
    )


def merchant_key(merchant: MerchantAccount, idempotency_key: str) -> str:
    """A caller-chosen idempotency key made unique per merchant for the global ledger key
    (``m<pk>:<key>``); "" when no key was given (the natural key applies)."""
    key = (idempotency_key or "").strip()
    return f"m{merchant.pk}:{key}" if key else ""


def payment_key(parent: ParentOrder | None, orders: Sequence[Order]) -> tuple[str, str, str]:
    """(ledger key, reference type, reference id) of a payment of ``parent`` or ``orders``."""
    if parent is not None:
        return f"pay:{parent.shipments_id}", ReferenceType.PARENT_ORDER, parent.shipments_id
    if len(orders) == 1:
        return f"pay:order:{orders[0].public_id}", ReferenceType.ORDER, orders[0].public_id
    ids = ",".join(sorted(o.public_id for o in orders))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:40]
    return f"pay:orders:{digest}", ReferenceType.ORDERS, digest


def wallet_account(merchant: MerchantAccount, currency: str) -> Account:
    """The merchant's WALLET_AVAILABLE account in ``currency`` (created when missing)."""
    return account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE, currency=currency)


def revenue_postings(
    *, currency: str, products_minor: int, freight_minor: int, discount_minor: int = 0
) -> list[Posting]:
    """The platform side of a payment: products and freight earned, the discount given."""
    amounts = (
        (AccountKind.ORDER_REVENUE, products_minor),
        (AccountKind.FREIGHT_REVENUE, freight_minor),
        (AccountKind.DISCOUNTS_GIVEN, -discount_minor),
    )
    accounts = platform_accounts(
        kinds=[kind for kind, amount in amounts if amount], currency=currency
    )
    return [
        Posting(account=accounts[kind], amount_minor=amount, currency=currency)
        for kind, amount in amounts
        if amount
    ]


def wallet_funds_check(
    *, merchant: MerchantAccount, amount_minor: int, currency: str, account: Account | None = None
) -> None:
    """``InsufficientBalance`` (1604000) when the available balance is below ``amount_minor``,
    before anything is written (the ledger's guarded UPDATE backs it up under concurrency).
    ``account``: the merchant's available-wallet account just read in this transaction (its
    balance is used instead of reading it again)."""
    if account is not None:
        available = account.balance_minor
    else:
        available = wallet_balance(merchant=merchant, currency=currency).available_minor
    if available < amount_minor:
        raise InsufficientBalance(
            _("Insufficient balance: %(needed)s %(currency)s needed, %(available)s available")
            % {
                "needed": Money(amount_minor, currency).wire(),
                "currency": currency,
                "available": Money(available, currency).wire(),
            },
            extra={"required_minor": amount_minor, "available_minor": available},
        )


@contextmanager
def payment_posting(
    *,
    entries: Sequence[Posting],
    key: str,
    idempotency_key: str = "",
    kind: str,
    memo: str,
    merchant: MerchantAccount,
    reference_type: str,
    reference_id: str,
    actor: Actor = None,
    public_id: str = "",
) -> Iterator[LedgerTransaction]:
    """A payment's ledger transaction under ``idempotency_key`` (or its natural ``key``), named
    ``public_id`` when the caller quoted the name before posting, posted in two halves around
    the caller's block (``ledger.ledger_posting``): the block writes what refers to the
    transaction (payment rows, audit) before the shared platform rows are locked.

    Refused (``PaymentRefused``, 1603101) when that key was used by an earlier payment: the
    caller found what it pays unpaid, so a caller reused a key for something else — refuse
    rather than mark it paid for free.
    """
    with ledger_posting(
        entries=entries,
        idempotency_key=idempotency_key or key,
        kind=kind,
        memo=memo,
        merchant=merchant,
        reference_type=reference_type,
        reference_id=reference_id,
        actor=actor,
        public_id=public_id,
    ) as (txn, created):
        if not created:
            raise PaymentRefused(
                _("payment key %(key)s was already used for another payment") % {"key": key},
                code=ORDER_PAYMENT_FAILED,
            )
        yield txn


def payments_record(
    *,
    merchant: MerchantAccount,
    quote: Quote,
    txn: LedgerTransaction,
    parent: ParentOrder | None,
    method: str,
    provider_reference: str = "",
) -> list[Payment]:
    """One ``Payment`` row per quoted order: what it cost (products, freight, discount, net)."""
    return Payment.objects.bulk_create(
        [
            Payment(
                merchant=merchant,
                order=line.order,
                # By id: the order's parent row is not needed, only its key (no query per order).
                parent_id=parent.pk if parent is not None else line.order.parent_id,
                method=method,
                products_minor=line.products_minor,
                freight_minor=line.freight_minor,
                discount_minor=line.discount_minor,
                net_minor=line.net_minor,
                currency=quote.currency,
                provider_reference=provider_reference[:255],
                transaction=txn,
            )
            for line in quote.lines
        ]
    )


# --- Provider money that pays nothing -----------------------------------------------------------


def provider_charge_check(*, provider: str, amount_minor: int, provider_reference: str) -> str:
    """Refuse (``PaymentRefused``) an unknown provider, a non-positive or non-int amount or a
    missing charge reference; return the reference stripped."""
    if provider not in PROVIDER_METHODS:
        raise PaymentRefused(_("unknown payment provider %(provider)r") % {"provider": provider})
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise PaymentRefused(_("amount_minor must be a positive whole number of minor units"))
    provider_reference = (provider_reference or "").strip()
    if not provider_reference:
        raise PaymentRefused(_("provider_reference is required"))
    return provider_reference


def provider_money_to_wallet(
    *,
    merchant: MerchantAccount,
    provider: str,
    amount_minor: int,
    currency: str,
    provider_reference: str,
    memo: str,
    reference_type: str,
    reference_id: str,
) -> tuple[LedgerTransaction, bool]:
    """Credit money a provider collected to the merchant's wallet: provider cash ↔ wallet.

    Posted once per provider charge (key ``provider-credit:<provider>:<reference>``), so a
    replayed or duplicate event returns the existing transaction with ``created`` False.
    """
    return ledger_post(
        entries=[
            Posting(
                account=account_for(
                    kind=AccountKind.PROVIDER_CASH, provider=provider, currency=currency
                ),
                amount_minor=-amount_minor,
                currency=currency,
            ),
            Posting(
                account=wallet_account(merchant, currency),
                amount_minor=amount_minor,
                currency=currency,
            ),
        ],
        idempotency_key=f"provider-credit:{provider}:{provider_reference}"[:200],
        kind=LedgerKind.PAYMENT_CREDIT,
        memo=memo,
        merchant=merchant,
        reference_type=reference_type,
        reference_id=reference_id,
    )


def provider_money_credited(
    *,
    merchant: MerchantAccount,
    provider: str,
    provider_reference: str,
    txn: LedgerTransaction,
    amount_minor: int,
    about: dict[str, str],
    why: str,
    quote: Quote | None = None,
) -> PaymentResult:
    """Record that provider money was credited to the wallet (``txn``) instead of paying what
    ``about`` names, and why: audited WALLET_PAYMENT; nothing was paid (``created`` False)."""
    audit_record(
        action=AuditAction.WALLET_PAYMENT,
        actor_label=f"provider {provider}",
        merchant=merchant,
        target=txn,
        details={
            **about,
            "provider": provider,
            "provider_reference": provider_reference,
            "credited_to_wallet_minor": amount_minor,
            "reason": why,
        },
    )
    return PaymentResult(
        quote=quote,
        transaction=txn,
        created=False,
        credited_to_wallet_minor=amount_minor,
        message=f"{why}: the payment was credited to the wallet",
    )


def provider_money_credit(
    *,
    merchant: MerchantAccount,
    provider: str,
    amount_minor: int,
    currency: str,
    provider_reference: str,
    parent: ParentOrder,
    quote: Quote | None,
) -> PaymentResult:
    """Provider money for ``parent`` that cannot pay it (already paid: ``quote`` None, or an
    amount / currency other than ``quote``'s) goes to the merchant's wallet, credited once and
    audited WALLET_PAYMENT with the reason. The orders are left as they are."""
    with translation.override("en"):  # a stored memo, whatever language the request speaks
        provider_name = str(Provider(provider).label)
    txn, created = provider_money_to_wallet(
        merchant=merchant,
        provider=provider,
        amount_minor=amount_minor,
        currency=currency,
        provider_reference=provider_reference,
        memo=f"{provider_name} payment for {parent.shipments_id} credited to wallet",
        reference_type=ReferenceType.PARENT_ORDER,
        reference_id=parent.shipments_id,
    )
    why = (
        "already paid"
        if quote is None
        else f"amount {Money(amount_minor, currency).wire()} {currency} does not match "
        f"{quote.net.wire()} {quote.currency} due"
    )
    if not created:  # credited by an earlier delivery of the same charge
        return PaymentResult(
            quote=quote,
            transaction=txn,
            created=False,
            message=f"{why}: the payment was credited to the wallet",
        )
    return provider_money_credited(
        merchant=merchant,
        provider=provider,
        provider_reference=provider_reference,
        txn=txn,
        amount_minor=amount_minor,
        about={"shipments_id": parent.shipments_id},
        why=why,
        quote=quote,
    )
