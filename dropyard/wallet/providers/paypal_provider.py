"""PayPal through the Orders v2 REST API, over httpx.

A top-up or page payment creates an order (intent CAPTURE, one purchase unit whose
``custom_id`` is ``topup:<public id>`` or ``payment:<reference>``) and sends the browser to
PayPal's approve link. Once the buyer approves, we capture the order (on the return page, or on
the ``CHECKOUT.ORDER.APPROVED`` webhook when the buyer never comes back); money is credited on a
COMPLETED capture — the capture answer itself or the ``PAYMENT.CAPTURE.COMPLETED`` webhook,
whichever comes first; the wallet credits once. Webhooks are verified by PayPal's own
``/v1/notifications/verify-webhook-signature`` with our webhook id: only ``SUCCESS`` passes.
"""

import json
from collections.abc import Mapping
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from dropyard.core.money import Money

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
    WebhookVerificationUnavailable,
)
from .http import provider_client

# A capture we read from PayPal's authenticated API ourselves (the return page, the approved
# webhook) is logged as an event of this type; it is handled like the capture webhook.
CAPTURE_ANSWER = "DROPYARD.CAPTURE.ANSWER"
PAID_EVENTS = frozenset({"PAYMENT.CAPTURE.COMPLETED", CAPTURE_ANSWER})
FAILED_EVENTS = frozenset({"PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED"})
APPROVED_EVENTS = frozenset({"CHECKOUT.ORDER.APPROVED"})
VERIFY_PATH = "/v1/notifications/verify-webhook-signature"
# Transmission headers PayPal signs a webhook with, and the verify API's names for them.
TRANSMISSION_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}


def paypal_configured() -> bool:
    return bool(
        settings.DROPYARD_PAYPAL_CLIENT_ID
        and settings.DROPYARD_PAYPAL_CLIENT_SECRET
        and settings.DROPYARD_PAYPAL_WEBHOOK_ID
    )


def custom_id(kind: str, reference: str) -> str:
    return f"{kind}:{reference}"


def parse_custom_id(value: str) -> tuple[str, str]:
    """("topup", public id) / ("payment", reference) / ("", "") for anything else."""
    kind, _sep, reference = (value or "").partition(":")
    if kind in (KIND_TOPUP, KIND_PAYMENT) and reference:
        return kind, reference
    return "", ""


def _amount(value: Any) -> Money | None:
    """A PayPal ``{currency_code, value}`` amount as Money (None when malformed)."""
    if not isinstance(value, dict):
        return None
    try:
        return Money.from_decimal(str(value["value"]), str(value["currency_code"]).upper())
    except (KeyError, ValueError, ArithmeticError, TypeError):
        return None


def order_captures(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The captures of a PayPal order answer, first purchase unit first."""
    return [
        capture
        for unit in order.get("purchase_units") or []
        for capture in ((unit.get("payments") or {}).get("captures") or [])
        if isinstance(capture, dict)
    ]


def _capture_charge(capture: dict[str, Any]) -> tuple[Charge | None, str]:
    """The charge a COMPLETED capture settles, or (None, why not)."""
    kind, reference = parse_custom_id(str(capture.get("custom_id") or ""))
    if not kind:
        return None, "not a Dropyard payment (no custom_id)"
    if capture.get("status") != "COMPLETED":
        return None, f"capture is {capture.get('status') or 'unknown'}, not COMPLETED"
    money = _amount(capture.get("amount"))
    if money is None:
        return None, "no amount in capture"
    charge = Charge(
        kind=kind,
        reference=reference,
        amount_minor=money.amount_minor,
        currency=money.currency,
        provider_reference=str(capture.get("id") or ""),
    )
    return charge, ""


class PayPalProvider(PaymentProvider):
    """PayPal Orders v2: create, capture, refund a capture; webhook verification by PayPal."""

    name = "paypal"
    label = "PayPal"

    def __init__(self) -> None:
        if not paypal_configured():
            raise ProviderNotConfigured(_("PayPal is not configured on this installation."))
        self.http = provider_client(base_url=settings.DROPYARD_PAYPAL_API_BASE.rstrip("/"))
        self._token = ""

    # --- HTTP --------------------------------------------------------------------------------

    def _access_token(self) -> str:
        """OAuth2 client-credentials token (kept for this adapter instance's calls)."""
        if not self._token:
            data = self._send(
                "POST",
                "/v1/oauth2/token",
                data={"grant_type": "client_credentials"},
                auth=(settings.DROPYARD_PAYPAL_CLIENT_ID, settings.DROPYARD_PAYPAL_CLIENT_SECRET),
            )
            self._token = str(data.get("access_token") or "")
            if not self._token:
                raise ProviderError("PayPal gave no access token")
        return self._token

    def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Could not reach PayPal ({type(exc).__name__})") from exc
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {}
        if response.status_code >= 400:
            name = data.get("name") or data.get("error") or response.status_code
            detail = (data.get("details") or [{}])[0].get("issue") if data.get("details") else ""
            message = data.get("message") or data.get("error_description") or ""
            what = f"{name}: {detail}" if detail else str(name)
            raise ProviderError(
                f"PayPal refused the call ({what}) {message}".strip(),
                extra={"status": response.status_code, "name": name, "issue": detail or ""},
            )
        return data if isinstance(data, dict) else {}

    def _api(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        content: bytes | None = None,
        request_id: str = "",
    ) -> dict[str, Any]:
        headers = {
            "Authorization": f"Bearer {self._access_token()}",
            "Content-Type": "application/json",
        }
        if request_id:
            headers["PayPal-Request-Id"] = request_id  # PayPal's idempotency key
        if content is None and body is not None:
            content = json.dumps(body).encode()
        return self._send(method, path, headers=headers, content=content)

    # --- Outbound ----------------------------------------------------------------------------

    def _create_order(
        self,
        *,
        kind: str,
        reference: str,
        amount_minor: int,
        currency: str,
        description: str,
        return_url: str,
        cancel_url: str,
        request_id: str,
    ) -> StartResult:
        money = Money(amount_minor, currency.upper())
        body = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": reference[:256],
                    "custom_id": custom_id(kind, reference)[:127],
                    "description": description[:127],
                    "amount": {"currency_code": money.currency, "value": money.wire()},
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "return_url": return_url,
                        "cancel_url": cancel_url or return_url,
                        "user_action": "PAY_NOW",
                        "shipping_preference": "NO_SHIPPING",
                    }
                }
            },
        }
        order = self._api("POST", "/v2/checkout/orders", body=body, request_id=request_id)
        links = {link.get("rel"): link.get("href") for link in order.get("links") or []}
        approve = links.get("payer-action") or links.get("approve") or ""
        if not order.get("id") or not approve:
            raise ProviderError("PayPal created no order to approve")
        return StartResult(provider_reference=str(order["id"]), redirect_url=str(approve))

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
        return self._create_order(
            kind=KIND_TOPUP,
            reference=topup_public_id,
            amount_minor=amount_minor,
            currency=currency,
            description=f"Wallet top-up {topup_public_id}",
            return_url=return_url,
            cancel_url=cancel_url,
            request_id=f"dropyard-topup-{topup_public_id}",
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
        return self._create_order(
            kind=KIND_PAYMENT,
            reference=reference,
            amount_minor=amount_minor,
            currency=currency,
            description=description or f"Payment {reference}",
            return_url=return_url,
            cancel_url=cancel_url,
            request_id=f"dropyard-payment-{reference}-{amount_minor}",
        )

    def capture_order(self, *, order_id: str) -> dict[str, Any]:
        """Capture an approved order; return PayPal's order (its captures: ``order_captures``).

        Capturing twice is harmless: PayPal answers ORDER_ALREADY_CAPTURED and we read the
        order with its existing capture instead.
        """
        path = f"/v2/checkout/orders/{order_id}"
        try:
            return self._api(
                "POST", f"{path}/capture", content=b"{}", request_id=f"dropyard-capture-{order_id}"
            )
        except ProviderError as exc:
            if exc.extra.get("issue") != "ORDER_ALREADY_CAPTURED":
                raise
        return self._api("GET", path)

    def refund(
        self,
        *,
        provider_reference: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        reason: str = "",
    ) -> RefundResult:
        money = Money(amount_minor, currency.upper())
        body: dict[str, Any] = {"amount": {"currency_code": money.currency, "value": money.wire()}}
        if reason:
            body["note_to_payer"] = reason[:255]
        data = self._api(
            "POST",
            f"/v2/payments/captures/{provider_reference}/refund",
            body=body,
            request_id=idempotency_key,
        )
        if not data.get("id"):
            raise ProviderError("PayPal returned no refund id")
        return RefundResult(refund_id=str(data["id"]), status=str(data.get("status") or ""))

    # --- Inbound -----------------------------------------------------------------------------

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> VerifiedEvent:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise WebhookRejected("PayPal webhook body is not JSON") from exc
        if not isinstance(payload, dict) or not payload.get("id") or not payload.get("event_type"):
            raise WebhookRejected("PayPal webhook body is not an event")
        fields = {}
        for name, header in TRANSMISSION_HEADERS.items():
            value = headers.get(header)
            if not value:
                raise WebhookRejected(f"PayPal webhook without the {header} header")
            fields[name] = value
        fields["webhook_id"] = settings.DROPYARD_PAYPAL_WEBHOOK_ID
        # PayPal verifies the event byte for byte: splice the raw body in rather than
        # re-serialising it (it parsed as one JSON object above, so splicing is safe).
        prefix = json.dumps(fields)[:-1]
        content = prefix.encode() + b', "webhook_event": ' + body + b"}"
        try:
            answer = self._api("POST", VERIFY_PATH, content=content)
        except ProviderError as exc:
            status = exc.extra.get("status")
            if status is None or status >= 500 or status == 429:
                raise WebhookVerificationUnavailable(exc.message) from exc
            raise WebhookRejected(f"PayPal refused to verify: {exc.message}") from exc
        if answer.get("verification_status") != "SUCCESS":
            raise WebhookRejected(
                f"PayPal verification status {answer.get('verification_status') or 'missing'}"
            )
        return interpret_event(payload)


def interpret_event(payload: dict[str, Any]) -> VerifiedEvent:
    """What a verified PayPal event means for us (pure: reads the payload only)."""
    event_id, event_type = str(payload["id"]), str(payload["event_type"])
    resource = payload.get("resource") or {}
    base = {"event_id": event_id, "event_type": event_type, "payload": payload}
    if event_type in APPROVED_EVENTS:
        units = resource.get("purchase_units") or [{}]
        kind, reference = parse_custom_id(str(units[0].get("custom_id") or ""))
        if not kind or not resource.get("id"):
            return VerifiedEvent(**base, reason="not a Dropyard payment (no custom_id)")
        return VerifiedEvent(
            **base,
            action="approved",
            kind=kind,
            reference=reference,
            extra={"order_id": str(resource["id"])},
        )
    kind, reference = parse_custom_id(str(resource.get("custom_id") or ""))
    if not kind:
        return VerifiedEvent(**base, reason="not a Dropyard payment (no custom_id)")
    if event_type in FAILED_EVENTS:
        return VerifiedEvent(
            **base,
            action="failed",
            kind=kind,
            reference=reference,
            reason=f"PayPal capture {resource.get('status') or event_type}".lower(),
        )
    if event_type not in PAID_EVENTS:
        return VerifiedEvent(**base, kind=kind, reference=reference)
    charge, why = _capture_charge(resource)
    if charge is None:
        return VerifiedEvent(**base, kind=kind, reference=reference, reason=why)
    return VerifiedEvent(**base, action="paid", charge=charge, kind=kind, reference=reference)
