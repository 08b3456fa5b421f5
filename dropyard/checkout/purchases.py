"""Paying a private-inventory purchase order ("SY…") from the wallet: the money moves in the
wallet's ledger and the units move from platform stock into the merchant's private stock, in
one database transaction.

It lives in checkout because it crosses the wallet (above inventory) and inventory: the
wallet books the money (``wallet.payment_posting``: the one posting path every payment uses,
``wallet.invoices``), inventory completes the order and moves the stock
(``inventory.purchases.purchase_order_complete`` → ``stock_transfer_to_private``). Neither
calls the other.

One payment = in this order, all or nothing:

    the purchase order locked (``purchase_order_lock``) and found WAIT_PAY
    → the wallet's available balance checked (``InsufficientBalance``, 1604000)
    → WAIT_PAY → COMPLETED and every line's units moved (guarded UPDATEs; too few platform
      units → ``InsufficientStock``, 1603102), naming the ledger transaction about to be posted
    → the invoice's draft
    → the ledger transaction under key ``purchase:<code>``: wallet −amount,
      ORDER_REVENUE +amount (no wallet discount: it applies to dropshipping orders), audit
      WALLET_PAYMENT
    → the invoice numbered.

Paying again is a no-op (the order is locked first and COMPLETED → ``paid: False``); the
ledger key backs that up. A cancelled order is refused. No ``wallet.Payment`` row is written:
that table records order and bill payments (one per order / bill); the purchase order keeps the
ledger transaction as ``payment_reference`` instead.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor, User
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import new_public_id
from dropyard.inventory.choices import PurchaseOrderStatus
from dropyard.inventory.exceptions import PurchaseOrderNotFound, PurchaseRefused
from dropyard.inventory.models import PurchaseOrder
from dropyard.inventory.purchases import purchase_order_complete, purchase_order_lock
from dropyard.wallet import invoices
from dropyard.wallet.choices import LedgerKind, Provider, ReferenceType
from dropyard.wallet.ledger import Posting
from dropyard.wallet.models import LedgerTransaction
from dropyard.wallet.payment_posting import (
    merchant_key,
    payment_posting,
    revenue_postings,
    wallet_account,
    wallet_funds_check,
)

PAYMENT_PREFIX = "wallet:"


@dataclass(frozen=True)
class PurchasePayment:
    """The outcome of paying a purchase order: ``paid`` False when it was paid already (this
    call charged nothing); ``transaction`` is the payment's ledger transaction (None for a
    free order)."""

    order: PurchaseOrder
    paid: bool
    transaction: LedgerTransaction | None


def _transaction_of(order: PurchaseOrder) -> LedgerTransaction | None:
    ref = order.payment_reference
    if not ref.startswith(PAYMENT_PREFIX):
        return None
    return LedgerTransaction.objects.filter(public_id=ref.removeprefix(PAYMENT_PREFIX)).first()


@transaction.atomic
def purchase_order_pay(
    *,
    merchant: MerchantAccount,
    code: str,
    pay_id: str = "",
    actor: Actor = None,
    actor_label: str = "",
    idempotency_key: str = "",
) -> PurchasePayment:
    """Pay the merchant's purchase order ``code`` (or its pay id) from the wallet and move its
    units into the merchant's private stock (see the module docstring).

    Refusals, nothing changed: unknown / another merchant's order, or a ``pay_id`` that is not
    the order's → ``PurchaseOrderNotFound`` (1603100); cancelled → ``PurchaseRefused``;
    balance below the amount → ``InsufficientBalance`` (1604000); too few platform units →
    ``InsufficientStock`` (1603102). Already paid → ``paid=False``, nothing charged.
    """
    order = purchase_order_lock(merchant=merchant, code=code)
    pay_id = (pay_id or "").strip()
    if pay_id and pay_id not in (order.pay_id, order.code):
        raise PurchaseOrderNotFound(
            _("payId %(pay_id)s does not belong to %(order)s")
            % {"pay_id": pay_id, "order": order.code}
        )
    if order.status == PurchaseOrderStatus.COMPLETED:
        return PurchasePayment(order=order, paid=False, transaction=_transaction_of(order))
    if order.status != PurchaseOrderStatus.WAIT_PAY:
        raise PurchaseRefused(
            _("purchase order %(order)s is %(status)s")
            % {"order": order.code, "status": order.get_status_display()}
        )
    user = actor if isinstance(actor, User) else None
    amount, currency = order.amount_minor, order.currency
    source = wallet_account(merchant, currency)
    wallet_funds_check(merchant=merchant, amount_minor=amount, currency=currency, account=source)
    txn_public_id = new_public_id()
    if amount == 0:  # nothing to post: the units still move, once
        order = purchase_order_complete(order=order, payment_reference="free", actor=user)
        return PurchasePayment(order=order, paid=True, transaction=None)
    # Stock first, money last (as checkout.services does): the posting locks the platform
    # revenue rows every payment shares, so it runs as late as possible.
    order = purchase_order_complete(
        order=order, payment_reference=f"{PAYMENT_PREFIX}{txn_public_id}", actor=user
    )
    lines = list(order.lines.select_related("variant", "warehouse"))
    invoice = invoices.invoice_draft_for_payment(
        merchant=merchant,
        orders_or_parent=[],
        breakdown=invoices.PaymentBreakdown(
            products_minor=amount,
            freight_minor=0,
            total_minor=amount,
            currency=currency,
            method=Provider.WALLET,
        ),
        lines=[
            {
                "description": f"{order.code}: {line.quantity} × {line.variant.sku} into your "
                f"stock at {line.warehouse.code}",
                "amount_minor": line.amount_minor,
            }
            for line in lines
        ],
        reference=order.code,
    )
    label = actor_label or "wallet payment"
    with payment_posting(
        entries=[
            Posting(account=source, amount_minor=-amount, currency=currency),
            *revenue_postings(currency=currency, products_minor=amount, freight_minor=0),
        ],
        key=f"purchase:{order.code}",
        idempotency_key=merchant_key(merchant, idempotency_key),
        kind=LedgerKind.PURCHASE_PAYMENT,
        memo=f"Private inventory purchase {order.code}",
        merchant=merchant,
        reference_type=ReferenceType.PURCHASE_ORDER,
        reference_id=order.code,
        actor=actor,
        public_id=txn_public_id,
    ) as txn:
        audit_record(
            action=AuditAction.WALLET_PAYMENT,
            actor=user,
            actor_label=label,
            merchant=merchant,
            target=txn,
            details={
                "purchase_order": order.code,
                "net_minor": amount,
                "currency": currency,
                "units": sum(line.quantity for line in lines),
                "transaction": txn.public_id,
            },
        )
    invoice.issue(transaction=txn)
    return PurchasePayment(order=order, paid=True, transaction=txn)
