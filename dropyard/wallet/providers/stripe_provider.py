"""Card payments through Stripe, with the official ``stripe`` library (``StripeClient``).

Top-ups and page payments open a hosted Checkout Session; money is credited only when Stripe's
signed ``checkout.session.completed`` (paid), ``checkout.session.async_payment_succeeded`` or
``payment_intent.succeeded`` webhook arrives, verified by ``StripeClient.construct_event`` over
the raw body and the ``Stripe-Signature`` header. Every Checkout Session and its PaymentIntent
carry the same metadata (``dropyard_kind``, ``dropyard_ref``, ``dropyard_merchant``), so both
events lead back to one top-up; the wallet credits it once. A page payment settles from the
Checkout Session's event only (its PaymentIntent's event is recorded and ignored).

Outbound calls go through ``HttpxStripeClient``: the library's own request building, retries and
error mapping, over our httpx client (timeouts, and the test transport).
"""

import json
from collections.abc import Mapping
from typing import Any

import httpx
import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from .base import (
    KIND_PAYMENT,
    KIND_TOPUP,
    Charge,
    PaymentProvider,
    ProviderError,
    ProviderNotConfigured,
    RefundResult,
    StartResult,
    VerifiedEvent,
    WebhookRejected,
)
from .http import provider_client

# Events that settle a payment; the rest of what an endpoint may be subscribed to is recorded
# and ignored.
PAID_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "payment_intent.succeeded",
    }
)
FAILED_EVENTS = frozenset({"checkout.session.expired", "checkout.session.async_payment_failed"})


class HttpxStripeClient(stripe.HTTPClient):
    """The stripe library's HTTP layer over httpx (sends the library's encoded body as is)."""

    name = "httpx-dropyard"

    def __init__(self) -> None:
        super().__init__()
        self._client = provider_client()

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        try:
            response = self._client.request(method, url, headers=headers, content=post_data)
        except httpx.HTTPError as exc:
            raise stripe.APIConnectionError(
                f"Could not reach Stripe ({type(exc).__name__})", should_retry=True
            ) from exc
        return response.content, response.status_code, response.headers

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError("Dropyard makes no streaming calls to Stripe")

    def close(self) -> None:
        self._client.close()


def stripe_configured() -> bool:
    return bool(settings.DROPYARD_STRIPE_SECRET_KEY and settings.DROPYARD_STRIPE_WEBHOOK_SECRET)


def _metadata(kind: str, reference: str, merchant_ref: str = "") -> dict[str, str]:
    data = {"dropyard_kind": kind, "dropyard_ref": reference}
    if merchant_ref:
        data["dropyard_merchant"] = merchant_ref
    return data


class StripeProvider(PaymentProvider):
    """Stripe Checkout for top-ups and page payments; refunds against the PaymentIntent."""

    name = "stripe"
    label = "Card (Stripe)"

    def __init__(self) -> None:
        if not stripe_configured():
            raise ProviderNotConfigured(_("Card payments are not configured on this installation."))
        self.client = stripe.StripeClient(
            settings.DROPYARD_STRIPE_SECRET_KEY,
            http_client=HttpxStripeClient(),
            max_network_retries=2,
        )

    # --- Outbound --------------------------------------------------------------------------

    def _checkout(
        self,
        *,
        metadata: dict[str, str],
        amount_minor: int,
        currency: str,
        name: str,
        return_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> StartResult:
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": amount_minor,
                        "product_data": {"name": name},
                    },
                }
            ],
            "success_url": return_url,
            "cancel_url": cancel_url or return_url,
            "client_reference_id": metadata["dropyard_ref"],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe refused the payment: {exc.user_message or exc}") from exc
        return StartResult(provider_reference=session.id, redirect_url=session.url or "")

    def start_topup(
        self,
        *,
        topup_public_id: str,
        merchant_ref: str,
        amount_minor: int,
        currency: str,
        return_url: str,
        cancel_url: str,
    ) -> StartResult:
        return self._checkout(
            metadata=_metadata(KIND_TOPUP, topup_public_id, merchant_ref),
            amount_minor=amount_minor,
            currency=currency,
            name=f"Wallet top-up {topup_public_id}",
            return_url=return_url,
            cancel_url=cancel_url,
            idempotency_key=f"dropyard-topup-{topup_public_id}",
        )

    def start_payment(
        self,
        *,
        amount_minor: int,
        currency: str,
        reference: str,
        description: str,
        return_url: str,
        cancel_url: str = "",
    ) -> StartResult:
        return self._checkout(
            metadata=_metadata(KIND_PAYMENT, reference),
            amount_minor=amount_minor,
            currency=currency,
            name=description or f"Payment {reference}",
            return_url=return_url,
            cancel_url=cancel_url,
            idempotency_key=f"dropyard-payment-{reference}-{amount_minor}",
        )

    def refund(
        self,
        *,
        provider_reference: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        reason: str = "",
    ) -> RefundResult:
        params: dict[str, Any] = {"payment_intent": provider_reference, "amount": amount_minor}
        if reason:
            params["metadata"] = {"reason": reason[:500]}
        try:
            refund = self.client.v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe refused the refund: {exc.user_message or exc}") from exc
        return RefundResult(refund_id=refund.id, status=refund.status or "")

    # --- Inbound ---------------------------------------------------------------------------

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> VerifiedEvent:
        try:
            self.client.construct_event(
                body, headers.get("Stripe-Signature"), settings.DROPYARD_STRIPE_WEBHOOK_SECRET
            )
        except stripe.SignatureVerificationError as exc:
            raise WebhookRejected(f"Stripe signature: {exc.user_message or exc}") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise WebhookRejected("Stripe webhook body is not JSON") from exc
        payload = json.loads(body)
        if not isinstance(payload, dict) or not payload.get("id") or not payload.get("type"):
            raise WebhookRejected("Stripe webhook body is not an event")
        return interpret_event(payload)


def interpret_event(payload: dict[str, Any]) -> VerifiedEvent:
    """What a verified Stripe event means for us (pure: reads the payload only)."""
    event_id, event_type = str(payload["id"]), str(payload["type"])
    obj = (payload.get("data") or {}).get("object") or {}
    metadata = obj.get("metadata") or {}
    kind, reference = metadata.get("dropyard_kind", ""), metadata.get("dropyard_ref", "")
    base = {"event_id": event_id, "event_type": event_type, "payload": payload}
    if not kind or not reference:
        return VerifiedEvent(**base, reason="not a Dropyard payment (no dropyard metadata)")
    if event_type in FAILED_EVENTS:
        reason = "checkout expired" if event_type.endswith("expired") else "payment failed"
        return VerifiedEvent(**base, action="failed", kind=kind, reference=reference, reason=reason)
    if event_type not in PAID_EVENTS:
        return VerifiedEvent(**base, kind=kind, reference=reference)
    if kind == KIND_PAYMENT and obj.get("object") != "checkout.session":
        # Page payments settle from their Checkout Session's event alone: paying a parent
        # order is not keyed by the top-up's once-only posting, so one payment must not arrive
        # through two events.
        return VerifiedEvent(
            **base, kind=kind, reference=reference, reason="settled by its Checkout Session"
        )
    if obj.get("object") == "checkout.session":
        if obj.get("payment_status") != "paid":
            # Delayed payment methods complete the session before the money arrives; the
            # async_payment_succeeded event follows.
            return VerifiedEvent(
                **base, kind=kind, reference=reference, reason="session not paid yet"
            )
        amount, intent = obj.get("amount_total"), obj.get("payment_intent") or ""
    else:
        amount, intent = obj.get("amount_received"), obj.get("id") or ""
    if isinstance(intent, dict):
        intent = intent.get("id", "")
    if not isinstance(amount, int) or isinstance(amount, bool):
        return VerifiedEvent(**base, kind=kind, reference=reference, reason="no amount in event")
    charge = Charge(
        kind=kind,
        reference=reference,
        amount_minor=amount,
        currency=str(obj.get("currency") or "").upper(),
        provider_reference=str(intent),
        merchant_ref=metadata.get("dropyard_merchant", ""),
    )
    return VerifiedEvent(**base, action="paid", charge=charge, kind=kind, reference=reference)
