"""A contract-faithful fake Shopify (store-platforms §1, §7): a WSGI application for one shop,
used through ``httpx.WSGITransport``.

- ``POST /admin/oauth/access_token``: client-credentials grant (form), OAuth code exchange and
  refresh (JSON); tokens expire (24 h / 60 min) like Shopify's.
- ``POST /admin/api/<version>/graphql.json``: ``X-Shopify-Access-Token`` checked (401 as
  Shopify); the document is **validated against Shopify's published Admin schema** and
  **executed by graphql-core against that same schema** (the answer has exactly the fields
  asked for); its cost is calculated (objects 1, connections 2 + ``first`` × node cost,
  mutations 10, scalars and ``pageInfo`` 0) and charged to a **leaky bucket**
  (``maximum``/``restore_rate``, on ``clock``); over the bucket it answers Shopify's THROTTLED
  error with ``extensions.cost``; every answer carries ``extensions.cost.throttleStatus``.
  The actual cost charged equals the requested cost (Shopify refunds unused points; the fake
  does not).
- In memory: products, variants, inventory, orders with their fulfillment orders and
  fulfillments, webhook subscriptions.
- Webhooks: ``order_place`` / ``order_cancel`` / ``app_uninstall`` / ``privacy_request`` queue
  REST-shaped, signed deliveries (``X-Shopify-Hmac-Sha256`` over the raw body with the app's
  client secret) to the subscribed callback URLs; ``deliveries_send`` posts them to the
  receiver (``shopify_cost`` calculates the query cost).
"""

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from graphql import GraphQLSchema, OperationDefinitionNode, execute, parse, validate
from graphql.error import GraphQLError

from dropyard.stores.tests.shopify_cost import MAX_QUERY_COST, query_cost

GID = "gid://shopify/"


class FakeClock:
    """Simulated seconds shared by the fake's bucket and the adapter's ``sleep``."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


@dataclass
class Delivery:
    url: str
    topic: str
    body: bytes
    headers: dict[str, str]


def _gid(kind: str, number: int) -> str:
    return f"{GID}{kind}/{number}"


def _num(gid: str) -> int:
    return int(str(gid).rsplit("/", 1)[-1])


def _connection(items: list, first: int | None = None, after: str | None = None) -> dict:
    start = int(base64.b64decode(after).decode()) if after else 0
    size = first if first is not None else len(items)
    page = items[start : start + size]
    end = start + len(page)
    return {
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "endCursor": base64.b64encode(str(end).encode()).decode() if page else None,
            "startCursor": base64.b64encode(str(start).encode()).decode() if page else None,
        },
        "nodes": page,
        "edges": [{"node": n} for n in page],
    }


def _conn(items: Callable[[], list]) -> Callable[..., dict]:
    return lambda _info, first=None, after=None, **_kw: _connection(items(), first, after)


def _money(amount: str) -> dict:
    return {"amount": amount, "currencyCode": "USD"}


@dataclass
class FakeShopify:
    """One shop. ``client_id``/``client_secret``: the app the merchant connects with."""

    schema: GraphQLSchema
    shop: str = "dropyard-test.myshopify.com"
    client_id: str = "fake-client-id"
    client_secret: str = "fake-client-secret"  # noqa: S105 (a test double's secret)
    currency: str = "USD"
    maximum: float = 1000.0
    restore_rate: float = 100.0
    clock: Callable[[], float] = field(default_factory=FakeClock)
    version: str = "2025-01"

    def __post_init__(self) -> None:
        self.ids = itertools.count(1001)
        self.tokens: dict[str, float] = {}  # access token → expiry (clock seconds)
        self.refresh_tokens: dict[str, float] = {}
        self.codes: set[str] = set()
        self.available = self.maximum
        self.bucket_at = self.clock()
        self.products: dict[int, dict] = {}
        self.variants: dict[int, dict] = {}
        self.orders: dict[int, dict] = {}
        self.subscriptions: dict[str, str] = {}  # topic (GraphQL enum) → callback URL
        self.outbox: list[Delivery] = []
        self.requests: list[str] = []  # operation names, in order
        self.throttled = 0
        self.location = _gid("Location", 1)
        self.version_answered = ""  # Shopify falls forward from an unsupported version

    # --- WSGI -----------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        path = environ.get("PATH_INFO", "")
        host = environ.get("HTTP_HOST", "")
        if host != self.shop:
            status, answer = 404, {"errors": "Not Found"}
        elif environ["REQUEST_METHOD"] != "POST":
            status, answer = 405, {"errors": "Method Not Allowed"}
        elif path == "/admin/oauth/access_token":
            status, answer = self._token(body, environ.get("CONTENT_TYPE", ""))
        elif path == f"/admin/api/{self.version}/graphql.json":
            status, answer = self._graphql(body, environ.get("HTTP_X_SHOPIFY_ACCESS_TOKEN", ""))
        else:
            status, answer = 404, {"errors": "Not Found"}
        data = json.dumps(answer).encode()
        start_response(
            f"{status} X",
            [
                ("Content-Type", "application/json"),
                ("X-Shopify-API-Version", self.version_answered or self.version),
            ],
        )
        return [data]

    # --- Tokens ---------------------------------------------------------------------------

    def _issue(self, seconds: float) -> str:
        token = "shpat_" + secrets.token_hex(16)
        self.tokens[token] = self.clock() + seconds
        return token

    def issue_code(self) -> str:
        code = secrets.token_hex(8)
        self.codes.add(code)
        return code

    def _token(self, body: bytes, content_type: str) -> tuple[int, dict]:
        if content_type.startswith("application/json"):
            params = json.loads(body or b"{}")
        else:
            params = dict(urllib.parse.parse_qsl(body.decode()))
        if params.get("client_id") != self.client_id or not hmac.compare_digest(
            str(params.get("client_secret", "")), self.client_secret
        ):
            return 400, {"error": "invalid_client"}
        grant = params.get("grant_type", "")
        if grant == "client_credentials":
            return 200, {"access_token": self._issue(86399), "scope": "x", "expires_in": 86399}
        if grant == "refresh_token":
            old = params.get("refresh_token", "")
            if self.refresh_tokens.pop(old, 0) < self.clock():
                return 400, {"error": "invalid_grant"}
        elif params.get("code") in self.codes:
            self.codes.discard(params["code"])
        else:
            return 400, {"error": "invalid_request"}
        refresh = "shprt_" + secrets.token_hex(16)
        self.refresh_tokens[refresh] = self.clock() + 90 * 86400
        return 200, {
            "access_token": self._issue(3600),
            "scope": "x",
            "expires_in": 3600,
            "refresh_token": refresh,
            "refresh_token_expires_in": 90 * 86400,
        }

    # --- GraphQL --------------------------------------------------------------------------

    def _status(self) -> dict:
        return {
            "maximumAvailable": self.maximum,
            "currentlyAvailable": int(self.available),
            "restoreRate": self.restore_rate,
        }

    def _graphql(self, body: bytes, token: str) -> tuple[int, dict]:
        if self.tokens.get(token, 0) < self.clock():
            return 401, {
                "errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                "password)"
            }
        try:
            request = json.loads(body)
            document = parse(request["query"])
        except (ValueError, KeyError, TypeError, GraphQLError) as exc:
            return 200, {"errors": [{"message": f"Parse error: {exc}"}]}
        errors = validate(self.schema, document)
        if errors:
            return 200, {"errors": [e.formatted for e in errors]}
        variables = request.get("variables") or {}
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        self.requests.append(operation.name.value if operation.name else "")
        cost = query_cost(self.schema, document, variables)
        limit = int(min(MAX_QUERY_COST, self.maximum))
        if cost > limit:
            return 200, {
                "errors": [
                    {
                        "message": f"Query cost is {cost}, which exceeds the single query max "
                        f"cost limit ({limit}).",
                        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost},
                    }
                ]
            }
        now = self.clock()
        self.available = min(
            self.maximum, self.available + (now - self.bucket_at) * self.restore_rate
        )
        self.bucket_at = now
        if cost > self.available:
            self.throttled += 1
            return 200, {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": {
                    "cost": {
                        "requestedQueryCost": cost,
                        "actualQueryCost": None,
                        "throttleStatus": self._status(),
                    }
                },
            }
        self.available -= cost
        root = self._mutations() if operation.operation.value == "mutation" else self._queries()
        result = execute(self.schema, document, root_value=root, variable_values=variables)
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        answer["extensions"] = {
            "cost": {
                "requestedQueryCost": cost,
                "actualQueryCost": cost,
                "throttleStatus": self._status(),
            }
        }
        return 200, answer

    # --- Shapes ---------------------------------------------------------------------------

    def _variant_node(self, v: dict) -> dict:
        product = self.products[v["product_id"]]
        return {
            "__typename": "ProductVariant",
            "id": _gid("ProductVariant", v["id"]),
            "sku": v["sku"],
            "title": v["title"],
            "price": v["price"],
            "image": {"url": v["image"]} if v["image"] else None,
            "product": {"id": _gid("Product", product["id"]), "title": product["title"]},
            "inventoryItem": {
                "id": _gid("InventoryItem", v["id"]),
                "inventoryLevels": _conn(lambda: [{"location": {"id": self.location}}]),
            },
        }

    def _product_node(self, p: dict) -> dict:
        image = p["images"][0] if p["images"] else ""
        return {
            "id": _gid("Product", p["id"]),
            "title": p["title"],
            "descriptionHtml": p["description"],
            "featuredMedia": (
                {"__typename": "MediaImage", "preview": {"image": {"url": image}}}
                if image
                else None
            ),
            "variants": _conn(
                lambda: [self._variant_node(self.variants[i]) for i in p["variant_ids"]]
            ),
        }

    def _order_node(self, o: dict) -> dict:
        def line(li: dict) -> dict:
            return {
                "id": _gid("LineItem", li["id"]),
                "sku": li["sku"],
                "title": li["title"],
                "variantTitle": li["variant_title"],
                "quantity": li["quantity"],
                "variant": {"id": _gid("ProductVariant", li["variant_id"])},
                "originalUnitPriceSet": {"shopMoney": _money(li["price"])},
            }

        def fo(f: dict) -> dict:
            return {
                "id": _gid("FulfillmentOrder", f["id"]),
                "status": f["status"],
                "lineItems": _conn(
                    lambda: [
                        {
                            "id": _gid("FulfillmentOrderLineItem", i["id"]),
                            "remainingQuantity": i["remaining"],
                            "lineItem": {"id": _gid("LineItem", i["line_item_id"])},
                        }
                        for i in f["line_items"]
                    ]
                ),
            }

        address = o["shipping_address"]
        return {
            "id": _gid("Order", o["id"]),
            "name": o["name"],
            "email": o["email"],
            "currencyCode": self.currency,
            "createdAt": o["created_at"],
            "updatedAt": o["updated_at"],
            "cancelledAt": o["cancelled_at"],
            "displayFinancialStatus": o["financial_status"].upper(),
            "totalPriceSet": {"shopMoney": _money(o["total_price"])},
            "shippingAddress": {
                "name": address["name"],
                "address1": address["address1"],
                "address2": address["address2"],
                "city": address["city"],
                "provinceCode": address["province_code"],
                "zip": address["zip"],
                "countryCodeV2": address["country_code"],
                "country": address["country"],
                "phone": address["phone"],
            },
            "lineItems": _conn(lambda: [line(li) for li in o["line_items"]]),
            "fulfillmentOrders": _conn(lambda: [fo(f) for f in o["fulfillment_orders"]]),
            "fulfillments": lambda _info, first=None, **_kw: [
                self._fulfillment_node(f) for f in o["fulfillments"][:first]
            ],
        }

    def _fulfillment_node(self, f: dict) -> dict:
        return {
            "id": _gid("Fulfillment", f["id"]),
            "status": "SUCCESS",
            "trackingInfo": lambda _info, first=None, **_kw: [f["tracking"]][:first],
        }

    # --- Queries --------------------------------------------------------------------------

    def _queries(self) -> dict:
        def orders(_info, first=None, after=None, query=None, sortKey=None, **_kw):  # noqa: N803
            rows = list(self.orders.values())
            match = re.fullmatch(r"updated_at:>='([^']+)'", query or "")
            if match:
                rows = [o for o in rows if o["updated_at"] >= match.group(1)]
            rows.sort(
                key=lambda o: (o["updated_at"], o["id"]) if sortKey == "UPDATED_AT" else o["id"]
            )
            return _connection([self._order_node(o) for o in rows], first, after)

        def order(_info, id):  # noqa: A002
            found = self.orders.get(_num(id))
            return self._order_node(found) if found else None

        def product(_info, id):  # noqa: A002
            found = self.products.get(_num(id))
            return self._product_node(found) if found else None

        def variant(_info, id):  # noqa: A002
            found = self.variants.get(_num(id))
            return self._variant_node(found) if found else None

        return {
            "shop": {
                "id": _gid("Shop", 1),
                "name": "Dropyard Test Shop",
                "currencyCode": self.currency,
                "myshopifyDomain": self.shop,
                "primaryDomain": {"host": self.shop},
            },
            "products": lambda _info, first=None, after=None, **_kw: _connection(
                [self._product_node(p) for p in self.products.values()], first, after
            ),
            "orders": orders,
            "order": order,
            "product": product,
            "productVariant": variant,
        }

    # --- Mutations ------------------------------------------------------------------------

    def _mutations(self) -> dict:
        return {
            "productSet": lambda _info, input, synchronous=None: self._product_set(input),  # noqa: A006
            "productVariantsBulkUpdate": lambda _info, productId, variants, **_kw: (  # noqa: N803
                self._variants_update(productId, variants)
            ),
            "inventorySetQuantities": lambda _info, input: self._inventory_set(input),  # noqa: A006
            "fulfillmentCreate": lambda _info, fulfillment, **_kw: self._fulfill(fulfillment),
            "webhookSubscriptionCreate": lambda _info, topic, webhookSubscription: (  # noqa: N803
                self._subscribe(topic, webhookSubscription)
            ),
        }

    def _product_set(self, data: dict) -> dict:
        errors = []
        if not data.get("title"):
            errors.append({"field": ["input", "title"], "message": "Title can't be blank"})
        skus = [v.get("sku") for v in data.get("variants") or []]
        if len(set(skus)) != len(skus):
            errors.append({"field": ["input", "variants"], "message": "SKUs must be unique"})
        if errors:
            return {
                "product": None,
                "userErrors": [{**e, "code": "INVALID_VARIANT"} for e in errors],
            }
        pid = _num(data["id"]) if data.get("id") else next(self.ids)
        old = self.products.get(pid, {"variant_ids": []})
        kept = {_num(v["id"]) for v in data["variants"] if v.get("id")}
        for vid in old["variant_ids"]:
            if vid not in kept:
                self.variants.pop(vid, None)  # productSet deletes the variants it is not given
        ids = []
        for item in data["variants"]:
            vid = _num(item["id"]) if item.get("id") else next(self.ids)
            ids.append(vid)
            self.variants[vid] = {
                "id": vid,
                "product_id": pid,
                "sku": item.get("sku") or "",
                "title": " / ".join(o["name"] for o in item["optionValues"]),
                "price": str(Decimal(str(item.get("price") or "0")).quantize(Decimal("0.01"))),
                "image": (item.get("file") or {}).get("originalSource", ""),
                "available": self.variants.get(vid, {}).get("available", 0),
            }
        self.products[pid] = {
            "id": pid,
            "title": data["title"],
            "description": data.get("descriptionHtml") or "",
            "options": data.get("productOptions") or [],
            "images": [f["originalSource"] for f in data.get("files") or []],
            "variant_ids": ids,
        }
        return {"product": self._product_node(self.products[pid]), "userErrors": []}

    def _variants_update(self, product_id: str, items: list[dict]) -> dict:
        updated = []
        for item in items:
            variant = self.variants.get(_num(item["id"]))
            if variant is None or variant["product_id"] != _num(product_id):
                return {
                    "productVariants": None,
                    "userErrors": [
                        {"field": ["variants"], "message": "Product variant does not exist"}
                    ],
                }
            if item.get("price") is not None:
                variant["price"] = str(Decimal(str(item["price"])).quantize(Decimal("0.01")))
            updated.append(self._variant_node(variant))
        return {"productVariants": updated, "userErrors": []}

    def _inventory_set(self, data: dict) -> dict:
        for q in data["quantities"]:
            variant = self.variants.get(_num(q["inventoryItemId"]))
            if variant is None or q["locationId"] != self.location:
                return {
                    "inventoryAdjustmentGroup": None,
                    "userErrors": [
                        {
                            "field": ["input"],
                            "message": "The specified inventory item could not be found.",
                            "code": "INVALID_INVENTORY_ITEM",
                        }
                    ],
                }
            variant["available"] = q["quantity"]
        return {
            "inventoryAdjustmentGroup": {"id": _gid("InventoryAdjustmentGroup", next(self.ids))},
            "userErrors": [],
        }

    def _fulfill(self, data: dict) -> dict:
        def refuse(message: str) -> dict:
            return {
                "fulfillment": None,
                "userErrors": [{"field": ["fulfillment"], "message": message}],
            }

        picked = []
        for group in data["lineItemsByFulfillmentOrder"]:
            fo_id = _num(group["fulfillmentOrderId"])
            found = [
                (o, f)
                for o in self.orders.values()
                for f in o["fulfillment_orders"]
                if f["id"] == fo_id
            ]
            if not found:
                return refuse("Fulfillment order does not exist.")
            order, fo = found[0]
            if fo["status"] not in ("OPEN", "IN_PROGRESS"):
                return refuse("Fulfillment order is not in an actionable state.")
            items = {i["id"]: i for i in fo["line_items"]}
            wanted = group.get("fulfillmentOrderLineItems")
            if wanted is None:
                wanted = [
                    {"id": _gid("FulfillmentOrderLineItem", i), "quantity": items[i]["remaining"]}
                    for i in items
                ]
            for w in wanted:
                item = items.get(_num(w["id"]))
                if item is None:
                    return refuse("Invalid fulfillment order line item id.")
                if not 0 < w["quantity"] <= item["remaining"]:
                    return refuse("Invalid fulfillment order line item quantity requested.")
                picked.append((order, fo, item, w["quantity"]))
        tracking = data.get("trackingInfo") or {}
        fulfillment = {
            "id": next(self.ids),
            "tracking": {
                "number": tracking.get("number"),
                "company": tracking.get("company"),
                "url": tracking.get("url"),
            },
            "lines": [(item["line_item_id"], qty) for _o, _f, item, qty in picked],
        }
        for order, fo, item, qty in picked:
            item["remaining"] -= qty
            if all(i["remaining"] == 0 for i in fo["line_items"]):
                fo["status"] = "CLOSED"
            if fulfillment not in order["fulfillments"]:
                order["fulfillments"].append(fulfillment)
        return {"fulfillment": self._fulfillment_node(fulfillment), "userErrors": []}

    def _subscribe(self, topic: str, data: dict) -> dict:
        if topic in self.subscriptions and self.subscriptions[topic] == data["callbackUrl"]:
            return {
                "webhookSubscription": None,
                "userErrors": [
                    {
                        "field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address for this topic has already been taken",
                    }
                ],
            }
        self.subscriptions[topic] = data["callbackUrl"]
        return {
            "webhookSubscription": {
                "id": _gid("WebhookSubscription", next(self.ids)),
                "topic": topic,
            },
            "userErrors": [],
        }

    # --- The shop's side: shoppers, the merchant, webhooks ---------------------------------

    def _timestamp(self) -> str:
        return datetime.fromtimestamp(int(self.clock()), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def order_place(
        self, lines: list[tuple[int, int]], *, paid: bool = True, **address: str
    ) -> dict:
        """A shopper's order of ``(variant id, quantity)`` lines; queues ``orders/create``."""
        oid = next(self.ids)
        items = []
        for variant_id, quantity in lines:
            v = self.variants[variant_id]
            items.append(
                {
                    "id": next(self.ids),
                    "variant_id": variant_id,
                    "product_id": v["product_id"],
                    "sku": v["sku"],
                    "title": self.products[v["product_id"]]["title"],
                    "variant_title": v["title"],
                    "quantity": quantity,
                    "price": v["price"],
                }
            )
        total = sum(Decimal(i["price"]) * i["quantity"] for i in items)
        now = self._timestamp()
        order = {
            "id": oid,
            "name": f"#{1000 + len(self.orders) + 1}",
            "email": "shopper@example.com",
            "created_at": now,
            "updated_at": now,
            "cancelled_at": None,
            "financial_status": "paid" if paid else "pending",
            "total_price": f"{total:.2f}",
            "shipping_address": {
                "name": "Sam Shopper",
                "address1": "12 Ocean Ave",
                "address2": "",
                "city": "Santa Monica",
                "province_code": "CA",
                "zip": "90401",
                "country_code": "US",
                "country": "United States",
                "phone": "+1 310 555 0199",
                **address,
            },
            "line_items": items,
            "fulfillment_orders": [
                {
                    "id": next(self.ids),
                    "status": "OPEN",
                    "line_items": [
                        {"id": next(self.ids), "line_item_id": i["id"], "remaining": i["quantity"]}
                        for i in items
                    ],
                }
            ],
            "fulfillments": [],
        }
        self.orders[oid] = order
        self._queue("ORDERS_CREATE", "orders/create", self.order_rest(order))
        return order

    def order_cancel(self, order_id: int) -> None:
        order = self.orders[order_id]
        order["cancelled_at"] = order["updated_at"] = self._timestamp()
        for fo in order["fulfillment_orders"]:
            fo["status"] = "CLOSED"
        self._queue("ORDERS_CANCELLED", "orders/cancelled", self.order_rest(order))

    def app_uninstall(self) -> None:
        self._queue(
            "APP_UNINSTALLED",
            "app/uninstalled",
            {"id": 1, "name": "Dropyard Test Shop", "domain": self.shop},
        )

    def privacy_request(self, topic: str, callback_url: str) -> None:
        """A compliance webhook (configured with the app, not subscribed per shop)."""
        body = {
            "shop_id": 1,
            "shop_domain": self.shop,
            "customer": {"id": 1, "email": "shopper@example.com"},
        }
        self.outbox.append(self.delivery(callback_url, topic, json.dumps(body).encode()))

    def order_rest(self, o: dict) -> dict:
        """The REST shape webhooks carry."""
        return {
            "id": o["id"],
            "admin_graphql_api_id": _gid("Order", o["id"]),
            "name": o["name"],
            "email": o["email"],
            "currency": self.currency,
            "created_at": o["created_at"],
            "updated_at": o["updated_at"],
            "cancelled_at": o["cancelled_at"],
            "financial_status": o["financial_status"],
            "total_price": o["total_price"],
            "shipping_address": o["shipping_address"],
            "line_items": [
                {
                    k: li[k]
                    for k in (
                        "id",
                        "variant_id",
                        "product_id",
                        "sku",
                        "title",
                        "variant_title",
                        "quantity",
                        "price",
                    )
                }
                for li in o["line_items"]
            ],
        }

    def delivery(self, url: str, topic: str, body: bytes) -> Delivery:
        digest = hmac.new(self.client_secret.encode(), body, hashlib.sha256).digest()
        return Delivery(
            url=url,
            topic=topic,
            body=body,
            headers={
                "X-Shopify-Topic": topic,
                "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
                "X-Shopify-Shop-Domain": self.shop,
                "X-Shopify-API-Version": self.version,
                "X-Shopify-Webhook-Id": secrets.token_hex(12),
                "X-Shopify-Triggered-At": self._timestamp(),
                "X-Shopify-Event-Id": secrets.token_hex(12),
            },
        )

    def deliveries_send(self, client: Any) -> list[int]:
        """POST every queued webhook, oldest first, with a Django test ``client`` (the site's
        receiver); their HTTP statuses. The outbox is emptied."""
        statuses = []
        while self.outbox:
            delivery = self.outbox.pop(0)
            path = "/" + delivery.url.split("://", 1)[-1].split("/", 1)[-1]
            response = client.post(
                path, delivery.body, content_type="application/json", headers=delivery.headers
            )
            statuses.append(response.status_code)
        return statuses

    def _queue(self, enum: str, topic: str, payload: dict) -> None:
        url = self.subscriptions.get(enum)
        if url:
            self.outbox.append(self.delivery(url, topic, json.dumps(payload).encode()))
