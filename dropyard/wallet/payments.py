"""Paying orders and supplementary ("makeup") bills: from the wallet, or by a payment provider.

Wallet payments (contract payType 2, ``payBalance``, ``payBalanceV2``) carry the wallet
discount: ``DROPYARD_WALLET_DISCOUNT_BPS`` basis points (default 200 = 2%) of each order's
total, **rounded down to the minor unit per order** (``wallet_discount_minor``). Rounding per
order means paying orders together or one by one costs exactly the same, and every order's
own share of the discount is known when it is refunded. The quote (``payment_quote``) is what
the merchant sees before confirming; ``pay_from_wallet`` charges exactly that.

One payment = one ledger transaction (sums to zero, signs per ``AccountKind``):

    merchant WALLET_AVAILABLE      −net
    ORDER_REVENUE                  +products   (order total − postage)
    FREIGHT_REVENUE                +freight    (postage)
    DISCOUNTS_GIVEN                −discount

then ``orders.services.order_paid`` (UNPAID → UNSHIPPED) and one ``Payment`` row per order,
all in one database transaction: an insufficient balance (``InsufficientBalance``, 1604000)
rolls everything back and the orders stay UNPAID. Paying again is a no-op: the orders (and
parent) are locked first and only UNPAID ones are charged; the ledger key
(``pay:<shipments_id>`` for a parent, ``pay:order:<public_id>`` for one order) and the
one-payment-per-order constraint back that up.

Page payments (payType 1) by card or PayPal arrive through the providers' verified events as
``parent_order_paid_by_provider``: provider cash instead of the wallet, and no wallet discount
unless ``DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS`` is True. Money a provider collected that no
longer matches an unpaid parent (paid meanwhile, amount changed) is credited to the merchant's
wallet rather than lost.

Makeup bills (``BT…``): operators create them (``makeup_create``) for price or freight
differences; merchants pay them from the wallet (``makeup_pay`` / ``makeup_pay_order_pay``,
no wallet discount: they are corrections of an amount already discounted or agreed).
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import new_public_id
from dropyard.core.money import Money
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, ParentOrderStatus
from dropyard.orders.exceptions import ORDER_PAYMENT_FAILED, OrderNotFound
from dropyard.orders.models import Order, ParentOrder
from dropyard.webhooks import services as webhook_services
from dropyard.webhooks.choices import WebhookMessageType, WebhookType

from . import invoices
from .choices import AccountKind, MakeupStatus, MakeupType, Provider
from .exceptions import InsufficientBalance, PaymentRefused, WalletError
from .models import LedgerTransaction, Makeup, Payment
from .services import Posting, account_for, ledger_post, wallet_balance

DEFAULT_DISCOUNT_BPS = 200  # 2%
BPS_SCALE = 10_000
PROVIDER_METHODS = frozenset({Provider.STRIPE, Provider.PAYPAL, Provider.SANDBOX})
MAKEUP_PREFIX = "BT"
MAKEUP_REASON_MAX = 300
MAKEUP_AMOUNT_MAX_MINOR = 100_000_000  # $1,000,000.00: a typo guard for operators
# Contract MAKEUP webhook ``diffUseType``: 0 order adjustment, 3 freight transfer.
MAKEUP_DIFF_USE_TYPE = {MakeupType.PRODUCT: 0, MakeupType.FREIGHT: 3}


# --- Discount rule ------------------------------------------------------------------------------


def discount_bps() -> int:
    """The platform's wallet discount in basis points (``DROPYARD_WALLET_DISCOUNT_BPS``)."""
    bps = getattr(settings, "DROPYARD_WALLET_DISCOUNT_BPS", DEFAULT_DISCOUNT_BPS)
    if not isinstance(bps, int) or isinstance(bps, bool) or not 0 <= bps <= BPS_SCALE:
        raise WalletError("DROPYARD_WALLET_DISCOUNT_BPS must be a whole number from 0 to 10000")
    return bps


def provider_discount() -> bool:
    """Whether card / PayPal page payments get the wallet discount too (default: no)."""
    return bool(getattr(settings, "DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS", False))


def wallet_discount_minor(total_minor: int, bps: int) -> int:
    """``total × bps / 10000`` rounded down to the minor unit (never more than promised)."""
    if total_minor <= 0:
        return 0
    return total_minor * bps // BPS_SCALE


# --- Quotes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLine:
    """One order's share: ``net = products + freight − discount``."""

    order: Order
    products_minor: int
    freight_minor: int
    discount_minor: int

    @property
    def gross_minor(self) -> int:
        return self.products_minor + self.freight_minor

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.discount_minor


@dataclass(frozen=True)
class Quote:
    """What paying these orders costs with ``method``: shown before the merchant confirms."""

    lines: tuple[QuoteLine, ...]
    currency: str
    bps: int
    method: str = Provider.WALLET

    @property
    def gross_minor(self) -> int:
        return sum(line.gross_minor for line in self.lines)

    @property
    def discount_minor(self) -> int:
        return sum(line.discount_minor for line in self.lines)

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.discount_minor

    @property
    def products_minor(self) -> int:
        return sum(line.products_minor for line in self.lines)

    @property
    def freight_minor(self) -> int:
        return sum(line.freight_minor for line in self.lines)

    @property
    def gross(self) -> Money:
        return Money(self.gross_minor, self.currency)

    @property
    def discount(self) -> Money:
        return Money(self.discount_minor, self.currency)

    @property
    def net(self) -> Money:
        return Money(self.net_minor, self.currency)

    @property
    def orders(self) -> list[Order]:
        return [line.order for line in self.lines]


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


def _bps_for(method: str) -> int:
    if method == Provider.WALLET or provider_discount():
        return discount_bps()
    return 0


def _quote_lines(orders: Sequence[Order], bps: int) -> tuple[QuoteLine, ...]:
    lines = []
    for order in orders:
        freight = order.postage_amount_minor
        lines.append(
            QuoteLine(
                order=order,
                products_minor=order.total_amount_minor - freight,
                freight_minor=freight,
                discount_minor=wallet_discount_minor(order.total_amount_minor, bps),
            )
        )
    return tuple(lines)


def _payable_orders(
    merchant: MerchantAccount,
    orders: Sequence[Order] | None,
    parent: ParentOrder | None,
    *,
    lock: bool,
) -> list[Order]:
    """The UNPAID orders a payment covers, locked when ``lock`` (in pk order: no deadlock).

    A merged order brings its merge's other unpaid orders (they share parcels and are paid
    together by ``order_paid``). Another merchant's order or parent → ``OrderNotFound``.
    """
    if (orders is None) == (parent is None):
        raise PaymentRefused(
            "pay either a parent order or a list of orders", code=ORDER_PAYMENT_FAILED
        )
    if parent is not None:
        if parent.merchant_id != merchant.pk:
            raise OrderNotFound(f"shipment order {parent.shipments_id} not found")
        qs = Order.objects.filter(parent_id=parent.pk)
    else:
        if not orders:
            raise PaymentRefused("no orders to pay", code=ORDER_PAYMENT_FAILED)
        if any(o.merchant_id != merchant.pk for o in orders):
            raise OrderNotFound("order not found")
        pks = {o.pk for o in orders}
        merges = {o.merge_id for o in orders if o.merge_id}
        qs = Order.objects.filter(pk__in=pks)
        if merges:
            qs = Order.objects.filter(pk__in=pks) | Order.objects.filter(merge_id__in=merges)
    qs = qs.filter(merchant=merchant).order_by("pk")
    if lock:
        if parent is None:
            # Parents before orders, the order ``pay_from_wallet(parent=…)`` and ``order_paid``
            # take them in, so paying an order and its parent at once cannot deadlock.
            parent_ids = {o.parent_id for o in qs if o.parent_id}
            list(
                ParentOrder.objects.select_for_update()
                .filter(pk__in=parent_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        qs = qs.select_for_update()
    return [o for o in qs if o.status == OrderStatus.UNPAID]


def payment_quote(
    *,
    merchant: MerchantAccount,
    orders: Sequence[Order] | None = None,
    parent: ParentOrder | None = None,
    method: str = Provider.WALLET,
) -> Quote:
    """What paying ``parent`` (its UNPAID orders) or ``orders`` costs by ``method``.

    Wallet: gross, discount (``wallet_discount_minor`` per order), net. Providers: no discount
    unless ``DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS``. ``PaymentRefused`` when nothing is
    payable (already paid, not confirmed yet, cancelled) or the currencies differ;
    ``OrderNotFound`` for another merchant's orders. Reads only.
    """
    payable = _payable_orders(merchant, orders, parent, lock=False)
    return _quote(payable, method)


def _quote(payable: Sequence[Order], method: str) -> Quote:
    if not payable:
        raise PaymentRefused(
            "nothing to pay: the orders are not awaiting payment", code=ORDER_PAYMENT_FAILED
        )
    currencies = {o.currency for o in payable}
    if len(currencies) != 1:
        raise PaymentRefused(
            "orders in different currencies cannot be paid together", code=ORDER_PAYMENT_FAILED
        )
    bps = _bps_for(method)
    return Quote(
        lines=_quote_lines(payable, bps), currency=currencies.pop(), bps=bps, method=method
    )


# --- Paying orders ------------------------------------------------------------------------------


def _revenue_postings(quote: Quote) -> list[Posting]:
    currency = quote.currency
    postings = []
    for kind, amount in (
        (AccountKind.ORDER_REVENUE, quote.products_minor),
        (AccountKind.FREIGHT_REVENUE, quote.freight_minor),
        (AccountKind.DISCOUNTS_GIVEN, -quote.discount_minor),
    ):
        if amount:
            postings.append(
                Posting(
                    account=account_for(kind=kind, currency=currency),
                    amount_minor=amount,
                    currency=currency,
                )
            )
    return postings


def _wallet(merchant: MerchantAccount, currency: str) -> Any:
    return account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE, currency=currency)


def _natural_key(parent: ParentOrder | None, orders: Sequence[Order]) -> tuple[str, str, str]:
    """(ledger key, reference type, reference id) of a payment."""
    if parent is not None:
        return f"pay:{parent.shipments_id}", "parent_order", parent.shipments_id
    if len(orders) == 1:
        return f"pay:order:{orders[0].public_id}", "order", orders[0].public_id
    ids = ",".join(sorted(o.public_id for o in orders))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:40]
    return f"pay:orders:{digest}", "orders", digest


def _record_payments(
    *,
    merchant: MerchantAccount,
    quote: Quote,
    txn: LedgerTransaction,
    parent: ParentOrder | None,
    method: str,
    provider_reference: str = "",
) -> list[Payment]:
    return Payment.objects.bulk_create(
        [
            Payment(
                merchant=merchant,
                order=line.order,
                parent=parent or line.order.parent,
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


def _issue_invoice(
    *,
    merchant: MerchantAccount,
    txn: LedgerTransaction,
    quote: Quote,
    method: str,
    reference: str = "",
) -> None:
    """The payment's invoice, inside the payment's transaction (its number is taken with the
    payment, so numbers have no gaps and a rolled-back payment has no invoice)."""
    label = (
        f"{'Wallet' if method == Provider.WALLET else 'Payment'} discount ({quote.bps / 100:g}%)"
    )
    invoices.invoice_issue_for_payment(
        merchant=merchant,
        orders_or_parent=quote.orders,
        breakdown=invoices.breakdown_for_orders(
            orders=quote.orders,
            extra_discount_minor=quote.discount_minor,
            discount_label=label,
            method=method,
        ),
        transaction=txn,
        reference=reference,
    )


def _already_paid(parent: ParentOrder | None, orders: Sequence[Order] | None) -> PaymentResult:
    if parent is not None:
        payments = list(Payment.objects.filter(parent=parent).select_related("transaction"))
    else:
        payments = list(
            Payment.objects.filter(order__in=list(orders or ())).select_related("transaction")
        )
    return PaymentResult(
        quote=None,
        transaction=payments[0].transaction if payments else None,
        payments=payments,
        created=False,
        message="already paid",
    )


def _is_settled(order: Order) -> bool:
    return order.status in (OrderStatus.UNSHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def merchant_key(merchant: MerchantAccount, idempotency_key: str) -> str:
    """A caller-chosen idempotency key made unique per merchant for the global ledger key
    (``m<pk>:<key>``); "" when no key was given (the natural key applies)."""
    key = (idempotency_key or "").strip()
    return f"m{merchant.pk}:{key}" if key else ""


@transaction.atomic
def pay_from_wallet(
    *,
    merchant: MerchantAccount,
    parent: ParentOrder | None = None,
    orders: Sequence[Order] | None = None,
    actor: Any = None,
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
        parent = ParentOrder.objects.select_for_update().filter(pk=parent.pk).first()
        if parent is None or parent.merchant_id != merchant.pk:
            raise OrderNotFound("shipment order not found")
        if parent.status == ParentOrderStatus.PAID:
            return _already_paid(parent, None)
    payable = _payable_orders(merchant, orders, parent, lock=True)
    if not payable:
        current = list(orders) if orders is not None else []
        for order in current:
            order.refresh_from_db(fields=["status"])
        if current and all(_is_settled(o) for o in current):
            return _already_paid(None, current)
        raise PaymentRefused(
            "nothing to pay: the orders are not awaiting payment", code=ORDER_PAYMENT_FAILED
        )
    quote = _quote(payable, Provider.WALLET)
    key, ref_type, ref_id = _natural_key(parent, payable)
    available = wallet_balance(merchant=merchant, currency=quote.currency).available_minor
    if available < quote.net_minor:
        raise InsufficientBalance(
            f"Insufficient balance: {Money(quote.net_minor, quote.currency).wire()} "
            f"{quote.currency} needed, {Money(available, quote.currency).wire()} available",
            extra={"required_minor": quote.net_minor, "available_minor": available},
        )
    txn, created = ledger_post(
        entries=[
            Posting(
                account=_wallet(merchant, quote.currency),
                amount_minor=-quote.net_minor,
                currency=quote.currency,
            ),
            *_revenue_postings(quote),
        ],
        idempotency_key=merchant_key(merchant, idempotency_key) or key,
        kind="order_payment",
        memo=f"Wallet payment of {len(payable)} order(s), {quote.bps / 100:g}% discount",
        merchant=merchant,
        reference_type=ref_type,
        reference_id=ref_id,
        actor=actor,
    )
    if not created:
        # The key was used by an earlier payment yet these orders are unpaid: a caller reused
        # a key for different orders. Refuse rather than mark them paid for free.
        raise PaymentRefused(
            f"payment key {key} was already used for another payment", code=ORDER_PAYMENT_FAILED
        )
    payments = _record_payments(
        merchant=merchant, quote=quote, txn=txn, parent=parent, method=Provider.WALLET
    )
    label = actor_label or "wallet payment"
    reference = f"wallet:{txn.public_id}"
    if parent is not None:
        paid = order_services.order_paid(
            parent=parent, actor=actor, actor_label=label, payment_reference=reference
        )
    else:
        paid = order_services.order_paid(
            orders=payable, actor=actor, actor_label=label, payment_reference=reference
        )
    audit_record(
        action=AuditAction.WALLET_PAYMENT,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label,
        merchant=merchant,
        target=txn,
        details={
            "orders": [o.code for o in payable],
            "shipments_id": parent.shipments_id if parent is not None else "",
            "gross_minor": quote.gross_minor,
            "discount_minor": quote.discount_minor,
            "net_minor": quote.net_minor,
            "discount_bps": quote.bps,
            "currency": quote.currency,
            "transaction": txn.public_id,
        },
    )
    _issue_invoice(
        merchant=merchant,
        txn=txn,
        quote=quote,
        method=Provider.WALLET,
        reference=(parent.pay_id or "") if parent is not None else "",
    )
    return PaymentResult(quote=quote, transaction=txn, orders=paid, payments=payments)


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

    Called by ``wallet.providers`` for a verified "paid" event; safe to call twice (the parent
    is locked; a PAID parent is not paid again). The amount must equal the quote by that
    method (no wallet discount unless ``DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS``). When it does
    not — the parent was paid meanwhile, an order was cancelled, the amount differs — the
    collected money is credited to the merchant's wallet (key
    ``provider-credit:<provider>:<provider_reference>``, credited once) and the orders are left
    as they are: money a provider took is never lost and never pays twice.
    """
    if provider not in PROVIDER_METHODS:
        raise PaymentRefused(f"unknown payment provider {provider!r}")
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise PaymentRefused("amount_minor must be a positive whole number of minor units")
    provider_reference = (provider_reference or "").strip()
    if not provider_reference:
        raise PaymentRefused("provider_reference is required")
    parent = _provider_parent(parent, reference)
    merchant = parent.merchant
    replay = list(
        Payment.objects.filter(
            parent=parent, method=provider, provider_reference=provider_reference
        ).select_related("transaction")
    )
    if replay:
        # The same charge reported again (a replayed or duplicate event): already applied.
        return PaymentResult(
            quote=None,
            transaction=replay[0].transaction,
            payments=replay,
            created=False,
            message="already paid",
        )
    currency = (currency or parent.currency).upper()
    payable = (
        []
        if parent.status == ParentOrderStatus.PAID
        else _payable_orders(merchant, None, parent, lock=True)
    )
    quote = _quote(payable, provider) if payable else None
    event_ref = str(getattr(event, "event_id", event) or "")
    if quote is None or quote.net_minor != amount_minor or quote.currency != currency:
        return _credit_provider_money(
            merchant=merchant,
            provider=provider,
            amount_minor=amount_minor,
            currency=currency,
            provider_reference=provider_reference,
            parent=parent,
            quote=quote,
        )
    key, ref_type, ref_id = _natural_key(parent, payable)
    txn, created = ledger_post(
        entries=[
            Posting(
                account=account_for(
                    kind=AccountKind.PROVIDER_CASH, provider=provider, currency=currency
                ),
                amount_minor=-amount_minor,
                currency=currency,
            ),
            *_revenue_postings(quote),
        ],
        idempotency_key=key,
        kind="order_payment",
        memo=f"Page payment via {Provider(provider).label} {provider_reference} {event_ref}"[:300],
        merchant=merchant,
        reference_type=ref_type,
        reference_id=ref_id,
    )
    if not created:
        raise PaymentRefused(
            f"payment key {key} was already used for another payment", code=ORDER_PAYMENT_FAILED
        )
    payments = _record_payments(
        merchant=merchant,
        quote=quote,
        txn=txn,
        parent=parent,
        method=provider,
        provider_reference=provider_reference,
    )
    paid = order_services.order_paid(
        parent=parent,
        actor_label=f"{provider} payment",
        payment_reference=f"{provider}:{provider_reference}",
    )
    audit_record(
        action=AuditAction.WALLET_PAYMENT,
        actor_label=f"provider {provider}",
        merchant=merchant,
        target=txn,
        details={
            "orders": [o.code for o in payable],
            "shipments_id": parent.shipments_id,
            "provider": provider,
            "provider_reference": provider_reference,
            "gross_minor": quote.gross_minor,
            "discount_minor": quote.discount_minor,
            "net_minor": quote.net_minor,
            "currency": currency,
            "transaction": txn.public_id,
        },
    )
    _issue_invoice(
        merchant=merchant, txn=txn, quote=quote, method=provider, reference=parent.pay_id or ""
    )
    return PaymentResult(quote=quote, transaction=txn, orders=paid, payments=payments)


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


def _provider_money_to_wallet(
    *,
    merchant: Any,
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
                account=_wallet(merchant, currency), amount_minor=amount_minor, currency=currency
            ),
        ],
        idempotency_key=f"provider-credit:{provider}:{provider_reference}"[:200],
        kind="payment_credit",
        memo=memo,
        merchant=merchant,
        reference_type=reference_type,
        reference_id=reference_id,
    )


def _credit_provider_money(
    *,
    merchant: MerchantAccount,
    provider: str,
    amount_minor: int,
    currency: str,
    provider_reference: str,
    parent: ParentOrder,
    quote: Quote | None,
) -> PaymentResult:
    txn, created = _provider_money_to_wallet(
        merchant=merchant,
        provider=provider,
        amount_minor=amount_minor,
        currency=currency,
        provider_reference=provider_reference,
        memo=f"{Provider(provider).label} payment for {parent.shipments_id} credited to wallet",
        reference_type="parent_order",
        reference_id=parent.shipments_id,
    )
    why = (
        "already paid"
        if quote is None
        else f"amount {Money(amount_minor, currency).wire()} {currency} does not match "
        f"{quote.net.wire()} {quote.currency} due"
    )
    if created:
        audit_record(
            action=AuditAction.WALLET_PAYMENT,
            actor_label=f"provider {provider}",
            merchant=merchant,
            target=txn,
            details={
                "shipments_id": parent.shipments_id,
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
        credited_to_wallet_minor=amount_minor if created else 0,
        message=f"{why}: the payment was credited to the wallet",
    )


# --- Makeup (supplementary) bills ---------------------------------------------------------------


def new_makeup_code() -> str:
    """``BT`` + a 19-digit time-ordered number."""
    return f"{MAKEUP_PREFIX}{new_public_id()}"


def makeup_webhook_params(makeup: Makeup) -> dict[str, Any]:
    """The contract's MAKEUP message params (§4)."""

    def when(value: Any) -> str | None:
        return value.strftime("%Y-%m-%d %H:%M:%S") if value else None

    return {
        "orderId": makeup.code,
        "relationOrderId": makeup.related_order.public_id if makeup.related_order_id else None,
        "payOrderId": makeup.pay_order_code or None,
        "amount": Money(makeup.amount_minor, makeup.currency).wire(),
        "reason": makeup.reason,
        "type": makeup.type,
        "diffUseType": MAKEUP_DIFF_USE_TYPE.get(makeup.type, 0),
        "status": makeup.status.upper(),
        "createDate": when(makeup.created_at),
        "paymentDate": when(makeup.paid_at),
    }


def _publish_makeup(makeup: Makeup, message_type: str) -> None:
    """MAKEUP webhook through ``webhooks.services.webhook_publish`` — only once the webhooks
    app knows the MAKEUP type (it stores the message on commit; no endpoint → nothing)."""
    if "MAKEUP" not in WebhookType.values or message_type not in WebhookMessageType.values:
        return
    webhook_services.webhook_publish(
        merchant=makeup.merchant,
        type="MAKEUP",
        message_type=message_type,
        params=makeup_webhook_params(makeup),
    )


@transaction.atomic
def makeup_create(
    *,
    merchant: MerchantAccount,
    related_order: Order | None = None,
    amount_minor: int,
    reason: str,
    type: str,
    actor: Any = None,
    currency: str = "USD",
) -> Makeup:
    """An operator bills a merchant a price or freight difference: a ``BT…`` bill, UNPAID.

    Refused (``PaymentRefused``, nothing saved): an amount that is not a positive whole number
    of minor units (or above ``MAKEUP_AMOUNT_MAX_MINOR``), an unknown type, an empty reason,
    an order of another merchant. Audited MAKEUP_CREATED; MAKEUP webhook INSERT.
    """
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise PaymentRefused("the amount must be a positive whole number of minor units")
    if amount_minor > MAKEUP_AMOUNT_MAX_MINOR:
        raise PaymentRefused("the amount is above the supplementary bill limit")
    if type not in MakeupType.values:
        raise PaymentRefused(f"type must be one of {', '.join(MakeupType.values)}")
    reason = (reason or "").strip()
    if not reason:
        raise PaymentRefused("a reason is required")
    if len(reason) > MAKEUP_REASON_MAX:
        raise PaymentRefused(f"the reason is at most {MAKEUP_REASON_MAX} characters")
    if related_order is not None and related_order.merchant_id != merchant.pk:
        raise OrderNotFound("order not found")
    makeup = Makeup.objects.create(
        code=new_makeup_code(),
        merchant=merchant,
        related_order=related_order,
        type=type,
        amount_minor=amount_minor,
        currency=(currency or "USD").upper(),
        reason=reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action=AuditAction.MAKEUP_CREATED,
        actor=actor,
        merchant=merchant,
        target=makeup,
        details={
            "code": makeup.code,
            "amount_minor": amount_minor,
            "currency": makeup.currency,
            "type": type,
            "reason": reason,
            "related_order": related_order.code if related_order is not None else "",
        },
    )
    _publish_makeup(makeup, "INSERT")
    return makeup


@transaction.atomic
def makeup_cancel(*, makeup: Makeup, actor: Any, reason: str) -> Makeup:
    """Finance cancels an UNPAID bill: UNPAID → CANCELLED, never back.

    Refused (``PaymentRefused``, nothing changed): an empty or over-long reason, a bill that is
    paid or already cancelled (checked on the locked row, so a concurrent payment wins cleanly).
    Audited MAKEUP_CREATED with ``change: cancelled`` (core has no cancel action for bills);
    MAKEUP webhook CANCEL.
    """
    reason = (reason or "").strip()
    if not reason:
        raise PaymentRefused("a reason is required")
    if len(reason) > MAKEUP_REASON_MAX:
        raise PaymentRefused(f"the reason is at most {MAKEUP_REASON_MAX} characters")
    locked = Makeup.objects.select_for_update().select_related("merchant").get(pk=makeup.pk)
    if locked.status != MakeupStatus.UNPAID:
        raise PaymentRefused(f"bill {locked.code} is {locked.get_status_display().lower()}")
    locked.status = MakeupStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditAction.MAKEUP_CREATED,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        details={"change": "cancelled", "code": locked.code, "reason": reason},
    )
    _publish_makeup(locked, "CANCEL")
    makeup.status = locked.status
    return locked


@dataclass
class MakeupPayOrder:
    """``createPayOrder``'s answer: the bills bundled under one pay order."""

    pay_order_code: str
    pay_id: str
    amount_minor: int
    currency: str
    makeups: list[Makeup]


@transaction.atomic
def makeup_pay_order_create(*, merchant: MerchantAccount, codes: Sequence[str]) -> MakeupPayOrder:
    """Bundle the merchant's UNPAID bills ``codes`` under one pay order (``payOrderCode`` +
    ``payId``) to pay with ``payBalanceV2`` (orderType 24). Asking again for exactly the same
    bills returns the same pay order; a different set gets a new one (bills are regrouped
    while unpaid). Unknown / other merchant's codes → ``OrderNotFound`` (1603100); a paid or
    cancelled bill → ``PaymentRefused``.
    """
    codes = list(dict.fromkeys(str(c).strip() for c in codes if str(c or "").strip()))
    if not codes:
        raise PaymentRefused("orderCodes is empty")
    bills = list(
        Makeup.objects.select_for_update().filter(merchant=merchant, code__in=codes).order_by("pk")
    )
    missing = sorted(set(codes) - {b.code for b in bills})
    if missing:
        raise OrderNotFound(f"supplementary bill {missing[0]} not found")
    closed = [b.code for b in bills if b.status != MakeupStatus.UNPAID]
    if closed:
        raise PaymentRefused(
            f"supplementary bill {closed[0]} is not awaiting payment", code=ORDER_PAYMENT_FAILED
        )
    if len({b.currency for b in bills}) != 1:
        raise PaymentRefused(
            "bills in different currencies cannot be paid together", code=ORDER_PAYMENT_FAILED
        )
    groups = {(b.pay_order_code, b.pay_id) for b in bills}
    code, pay_id = groups.pop() if len(groups) == 1 else ("", "")
    if not code or Makeup.objects.filter(pay_order_code=code).count() != len(bills):
        code, pay_id = f"{MAKEUP_PREFIX}P{new_public_id()}", new_public_id()
        Makeup.objects.filter(pk__in=[b.pk for b in bills]).update(
            pay_order_code=code, pay_id=pay_id, updated_at=timezone.now()
        )
        for bill in bills:
            bill.pay_order_code, bill.pay_id = code, pay_id
    return MakeupPayOrder(
        pay_order_code=code,
        pay_id=pay_id,
        amount_minor=sum(b.amount_minor for b in bills),
        currency=bills[0].currency,
        makeups=bills,
    )


@transaction.atomic
def makeups_pay(
    *,
    merchant: MerchantAccount,
    makeups: Sequence[Makeup],
    actor: Any = None,
    idempotency_key: str = "",
    actor_label: str = "",
) -> PaymentResult:
    """Pay UNPAID makeup bills from the wallet (no discount): wallet −total, ORDER_REVENUE
    (+product differences), FREIGHT_REVENUE (+freight differences); bills → PAID; one
    ``Payment`` per bill; MAKEUP webhook PAID. Paid bills are skipped (a replay charges
    nothing); a CANCELLED bill or another merchant's is refused; ``InsufficientBalance``
    (1604000) leaves every bill UNPAID. A caller's ``idempotency_key`` is namespaced by
    merchant (``merchant_key``).
    """
    if not makeups:
        raise PaymentRefused("no supplementary bills to pay", code=ORDER_PAYMENT_FAILED)
    locked = list(
        Makeup.objects.select_for_update(of=("self",))
        .filter(pk__in=[m.pk for m in makeups])
        .select_related("merchant", "related_order")
        .order_by("pk")
    )
    if len(locked) != len({m.pk for m in makeups}) or any(
        m.merchant_id != merchant.pk for m in locked
    ):
        raise OrderNotFound("supplementary bill not found")
    cancelled = [m.code for m in locked if m.status == MakeupStatus.CANCELLED]
    if cancelled:
        raise PaymentRefused(
            f"supplementary bill {cancelled[0]} is cancelled", code=ORDER_PAYMENT_FAILED
        )
    due = [m for m in locked if m.status == MakeupStatus.UNPAID]
    if not due:
        payments = list(Payment.objects.filter(makeup__in=locked).select_related("transaction"))
        return PaymentResult(
            quote=None,
            transaction=payments[0].transaction if payments else None,
            payments=payments,
            created=False,
            message="already paid",
        )
    if len({m.currency for m in due}) != 1:
        raise PaymentRefused(
            "bills in different currencies cannot be paid together", code=ORDER_PAYMENT_FAILED
        )
    currency = due[0].currency
    total = sum(m.amount_minor for m in due)
    products = sum(m.amount_minor for m in due if m.type == MakeupType.PRODUCT)
    freight = total - products
    available = wallet_balance(merchant=merchant, currency=currency).available_minor
    if available < total:
        raise InsufficientBalance(
            f"Insufficient balance: {Money(total, currency).wire()} {currency} needed, "
            f"{Money(available, currency).wire()} available",
            extra={"required_minor": total, "available_minor": available},
        )
    postings = [
        Posting(account=_wallet(merchant, currency), amount_minor=-total, currency=currency)
    ]
    for kind, amount in (
        (AccountKind.ORDER_REVENUE, products),
        (AccountKind.FREIGHT_REVENUE, freight),
    ):
        if amount:
            postings.append(
                Posting(
                    account=account_for(kind=kind, currency=currency),
                    amount_minor=amount,
                    currency=currency,
                )
            )
    codes = ",".join(m.code for m in due)
    key = (
        f"makeup:{due[0].code}"
        if len(due) == 1
        else f"makeup:{hashlib.sha256(codes.encode()).hexdigest()[:40]}"
    )
    txn, created = ledger_post(
        entries=postings,
        idempotency_key=merchant_key(merchant, idempotency_key) or key,
        kind="makeup_payment",
        memo=f"Supplementary bill(s) {codes}"[:300],
        merchant=merchant,
        reference_type="makeup",
        reference_id=due[0].pay_order_code or due[0].code,
        actor=actor,
    )
    if not created:
        raise PaymentRefused(
            f"payment key {key} was already used for another payment", code=ORDER_PAYMENT_FAILED
        )
    now = timezone.now()
    Makeup.objects.filter(pk__in=[m.pk for m in due]).update(
        status=MakeupStatus.PAID, paid_at=now, updated_at=now
    )
    payments = Payment.objects.bulk_create(
        [
            Payment(
                merchant=merchant,
                makeup=m,
                order=None,
                method=Provider.WALLET,
                products_minor=m.amount_minor if m.type == MakeupType.PRODUCT else 0,
                freight_minor=m.amount_minor if m.type == MakeupType.FREIGHT else 0,
                discount_minor=0,
                net_minor=m.amount_minor,
                currency=currency,
                transaction=txn,
            )
            for m in due
        ]
    )
    label = actor_label or "wallet payment"
    audit_record(
        action=AuditAction.WALLET_PAYMENT,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label,
        merchant=merchant,
        target=txn,
        details={
            "makeups": [m.code for m in due],
            "net_minor": total,
            "currency": currency,
            "transaction": txn.public_id,
        },
    )
    for m in due:
        m.status, m.paid_at = MakeupStatus.PAID, now
        _publish_makeup(m, "PAID")
    invoices.invoice_issue_for_payment(
        merchant=merchant,
        orders_or_parent=[m.related_order for m in due if m.related_order_id],
        breakdown=invoices.PaymentBreakdown(
            products_minor=products,
            freight_minor=freight,
            total_minor=total,
            currency=currency,
            method=Provider.WALLET,
        ),
        transaction=txn,
        lines=[
            {
                "description": f"Supplementary bill {m.code}: {m.get_type_display()}, {m.reason}",
                "amount_minor": m.amount_minor,
            }
            for m in due
        ],
        reference=", ".join(m.code for m in due),
    )
    return PaymentResult(quote=None, transaction=txn, payments=payments)


def makeup_pay(
    *, makeup: Makeup, actor: Any = None, idempotency_key: str = "", actor_label: str = ""
) -> PaymentResult:
    """Pay one makeup bill from its merchant's wallet (see ``makeups_pay``)."""
    return makeups_pay(
        merchant=makeup.merchant,
        makeups=[makeup],
        actor=actor,
        idempotency_key=idempotency_key,
        actor_label=actor_label,
    )


@transaction.atomic
def makeup_pay_order_pay(
    *,
    merchant: MerchantAccount,
    pay_order_code: str,
    pay_id: str = "",
    actor: Any = None,
    actor_label: str = "",
) -> PaymentResult:
    """``payBalanceV2`` with orderType 24: pay every bill of a ``createPayOrder`` pay order.

    Unknown / other merchant's pay order, or a ``pay_id`` that does not match →
    ``OrderNotFound`` (1603100).
    """
    pay_order_code = (pay_order_code or "").strip()
    bills = list(Makeup.objects.filter(merchant=merchant, pay_order_code=pay_order_code))
    if not pay_order_code or not bills:
        raise OrderNotFound(f"pay order {pay_order_code} not found")
    if pay_id and any(b.pay_id != pay_id for b in bills):
        raise OrderNotFound(f"payId {pay_id} does not belong to pay order {pay_order_code}")
    return makeups_pay(merchant=merchant, makeups=bills, actor=actor, actor_label=actor_label)


@transaction.atomic
def makeup_pay_order_paid_by_provider(
    *,
    provider: str,
    reference: str,
    amount_minor: int,
    provider_reference: str,
    event: Any = None,
    currency: str = "",
) -> PaymentResult:
    """A provider (card, PayPal, sandbox) collected ``amount_minor`` for the bills of pay order
    ``reference`` (a ``BTP…`` ``pay_order_code``): pay them exactly once.

    The collected money is first credited to the merchant's wallet under
    ``provider-credit:<provider>:<provider_reference>`` — posted once, so a replayed or
    duplicate event changes nothing more — then, when every bill of the pay order is still
    UNPAID and the amount and currency equal their total, the bills are paid from the wallet
    (``makeups_pay``) in the same transaction. Otherwise (amount mismatch, a bill paid or
    cancelled meanwhile) the money stays in the wallet: never lost, never paid twice.
    Unknown pay order → ``OrderNotFound``.
    """
    if provider not in PROVIDER_METHODS:
        raise PaymentRefused(f"unknown payment provider {provider!r}")
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise PaymentRefused("amount_minor must be a positive whole number of minor units")
    provider_reference = (provider_reference or "").strip()
    if not provider_reference:
        raise PaymentRefused("provider_reference is required")
    reference = (reference or "").strip()
    bills = list(
        Makeup.objects.select_for_update(of=("self",))
        .filter(pay_order_code=reference)
        .select_related("merchant")
        .order_by("pk")
        if reference
        else []
    )
    if not bills:
        raise OrderNotFound(f"pay order {reference} not found")
    merchant = bills[0].merchant
    currency = (currency or bills[0].currency).upper()
    txn, created = _provider_money_to_wallet(
        merchant=merchant,
        provider=provider,
        amount_minor=amount_minor,
        currency=currency,
        provider_reference=provider_reference,
        memo=f"{Provider(provider).label} payment {provider_reference} for pay order {reference}"[
            :300
        ],
        reference_type="makeup",
        reference_id=reference,
    )
    if not created:
        return PaymentResult(quote=None, transaction=txn, created=False, message="already paid")
    total = sum(b.amount_minor for b in bills)
    payable = all(b.status == MakeupStatus.UNPAID for b in bills) and {
        b.currency for b in bills
    } == {currency}
    if payable and total == amount_minor:
        return makeups_pay(
            merchant=merchant,
            makeups=bills,
            actor_label=f"{provider} payment {provider_reference}"[:254],
        )
    why = (
        "a bill of this pay order is no longer awaiting payment"
        if not payable
        else f"amount {Money(amount_minor, currency).wire()} {currency} does not match "
        f"{Money(total, currency).wire()} due"
    )
    audit_record(
        action=AuditAction.WALLET_PAYMENT,
        actor_label=f"provider {provider}",
        merchant=merchant,
        target=txn,
        details={
            "pay_order_code": reference,
            "provider": provider,
            "provider_reference": provider_reference,
            "credited_to_wallet_minor": amount_minor,
            "reason": why,
        },
    )
    return PaymentResult(
        quote=None,
        transaction=txn,
        created=False,
        credited_to_wallet_minor=amount_minor,
        message=f"{why}: the payment was credited to the wallet",
    )


# --- Reads --------------------------------------------------------------------------------------


def order_payment_get(*, order: Order) -> Payment | None:
    """What ``order`` was paid (method, discount, net), or None when it was not paid."""
    return Payment.objects.filter(order_id=order.pk).first()
