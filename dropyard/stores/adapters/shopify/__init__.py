"""The Shopify adapter: Admin GraphQL at ``DROPYARD_SHOPIFY_API_VERSION`` (store-platforms §1).

- ``documents``: every GraphQL document (validated against the published schema in tests);
- ``client``: the GraphQL client (leaky bucket, THROTTLED back-off, retries);
- ``auth``: shop domains, OAuth callback HMAC, code exchange, token refresh, client
  credentials, webhook signatures;
- ``parse``: Shopify payloads → the adapter dataclasses.

The store's ``domain`` is its ``<name>.myshopify.com`` host. Webhooks are signed with the app's
client secret (``auth.webhook_secret``).
"""

import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from django.conf import settings

from ...choices import Platform
from .. import register
from ..base import (
    AdapterError,
    ListingResult,
    Page,
    PlatformFulfillment,
    PlatformOrder,
    PlatformProduct,
    StoreAdapter,
    StoreContext,
    WebhookEvent,
    headers_lowered,
    webhook_json,
)
from . import auth, documents, parse
from .client import GraphQLClient

HMAC_HEADER = "x-shopify-hmac-sha256"
WEBHOOK_ID_HEADER = "x-shopify-webhook-id"
TOPIC_HEADER = "x-shopify-topic"
ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled"})
PRIVACY_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})
SUBSCRIBED_TOPICS = ("ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "APP_UNINSTALLED")
ORDERS_PER_PAGE = 10
MAX_SKIPPED_PAGES = 20  # pages of already delivered orders read through in one call
PRODUCTS_PER_PAGE = 10
OPEN_FULFILLMENT_ORDERS = frozenset({"OPEN", "IN_PROGRESS"})


def _user_errors(payload: Mapping[str, Any] | None, what: str) -> None:
    errors = (payload or {}).get("userErrors") or []
    if errors:
        text = "; ".join(
            f"{'.'.join(map(str, e.get('field') or []))}: {e.get('message')}".lstrip(": ")
            for e in errors
        )
        raise AdapterError(f"Shopify refused the {what}: {text}"[:500])


def _options(product: PlatformProduct) -> tuple[list[dict], list[list[dict]]]:
    """``productOptions`` and each variant's ``optionValues``: a variant title "Red / L" gives
    the values of options "Option 1", "Option 2"; a product whose variants have no title gets
    Shopify's own single option (Title: Default Title)."""
    parts = [[p.strip() for p in v.variant_title.split(" / ")] for v in product.variants]
    if not any(v.variant_title for v in product.variants) or len({len(p) for p in parts}) != 1:
        if len(product.variants) > 1:
            parts = [[v.variant_title or v.sku] for v in product.variants]
            names = ["Variant"]
        else:
            parts, names = [["Default Title"]], ["Title"]
    else:
        names = [f"Option {i + 1}" for i in range(len(parts[0]))]
    options = [
        {"name": name, "values": [{"name": value} for value in dict.fromkeys(p[i] for p in parts)]}
        for i, name in enumerate(names)
    ]
    values = [[{"optionName": names[i], "name": v} for i, v in enumerate(p)] for p in parts]
    return options, values


@register(Platform.SHOPIFY)
class ShopifyAdapter(StoreAdapter):
    """A Shopify store. ``transport``, ``sleep`` and ``clock`` are for tests and the bench."""

    platform = Platform.SHOPIFY

    def __init__(
        self,
        context: StoreContext,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ):
        super().__init__(context)
        self.credentials: dict[str, Any] = dict(context.credentials)
        self.renewed = False  # the credentials changed in memory (``refresh`` returns them)
        self.gql = GraphQLClient(
            shop=context.domain,
            version=settings.DROPYARD_SHOPIFY_API_VERSION,
            token=self._token,
            transport=transport,
            sleep=sleep,
            clock=clock,
        )

    def _renew(self) -> None:
        self.credentials = auth.renew(shop=self.context.domain, credentials=self.credentials)
        self.renewed = True

    def _token(self) -> str:
        # A client-credentials token is simply asked for again when it runs out mid-work.
        # An OAuth token is not: its refresh token rotates, and a rotation made here would be
        # lost with this adapter (only ``refresh`` + the renewal service persist it), leaving
        # the store with a dead refresh token. The renewal job keeps OAuth tokens fresh.
        if self.credentials.get("mode") == "client_credentials" and auth.expiring_soon(
            self.credentials
        ):
            self._renew()
        return str(self.credentials.get("access_token", ""))

    def _run(self, document: str, variables: Mapping[str, Any] | None = None) -> dict:
        return self.gql.execute(document, variables)

    # --- Authorization ---------------------------------------------------------------------

    def authorize(self) -> dict[str, Any]:
        """Check the token with the shop query; the credentials (renewed if they had to be)."""
        self.shop_info()
        return dict(self.credentials)

    def shop_info(self) -> dict[str, str]:
        """The shop's name, currency and myshopify domain."""
        shop = self._run(documents.SHOP)["shop"]
        return {
            "name": str(shop["name"]),
            "currency": str(shop["currencyCode"]),
            "domain": str(shop["myshopifyDomain"]),
        }

    def refresh(self) -> dict[str, Any] | None:
        """Renewed credentials (to be persisted by the caller) when the token expires soon or
        was renewed during this adapter's work; else None."""
        if auth.expiring_soon(self.credentials):
            self._renew()
        return dict(self.credentials) if self.renewed else None

    # --- Catalog ---------------------------------------------------------------------------

    def products_page(self, cursor: str = "") -> Page[PlatformProduct]:
        data = self._run(
            documents.PRODUCTS_PAGE, {"first": PRODUCTS_PER_PAGE, "after": cursor or None}
        )["products"]
        info = data["pageInfo"]
        for node in data["nodes"]:
            more = node["variants"]["pageInfo"]
            while more["hasNextPage"]:
                page = self._run(
                    documents.PRODUCT_VARIANTS, {"id": node["id"], "after": more["endCursor"]}
                )["product"]["variants"]
                node["variants"]["nodes"].extend(page["nodes"])
                more = page["pageInfo"]
        return Page(
            items=tuple(parse.product_from_node(n, self.context.currency) for n in data["nodes"]),
            next_cursor=str(info["endCursor"] or "") if info["hasNextPage"] else "",
        )

    def listing_upsert(
        self, product: PlatformProduct, *, platform_product_id: str = ""
    ) -> ListingResult:
        if not product.variants:
            raise AdapterError("a listing needs at least one variant")
        options, values = _options(product)
        currency = self.context.currency
        # productSet replaces the variant list: on an update, variants are matched to the
        # existing ones by SKU so their ids (and Dropyard's connections to them) survive.
        known = self._variant_ids_by_sku(platform_product_id) if platform_product_id else {}
        variants = []
        for variant, option_values in zip(product.variants, values, strict=True):
            item: dict[str, Any] = {
                "optionValues": option_values,
                "price": parse.amount(variant.price_minor, currency),
                "sku": variant.sku,
            }
            existing = variant.platform_variant_id or known.get(variant.sku, "")
            if platform_product_id and existing:
                item["id"] = parse.gid("ProductVariant", existing)
            if variant.image_url:
                item["file"] = {"originalSource": variant.image_url, "contentType": "IMAGE"}
            variants.append(item)
        payload: dict[str, Any] = {
            "title": product.title,
            "descriptionHtml": product.description_html,
            "productOptions": options,
            "variants": variants,
            "files": [
                {"originalSource": url, "contentType": "IMAGE"} for url in product.image_urls
            ],
        }
        if platform_product_id:
            payload["id"] = parse.gid("Product", platform_product_id)
        result = self._run(
            documents.PRODUCT_SET, {"input": payload, "variantCount": len(variants)}
        )["productSet"]
        _user_errors(result, "listing")
        created = result["product"]
        return ListingResult(
            platform_product_id=parse.numeric_id(created["id"]),
            variant_ids_by_sku={
                str(v["sku"]): parse.numeric_id(v["id"]) for v in created["variants"]["nodes"]
            },
        )

    def _variant_ids_by_sku(self, platform_product_id: str) -> dict[str, str]:
        ids: dict[str, str] = {}
        after = None
        while True:
            product = self._run(
                documents.PRODUCT_VARIANTS,
                {"id": parse.gid("Product", platform_product_id), "after": after},
            )["product"]
            if product is None:
                raise AdapterError(f"Shopify product {platform_product_id} not found")
            page = product["variants"]
            ids.update({str(v["sku"]): parse.numeric_id(v["id"]) for v in page["nodes"]})
            if not page["pageInfo"]["hasNextPage"]:
                return ids
            after = page["pageInfo"]["endCursor"]

    def price_inventory_update(
        self, *, platform_variant_id: str, price_minor: int | None, available: int | None
    ) -> None:
        if price_minor is None and available is None:
            return
        variant_gid = parse.gid("ProductVariant", platform_variant_id)
        variant = self._run(documents.VARIANT_FOR_UPDATE, {"id": variant_gid})["productVariant"]
        if variant is None:
            raise AdapterError(f"Shopify variant {platform_variant_id} not found")
        if price_minor is not None:
            result = self._run(
                documents.VARIANT_PRICE_UPDATE,
                {
                    "productId": variant["product"]["id"],
                    "variants": [
                        {
                            "id": variant_gid,
                            "price": parse.amount(price_minor, self.context.currency),
                        }
                    ],
                },
            )["productVariantsBulkUpdate"]
            _user_errors(result, "price update")
        if available is not None:
            levels = variant["inventoryItem"]["inventoryLevels"]["nodes"]
            if not levels:
                raise AdapterError("the Shopify variant is stocked at no location")
            result = self._run(
                documents.INVENTORY_SET,
                {
                    "input": {
                        "name": "available",
                        "reason": "correction",
                        "ignoreCompareQuantity": True,
                        "quantities": [
                            {
                                "inventoryItemId": variant["inventoryItem"]["id"],
                                "locationId": levels[0]["location"]["id"],
                                "quantity": int(available),
                            }
                        ],
                    }
                },
            )["inventorySetQuantities"]
            _user_errors(result, "inventory update")

    # --- Orders ----------------------------------------------------------------------------

    def orders_since(self, cursor: str = "") -> Page[PlatformOrder]:
        """Orders updated since the cursor, oldest change first.

        The cursor (JSON) holds the ``updated_at`` the query filters from (``q``), Shopify's
        page cursor while paging (``after``), and the newest ``updated_at`` delivered with the
        ids delivered at that instant (``since``, ``seen``): Shopify's timestamps have whole
        seconds, so the next query starts at that instant again (``>=``) and skips those ids
        rather than lose an order updated in the same second."""
        try:
            state = json.loads(cursor) if cursor else {}
        except ValueError:
            state = {}
        if not isinstance(state, dict):
            state = {}
        q, after = str(state.get("q", "")), str(state.get("after", ""))
        since, seen = str(state.get("since", "")), set(map(str, state.get("seen", [])))
        query = f"updated_at:>='{q}'" if q else None
        orders: list[PlatformOrder] = []
        for _page in range(MAX_SKIPPED_PAGES):
            data = self._run(
                documents.ORDERS_SINCE,
                {"first": ORDERS_PER_PAGE, "after": after or None, "query": query},
            )["orders"]
            for node in data["nodes"]:
                updated, order_id = str(node["updatedAt"]), parse.numeric_id(node["id"])
                if updated == since and order_id in seen:
                    continue
                if updated != since:
                    since, seen = updated, set()
                seen.add(order_id)
                orders.append(parse.order_from_node(node, self._more_lines(node)))
            more = bool(data["pageInfo"]["hasNextPage"])
            after = str(data["pageInfo"]["endCursor"] or "") if more else ""
            if orders or not more:
                break  # a page of only orders delivered before: read on
        next_state = {
            "q": q if after else since,
            "after": after,
            "since": since,
            "seen": sorted(seen),
        }
        next_cursor = json.dumps(next_state, separators=(",", ":")) if since else cursor
        return Page(items=tuple(orders), next_cursor=next_cursor)

    def _more_lines(self, node: Mapping[str, Any]) -> list[dict]:
        """The line items past the first page of an order with many lines."""
        lines: list[dict] = []
        info = node["lineItems"]["pageInfo"]
        while info["hasNextPage"]:
            page = self._run(
                documents.ORDER_LINE_ITEMS, {"id": node["id"], "after": info["endCursor"]}
            )["order"]["lineItems"]
            lines.extend(page["nodes"])
            info = page["pageInfo"]
        return lines

    # --- Webhooks --------------------------------------------------------------------------

    def webhooks_register(self, callback_url: str) -> list[str]:
        """Subscribe ``callback_url`` to the order topics and APP_UNINSTALLED (JSON); the
        subscription ids. An already existing subscription is not an error."""
        ids = []
        for topic in SUBSCRIBED_TOPICS:
            result = self._run(
                documents.WEBHOOK_SUBSCRIPTION_CREATE,
                {
                    "topic": topic,
                    "webhookSubscription": {"callbackUrl": callback_url, "format": "JSON"},
                },
            )["webhookSubscriptionCreate"]
            errors = result.get("userErrors") or []
            if errors and all("taken" in str(e.get("message", "")) for e in errors):
                continue
            _user_errors(result, f"webhook subscription {topic}")
            ids.append(parse.numeric_id(result["webhookSubscription"]["id"]))
        return ids

    def webhook_verify(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        given = headers_lowered(headers).get(HMAC_HEADER, "")
        return auth.webhook_verify(auth.webhook_secret(self.credentials), raw_body, given)

    def webhook_parse(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        delivery_id, topic, data = webhook_json(
            raw_body,
            headers,
            id_header=WEBHOOK_ID_HEADER,
            topic_header=TOPIC_HEADER,
            missing_id="webhook without X-Shopify-Webhook-Id",
        )
        if topic == "app/uninstalled":
            return WebhookEvent(delivery_id=delivery_id, topic=topic, uninstalled=True)
        if topic in PRIVACY_TOPICS:
            return WebhookEvent(delivery_id=delivery_id, topic=topic, privacy=True)
        if topic not in ORDER_TOPICS:
            return WebhookEvent(delivery_id=delivery_id, topic=topic)
        return WebhookEvent(
            delivery_id=delivery_id, topic=topic, order=parse.order_from_webhook(data)
        )

    # --- Fulfillment -----------------------------------------------------------------------

    def fulfillment_push(self, fulfillment: PlatformFulfillment) -> str:
        """Fulfil through the order's fulfillment orders (store-platforms §1.6): the wanted
        order lines are mapped to *fulfillment order line items*. Idempotent: when a
        fulfillment with this tracking number already exists on the order, its id is returned
        and nothing is created (a resend after a lost answer makes no second one)."""
        order_gid = parse.gid("Order", fulfillment.platform_order_id)
        order = self._run(documents.FULFILLMENT_ORDERS, {"id": order_gid})["order"]
        if order is None:
            raise AdapterError(f"Shopify order {fulfillment.platform_order_id} not found")
        for existing in order["fulfillments"]:
            numbers = {t.get("number") for t in existing.get("trackingInfo") or []}
            if fulfillment.tracking_number in numbers:
                return parse.numeric_id(existing["id"])
        wanted = {parse.numeric_id(k): int(v) for k, v in fulfillment.line_quantities.items()}
        groups = []
        for fo in order["fulfillmentOrders"]["nodes"]:
            if fo["status"] not in OPEN_FULFILLMENT_ORDERS:
                continue
            items = []
            for item in fo["lineItems"]["nodes"]:
                line_id = parse.numeric_id(item["lineItem"]["id"])
                remaining = int(item["remainingQuantity"])
                take = remaining if not wanted else min(remaining, wanted.get(line_id, 0))
                if take > 0:
                    items.append({"id": item["id"], "quantity": take})
                    if wanted:
                        wanted[line_id] -= take
            if items:
                groups.append({"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": items})
        if not groups:
            raise AdapterError("nothing left to fulfil on this Shopify order")
        tracking = {"company": fulfillment.carrier, "number": fulfillment.tracking_number}
        if fulfillment.tracking_url:
            tracking["url"] = fulfillment.tracking_url
        result = self._run(
            documents.FULFILLMENT_CREATE,
            {
                "fulfillment": {
                    "lineItemsByFulfillmentOrder": groups,
                    "trackingInfo": tracking,
                    "notifyCustomer": True,
                }
            },
        )["fulfillmentCreate"]
        _user_errors(result, "fulfillment")
        return parse.numeric_id(result["fulfillment"]["id"])

    def mark_delivered(self, *, platform_order_id: str, platform_fulfillment_id: str) -> None:
        # Shopify derives delivery from the carrier's tracking events; a merchant-managed
        # fulfillment has no "mark delivered" in the Admin API used here.
        return None
