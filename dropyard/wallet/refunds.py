"""Refunds: money given back for (part of) a payment of an order or a supplementary bill.

``refund_issue`` is the one write path (order cancellation, dispute outcomes, finance). Rules:

- **Never more than was paid.** Each ``Payment`` row is what one order (or bill) cost the
  merchant (``net_minor``, after the wallet discount). The refunds of a payment sum to at most
  that; the payment row is locked while the check and the posting happen, so two concurrent
  refunds cannot both pass. Partial refunds are allowed; ``amount_minor=None`` refunds what
  is left.
- **Destination.** To the wallet by default. A card / PayPal payment goes back to its source
  when that provider is configured "refund to source"
  (``DROPYARD_REFUND_TO_SOURCE = {"stripe": True, …}``, default: none). Orders already closed
  (DELIVERED) are refunded to the wallet, always. An explicit ``destination`` may override the
  default, except "source" for a wallet payment or a closed order.
- **Ledger** (one transaction, sums to zero): the revenue the payment posted is taken back in
  the same proportions (``refund_split``: freight and discount pro rata, products the rest, so
  a full refund undoes the payment exactly), against the merchant's WALLET_AVAILABLE (wallet
  refunds) or REFUNDS_PAYABLE for the provider (refunds to source: a liability until the
  provider accepts the refund — ``refund_send`` — then moved to PROVIDER_CASH).
- Card refunds tell the merchant to expect 5–10 business days. Audited REFUND_ISSUED; credit
  note issued (``invoices.credit_note_issue``) in the same transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount, User
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.errors import NotFound
from dropyard.core.ids import code_public_id
from dropyard.core.money import Money
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order

from . import invoices, selectors
from .choices import (
    CODE_PREFIXES,
    AccountKind,
    LedgerKind,
    Provider,
    ReferenceType,
    RefundDestination,
    RefundStatus,
)
from .exceptions import WalletError
from .ledger import Posting, account_for, ledger_post
from .models import Makeup, Payment, Refund
from .providers import ProviderNotConfigured, get_provider
from .providers.base import ProviderError, RefundResult

REASON_MAX = 300
CARD_MESSAGE = "Refunded to your card: expect 5–10 business days for it to appear."
PAYPAL_MESSAGE = "Refunded to your PayPal account: expect 3–5 business days."
SOURCE_MESSAGE = "Refunded to the original payment method."
WALLET_MESSAGE = "Refunded to your wallet balance."


class RefundRefused(WalletError):
    """A refund cannot be issued (more than was paid, nothing paid, wrong destination…)."""

    http_status = 409


class RefundNotFound(NotFound):
    """No such refund or payment for this merchant."""


# --- Pure rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundSplit:
    """How much of a refund each revenue account gives back (products + freight − discount)."""

    products_minor: int
    freight_minor: int
    discount_minor: int


def _reversed_so_far(payment: Payment, refunded_minor: int) -> RefundSplit:
    # Pro rata of the net refunded, rounded down for freight and discount; products take the
    # rest. At refunded == net this gives back exactly what the payment posted.
    net = payment.net_minor
    if net <= 0 or refunded_minor <= 0:
        return RefundSplit(0, 0, 0)
    freight = payment.freight_minor * refunded_minor // net
    discount = payment.discount_minor * refunded_minor // net
    return RefundSplit(refunded_minor - freight + discount, freight, discount)


def refund_split(payment: Payment, already_minor: int, amount_minor: int) -> RefundSplit:
    """The revenue a refund of ``amount_minor`` takes back, after ``already_minor`` refunded.

    Computed as the difference of cumulative pro-rata shares, so any sequence of partial
    refunds that adds up to the net paid reverses products, freight and discount exactly.
    """
    before = _reversed_so_far(payment, already_minor)
    after = _reversed_so_far(payment, already_minor + amount_minor)
    return RefundSplit(
        products_minor=after.products_minor - before.products_minor,
        freight_minor=after.freight_minor - before.freight_minor,
        discount_minor=after.discount_minor - before.discount_minor,
    )


def refund_to_source_enabled(provider: str) -> bool:
    """Whether ``provider``'s payments are refunded to their source (setting per provider)."""
    return bool(getattr(settings, "DROPYARD_REFUND_TO_SOURCE", {}).get(provider, False))


def refund_destination(*, method: str, order_closed: bool, requested: str | None = None) -> str:
    """The destination rule (see the module docstring). ``RefundRefused`` for a request the
    rules forbid."""
    if requested not in (None, "", *RefundDestination.values):
        raise RefundRefused(
            _("destination must be one of %(destinations)s")
            % {"destinations": ", ".join(RefundDestination.values)}
        )
    if requested == RefundDestination.SOURCE:
        if method == Provider.WALLET:
            raise RefundRefused(_("a wallet payment is refunded to the wallet"))
        if order_closed:
            raise RefundRefused(_("orders already delivered are refunded to the wallet"))
        return RefundDestination.SOURCE
    if requested == RefundDestination.WALLET:
        return RefundDestination.WALLET
    if method != Provider.WALLET and not order_closed and refund_to_source_enabled(method):
        return RefundDestination.SOURCE
    return RefundDestination.WALLET


def refund_message(destination: str, method: str) -> str:
    if destination == RefundDestination.WALLET:
        return WALLET_MESSAGE
    if method == Provider.STRIPE:
        return CARD_MESSAGE
    if method == Provider.PAYPAL:
        return PAYPAL_MESSAGE
    return SOURCE_MESSAGE


# --- Issuing ------------------------------------------------------------------------------------


def _payment_for(
    merchant: MerchantAccount,
    *,
    order: Order | None,
    makeup: Makeup | None,
    payment: Payment | None,
) -> Payment:
    if sum(x is not None for x in (order, makeup, payment)) != 1:
        raise RefundRefused(_("refund exactly one of: an order, a supplementary bill, a payment"))
    qs = Payment.objects.select_for_update(of=("self",), no_key=True).filter(merchant=merchant)
    if payment is not None:
        found = qs.filter(pk=payment.pk).first()
    elif order is not None:
        if order.merchant_id != merchant.pk:
            raise RefundNotFound(_("order not found"))
        found = qs.filter(order_id=order.pk).first()
        if found is None:
            raise RefundRefused(
                _("order %(code)s was not paid: there is nothing to refund") % {"code": order.code}
            )
    else:
        assert makeup is not None  # the caller gives exactly one of payment, order, makeup
        if makeup.merchant_id != merchant.pk:
            raise RefundNotFound(_("supplementary bill not found"))
        found = qs.filter(makeup_id=makeup.pk).first()
        if found is None:
            raise RefundRefused(
                _("bill %(code)s was not paid: there is nothing to refund") % {"code": makeup.code}
            )
    if found is None:
        raise RefundNotFound(_("payment not found"))
    return found


def refunded_minor(payment: Payment) -> int:
    """What has been refunded of ``payment`` so far."""
    return payment.refunds.aggregate(total=Sum("amount_minor"))["total"] or 0


def _postings(payment: Payment, split: RefundSplit, amount: int, destination: str) -> list[Posting]:
    currency = payment.currency
    if destination == RefundDestination.WALLET:
        target = account_for(
            merchant=payment.merchant, kind=AccountKind.WALLET_AVAILABLE, currency=currency
        )
    else:
        target = account_for(
            kind=AccountKind.REFUNDS_PAYABLE, provider=payment.method, currency=currency
        )
    postings = [Posting(account=target, amount_minor=amount, currency=currency)]
    for kind, delta in (
        (AccountKind.ORDER_REVENUE, -split.products_minor),
        (AccountKind.FREIGHT_REVENUE, -split.freight_minor),
        (AccountKind.DISCOUNTS_GIVEN, split.discount_minor),
    ):
        if delta:
            postings.append(
                Posting(
                    account=account_for(kind=kind, currency=currency),
                    amount_minor=delta,
                    currency=currency,
                )
            )
    return postings


@transaction.atomic
def refund_issue(
    *,
    merchant: MerchantAccount,
    order: Order | None = None,
    makeup: Makeup | None = None,
    payment: Payment | None = None,
    amount_minor: int | None = None,
    reason: str,
    actor: Actor = None,
    idempotency_key: str,
    destination: str | None = None,
    actor_label: str = "",
) -> Refund:
    """Refund ``amount_minor`` (default: everything not yet refunded) of what ``order`` /
    ``makeup`` / ``payment`` cost the merchant; see the module docstring for the rules.

    Idempotent on ``idempotency_key``: the same key returns the same refund and posts nothing
    (a different target under a used key is refused). Refused (``RefundRefused``, nothing
    changed): nothing paid, a non-positive or non-integer amount, more than what is left, a
    forbidden destination, an empty reason. Another merchant's order → ``RefundNotFound``.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 190:
        raise RefundRefused(_("an idempotency key (at most 190 characters) is required"))
    reason = (reason or "").strip()
    if not reason:
        raise RefundRefused(_("a reason is required"))
    locked = _payment_for(merchant, order=order, makeup=makeup, payment=payment)
    existing = Refund.objects.filter(merchant=merchant, idempotency_key=key).first()
    if existing is not None:
        if existing.payment_id != locked.pk:
            raise RefundRefused(_("that idempotency key was used for another refund"))
        return existing
    already = refunded_minor(locked)
    left = locked.net_minor - already
    amount = left if amount_minor is None else amount_minor
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        if amount_minor is None:
            raise RefundRefused(_("this payment is already refunded in full"))
        raise RefundRefused(_("the amount must be a positive whole number of minor units"))
    if amount > left:
        raise RefundRefused(
            _(
                "at most %(left)s %(currency)s can be refunded (paid %(paid)s, refunded "
                "%(refunded)s)"
            )
            % {
                "left": Money(left, locked.currency).wire(),
                "currency": locked.currency,
                "paid": Money(locked.net_minor, locked.currency).wire(),
                "refunded": Money(already, locked.currency).wire(),
            },
            extra={"refundable_minor": left},
        )
    target_order = locked.order
    closed = target_order is not None and target_order.status == OrderStatus.DELIVERED
    dest = refund_destination(method=locked.method, order_closed=closed, requested=destination)
    split = refund_split(locked, already, amount)
    bill = locked.makeup  # a payment is for an order or for a supplementary bill
    what = target_order.code if target_order is not None else (bill.code if bill else "")
    txn, created = ledger_post(
        entries=_postings(locked, split, amount, dest),
        idempotency_key=f"refund:{merchant.pk}:{key}",
        kind=LedgerKind.REFUND,
        memo=f"Refund of {what} to {dest}: {reason}"[:300],
        merchant=merchant,
        reference_type=ReferenceType.ORDER if target_order is not None else ReferenceType.MAKEUP,
        reference_id=target_order.public_id if target_order is not None else what,
        actor=actor,
    )
    if not created:
        raise RefundRefused(_("that idempotency key was used for another refund"))
    refund = Refund.objects.create(
        idempotency_key=key,
        merchant=merchant,
        payment=locked,
        order=target_order,
        amount_minor=amount,
        currency=locked.currency,
        destination=dest,
        provider=locked.method,
        status=RefundStatus.COMPLETED if dest == RefundDestination.WALLET else RefundStatus.PENDING,
        reason=reason[:REASON_MAX],
        message=refund_message(dest, locked.method),
        transaction=txn,
        created_by=actor if isinstance(actor, User) and actor.is_authenticated else None,
    )
    audit_record(
        action=AuditAction.REFUND_ISSUED,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label,
        merchant=merchant,
        target=refund,
        details={
            "refund": refund.public_id,
            "what": what,
            "amount_minor": amount,
            "currency": refund.currency,
            "destination": dest,
            "method": locked.method,
            "reason": reason[:REASON_MAX],
            "transaction": txn.public_id,
        },
    )
    invoices.credit_note_issue(
        merchant=merchant,
        transaction=txn,
        amount_minor=amount,
        currency=refund.currency,
        original_invoice=selectors.invoice_for_order(order=target_order)
        if target_order is not None
        else None,
        reference=refund.code,
        reason=reason[:REASON_MAX],
        orders=[target_order] if target_order is not None else [],
    )
    if dest == RefundDestination.SOURCE:
        transaction.on_commit(lambda: refund_send_safely(refund_id=refund.pk))
    return refund


def refund_for_cancelled_order(
    *, order: Order, actor: Actor = None, actor_label: str = ""
) -> Refund | None:
    """The automatic refund when a paid order is cancelled before shipping: everything not yet
    refunded (key ``cancel:<public_id>``: once per order), to the default destination
    (``refund_destination`` with nothing requested): the wallet, or back to the card / PayPal
    account when that provider is configured "refund to source". None when the order was
    never paid (or is already refunded in full)."""
    payment = Payment.objects.filter(order_id=order.pk).first()
    if payment is None or refunded_minor(payment) >= payment.net_minor:
        return None
    return refund_issue(
        merchant=order.merchant,
        order=order,
        reason=f"order {order.code} cancelled before shipping",
        actor=actor,
        idempotency_key=f"cancel:{order.public_id}",
        destination=None,  # the configured rule decides (wallet, or refund to source)
        actor_label=actor_label,
    )


MANUAL_TOKEN_MAX = 64


def refund_manual(
    *,
    order: Order,
    amount_minor: int | None,
    reason: str,
    destination: str | None,
    actor: Actor,
    request_token: str,
) -> Refund:
    """Finance's manual refund of (part of) what ``order`` cost the merchant: ``refund_issue``
    with every rule of it (never more than paid minus refunded; destination per
    ``refund_destination``; ledger, credit note and REFUND_ISSUED audit in one transaction),
    plus a ``refund`` row in the order's history.

    ``request_token`` is the refund form's one-time token: the key ``manual:<order public
    id>:<token>`` makes a double submit (or two concurrent ones) issue one refund — the second
    returns the first and posts nothing. ``amount_minor`` None refunds what is left.
    """
    token = (request_token or "").strip()
    if not token or len(token) > MANUAL_TOKEN_MAX:
        raise RefundRefused(_("the refund form expired: open it again"))
    key = f"manual:{order.public_id}:{token}"
    with transaction.atomic():
        # The payment row lock (the one refund_issue takes) first: a concurrent submit of the
        # same form waits here, then sees the first one's refund and only replays it.
        list(
            Payment.objects.select_for_update(of=("self",), no_key=True)
            .filter(order_id=order.pk)
            .values_list("pk", flat=True)
        )
        replay = Refund.objects.filter(merchant_id=order.merchant_id, idempotency_key=key).exists()
        refund = refund_issue(
            merchant=order.merchant,
            order=order,
            amount_minor=amount_minor,
            reason=reason,
            actor=actor,
            idempotency_key=key,
            destination=destination or None,
        )
        if not replay:
            order_services.order_note(
                order,
                kind="refund",
                note=f"refunded {Money(refund.amount_minor, refund.currency).wire()} "
                f"{refund.currency} to {refund.destination}: {refund.reason}"[:500],
                actor=actor,
            )
    return refund


# --- Sending refunds to their source -------------------------------------------------------------


@transaction.atomic
def refund_send(*, refund: Refund) -> Refund:
    """Ask the provider to refund a PENDING refund to source; on success move the amount from
    REFUNDS_PAYABLE to PROVIDER_CASH and mark it SENT (once: the refund row is locked and the
    posting key is ``refund-sent:<public_id>``). ``ProviderNotConfigured`` / ``ProviderError``
    leave it PENDING (finance sees it in the refunds queue).

    The provider call happens with the row locked; its own idempotency key
    (``refund:<public_id>``) makes a retry after a crash safe on the provider's side.
    """
    locked = (
        Refund.objects.select_for_update(of=("self",)).select_related("payment").get(pk=refund.pk)
    )
    if locked.status != RefundStatus.PENDING:
        return locked
    if locked.provider == Provider.SANDBOX:
        # The sandbox provider holds no real money: its refunds are accepted at once.
        result = RefundResult(refund_id=f"sandbox-refund-{locked.public_id}", status="succeeded")
    else:
        result = get_provider(locked.provider).refund(
            provider_reference=locked.payment.provider_reference,
            amount_minor=locked.amount_minor,
            currency=locked.currency,
            idempotency_key=f"refund:{locked.public_id}",
            reason=locked.reason,
        )
    currency = locked.currency
    ledger_post(
        entries=[
            Posting(
                account=account_for(
                    kind=AccountKind.REFUNDS_PAYABLE, provider=locked.provider, currency=currency
                ),
                amount_minor=-locked.amount_minor,
                currency=currency,
            ),
            Posting(
                account=account_for(
                    kind=AccountKind.PROVIDER_CASH, provider=locked.provider, currency=currency
                ),
                amount_minor=locked.amount_minor,
                currency=currency,
            ),
        ],
        idempotency_key=f"refund-sent:{locked.public_id}",
        kind=LedgerKind.REFUND_SENT,
        memo=f"Refund {locked.public_id} sent via {locked.provider}: {result.refund_id}"[:300],
        merchant=locked.merchant,
        reference_type=ReferenceType.REFUND,
        reference_id=locked.public_id,
    )
    locked.status = RefundStatus.SENT
    locked.provider_reference = result.refund_id[:255]
    locked.sent_at = timezone.now()
    locked.save(update_fields=["status", "provider_reference", "sent_at"])
    return locked


def refund_send_safely(*, refund_id: int) -> None:
    """``refund_send`` after commit: a provider that is not configured or refuses leaves the
    refund PENDING (owed, in REFUNDS_PAYABLE) for finance instead of failing the caller."""
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None:
        return
    try:
        refund_send(refund=refund)
    except (ProviderNotConfigured, ProviderError):
        return


# --- Selectors ----------------------------------------------------------------------------------


def refunds_list(
    *,
    merchant: MerchantAccount | None = None,
    status: str = "",
    destination: str = "",
    q: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> QuerySet[Refund]:
    """Refunds, newest first; scoped to ``merchant`` when given (else: finance's queue).
    ``status`` / ``destination`` filter when they are valid values (others are ignored);
    ``q`` matches the refund's code (RF…), the order's code or number, the reason, and on
    finance's queue the merchant's account number or name; ``date_from`` / ``date_to`` bound
    the creation time (half-open)."""
    qs = Refund.objects.select_related("merchant", "order", "payment", "transaction")
    if merchant is not None:
        qs = qs.filter(merchant=merchant)
    search = q.strip()
    if search:
        refund_id = code_public_id(CODE_PREFIXES["refund"], search)
        match = (
            Q(order__code__iexact=search)
            | Q(order__order_number__iexact=search)
            | Q(reason__icontains=search)
        )
        if refund_id or search.isdigit():
            match |= Q(public_id=refund_id or search)
        if merchant is None:
            match |= Q(merchant__account_number__iexact=search) | Q(
                merchant__business_name__icontains=search
            )
        qs = qs.filter(match)
    qs = selectors.created_between(qs, date_from, date_to, "created_at")
    if status in RefundStatus.values:
        qs = qs.filter(status=status)
    if destination in RefundDestination.values:
        qs = qs.filter(destination=destination)
    return qs.order_by("-created_at", "-pk")
