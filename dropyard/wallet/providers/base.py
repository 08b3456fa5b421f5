"""The payment provider adapter interface shared by Stripe, PayPal and the Sandbox.

An adapter turns our intent (top up this wallet, pay this parent order, refund that payment)
into the provider's API calls, and turns the provider's signed callbacks into a
``VerifiedEvent``. It never touches the ledger: ``providers.services`` records every verified
event (``ProviderEvent``) and calls the wallet services (``topup_credit`` / ``topup_fail``) or
the payments callback. Amounts cross this boundary as integer minor units + ISO currency.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from dropyard.core.errors import DomainError

# What a payment is for; carried in the provider's metadata (Stripe) or custom_id (PayPal) so a
# webhook finds its way back without trusting anything else in the payload.
KIND_TOPUP = "topup"
KIND_PAYMENT = "payment"


class ProviderError(DomainError):
    """The provider refused the call or could not be reached. Nothing was changed on our side."""

    http_status = 502


class ProviderNotConfigured(ProviderError):
    """The provider has no credentials in this installation (its options are hidden)."""

    http_status = 404


class WebhookRejected(Exception):  # noqa: N818 - reads as "the webhook was rejected"
    """A callback failed verification (bad signature, stale timestamp, malformed body).

    The endpoint answers 400 and stores nothing: an unverified payload is never acted on.
    """


class WebhookVerificationUnavailable(Exception):  # noqa: N818
    """The provider's verification service could not be reached: answer 503 so it redelivers."""


@dataclass(frozen=True)
class StartResult:
    """What the browser needs to pay: a redirect URL (hosted page) or a client secret.

    ``provider_reference`` is the provider's id for the attempt (Checkout Session, PayPal order).
    """

    provider_reference: str
    redirect_url: str = ""
    client_secret: str = ""


@dataclass(frozen=True)
class RefundResult:
    """A refund accepted by the provider: its id and the provider's status word."""

    refund_id: str
    status: str


@dataclass(frozen=True)
class Charge:
    """A settled payment read from a verified event or a capture answer.

    ``kind`` is KIND_TOPUP (``reference`` = top-up public id) or KIND_PAYMENT (``reference`` =
    the payments side's reference). ``provider_reference`` is what a refund needs later (Stripe
    PaymentIntent id, PayPal capture id).
    """

    kind: str
    reference: str
    amount_minor: int
    currency: str
    provider_reference: str
    merchant_ref: str = ""


@dataclass(frozen=True)
class VerifiedEvent:
    """A callback whose authenticity the provider's own mechanism confirmed.

    ``action`` says what the event means for us: "paid" (``charge`` is set), "failed"
    (``kind``/``reference`` name what failed), "approved" (PayPal: an order waits for capture,
    ``reference`` is the PayPal order id) or "ignore".
    """

    event_id: str
    event_type: str
    payload: dict[str, Any]
    action: str = "ignore"
    charge: Charge | None = None
    kind: str = ""
    reference: str = ""
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class PaymentProvider:
    """One payment provider. Subclasses implement the calls; instances are cheap to build."""

    name: ClassVar[str]
    label: ClassVar[str]

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
        """Open a hosted payment for a top-up; the webhook credits it later."""
        raise NotImplementedError

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
        """Open a hosted payment for a parent payment order (contract payType 1)."""
        raise NotImplementedError

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> VerifiedEvent:
        """Verify a callback over its raw body; raise WebhookRejected when it does not verify."""
        raise NotImplementedError

    def refund(
        self,
        *,
        provider_reference: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        reason: str = "",
    ) -> RefundResult:
        """Refund (part of) a settled payment back to its source; returns the provider's id."""
        raise NotImplementedError
