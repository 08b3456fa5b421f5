"""Acting on the payment providers' verified events: top-ups, page payments of orders, bills.

A card / PayPal event (a Stripe webhook, a PayPal webhook, the answer to our PayPal capture) is
stored once by the wallet (``wallet.providers.services.provider_event_store``), then acted on
here, once, with its row locked:

- a top-up's "paid" / "failed" → the wallet credits or fails the top-up;
- a page payment's "paid" → the payment pipeline pays the parent order
  (``checkout.services.parent_order_paid_by_provider``), or, for a ``BTP…`` reference, the
  wallet pays the bills of that pay order (``wallet.bills.makeup_pay_order_paid_by_provider``);
  a "failed" changes nothing (the orders stay awaiting payment);
- a PayPal order approved but not captured → its capture is queued (``checkout.tasks``).

This lives above the wallet because one event may pay orders: the wallet stores and reads
events, the checkout decides what they cause. A refusal leaves the event unprocessed with the
reason (``error``) for finance, who can retry it once the cause is fixed; nothing is posted.
"""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.core.enqueue import on_commit_enqueue
from dropyard.core.errors import DomainError
from dropyard.wallet.bills import PAY_ORDER_PREFIX, makeup_pay_order_paid_by_provider
from dropyard.wallet.models import ProviderEvent
from dropyard.wallet.providers.base import KIND_PAYMENT, KIND_TOPUP, VerifiedEvent
from dropyard.wallet.providers.selectors import provider_payment_settled
from dropyard.wallet.providers.services import (
    paypal_capture_event,
    provider_event_claim,
    provider_event_record,
    provider_event_store,
    provider_topup_failed,
    provider_topup_paid,
)

from .services import parent_order_paid_by_provider, parent_order_payment_failed_by_provider


def provider_event_receive(*, provider: str, event: VerifiedEvent) -> tuple[ProviderEvent, bool]:
    """Store a verified event once and act on it; return ``(row, created)``.

    A replay of an event already processed returns ``(row, False)`` and does nothing; a replay
    of one whose processing failed (unknown top-up, a refused payment) tries again.
    """
    row, created = provider_event_store(provider=provider, event=event)
    if row.processed_at is None:
        row = provider_event_process(event=row)
    return row, created


def _payment_event(provider: str, verified: VerifiedEvent, row: ProviderEvent) -> str:
    """Hand a page payment's outcome to the payment pipeline (or a bills' pay order to the
    wallet); return the error ("" when done)."""
    if verified.action == "paid":
        charge = verified.charge
        assert charge is not None
        if provider_payment_settled(
            provider=provider, provider_reference=charge.provider_reference
        ):
            return ""  # another event of the same capture/intent settled it already
        pay = (
            makeup_pay_order_paid_by_provider  # supplementary bills' pay order
            if charge.reference.startswith(PAY_ORDER_PREFIX)
            else parent_order_paid_by_provider
        )
        try:
            pay(
                provider=provider,
                reference=charge.reference,
                amount_minor=charge.amount_minor,
                currency=charge.currency,
                provider_reference=charge.provider_reference,
                event=row,
            )
        except DomainError as exc:
            return exc.message
        return ""
    try:
        parent_order_payment_failed_by_provider(
            provider=provider, reference=verified.reference, reason=verified.reason, event=row
        )
    except DomainError as exc:
        return exc.message
    return ""


def _act(provider: str, verified: VerifiedEvent, row: ProviderEvent) -> str:
    if verified.action == "approved":
        # A PayPal order the buyer approved but we have not captured (the buyer never came
        # back to the return page): capture it in the background, never inside this request.
        on_commit_enqueue(
            "dropyard.checkout.tasks.paypal_order_capture", order_id=verified.extra["order_id"]
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
        return provider_topup_paid(provider=provider, charge=verified.charge)
    return provider_topup_failed(
        provider=provider, reference=verified.reference, reason=verified.reason
    )


@transaction.atomic
def provider_event_process(*, event: ProviderEvent) -> ProviderEvent:
    """Act on a stored, verified event once: credit or fail its top-up, or pay what it paid.

    The row is locked, so concurrent deliveries of one event act once; an event already
    processed is returned unchanged. Success sets ``processed_at`` and clears ``error``; a
    refusal (unknown top-up, amount mismatch, unknown payment order) leaves ``processed_at``
    empty and records why in ``error`` — nothing is posted — so finance can see and retry it.
    """
    row, verified = provider_event_claim(event=event)
    if verified is None:
        return row
    try:
        # English whoever retries it: a refusal is stored in ``error``.
        with translation.override("en"), transaction.atomic():
            error = _act(row.provider, verified, row)
    except DomainError as exc:
        error = exc.message
    return provider_event_record(row=row, error=error)


def provider_event_retry(*, event: ProviderEvent, actor: Actor) -> ProviderEvent:
    """Finance retries an event that could not be processed (after fixing its cause).

    Refused (``DomainError``) for an event already processed. Audited by what it causes
    (``topup_credit`` records TOPUP_CREDITED, a payment WALLET_PAYMENT).
    """
    if event.processed_at is not None:
        raise DomainError(_("This event was processed already."))
    return provider_event_process(event=event)


def paypal_order_capture(*, order_id: str) -> ProviderEvent | None:
    """Capture an approved PayPal order and act on the capture (credit or pay when COMPLETED).

    Called from the return pages and by the task behind ``CHECKOUT.ORDER.APPROVED``; safe to
    run twice (PayPal captures once; the capture is logged once per id and status). Returns
    the logged capture event, or None when the order has no capture yet.
    """
    verified = paypal_capture_event(order_id=order_id)
    if verified is None:
        return None
    row, _created = provider_event_receive(provider="paypal", event=verified)
    return row
