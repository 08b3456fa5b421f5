"""Paying for orders: one pipeline for the wallet and for card / PayPal (and the sandbox
provider's card-like events), above the orders and the wallet.

Checkout sits above ``orders`` and ``wallet`` (as Saleor's ``checkout/complete_checkout.py``
sits above ``order`` and ``payment``) and calls down into both: the wallet prices the orders
(``wallet.quotes``) and books the money (``wallet.payment_posting``, ``wallet.invoices``); the
orders app moves them to paid (``orders.services.order_paid``). Neither calls back up.

Every payment of orders runs the same sequence, written once in ``_settle``, all in the
caller's database transaction:

    ``order_paid`` (UNPAID → UNSHIPPED, parcels to the warehouse), naming the ledger
    transaction about to be posted
    → the invoice's draft (its lines read and checked)
    → the posting's first half: the transaction row (refusing a key already used by another
      payment) and the source debited (source −net; a wallet is refused an overdraft)
    → one ``Payment`` row per order, audit WALLET_PAYMENT
    → the posting's second half: the platform rows (revenue +products +freight, discounts
      −discount) and the entries
    → the invoice numbered and inserted.

The order is chosen for concurrency: the platform rows and the invoice counter are shared by
every payment and stay locked until COMMIT, so they are taken last, platform rows first (as
every posting does), and only four statements (the look-up of an invoice already issued for
the transaction, the counter, the invoice and its order links) separate them from the COMMIT.

An insufficient balance (``InsufficientBalance``, 1604000) or any refusal rolls everything back
and the orders stay UNPAID. Paying again is a no-op: the orders (and parent) are locked first
and only UNPAID ones are charged; the ledger key (``pay:<shipments_id>`` for a parent,
``pay:order:<public_id>`` for one order) and the one-payment-per-order constraint back that up.

The two ways in differ only in where the money comes from:

- ``pay_from_wallet`` (contract payType 2, ``payBalance``, ``payBalanceV2``, the wallet's pay
  page): the merchant's wallet, with the wallet discount;
- ``parent_order_paid_by_provider`` (payType 1 page payment): a provider's verified "paid"
  event (``checkout.provider_events``), provider cash instead of the wallet, no discount
  unless ``DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS``. Money a provider collected that no longer
  matches an unpaid parent (paid meanwhile, amount changed) is credited to the merchant's
  wallet rather than lost.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import new_public_id
from dropyard.core.text import counted
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, ParentOrderStatus
from dropyard.orders.exceptions import ORDER_PAYMENT_FAILED, OrderNotFound
from dropyard.orders.models import Order, ParentOrder
from dropyard.wallet import invoices
from dropyard.wallet.choices import AccountKind, LedgerKind, Provider
from dropyard.wallet.exceptions import PaymentRefused
from dropyard.wallet.ledger import Posting, account_for
from dropyard.wallet.models import Account, Payment
from dropyard.wallet.payment_posting import (
    PaymentResult,
    already_paid,
    merchant_key,
    payment_key,
    payment_posting,
    payments_record,
    provider_charge_check,
    provider_money_credit,
    revenue_postings,
    wallet_account,
    wallet_funds_check,
)
from dropyard.wallet.quotes import Quote, payable_orders, quote_orders


@dataclass(frozen=True)
class _Payer:
    """Where a payment's money comes from and how its records name it.

    ``source`` is the account debited by the net amount: the merchant's wallet, or the
    provider's cash. ``actor`` is the user behind a wallet payment (None for a provider's
    event); ``label`` names the payment on the orders' history, ``audit_label`` on the audit.
    """

    method: str
    source: Account
    memo: str
    label: str
    audit_label: str
    actor: Actor = None
    provider_reference: str = ""

    def payment_reference(self, txn_public_id: str) -> str:
        """What ``order_paid`` records as the orders' payment reference (the wallet's ledger
        transaction, or the provider's charge)."""
        if self.method == Provider.WALLET:
            return f"wallet:{txn_public_id}"
        return f"{self.method}:{self.provider_reference}"


def _settle(
    *,
    merchant: MerchantAccount,
    quote: Quote,
    parent: ParentOrder | None,
    payable: list[Order],
    payer: _Payer,
    idempotency_key: str = "",
) -> PaymentResult:
    """The posting sequence of every payment of orders (see the module docstring), run inside
    the caller's transaction with ``payable`` (and ``parent``) locked and priced in ``quote``."""
    key, ref_type, ref_id = payment_key(parent, payable)
    # Orders first, money last. The ledger posting updates the platform rows every payment
    # shares (order revenue, freight revenue, discounts given) and holds their locks until
    # COMMIT, so whatever runs after it runs with every other payment waiting. The orders'
    # move to paid (their rows are this payment's alone) therefore runs before it, naming
    # the ledger transaction that is about to be posted; a refusal of the posting rolls it
    # back with everything else.
    txn_public_id = new_public_id()
    paying = {"parent": parent} if parent is not None else {"orders": payable}
    by_wallet = payer.method == Provider.WALLET
    discount_label = f"{'Wallet' if by_wallet else 'Payment'} discount ({quote.bps / 100:g}%)"
    paid = order_services.order_paid(
        **paying,
        actor=payer.actor,
        actor_label=payer.label,
        payment_reference=payer.payment_reference(txn_public_id),
        # What each order was charged: the order page shows it (the discount is the payment's).
        amounts_paid={
            line.order.pk: {
                "discount_minor": line.discount_minor,
                "discount_label": discount_label,
                "net_minor": line.net_minor,
                "method": payer.method,
            }
            for line in quote.lines
        },
    )
    # The invoice is read and checked now; it is numbered after the posting.
    invoice = invoices.invoice_draft_for_payment(
        merchant=merchant,
        orders_or_parent=quote.orders,
        breakdown=invoices.breakdown_for_orders(
            orders=quote.orders,
            extra_discount_minor=quote.discount_minor,
            discount_label=discount_label,
            method=payer.method,
        ),
        reference=(parent.pay_id or "") if parent is not None else "",
    )
    with payment_posting(
        entries=[
            Posting(account=payer.source, amount_minor=-quote.net_minor, currency=quote.currency),
            *revenue_postings(
                currency=quote.currency,
                products_minor=quote.products_minor,
                freight_minor=quote.freight_minor,
                discount_minor=quote.discount_minor,
            ),
        ],
        key=key,
        idempotency_key=idempotency_key,
        kind=LedgerKind.ORDER_PAYMENT,
        memo=payer.memo,
        merchant=merchant,
        reference_type=ref_type,
        reference_id=ref_id,
        actor=payer.actor,
        public_id=txn_public_id,
    ) as txn:
        # Inside the posting: written before its platform half locks the shared rows.
        payments = payments_record(
            merchant=merchant,
            quote=quote,
            txn=txn,
            parent=parent,
            method=payer.method,
            provider_reference=payer.provider_reference,
        )
        # The method's own audit fields: the charge for a provider, the wallet's discount rate.
        charge = (
            {}
            if by_wallet
            else {"provider": payer.method, "provider_reference": payer.provider_reference}
        )
        rate = {"discount_bps": quote.bps} if by_wallet else {}
        audit_record(
            action=AuditAction.WALLET_PAYMENT,
            actor=payer.actor if getattr(payer.actor, "is_authenticated", False) else None,
            actor_label=payer.audit_label,
            merchant=merchant,
            target=txn,
            details={
                "orders": [o.code for o in payable],
                "shipments_id": parent.shipments_id if parent is not None else "",
                **charge,
                "gross_minor": quote.gross_minor,
                "discount_minor": quote.discount_minor,
                "net_minor": quote.net_minor,
                **rate,
                "currency": quote.currency,
                "transaction": txn.public_id,
            },
        )
    # The payment's invoice, inside the payment's transaction: its number is taken with the
    # payment, so numbers have no gaps and a rolled-back payment has no invoice. Its counter
    # is the other row every payment locks, so it comes last, after the platform rows (the
    # order supplementary bills take them in too).
    invoice.issue(transaction=txn)
    return PaymentResult(quote=quote, transaction=txn, orders=paid, payments=payments)


# --- From the wallet ----------------------------------------------------------------------------


def _is_settled(order: Order) -> bool:
    return order.status in (OrderStatus.UNSHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


@transaction.atomic
def pay_from_wallet(
    *,
    merchant: MerchantAccount,
    parent: ParentOrder | None = None,
    orders: Sequence[Order] | None = None,
    actor: Actor = None,
    idempotency_key: str = "",
    actor_label: str = "",
) -> PaymentResult:
    """Pay ``parent`` (all its UNPAID orders) or ``orders`` from the merchant's wallet, with
    the wallet discount. One ledger transaction, one ``Payment`` per order, ``order_paid``,
    audit WALLET_PAYMENT, the invoice — together or not at all.

    Refusals (nothing changed): ``InsufficientBalance`` (1604000) when the available balance
    is below the net amount; ``OrderNotFound`` (1603100) for another merchant's orders;
    ``PaymentRefused`` when nothing is payable. Already paid (every order UNSHIPPED or later,
    or a PAID parent) → ``PaymentResult(created=False)`` and nothing is charged again.
    ``idempotency_key`` replaces the natural ledger key (``pay:<shipments_id>`` /
    ``pay:order:<public_id>``) when given; it is namespaced by merchant
    (``merchant_key``) before it reaches the globally unique ledger key, so two merchants
    choosing the same key never collide (or see each other's payment).
    """
    if parent is not None:
        parent = (
            ParentOrder.objects.select_for_update(of=("self",), no_key=True)
            .filter(pk=parent.pk)
            .first()
        )
        if parent is None or parent.merchant_id != merchant.pk:
            raise OrderNotFound(_("shipment order not found"))
        if parent.status == ParentOrderStatus.PAID:
            return already_paid(Payment.objects.filter(parent=parent))
    payable = payable_orders(merchant=merchant, orders=orders, parent=parent, lock=True)
    if not payable:
        current = list(orders) if orders is not None else []
        for order in current:
            order.refresh_from_db(fields=["status"])
        if current and all(_is_settled(o) for o in current):
            return already_paid(Payment.objects.filter(order__in=current))
        raise PaymentRefused(
            _("nothing to pay: the orders are not awaiting payment"), code=ORDER_PAYMENT_FAILED
        )
    quote = quote_orders(payable, Provider.WALLET)
    source = wallet_account(merchant, quote.currency)
    wallet_funds_check(
        merchant=merchant, amount_minor=quote.net_minor, currency=quote.currency, account=source
    )
    label = actor_label or "wallet payment"
    payer = _Payer(
        method=Provider.WALLET,
        source=source,
        memo=f"Wallet payment of {counted(len(payable), 'order')}, {quote.bps / 100:g}% discount",
        label=label,
        audit_label=label,
        actor=actor,
    )
    return _settle(
        merchant=merchant,
        quote=quote,
        parent=parent,
        payable=payable,
        payer=payer,
        idempotency_key=merchant_key(merchant, idempotency_key),
    )


# --- By a payment provider (page payment) -------------------------------------------------------


@transaction.atomic
def parent_order_paid_by_provider(
    *,
    provider: str,
    parent: ParentOrder | None = None,
    reference: str = "",
    amount_minor: int,
    provider_reference: str,
    event: Any = None,
    currency: str = "",
) -> PaymentResult:
    """A provider (card, PayPal, sandbox) collected ``amount_minor`` for ``parent`` (page
    payment, payType 1): post provider cash ↔ revenue and pay the orders (``order_paid``).

    Called by ``checkout.provider_events`` for a verified "paid" event; safe to call twice
    (the parent is locked; a PAID parent is not paid again). The amount must equal the quote by
    that method (no wallet discount unless ``DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS``). When it
    does not — the parent was paid meanwhile, an order was cancelled, the amount differs — the
    collected money is credited to the merchant's wallet (key
    ``provider-credit:<provider>:<provider_reference>``, credited once) and the orders are left
    as they are: money a provider took is never lost and never pays twice.
    """
    provider_reference = provider_charge_check(
        provider=provider, amount_minor=amount_minor, provider_reference=provider_reference
    )
    parent = _provider_parent(parent, reference)
    merchant = parent.merchant
    replay = already_paid(
        Payment.objects.filter(
            parent=parent, method=provider, provider_reference=provider_reference
        )
    )
    if replay.payments:
        # The same charge reported again (a replayed or duplicate event): already applied.
        return replay
    currency = (currency or parent.currency).upper()
    payable = (
        []
        if parent.status == ParentOrderStatus.PAID
        else payable_orders(merchant=merchant, orders=None, parent=parent, lock=True)
    )
    quote = quote_orders(payable, provider) if payable else None
    if quote is None or quote.net_minor != amount_minor or quote.currency != currency:
        return provider_money_credit(
            merchant=merchant,
            provider=provider,
            amount_minor=amount_minor,
            currency=currency,
            provider_reference=provider_reference,
            parent=parent,
            quote=quote,
        )
    event_ref = str(getattr(event, "event_id", event) or "")
    with translation.override("en"):  # a stored memo, whatever language the request speaks
        provider_name = str(Provider(provider).label)
    payer = _Payer(
        method=provider,
        source=account_for(kind=AccountKind.PROVIDER_CASH, provider=provider, currency=currency),
        memo=f"Page payment via {provider_name} {provider_reference} {event_ref}"[:300],
        label=f"{provider} payment",
        audit_label=f"provider {provider}",
        provider_reference=provider_reference,
    )
    return _settle(merchant=merchant, quote=quote, parent=parent, payable=payable, payer=payer)


def _provider_parent(parent: ParentOrder | None, reference: str) -> ParentOrder:
    """The parent order a provider payment is for, locked: ``parent`` or the ``reference``
    given when the payment was started (its ``pay_id``, or its ``shipments_id``)."""
    qs = ParentOrder.objects.select_for_update(of=("self",)).select_related("merchant")
    if parent is not None:
        return qs.get(pk=parent.pk)
    reference = (reference or "").strip()
    found = qs.filter(pay_id=reference).first() if reference else None
    found = found or (qs.filter(shipments_id=reference).first() if reference else None)
    if found is None:
        raise OrderNotFound(f"payment order {reference} not found")
    return found


def parent_order_payment_failed_by_provider(
    *, provider: str, reference: str, reason: str = "", event: Any = None
) -> None:
    """A provider reports a failed page payment: nothing was collected, so nothing changes;
    the parent order stays awaiting payment and can be paid again (any method)."""
