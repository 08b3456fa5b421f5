"""Fakes of Stripe's and PayPal's servers for the provider tests (only the HTTP layer is fake).

``provider_http`` swaps the providers' httpx transport for an ``httpx.MockTransport`` routed to
these fakes; every line of the adapters (and of the stripe library) still runs. Webhook bodies
are signed with the stripe library's own helper (``WebhookSignature.generate_signature_header``).
"""

import base64
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import stripe

from dropyard.wallet.providers import http as provider_http_module

STRIPE_SECRET = "sk_test_dummy"
STRIPE_WHSEC = "whsec_test_dummy"
PAYPAL_BASE = "https://api-m.sandbox.paypal.test"
PAYPAL_ID = "paypal-client"
PAYPAL_SECRET = "paypal-secret"
PAYPAL_WEBHOOK_ID = "WH-HOOK-1"


@pytest.fixture
def stripe_on(settings):
    settings.DROPYARD_STRIPE_SECRET_KEY = STRIPE_SECRET
    settings.DROPYARD_STRIPE_WEBHOOK_SECRET = STRIPE_WHSEC
    return settings


@pytest.fixture
def paypal_on(settings):
    settings.DROPYARD_PAYPAL_CLIENT_ID = PAYPAL_ID
    settings.DROPYARD_PAYPAL_CLIENT_SECRET = PAYPAL_SECRET
    settings.DROPYARD_PAYPAL_WEBHOOK_ID = PAYPAL_WEBHOOK_ID
    settings.DROPYARD_PAYPAL_API_BASE = PAYPAL_BASE
    return settings


@dataclass
class Seen:
    method: str
    path: str
    headers: httpx.Headers
    body: bytes

    def form(self) -> dict[str, str]:
        """A Stripe request's form-encoded parameters (``metadata[dropyard_ref]`` style keys)."""
        return dict(parse_qsl(self.body.decode()))

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeStripe:
    """Stripe's API as far as Dropyard uses it: Checkout Sessions and Refunds."""

    requests: list[Seen] = field(default_factory=list)
    fail_with: tuple[int, dict] | None = None  # (status, error body) for the next calls

    def handle(self, request: httpx.Request, seen: Seen) -> httpx.Response:
        if self.fail_with is not None:
            status, body = self.fail_with
            return httpx.Response(status, json=body)
        if request.method == "POST" and seen.path == "/v1/checkout/sessions":
            params = seen.form()
            number = len([r for r in self.requests if r.path == seen.path]) - 1
            session_id = f"cs_test_{number}"
            return httpx.Response(
                200,
                json={
                    "id": session_id,
                    "object": "checkout.session",
                    "url": f"https://checkout.stripe.test/c/pay/{session_id}",
                    "amount_total": int(params["line_items[0][price_data][unit_amount]"]),
                    "currency": params["line_items[0][price_data][currency]"],
                    "payment_status": "unpaid",
                    "status": "open",
                    "metadata": {
                        k[len("metadata[") : -1]: v
                        for k, v in params.items()
                        if k.startswith("metadata[")
                    },
                },
            )
        if request.method == "POST" and seen.path == "/v1/refunds":
            return httpx.Response(
                200,
                json={
                    "id": "re_test_1",
                    "object": "refund",
                    "status": "succeeded",
                    "amount": int(seen.form()["amount"]),
                    "payment_intent": seen.form()["payment_intent"],
                },
            )
        return httpx.Response(404, json={"error": {"message": "no such route", "type": "x"}})


@dataclass
class FakePayPal:
    """PayPal's REST API: OAuth token, Orders v2, capture refunds, webhook verification.

    ``deliver(event)`` plays PayPal sending a webhook: it returns the body and the transmission
    headers, and remembers them; verify-webhook-signature answers SUCCESS only for exactly
    that body with those headers and our webhook id (like the real service, which checks the
    signature over the body).
    """

    requests: list[Seen] = field(default_factory=list)
    orders: dict[str, dict] = field(default_factory=dict)
    sent: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)
    capture_status: str = "COMPLETED"
    verify_down: bool = False
    token_calls: int = 0

    def deliver(self, event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(event).encode()
        transmission = f"tx-{len(self.sent) + 1}"
        headers = {
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-CERT-URL": "https://api.sandbox.paypal.test/v1/notifications/certs/CERT-1",
            "PAYPAL-TRANSMISSION-ID": transmission,
            "PAYPAL-TRANSMISSION-SIG": f"sig-of-{transmission}",
            "PAYPAL-TRANSMISSION-TIME": "2026-11-22T04:30:00Z",
        }
        self.sent[transmission] = (body, headers)
        return body, headers

    def _authorized(self, seen: Seen) -> bool:
        return seen.headers.get("authorization") == "Bearer A21-test-token"

    def handle(self, request: httpx.Request, seen: Seen) -> httpx.Response:
        if seen.path == "/v1/oauth2/token":
            self.token_calls += 1
            expected = base64.b64encode(f"{PAYPAL_ID}:{PAYPAL_SECRET}".encode()).decode()
            if seen.headers.get("authorization") != f"Basic {expected}":
                return httpx.Response(401, json={"error": "invalid_client"})
            return httpx.Response(
                200, json={"access_token": "A21-test-token", "token_type": "Bearer"}
            )
        if not self._authorized(seen):
            return httpx.Response(401, json={"name": "AUTHENTICATION_FAILURE"})
        if seen.path == "/v1/notifications/verify-webhook-signature":
            if self.verify_down:
                return httpx.Response(503, json={"name": "SERVICE_UNAVAILABLE"})
            data = seen.json()
            body, headers = self.sent.get(data.get("transmission_id"), (b"", {}))
            event_bytes = _raw_member(seen.body, "webhook_event")
            ok = (
                bool(body)
                and data.get("webhook_id") == PAYPAL_WEBHOOK_ID
                and data.get("transmission_sig") == headers.get("PAYPAL-TRANSMISSION-SIG")
                and event_bytes == body
            )
            return httpx.Response(200, json={"verification_status": "SUCCESS" if ok else "FAILURE"})
        if request.method == "POST" and seen.path == "/v2/checkout/orders":
            order_id = f"ORDER{len(self.orders) + 1}"
            unit = seen.json()["purchase_units"][0]
            self.orders[order_id] = {"unit": unit, "captured": None}
            return httpx.Response(
                201,
                json={
                    "id": order_id,
                    "status": "PAYER_ACTION_REQUIRED",
                    "links": [
                        {"href": f"{PAYPAL_BASE}/v2/checkout/orders/{order_id}", "rel": "self"},
                        {
                            "href": f"https://www.sandbox.paypal.test/checkoutnow?token={order_id}",
                            "rel": "payer-action",
                        },
                    ],
                },
            )
        match = re.fullmatch(r"/v2/checkout/orders/(\w+)(/capture)?", seen.path)
        if match and match.group(1) in self.orders:
            order_id, order = match.group(1), self.orders[match.group(1)]
            if match.group(2):
                if order["captured"] is not None:
                    return httpx.Response(
                        422,
                        json={
                            "name": "UNPROCESSABLE_ENTITY",
                            "details": [{"issue": "ORDER_ALREADY_CAPTURED"}],
                        },
                    )
                order["captured"] = {
                    "id": f"CAP-{order_id}",
                    "status": self.capture_status,
                    "amount": order["unit"]["amount"],
                    "custom_id": order["unit"]["custom_id"],
                }
                return httpx.Response(201, json=self._order(order_id))
            return httpx.Response(200, json=self._order(order_id))
        match = re.fullmatch(r"/v2/payments/captures/([\w-]+)/refund", seen.path)
        if match:
            return httpx.Response(201, json={"id": "REFUND-1", "status": "COMPLETED"})
        return httpx.Response(404, json={"name": "RESOURCE_NOT_FOUND"})

    def _order(self, order_id: str) -> dict:
        order = self.orders[order_id]
        captures = [order["captured"]] if order["captured"] else []
        return {
            "id": order_id,
            "status": "COMPLETED" if captures else "APPROVED",
            "purchase_units": [
                {"reference_id": order["unit"]["reference_id"], "payments": {"captures": captures}}
            ],
        }


def _raw_member(body: bytes, name: str) -> bytes:
    """The raw bytes of a top-level member of a JSON object (how the verify API sees it)."""
    marker = f'"{name}": '.encode()
    start = body.index(marker) + len(marker)
    return body[start:-1]


@dataclass
class ProviderHTTP:
    stripe: FakeStripe
    paypal: FakePayPal
    requests: list[Seen]

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]


@pytest.fixture
def provider_http(monkeypatch) -> ProviderHTTP:
    """Route the providers' outbound HTTP to the fakes; every request is recorded."""
    fake_stripe, fake_paypal, seen_all = FakeStripe(), FakePayPal(), []

    def handler(request: httpx.Request) -> httpx.Response:
        seen = Seen(request.method, request.url.path, request.headers, request.read())
        seen_all.append(seen)
        if request.url.host == "api.stripe.com":
            fake_stripe.requests.append(seen)
            return fake_stripe.handle(request, seen)
        if f"{request.url.scheme}://{request.url.host}" == PAYPAL_BASE:
            fake_paypal.requests.append(seen)
            return fake_paypal.handle(request, seen)
        return httpx.Response(599)

    monkeypatch.setattr(provider_http_module, "TRANSPORT", httpx.MockTransport(handler))
    return ProviderHTTP(stripe=fake_stripe, paypal=fake_paypal, requests=seen_all)


# --- Stripe events ----------------------------------------------------------------------------


def stripe_event(event_id: str, event_type: str, obj: dict[str, Any]) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2025-10-29.clover",
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": obj},
        }
    )


def session_completed(topup, *, amount=None, currency="usd", paid=True, merchant=None) -> dict:
    metadata = {"dropyard_kind": "topup", "dropyard_ref": topup.public_id}
    metadata["dropyard_merchant"] = merchant or topup.merchant.account_number
    return {
        "id": "cs_test_0",
        "object": "checkout.session",
        "amount_total": topup.amount_minor if amount is None else amount,
        "currency": currency,
        "payment_status": "paid" if paid else "unpaid",
        "payment_intent": "pi_test_1",
        "metadata": metadata,
    }


def intent_succeeded(topup, *, amount=None) -> dict:
    return {
        "id": "pi_test_1",
        "object": "payment_intent",
        "amount": topup.amount_minor,
        "amount_received": topup.amount_minor if amount is None else amount,
        "currency": "usd",
        "status": "succeeded",
        "metadata": {
            "dropyard_kind": "topup",
            "dropyard_ref": topup.public_id,
            "dropyard_merchant": topup.merchant.account_number,
        },
    }


def stripe_signed(payload: str, *, secret: str = STRIPE_WHSEC, timestamp=None) -> str:
    """The Stripe-Signature header, computed by the stripe library's own test helper."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def post_stripe(client, payload: str, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(
        "/wallet/providers/stripe/webhook/",
        data=payload,
        content_type="application/json",
        **headers,
    )


# --- PayPal events ----------------------------------------------------------------------------


def paypal_capture_event(event_id: str, topup, *, value=None, status="COMPLETED") -> dict:
    return {
        "id": event_id,
        "event_version": "1.0",
        "create_time": "2026-11-22T04:30:00Z",
        "resource_type": "capture",
        "event_type": "PAYMENT.CAPTURE.COMPLETED",
        "summary": "Payment completed",
        "resource": {
            "id": "CAP-WH-1",
            "status": status,
            "amount": {"currency_code": "USD", "value": value or f"{topup.amount_minor / 100:.2f}"},
            "custom_id": f"topup:{topup.public_id}",
            "final_capture": True,
        },
    }


def post_paypal(client, body: bytes, headers: dict[str, str]):
    meta = {f"HTTP_{k.replace('-', '_')}": v for k, v in headers.items()}
    return client.post(
        "/wallet/providers/paypal/webhook/", data=body, content_type="application/json", **meta
    )
