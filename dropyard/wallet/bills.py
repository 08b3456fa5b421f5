"""Supplementary ("makeup", ``BT…``) bills: price or freight differences billed after the fact.

Operators create them (``makeup_create``, UNPAID) and may cancel an unpaid one
(``makeup_cancel``); merchants pay them from the wallet (``makeup_pay`` / ``makeups_pay``, no
wallet discount: they are corrections of an amount already discounted or agreed), or bundle
them under one pay order (``makeup_pay_order_create``: ``payOrderCode`` + ``payId``) to pay
with ``payBalanceV2`` (orderType 24) or by card / PayPal, whose verified event pays them once
(``makeup_pay_order_paid_by_provider``). Every change publishes the contract's MAKEUP webhook.

Paying bills = one ledger transaction: wallet −total, ORDER_REVENUE +product differences,
FREIGHT_REVENUE +freight differences (``wallet.payment_posting``); bills → PAID, one
``Payment`` row per bill, audit WALLET_PAYMENT, the invoice — together or not at all.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor, User
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import new_public_id, prefixed_code
from dropyard.core.money import Money
from dropyard.orders.exceptions import ORDER_PAYMENT_FAILED, OrderNotFound
from dropyard.orders.models import Order
from dropyard.webhooks import services as webhook_services
from dropyard.webhooks.choices import WebhookMessageType, WebhookType

from . import invoices
from .choices import LedgerKind, MakeupStatus, MakeupType, Provider, ReferenceType
from .exceptions import PaymentRefused
from .ledger import Posting
from .models import Makeup, Payment
from .payment_posting import (
    PaymentResult,
    already_paid,
    merchant_key,
    payment_posting,
    provider_charge_check,
    provider_money_credited,
    provider_money_to_wallet,
    revenue_postings,
    wallet_account,
    wallet_funds_check,
)

MAKEUP_PREFIX = "BT"
# A pay order bundling bills (``createPayOrder``): its code is the reference of a card / PayPal
# payment of those bills, which tells their provider events from a parent order's.
PAY_ORDER_PREFIX = f"{MAKEUP_PREFIX}P"
MAKEUP_REASON_MAX = 300
MAKEUP_AMOUNT_MAX_MINOR = 100_000_000  # $1,000,000.00: a typo guard for operators
# Contract MAKEUP webhook ``diffUseType``: 0 order adjustment, 3 freight transfer.
MAKEUP_DIFF_USE_TYPE: dict[str, int] = {MakeupType.PRODUCT: 0, MakeupType.FREIGHT: 3}


def new_makeup_code() -> str:
    """``BT`` + a 19-digit time-ordered number."""
    return prefixed_code(MAKEUP_PREFIX)


def makeup_webhook_params(makeup: Makeup) -> dict[str, Any]:
    """The contract's MAKEUP message params (§4)."""

    def when(value: Any) -> str | None:
        return value.strftime("%Y-%m-%d %H:%M:%S") if value else None

    related = makeup.related_order  # None, without a query, when there is none
    return {
        "orderId": makeup.code,
        "relationOrderId": related.public_id if related is not None else None,
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
    actor: Actor = None,
    currency: str = "USD",
) -> Makeup:
    """An operator bills a merchant a price or freight difference: a ``BT…`` bill, UNPAID.

    Refused (``PaymentRefused``, nothing saved): an amount that is not a positive whole number
    of minor units (or above ``MAKEUP_AMOUNT_MAX_MINOR``), an unknown type, an empty reason,
    an order of another merchant. Audited MAKEUP_CREATED; MAKEUP webhook INSERT.
    """
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise PaymentRefused(_("the amount must be a positive whole number of minor units"))
    if amount_minor > MAKEUP_AMOUNT_MAX_MINOR:
        raise PaymentRefused(_("the amount is above the supplementary bill limit"))
    if type not in MakeupType.values:
        raise PaymentRefused(
            _("type must be one of %(types)s") % {"types": ", ".join(MakeupType.values)}
        )
    reason = (reason or "").strip()
    if not reason:
        raise PaymentRefused(_("a reason is required"))
    if len(reason) > MAKEUP_REASON_MAX:
        raise PaymentRefused(
            _("the reason is at most %(max)s characters") % {"max": MAKEUP_REASON_MAX}
        )
    if related_order is not None and related_order.merchant_id != merchant.pk:
        raise OrderNotFound(_("order not found"))
    makeup = Makeup.objects.create(
        code=new_makeup_code(),
        merchant=merchant,
        related_order=related_order,
        type=type,
        amount_minor=amount_minor,
        currency=(currency or "USD").upper(),
        reason=reason,
        created_by=actor if isinstance(actor, User) and actor.is_authenticated else None,
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
def makeup_cancel(*, makeup: Makeup, actor: Actor, reason: str) -> Makeup:
    """Finance cancels an UNPAID bill: UNPAID → CANCELLED, never back.

    Refused (``PaymentRefused``, nothing changed): an empty or over-long reason, a bill that is
    paid or already cancelled (checked on the locked row, so a concurrent payment wins cleanly).
    Audited MAKEUP_CREATED with ``change: cancelled`` (core has no cancel action for bills);
    MAKEUP webhook CANCEL.
    """
    reason = (reason or "").strip()
    if not reason:
        raise PaymentRefused(_("a reason is required"))
    if len(reason) > MAKEUP_REASON_MAX:
        raise PaymentRefused(
            _("the reason is at most %(max)s characters") % {"max": MAKEUP_REASON_MAX}
        )
    locked = (
        Makeup.objects.select_for_update(of=("self",), no_key=True)
        .select_related("merchant")
        .get(pk=makeup.pk)
    )
    if locked.status != MakeupStatus.UNPAID:
        raise PaymentRefused(
            _("bill %(code)s is %(status)s")
            % {"code": locked.code, "status": locked.get_status_display().lower()}
        )
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
        raise PaymentRefused(_("orderCodes is empty"))
    bills = list(
        Makeup.objects.select_for_update(of=("self",), no_key=True)
        .filter(merchant=merchant, code__in=codes)
        .order_by("pk")
    )
    missing = sorted(set(codes) - {b.code for b in bills})
    if missing:
        raise OrderNotFound(_("supplementary bill %(code)s not found") % {"code": missing[0]})
    closed = [b.code for b in bills if b.status != MakeupStatus.UNPAID]
    if closed:
        raise PaymentRefused(
            _("supplementary bill %(code)s is not awaiting payment") % {"code": closed[0]},
            code=ORDER_PAYMENT_FAILED,
        )
    if len({b.currency for b in bills}) != 1:
        raise PaymentRefused(
            _("bills in different currencies cannot be paid together"), code=ORDER_PAYMENT_FAILED
        )
    groups = {(b.pay_order_code, b.pay_id) for b in bills}
    code, pay_id = groups.pop() if len(groups) == 1 else ("", "")
    if not code or Makeup.objects.filter(pay_order_code=code).count() != len(bills):
        code, pay_id = prefixed_code(PAY_ORDER_PREFIX), new_public_id()
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
    actor: Actor = None,
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
        raise PaymentRefused(_("no supplementary bills to pay"), code=ORDER_PAYMENT_FAILED)
    locked = list(
        Makeup.objects.select_for_update(of=("self",))
        .filter(pk__in=[m.pk for m in makeups])
        .select_related("merchant", "related_order")
        .order_by("pk")
    )
    if len(locked) != len({m.pk for m in makeups}) or any(
        m.merchant_id != merchant.pk for m in locked
    ):
        raise OrderNotFound(_("supplementary bill not found"))
    cancelled = [m.code for m in locked if m.status == MakeupStatus.CANCELLED]
    if cancelled:
        raise PaymentRefused(
            _("supplementary bill %(code)s is cancelled") % {"code": cancelled[0]},
            code=ORDER_PAYMENT_FAILED,
        )
    due = [m for m in locked if m.status == MakeupStatus.UNPAID]
    if not due:
        return already_paid(Payment.objects.filter(makeup__in=locked))
    if len({m.currency for m in due}) != 1:
        raise PaymentRefused(
            _("bills in different currencies cannot be paid together"), code=ORDER_PAYMENT_FAILED
        )
    currency = due[0].currency
    total = sum(m.amount_minor for m in due)
    products = sum(m.amount_minor for m in due if m.type == MakeupType.PRODUCT)
    freight = total - products
    wallet_funds_check(merchant=merchant, amount_minor=total, currency=currency)
    codes = ",".join(m.code for m in due)
    key = (
        f"makeup:{due[0].code}"
        if len(due) == 1
        else f"makeup:{hashlib.sha256(codes.encode()).hexdigest()[:40]}"
    )
    invoice = invoices.invoice_draft_for_payment(
        merchant=merchant,
        orders_or_parent=[o for m in due if (o := m.related_order) is not None],
        breakdown=invoices.PaymentBreakdown(
            products_minor=products,
            freight_minor=freight,
            total_minor=total,
            currency=currency,
            method=Provider.WALLET,
        ),
        lines=[
            {
                "description": f"Supplementary bill {m.code}: {m.get_type_display()}, {m.reason}",
                "amount_minor": m.amount_minor,
            }
            for m in due
        ],
        reference=", ".join(m.code for m in due),
    )
    with payment_posting(
        entries=[
            Posting(
                account=wallet_account(merchant, currency), amount_minor=-total, currency=currency
            ),
            *revenue_postings(currency=currency, products_minor=products, freight_minor=freight),
        ],
        key=key,
        idempotency_key=merchant_key(merchant, idempotency_key),
        kind=LedgerKind.MAKEUP_PAYMENT,
        memo=f"Supplementary {'bill' if len(due) == 1 else 'bills'} {codes}"[:300],
        merchant=merchant,
        reference_type=ReferenceType.MAKEUP,
        reference_id=due[0].pay_order_code or due[0].code,
        actor=actor,
    ) as txn:
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
            actor=actor if isinstance(actor, User) and actor.is_authenticated else None,
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
    invoice.issue(transaction=txn)
    return PaymentResult(quote=None, transaction=txn, payments=payments)


def makeup_pay(
    *, makeup: Makeup, actor: Actor = None, idempotency_key: str = "", actor_label: str = ""
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
    actor: Actor = None,
    actor_label: str = "",
) -> PaymentResult:
    """``payBalanceV2`` with orderType 24: pay every bill of a ``createPayOrder`` pay order.

    Unknown / other merchant's pay order, or a ``pay_id`` that does not match →
    ``OrderNotFound`` (1603100).
    """
    pay_order_code = (pay_order_code or "").strip()
    bills = list(Makeup.objects.filter(merchant=merchant, pay_order_code=pay_order_code))
    if not pay_order_code or not bills:
        raise OrderNotFound(_("pay order %(code)s not found") % {"code": pay_order_code})
    if pay_id and any(b.pay_id != pay_id for b in bills):
        raise OrderNotFound(
            _("payId %(pay_id)s does not belong to pay order %(code)s")
            % {"pay_id": pay_id, "code": pay_order_code}
        )
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
    provider_reference = provider_charge_check(
        provider=provider, amount_minor=amount_minor, provider_reference=provider_reference
    )
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
        raise OrderNotFound(_("pay order %(code)s not found") % {"code": reference})
    merchant = bills[0].merchant
    currency = (currency or bills[0].currency).upper()
    with translation.override("en"):  # a stored memo, whatever language the request speaks
        provider_name = str(Provider(provider).label)
    txn, created = provider_money_to_wallet(
        merchant=merchant,
        provider=provider,
        amount_minor=amount_minor,
        currency=currency,
        provider_reference=provider_reference,
        memo=f"{provider_name} payment {provider_reference} for pay order {reference}"[:300],
        reference_type=ReferenceType.MAKEUP,
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
    return provider_money_credited(
        merchant=merchant,
        provider=provider,
        provider_reference=provider_reference,
        txn=txn,
        amount_minor=amount_minor,
        about={"pay_order_code": reference},
        why=why,
    )
