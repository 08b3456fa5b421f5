"""Write paths for card and PayPal money on the wallet's side: starting payments, storing the
providers' verified events, and crediting or failing the top-ups they settle.

Acting on an event is the checkout's job (``checkout.provider_events``): an event may pay
orders, which the wallet cannot do. It stores the event here (``provider_event_store``), claims
it (``provider_event_claim``: row locked, payload interpreted), hands a top-up's outcome back
here (``provider_topup_paid`` / ``provider_topup_failed``) or a page payment's to the payment
pipeline, and records the outcome (``provider_event_record``).

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

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.errors import DomainError
from dropyard.wallet import topups
from dropyard.wallet.choices import TopUpStatus
from dropyard.wallet.models import ProviderEvent, TopUp

from . import get_provider, paypal_provider, stripe_provider
from .base import Charge, ProviderError, StartResult, VerifiedEvent

# How a stored payload is read again (a replay or finance's retry re-reads the stored row).
INTERPRETERS: dict[str, Callable[[dict[str, Any]], VerifiedEvent]] = {
    "stripe": stripe_provider.interpret_event,
    "paypal": paypal_provider.interpret_event,
}


# --- Starting payments ------------------------------------------------------------------------


def provider_topup_start(
    *,
    merchant: MerchantAccount,
    provider: str,
    amount_minor: int,
    actor: Actor,
    urls: Callable[[TopUp], tuple[str, str]],
    currency: str = "USD",
) -> tuple[TopUp, StartResult]:
    """Create a PENDING top-up and open the provider's hosted payment page for it.

    ``urls(topup)`` gives the (return, cancel) URLs for the browser. Minimum amount and fee
    come from ``wallet.topups.topup_create`` (``TopUpRefused``). When the provider refuses
    or cannot be reached, the top-up is marked FAILED with the reason and ``ProviderError`` is
    raised: nothing was charged. Not atomic on purpose (no transaction across the HTTP call).
    """
    adapter = get_provider(provider)
    topup = topups.topup_create(
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
        topups.topup_fail(topup=topup, reason=f"could not start: {exc.message}")
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

    The payment pipeline owns the order state: when the provider's verified event arrives,
    ``checkout.services.parent_order_paid_by_provider`` is called with this ``reference``
    (a ``BTP…`` bills' pay order: ``wallet.bills.makeup_pay_order_paid_by_provider``). Raises
    ProviderNotConfigured / ProviderError; nothing is stored here.
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


def provider_event_store(*, provider: str, event: VerifiedEvent) -> tuple[ProviderEvent, bool]:
    """Store a verified event once; return ``(row, created)`` (a replay returns the stored row
    and ``created`` False). Acting on it is ``checkout.provider_events``' job."""
    try:
        with transaction.atomic():
            row = ProviderEvent.objects.create(
                provider=provider,
                event_id=event.event_id[:255],
                event_type=event.event_type[:100],
                payload=event.payload,
                signature_ok=True,
            )
    except IntegrityError:
        return ProviderEvent.objects.get(provider=provider, event_id=event.event_id[:255]), False
    return row, True


def provider_event_claim(*, event: ProviderEvent) -> tuple[ProviderEvent, VerifiedEvent | None]:
    """Lock a stored event for acting on it (inside the caller's transaction) and read it again.

    Returns ``(row, verified)``; ``verified`` is None when there is nothing to act on: the
    event was processed already (concurrent deliveries act once), or it is not a verified card
    or PayPal event (recorded on the row as its ``error``).
    """
    row = ProviderEvent.objects.select_for_update(of=("self",), no_key=True).get(pk=event.pk)
    if row.processed_at is not None:
        return row, None
    interpret = INTERPRETERS.get(row.provider)
    if interpret is None or not row.signature_ok:
        row.error = "not a verified card or PayPal event"
        row.save(update_fields=["error"])
        return row, None
    return row, interpret(row.payload)


def provider_event_record(*, row: ProviderEvent, error: str) -> ProviderEvent:
    """Record the outcome of acting on a claimed event: done (``processed_at`` set, ``error``
    cleared) or refused with why (``processed_at`` left empty, so finance can retry it)."""
    row.error = error[:500]
    if not error:
        row.processed_at = timezone.now()
    row.save(update_fields=["error", "processed_at"])
    return row


def _lookup_topup(provider: str, reference: str) -> TopUp | None:
    return (
        TopUp.objects.select_related("merchant")
        .filter(public_id=reference, provider=provider)
        .first()
    )


def provider_topup_paid(*, provider: str, charge: Charge) -> str:
    """Credit the top-up a verified paid event names; return the error ("" when done).

    Refused (nothing posted; the error stays on the event for finance): an unknown top-up, one
    of another merchant than the event names, an amount or currency other than the top-up's.
    A top-up already credited (by the other event of the same payment) is done.
    """
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
        with translation.override("en"):  # the error is stored on the event, for finance
            topups.topup_credit(topup=topup, provider_reference=charge.provider_reference)
    except DomainError as exc:
        return f"paid but not credited: {exc.message}"
    return ""


def provider_topup_failed(*, provider: str, reference: str, reason: str) -> str:
    """Fail the PENDING top-up a verified failed event names; return the error ("" when done).
    A top-up settled or failed already is left as it is (a late expiry changes nothing)."""
    topup = _lookup_topup(provider, reference)
    if topup is None:
        return f"unknown top-up {reference}"
    if topup.status != TopUpStatus.PENDING:
        return ""  # settled or failed already: a late expiry changes nothing
    try:
        with translation.override("en"):  # the error is stored on the event, for finance
            topups.topup_fail(topup=topup, reason=reason)
    except DomainError as exc:
        return exc.message
    return ""


# --- PayPal capture ---------------------------------------------------------------------------


def paypal_capture_event(*, order_id: str) -> VerifiedEvent | None:
    """Capture an approved PayPal order and read the capture as a verified event (PayPal's
    authenticated API answered it), or None when the order has no capture yet.

    Safe to call twice (PayPal captures once); the event's id is the capture's id and status,
    so storing it (``provider_event_store``) logs each capture state once.
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
    return paypal_provider.interpret_event(payload)
