"""Write paths for card and PayPal money: starting payments and acting on provider events.

Invariants:

- Nothing is credited from a browser redirect or an unverified payload: only a verified
  provider event (or a capture answer read from PayPal's authenticated API) settles money.
- Every such event is stored once (``ProviderEvent`` is unique per provider and event id)
  before it is acted on; a replay is acknowledged without acting twice, and the wallet's own
  idempotency (``topup_credit``, posting key ``topup:<public id>``) backs that up when two
  different events (Checkout's and the PaymentIntent's) settle the same top-up.
- A paid event is credited only when its amount and currency equal the top-up's; anything
  else stays on the event as ``error`` for finance (the events log), and nothing is posted.
- No database transaction is held open across a call to a provider (SQLite write
  transactions lock the whole database): a top-up is created, then the provider is called,
  then the provider's reference is saved.
"""

import importlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dropyard.accounts.models import MerchantAccount
from dropyard.core.enqueue import on_commit_enqueue
from dropyard.core.errors import DomainError
from dropyard.wallet import services as wallet_services
from dropyard.wallet.choices import TopUpStatus
from dropyard.wallet.models import LedgerTransaction, Payment, ProviderEvent, TopUp

from . import get_provider, paypal_provider, stripe_provider
from .base import KIND_PAYMENT, KIND_TOPUP, Charge, ProviderError, StartResult, VerifiedEvent

# How a stored payload is read again (a replay or finance's retry re-reads the stored row).
INTERPRETERS: dict[str, Callable[[dict[str, Any]], VerifiedEvent]] = {
    "stripe": stripe_provider.interpret_event,
    "paypal": paypal_provider.interpret_event,
}
# The payments side's hooks for page payments of parent orders (contract payType 1).
PAYMENTS_MODULE = "dropyard.wallet.payments"
PAID_HOOK = "parent_order_paid_by_provider"
FAILED_HOOK = "parent_order_payment_failed_by_provider"
# Card / PayPal payments of supplementary bills: the reference is their pay order (``BTP…``).
MAKEUP_PAID_HOOK = "makeup_pay_order_paid_by_provider"
MAKEUP_PAY_ORDER_PREFIX = "BTP"


# --- Starting payments ------------------------------------------------------------------------


def provider_topup_start(
    *,
    merchant: MerchantAccount,
    provider: str,
    amount_minor: int,
    actor: Any,
    urls: Callable[[TopUp], tuple[str, str]],
    currency: str = "USD",
) -> tuple[TopUp, StartResult]:
    """Create a PENDING top-up and open the provider's hosted payment page for it.

    ``urls(topup)`` gives the (return, cancel) URLs for the browser. Minimum amount and fee
    come from ``wallet.services.topup_create`` (``TopUpRefused``). When the provider refuses
    or cannot be reached, the top-up is marked FAILED with the reason and ``ProviderError`` is
    raised: nothing was charged. Not atomic on purpose (no transaction across the HTTP call).
    """
    adapter = get_provider(provider)
    topup = wallet_services.topup_create(
        merchant=merchant,
        provider=provider,
        amount_minor=amount_minor,
        currency=currency,
        actor=actor,
    )
    return_url, cancel_url = urls(topup)
    try:
        started = adapter.start_topup(
            topup_public_id=topup.public_id,
            merchant_ref=merchant.account_number,
            amount_minor=topup.amount_minor,
            currency=topup.currency,
            return_url=return_url,
            cancel_url=cancel_url,
        )
    except ProviderError as exc:
        wallet_services.topup_fail(topup=topup, reason=f"could not start: {exc.message}")
        raise
    TopUp.objects.filter(pk=topup.pk, status=TopUpStatus.PENDING).update(
        provider_reference=started.provider_reference[:255], updated_at=timezone.now()
    )
    topup.provider_reference = started.provider_reference[:255]
    return topup, started


def provider_payment_start(
    *,
    provider: str,
    amount_minor: int,
    currency: str,
    reference: str,
    description: str,
    return_url: str,
    cancel_url: str = "",
) -> StartResult:
    """Open a hosted page payment of a parent payment order (contract payType 1).

    The payments side owns the order state: when the provider's verified event arrives,
    ``dropyard.wallet.payments.parent_order_paid_by_provider`` is called with this
    ``reference``. Raises ProviderNotConfigured / ProviderError; nothing is stored here.
    """
    return get_provider(provider).start_payment(
        amount_minor=amount_minor,
        currency=currency,
        reference=reference,
        description=description,
        return_url=return_url,
        cancel_url=cancel_url,
    )


# --- Events -----------------------------------------------------------------------------------


def provider_event_receive(*, provider: str, event: VerifiedEvent) -> tuple[ProviderEvent, bool]:
    """Store a verified event once and act on it; return ``(row, created)``.

    A replay of an event already processed returns ``(row, False)`` and does nothing; a replay
    of one whose processing failed (unknown top-up, no handler yet) tries again.
    """
    try:
        with transaction.atomic():
            row = ProviderEvent.objects.create(
                provider=provider,
                event_id=event.event_id[:255],
                event_type=event.event_type[:100],
                payload=event.payload,
                signature_ok=True,
            )
        created = True
    except IntegrityError:
        row = ProviderEvent.objects.get(provider=provider, event_id=event.event_id[:255])
        created = False
    if row.processed_at is None:
        row = provider_event_process(event=row)
    return row, created


def _lookup_topup(provider: str, reference: str) -> TopUp | None:
    return (
        TopUp.objects.select_related("merchant")
        .filter(public_id=reference, provider=provider)
        .first()
    )


def _topup_paid(provider: str, charge: Charge) -> str:
    """Credit the top-up a paid event names; return the error ("" when done)."""
    topup = _lookup_topup(provider, charge.reference)
    if topup is None:
        return f"unknown top-up {charge.reference}"
    if charge.merchant_ref and charge.merchant_ref != topup.merchant.account_number:
        return f"top-up {topup.public_id} belongs to another merchant than the event names"
    if charge.currency != topup.currency or charge.amount_minor != topup.amount_minor:
        return (
            f"amount mismatch: top-up {topup.public_id} is {topup.amount_minor} "
            f"{topup.currency}, the provider reports {charge.amount_minor} {charge.currency}"
        )
    if topup.status == TopUpStatus.SUCCEEDED:
        return ""  # the other event of the same payment credited it already
    try:
        wallet_services.topup_credit(topup=topup, provider_reference=charge.provider_reference)
    except DomainError as exc:
        return f"paid but not credited: {exc.message}"
    return ""


def _topup_failed(provider: str, reference: str, reason: str) -> str:
    topup = _lookup_topup(provider, reference)
    if topup is None:
        return f"unknown top-up {reference}"
    if topup.status != TopUpStatus.PENDING:
        return ""  # settled or failed already: a late expiry changes nothing
    try:
        wallet_services.topup_fail(topup=topup, reason=reason)
    except DomainError as exc:
        return exc.message
    return ""


def _payments_hook(name: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module(PAYMENTS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != PAYMENTS_MODULE:
            raise
        return None
    return getattr(module, name, None)


def _payment_event(provider: str, verified: VerifiedEvent, row: ProviderEvent) -> str:
    """Hand a page payment's outcome to the payments side; return the error ("" when done)."""
    if verified.action == "paid":
        hook = _payments_hook(PAID_HOOK)
        if hook is None:
            return f"no handler for page payments ({PAYMENTS_MODULE}.{PAID_HOOK} is missing)"
        charge = verified.charge
        assert charge is not None
        if _payment_settled(provider, charge.provider_reference):
            return ""  # another event of the same capture/intent settled it already
        if charge.reference.startswith(MAKEUP_PAY_ORDER_PREFIX):
            hook = _payments_hook(MAKEUP_PAID_HOOK)  # supplementary bills' pay order
            if hook is None:
                return f"no handler for bill payments ({PAYMENTS_MODULE}.{MAKEUP_PAID_HOOK})"
        kwargs = {
            "provider": provider,
            "reference": charge.reference,
            "amount_minor": charge.amount_minor,
            "currency": charge.currency,
            "provider_reference": charge.provider_reference,
            "event": row,
        }
    else:
        hook = _payments_hook(FAILED_HOOK)
        if hook is None:
            return ""  # nothing was paid; the parent order simply stays unpaid
        kwargs = {
            "provider": provider,
            "reference": verified.reference,
            "reason": verified.reason,
            "event": row,
        }
    try:
        hook(**kwargs)
    except DomainError as exc:
        return exc.message
    return ""


def _payment_settled(provider: str, provider_reference: str) -> bool:
    """Whether the payments side already took this provider payment (paid orders with it, or
    credited it to the wallet): PayPal reports one capture twice (our capture answer and the
    PAYMENT.CAPTURE.COMPLETED webhook)."""
    if not provider_reference:
        return False
    if Payment.objects.filter(method=provider, provider_reference=provider_reference).exists():
        return True
    key = f"provider-credit:{provider}:{provider_reference}"[:200]
    return LedgerTransaction.objects.filter(idempotency_key=key).exists()


def _act(provider: str, verified: VerifiedEvent, row: ProviderEvent) -> str:
    if verified.action == "approved":
        # A PayPal order the buyer approved but we have not captured (the buyer never came
        # back to the return page): capture it in the background, never inside this request.
        on_commit_enqueue(
            "dropyard.wallet.providers.tasks.paypal_order_capture",
            order_id=verified.extra["order_id"],
        )
        return ""
    if verified.action not in ("paid", "failed"):
        return ""
    if verified.kind == KIND_PAYMENT:
        return _payment_event(provider, verified, row)
    if verified.kind != KIND_TOPUP:
        return f"unknown payment kind {verified.kind!r}"
    if verified.action == "paid":
        assert verified.charge is not None
        return _topup_paid(provider, verified.charge)
    return _topup_failed(provider, verified.reference, verified.reason)


@transaction.atomic
def provider_event_process(*, event: ProviderEvent) -> ProviderEvent:
    """Act on a stored, verified event once: credit or fail its top-up, or call payments.

    The row is locked, so concurrent deliveries of one event act once; an event already
    processed is returned unchanged. Success sets ``processed_at`` and clears ``error``; a
    refusal (unknown top-up, amount mismatch, no handler) leaves ``processed_at`` empty and
    records why in ``error`` — nothing is posted — so finance can see and retry it.
    """
    row = ProviderEvent.objects.select_for_update().get(pk=event.pk)
    if row.processed_at is not None:
        return row
    interpret = INTERPRETERS.get(row.provider)
    if interpret is None or not row.signature_ok:
        row.error = "not a verified card or PayPal event"
        row.save(update_fields=["error"])
        return row
    verified = interpret(row.payload)
    try:
        with transaction.atomic():
            error = _act(row.provider, verified, row)
    except DomainError as exc:
        error = exc.message
    row.error = error[:500]
    if not error:
        row.processed_at = timezone.now()
    row.save(update_fields=["error", "processed_at"])
    return row


def provider_event_retry(*, event: ProviderEvent, actor: Any) -> ProviderEvent:
    """Finance retries an event that could not be processed (after fixing its cause).

    Refused (``DomainError``) for an event already processed. Audited by what it causes
    (``topup_credit`` records TOPUP_CREDITED).
    """
    if event.processed_at is not None:
        raise DomainError("This event was processed already.")
    return provider_event_process(event=event)


# --- PayPal capture ---------------------------------------------------------------------------


def paypal_order_capture(*, order_id: str) -> ProviderEvent | None:
    """Capture an approved PayPal order and act on the capture (credit when COMPLETED).

    Called from the return page and by the task behind ``CHECKOUT.ORDER.APPROVED``; safe to
    run twice (PayPal captures once; the capture is logged once per id and status). Returns
    the logged capture event, or None when the order has no capture yet.
    """
    adapter = get_provider("paypal")
    assert isinstance(adapter, paypal_provider.PayPalProvider)
    order = adapter.capture_order(order_id=order_id)
    captures = paypal_provider.order_captures(order)
    if not captures:
        return None
    capture = captures[0]
    capture_id, status = str(capture.get("id") or ""), str(capture.get("status") or "")
    if not capture_id:
        raise ProviderError("PayPal answered a capture without an id")
    event_id = f"capture-{capture_id}-{status}"
    payload = {
        "id": event_id,
        "event_type": paypal_provider.CAPTURE_ANSWER,
        "resource": capture,
        "order_id": order_id,
    }
    verified = paypal_provider.interpret_event(payload)
    row, _ = provider_event_receive(provider="paypal", event=verified)
    return row
