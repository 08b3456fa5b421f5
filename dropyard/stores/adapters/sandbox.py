"""The adapter of the built-in Sandbox store, talking to the shop's JSON API over HTTP
(``stores.sandbox.api``) exactly as an adapter talks to a real platform.

Contract of the Sandbox platform (what this adapter relies on):
- API base ``/sandbox-store/<slug>/api/`` on the site (``Store.domain`` is the slug); the
  access token goes in ``X-Sandbox-Access-Token``; 401 means the token is no longer valid;
- webhooks carry ``X-Sandbox-Hmac-Sha256`` = base64(HMAC-SHA256(webhook secret, raw body)),
  ``X-Sandbox-Webhook-Id`` (the dedupe key) and ``X-Sandbox-Topic``;
- ``orders/<id>/fulfillments`` records the shipment (one per order, a re-push replaces it)
  and ``orders/<id>/fulfillments/<fulfillment id>/delivered`` marks it delivered;
- ``orders?since=<cursor>`` answers the orders changed after the cursor, oldest first, with the
  cursor to resume from (the same cursor when nothing changed).
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from ..choices import Platform
from ..sandbox import http
from . import register
from .base import (
    AdapterError,
    AuthorizationLost,
    ListingResult,
    Page,
    PlatformFulfillment,
    PlatformOrder,
    PlatformOrderLine,
    PlatformProduct,
    PlatformVariant,
    ShippingAddress,
    StoreAdapter,
    StoreContext,
    WebhookEvent,
    headers_lowered,
    webhook_json,
)

TOKEN_HEADER = "X-Sandbox-Access-Token"
HMAC_HEADER = "x-sandbox-hmac-sha256"
WEBHOOK_ID_HEADER = "x-sandbox-webhook-id"
TOPIC_HEADER = "x-sandbox-topic"
ORDER_TOPICS = frozenset({"orders/create", "orders/updated"})


def _signature(secret: str, raw_body: bytes) -> bytes:
    return base64.b64encode(hmac.new(secret.encode(), raw_body, hashlib.sha256).digest())


def _numeric_id(value: str) -> int:
    """A Sandbox id (digits); ``AdapterError`` for anything else, so no id reaches a URL raw."""
    if not (value.isascii() and value.isdigit()):
        raise AdapterError(f"not a sandbox id: {value[:40]!r}")
    return int(value)


def order_from_data(data: Any) -> PlatformOrder:
    """A Sandbox order payload (API or webhook) as a ``PlatformOrder``; ``AdapterError`` when
    it is not one."""
    try:
        address = data["shipping_address"]
        lines = tuple(
            PlatformOrderLine(
                platform_line_id=str(line["id"]),
                platform_variant_id=str(line["variant_id"]),
                sku=str(line.get("sku", "")),
                title=str(line.get("title", "")),
                quantity=int(line["quantity"]),
                unit_price_minor=int(line.get("price_minor", 0)),
            )
            for line in data["line_items"]
        )
        created = data.get("created_at")
        return PlatformOrder(
            platform_order_id=str(data["id"]),
            name=str(data.get("name", "")),
            currency=str(data["currency"]).upper(),
            lines=lines,
            address=ShippingAddress(
                shipping_customer_name=str(address.get("name", "")),
                shipping_address=str(address.get("address1", "")),
                shipping_address2=str(address.get("address2", "")),
                shipping_city=str(address.get("city", "")),
                shipping_province=str(address.get("province", "")),
                shipping_zip=str(address.get("zip", "")),
                shipping_country_code=str(address.get("country_code", "")),
                shipping_phone=str(address.get("phone", "")),
                email=str(data.get("email", "")),
            ),
            paid=data.get("financial_status") == "paid",
            cancelled=bool(data.get("cancelled")),
            total_minor=int(data["total_minor"]) if data.get("total_minor") is not None else None,
            created_at=datetime.fromisoformat(created) if created else None,
            raw=data,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AdapterError(f"malformed sandbox order: {exc!r}"[:300]) from None


@register(Platform.SANDBOX)
class SandboxStoreAdapter(StoreAdapter):
    """The Sandbox store. ``transport`` (tests, in-process use) replaces the configured one."""

    platform = Platform.SANDBOX

    def __init__(self, context: StoreContext, *, transport: httpx.BaseTransport | None = None):
        super().__init__(context)
        self.transport = transport

    # --- HTTP -----------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        token = str(self.context.credentials.get("access_token", ""))
        if not token:
            raise AuthorizationLost("the store has no access token")
        url = f"/sandbox-store/{self.context.domain}/api/{path}"
        try:
            with http.client(transport=self.transport) as client:
                response = client.request(method, url, headers={TOKEN_HEADER: token}, **kwargs)
        except httpx.HTTPError as exc:
            raise AdapterError(f"sandbox store unreachable: {exc}", retryable=True) from None
        if response.status_code == 401:
            raise AuthorizationLost("the sandbox store refused the access token")
        if response.status_code >= 500:
            raise AdapterError(f"sandbox store error {response.status_code}", retryable=True)
        try:
            body = response.json()
        except ValueError:
            raise AdapterError(
                f"sandbox store answered {response.status_code} without JSON"
            ) from None
        if response.status_code >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            raise AdapterError(str(error or response.status_code)[:300])
        return body

    # --- Interface ------------------------------------------------------------------------

    def authorize(self) -> dict[str, Any]:
        self._call("GET", "shop")
        return dict(self.context.credentials)

    def refresh(self) -> dict[str, Any] | None:
        return None  # sandbox tokens do not expire

    def products_page(self, cursor: str = "") -> Page[PlatformProduct]:
        body = self._call("GET", "products", params={"page": cursor or "1"})
        products = []
        for item in body["products"]:
            variants = tuple(
                PlatformVariant(
                    platform_product_id=item["id"],
                    platform_variant_id=v["id"],
                    sku=v["sku"],
                    title=item["title"],
                    variant_title=v["title"],
                    price_minor=v["price_minor"],
                    currency=self.context.currency,
                    image_url=v["image_url"] or item["image_url"],
                )
                for v in item["variants"]
            )
            products.append(
                PlatformProduct(
                    platform_product_id=item["id"],
                    title=item["title"],
                    variants=variants,
                    description_html=item["description"],
                    image_urls=(item["image_url"],) if item["image_url"] else (),
                )
            )
        return Page(items=tuple(products), next_cursor=body["next_page"])

    def listing_upsert(
        self, product: PlatformProduct, *, platform_product_id: str = ""
    ) -> ListingResult:
        payload = {
            "id": platform_product_id,
            "title": product.title,
            "description": product.description_html,
            "image_url": product.image_urls[0] if product.image_urls else "",
            "variants": [
                {
                    "sku": v.sku,
                    "title": v.variant_title,
                    "price_minor": v.price_minor,
                    "image_url": v.image_url,
                }
                for v in product.variants
            ],
        }
        body = self._call("POST", "products", json=payload)
        return ListingResult(
            platform_product_id=body["id"],
            variant_ids_by_sku={v["sku"]: v["id"] for v in body["variants"]},
        )

    def price_inventory_update(
        self, *, platform_variant_id: str, price_minor: int | None, available: int | None
    ) -> None:
        self._call(
            "POST",
            f"variants/{_numeric_id(platform_variant_id)}",
            json={"price_minor": price_minor, "available": available},
        )

    def orders_since(self, cursor: str = "") -> Page[PlatformOrder]:
        """One page of changed orders; ``next_cursor`` is where to resume (equal to
        ``cursor`` when nothing changed), never empty once an order was seen."""
        body = self._call("GET", "orders", params={"since": cursor})
        return Page(
            items=tuple(order_from_data(item) for item in body["orders"]),
            next_cursor=str(body["cursor"]),
        )

    def webhook_verify(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        secret = str(self.context.credentials.get("webhook_secret", ""))
        given = headers_lowered(headers).get(HMAC_HEADER, "")
        if not raw_body or not secret or not given:
            return False
        return hmac.compare_digest(_signature(secret, raw_body), given.encode("utf-8", "replace"))

    def webhook_parse(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        delivery_id, topic, data = webhook_json(
            raw_body,
            headers,
            id_header=WEBHOOK_ID_HEADER,
            topic_header=TOPIC_HEADER,
            missing_id="webhook without a delivery id",
        )
        if topic not in ORDER_TOPICS:
            return WebhookEvent(delivery_id=delivery_id, topic=topic)
        return WebhookEvent(delivery_id=delivery_id, topic=topic, order=order_from_data(data))

    def fulfillment_push(self, fulfillment: PlatformFulfillment) -> str:
        body = self._call(
            "POST",
            f"orders/{_numeric_id(fulfillment.platform_order_id)}/fulfillments",
            json={
                "carrier": fulfillment.carrier,
                "tracking_number": fulfillment.tracking_number,
                "tracking_url": fulfillment.tracking_url,
            },
        )
        return str(body["id"])

    def mark_delivered(self, *, platform_order_id: str, platform_fulfillment_id: str) -> None:
        fulfillment = platform_fulfillment_id.strip()
        if not (fulfillment.isascii() and fulfillment.isalnum()):
            raise AdapterError(f"not a sandbox fulfillment id: {fulfillment[:40]!r}")
        self._call(
            "POST",
            f"orders/{_numeric_id(platform_order_id)}/fulfillments/{fulfillment}/delivered",
            json={},
        )
