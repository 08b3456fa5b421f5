"""The adapter of a Medusa v2 store, over its Admin REST API (pinned peer: 2.21.2).

Contract (``docs/contracts/store-platforms.md`` §6.1):
- ``Store.domain`` is the store's base URL (``https://shop.example``); the credentials are the
  merchant's secret API key (``sk_…``), sent as HTTP Basic ``base64("sk_…:")``, plus the ids
  ``authorize`` looked up once: the stock location fulfillments ship from and inventory is
  counted at, and the default sales channel listed products are published in;
- amounts are decimal major units (``medusa_mapping``: exact, never float);
- Medusa has no signed webhooks of its own: orders come by polling ``/admin/orders`` ordered by
  ``updated_at`` (``orders_since``), and ``webhook_verify`` is always False;
- tracking is a fulfillment of the order's items at the stock location followed by a shipment
  whose label carries the tracking number and URL; ``mark-as-delivered`` exists.

Retries: a request that never reached Medusa (connect error) is retried whatever its method;
GETs are also retried on 5xx and read errors, with backoff. A non-idempotent POST is not
repeated blindly: its failure is a retryable ``AdapterError``, and the operations that create
things (``listing_upsert``, ``fulfillment_push``) look for what an earlier attempt made before
creating it again, so the caller's retry makes it once.
"""

import hashlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext as _

from ..choices import Platform
from . import register
from .base import (
    AdapterError,
    AuthorizationLost,
    ListingResult,
    Page,
    PlatformFulfillment,
    PlatformOrder,
    PlatformProduct,
    PlatformVariant,
    StoreAdapter,
    StoreContext,
    WebhookEvent,
)
from .medusa_mapping import (
    ORDER_FIELDS,
    PRODUCT_FIELDS,
    cursor_next,
    cursor_parse,
    json_dumps,
    loads,
    order_from_data,
    price_in,
    product_from_data,
    to_major,
)

TIMEOUT = httpx.Timeout(30.0, connect=5.0)  # Medusa runs a workflow per write: seconds, not ms
ATTEMPTS = 3
BACKOFF_SECONDS = (0.5, 2.0)  # before the 2nd and 3rd attempt
PAGE_SIZE = 50
FIRST_POLL_WINDOW = timedelta(days=7)  # a new store's first poll reaches back this far
OPTION_TITLE = "Variant"
_ID = re.compile(r"[A-Za-z0-9_]{1,100}")


@dataclass(frozen=True)
class MedusaShop:
    """What connecting needs to know about the store behind a key."""

    name: str
    currency: str
    location_id: str
    sales_channel_id: str


def base_url_clean(raw: str) -> str:
    """The store's base URL as kept in ``Store.domain`` (scheme and host lower-cased, no
    trailing slash, no query); ``ValueError`` with a reason for anything that is not an
    http(s) URL with a host."""
    raw = (raw or "").strip()
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(_("must start with https:// (or http://)"))
    if not parts.hostname:
        raise ValueError(_("has no host name"))
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(_("must be the store's address only, without ?query, #part or login"))
    if len(raw) > 255:
        raise ValueError(_("is longer than 255 characters"))
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _safe_id(value: str, what: str) -> str:
    """A Medusa id (``order_01…``) fit for a URL path; ``AdapterError`` for anything else."""
    if not _ID.fullmatch(value or ""):
        raise AdapterError(f"not a Medusa {what} id: {str(value)[:40]!r}")
    return value


def _items(fulfillment: Mapping[str, Any]) -> dict[str, int]:
    """A Medusa fulfillment's order lines: line item id → quantity."""
    return {
        str(item["line_item_id"]): int(item["quantity"]) for item in fulfillment.get("items") or ()
    }


def _error_message(response: httpx.Response) -> str:
    try:
        body = loads(response.content)
    except ValueError:
        body = None
    message = body.get("message") if isinstance(body, dict) else None
    return f"Medusa answered {response.status_code}: {message or response.reason_phrase}"[:300]


@register(Platform.MEDUSA)
class MedusaAdapter(StoreAdapter):
    """A Medusa v2 store. ``transport`` (tests) replaces the network; ``sleep`` the backoff."""

    platform = Platform.MEDUSA

    def __init__(
        self,
        context: StoreContext,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        super().__init__(context)
        self.transport = transport
        self.sleep = sleep

    # --- HTTP -----------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        key = str(self.context.credentials.get("api_key", ""))
        if not key:
            raise AuthorizationLost("the store has no secret API key")
        return httpx.Client(
            base_url=self.context.domain,
            auth=httpx.BasicAuth(key, ""),
            timeout=TIMEOUT,
            transport=self.transport,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "Dropyard"},
        )

    def _call(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> Any:
        """One API call: the parsed body (Decimals for amounts), or an error by kind:
        ``AuthorizationLost`` (401), retryable ``AdapterError`` (429, 5xx, network),
        ``AdapterError`` (any other refusal, with Medusa's message)."""
        idempotent = method == "GET"
        content = json_dumps(json) if json is not None else None
        headers = {"Content-Type": "application/json"} if content is not None else {}
        with self._client() as client:
            for attempt in range(ATTEMPTS):
                last = attempt == ATTEMPTS - 1
                try:
                    response = client.request(
                        method, path, params=params, content=content, headers=headers
                    )
                except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                    # Never reached the store: safe to send again, whatever the method.
                    if last:
                        raise AdapterError(f"Medusa unreachable: {exc}", retryable=True) from None
                except httpx.HTTPError as exc:
                    if last or not idempotent:
                        raise AdapterError(f"Medusa call failed: {exc}", retryable=True) from None
                else:
                    status = response.status_code
                    if status == 401:
                        raise AuthorizationLost("Medusa refused the secret API key")
                    if status == 429:
                        raise AdapterError(_error_message(response), retryable=True)
                    if status >= 500:
                        if last or not idempotent:
                            raise AdapterError(_error_message(response), retryable=True)
                    elif status >= 400:
                        raise AdapterError(_error_message(response))
                    elif 300 <= status < 400:
                        raise AdapterError(f"Medusa answered a redirect ({status}): check the URL")
                    else:
                        try:
                            return loads(response.content) if response.content else {}
                        except ValueError:
                            raise AdapterError(
                                f"Medusa answered {status} without JSON: is this a Medusa store?"
                            ) from None
                self.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
        raise AssertionError("unreachable")  # the loop returns or raises

    @property
    def _currency(self) -> str:
        return self.context.currency.upper()

    def _credential(self, name: str) -> str:
        value = str(self.context.credentials.get(name, ""))
        if not value:
            raise AdapterError(f"the store's {name} is unknown: connect the store again")
        return value

    # --- Store ----------------------------------------------------------------------------

    def shop(self) -> MedusaShop:
        """The store behind the key: its name, default currency, the stock location to ship
        from (the store's default, else the first) and its default sales channel."""
        stores = self._call("GET", "/admin/stores", params={"fields": "*supported_currencies"})
        try:
            store = stores["stores"][0]
            currencies = store.get("supported_currencies") or []
            default = next((c for c in currencies if c.get("is_default")), None) or (
                currencies[0] if currencies else None
            )
        except (KeyError, IndexError, TypeError, AttributeError):
            raise AdapterError("this is not a Medusa v2 admin API (no store)") from None
        if default is None:
            raise AdapterError("the Medusa store has no currency: add one in its settings")
        location_id = str(store.get("default_location_id") or "")
        if not location_id:
            found = self._call(
                "GET",
                "/admin/stock-locations",
                params={"fields": "id", "limit": 1, "order": "created_at"},
            )["stock_locations"]
            if not found:
                raise AdapterError("the Medusa store has no stock location to ship from")
            location_id = str(found[0]["id"])
        return MedusaShop(
            name=str(store.get("name") or "Medusa store")[:120],
            currency=str(default["currency_code"]).upper(),
            location_id=location_id,
            sales_channel_id=str(store.get("default_sales_channel_id") or ""),
        )

    def authorize(self) -> dict[str, Any]:
        shop = self.shop()
        return {
            **self.context.credentials,
            "location_id": shop.location_id,
            "sales_channel_id": shop.sales_channel_id,
        }

    def refresh(self) -> dict[str, Any] | None:
        return None  # secret API keys do not expire; a revoked one answers 401

    # --- Catalog --------------------------------------------------------------------------

    def products_page(self, cursor: str = "") -> Page[PlatformProduct]:
        """``cursor`` is the offset of the page (products oldest first)."""
        offset = int(cursor) if cursor.isdigit() else 0
        body = self._call(
            "GET",
            "/admin/products",
            params={
                "fields": PRODUCT_FIELDS,
                "limit": PAGE_SIZE,
                "offset": offset,
                "order": "created_at",
            },
        )
        items = tuple(product_from_data(p, self._currency) for p in body["products"])
        after = offset + len(items)
        more = bool(items) and after < int(body.get("count", 0))
        return Page(items=items, next_cursor=str(after) if more else "")

    def _product(self, product_id: str) -> dict:
        return self._call(
            "GET",
            f"/admin/products/{_safe_id(product_id, 'product')}",
            params={"fields": "id,*variants,*variants.prices,*options,*options.values"},
        )["product"]

    def _product_of_skus(self, skus: list[str]) -> str:
        """The product already holding one of ``skus`` (an earlier, interrupted listing)."""
        if not skus:
            return ""
        found = self._call(
            "GET",
            "/admin/product-variants",
            params={"sku": skus, "fields": "id,sku,product_id", "limit": len(skus)},
        )["variants"]
        return str(found[0]["product_id"]) if found else ""

    def _prices(self, price_minor: int, existing: Any = None) -> list[dict[str, Any]]:
        """The variant's prices with the store-currency one set to ``price_minor``; others (and
        region or price-list prices) kept, since Medusa replaces the whole list."""
        amount = to_major(price_minor, self._currency)
        kept = [
            {"id": p["id"]} for p in existing or () if p is not price_in(existing, self._currency)
        ]
        mine = price_in(existing, self._currency)
        price: dict[str, Any] = {"currency_code": self._currency.lower(), "amount": amount}
        if mine is not None:
            price["id"] = mine["id"]
        return [*kept, price]

    @staticmethod
    def _option_values(product: PlatformProduct) -> list[str]:
        """One option value per variant: its title, else its SKU (Medusa needs them unique)."""
        values = [v.variant_title or v.sku for v in product.variants]
        if len(set(values)) != len(values):
            values = [v.sku for v in product.variants]
        return values

    def listing_upsert(
        self, product: PlatformProduct, *, platform_product_id: str = ""
    ) -> ListingResult:
        """Create the product, published in the store's sales channel, with one option
        (``Variant``: each variant's title) and each variant's price in the store currency, or
        update ``platform_product_id`` (title, description, images, each variant's title and
        price; new SKUs added as variants). Variants are created without inventory management
        (Dropyard holds the stock; ``price_inventory_update`` turns it on with a quantity). A
        product that already holds one of the SKUs (an interrupted earlier attempt) is updated
        instead of duplicated."""
        skus = [v.sku for v in product.variants]
        if not product.variants or any(not sku for sku in skus) or len(set(skus)) != len(skus):
            raise AdapterError("a Medusa listing needs variants with distinct, non-empty SKUs")
        images = list(
            dict.fromkeys([*product.image_urls, *(v.image_url for v in product.variants)])
        )
        images = [url for url in images if url]
        common: dict[str, Any] = {
            "title": product.title,
            "description": product.description_html,
            "images": [{"url": url} for url in images],
            "thumbnail": images[0] if images else None,
        }
        product_id = platform_product_id or self._product_of_skus(skus)
        if product_id:
            return self._listing_update(product, product_id, common)
        values = self._option_values(product)
        digest = hashlib.sha256("\n".join(sorted(skus)).encode()).hexdigest()[:10]
        slug = re.sub(r"[^a-z0-9]+", "-", product.title.lower()).strip("-")[:60] or "product"
        sales_channel = str(self.context.credentials.get("sales_channel_id", ""))
        payload = {
            **common,
            "handle": f"{slug}-{digest}",  # titles repeat; handles must not
            "status": "published",
            "options": [{"title": OPTION_TITLE, "values": values}],
            "variants": [
                {
                    "title": v.variant_title or v.sku,
                    "sku": v.sku,
                    "manage_inventory": False,
                    "options": {OPTION_TITLE: value},
                    "prices": self._prices(v.price_minor),
                }
                for v, value in zip(product.variants, values, strict=True)
            ],
        }
        if sales_channel:
            payload["sales_channels"] = [{"id": sales_channel}]
        created = self._call("POST", "/admin/products", json=payload)["product"]
        return ListingResult(
            platform_product_id=str(created["id"]),
            variant_ids_by_sku={str(v["sku"]): str(v["id"]) for v in created["variants"]},
        )

    def _listing_update(
        self, product: PlatformProduct, product_id: str, common: dict[str, Any]
    ) -> ListingResult:
        product_id = _safe_id(product_id, "product")
        current = self._product(product_id)
        by_sku = {str(v.get("sku")): v for v in current.get("variants") or ()}
        missing = [v for v in product.variants if v.sku not in by_sku]
        if missing:
            self._variants_add(product_id, current, missing)
            current = self._product(product_id)
            by_sku = {str(v.get("sku")): v for v in current.get("variants") or ()}
        self._call("POST", f"/admin/products/{product_id}", json=common)
        for v in product.variants:
            variant = by_sku[v.sku]
            self._call(
                "POST",
                f"/admin/products/{product_id}/variants/{_safe_id(variant['id'], 'variant')}",
                json={
                    "title": v.variant_title or v.sku,
                    "prices": self._prices(v.price_minor, variant.get("prices")),
                },
            )
        return ListingResult(
            platform_product_id=product_id,
            variant_ids_by_sku={v.sku: str(by_sku[v.sku]["id"]) for v in product.variants},
        )

    def _variants_add(
        self, product_id: str, current: Mapping[str, Any], new: list[PlatformVariant]
    ) -> None:
        """Add ``new`` variants to a product this adapter listed: their values join its
        ``Variant`` option (Medusa 2.17+: options are linked through ``options/batch``), then
        each variant is created with its price. A product without that option (made in Medusa
        by hand) is refused: its variants' options are the merchant's, not ours to guess."""
        option = next(
            (o for o in current.get("options") or () if o.get("title") == OPTION_TITLE), None
        )
        if option is None:
            raise AdapterError(
                f"Medusa product {product_id} has no {OPTION_TITLE!r} option: add the variants "
                f"{', '.join(v.sku for v in new)} in Medusa, or list them as a new product"
            )
        taken = {str(value.get("value")) for value in option.get("values") or ()}
        values = [v.variant_title or v.sku for v in new]
        if len(set(values)) != len(values) or taken & set(values):
            values = [v.sku for v in new]
        self._call(
            "POST",
            f"/admin/products/{product_id}/options/batch",
            json={
                "update": [
                    {
                        "product_option_id": _safe_id(str(option["id"]), "option"),
                        "add": [{"value": value} for value in values],  # a bare string is an id
                    }
                ]
            },
        )
        self._call(
            "POST",
            f"/admin/products/{product_id}/variants/batch",
            json={
                "create": [
                    {
                        "title": v.variant_title or v.sku,
                        "sku": v.sku,
                        "manage_inventory": False,
                        "options": {OPTION_TITLE: value},
                        "prices": self._prices(v.price_minor),
                    }
                    for v, value in zip(new, values, strict=True)
                ]
            },
        )

    def price_inventory_update(
        self, *, platform_variant_id: str, price_minor: int | None, available: int | None
    ) -> None:
        """Set the variant's store-currency price, and/or make ``available`` units sellable at
        the store's stock location (inventory management is turned on the first time; the
        stocked quantity is ``available`` plus what is already reserved there)."""
        if price_minor is None and available is None:
            return
        variant_id = _safe_id(platform_variant_id, "variant")
        found = self._call(
            "GET",
            "/admin/product-variants",
            params={
                "id": variant_id,
                "fields": "id,product_id,manage_inventory,*prices,*inventory_items",
            },
        )["variants"]
        if not found:
            raise AdapterError(f"Medusa has no variant {variant_id}")
        variant = found[0]
        path = f"/admin/products/{_safe_id(variant['product_id'], 'product')}/variants/{variant_id}"
        change: dict[str, Any] = {}
        if price_minor is not None:
            change["prices"] = self._prices(price_minor, variant.get("prices"))
        if available is not None and not variant.get("manage_inventory"):
            change["manage_inventory"] = True  # Medusa then creates the inventory item
        if change:
            self._call("POST", path, json=change)
        if available is not None:
            self._stock_set(variant_id, max(available, 0))

    def _stock_set(self, variant_id: str, available: int) -> None:
        location_id = _safe_id(self._credential("location_id"), "stock location")
        items = (
            self._call(
                "GET",
                "/admin/product-variants",
                params={"id": variant_id, "fields": "id,*inventory_items"},
            )["variants"][0].get("inventory_items")
            or []
        )
        if not items:
            raise AdapterError(f"Medusa variant {variant_id} has no inventory item")
        item_id = _safe_id(str(items[0]["inventory_item_id"]), "inventory item")
        levels = self._call(
            "GET",
            f"/admin/inventory-items/{item_id}/location-levels",
            params={"location_id": location_id, "fields": "id,location_id,reserved_quantity"},
        )["inventory_levels"]
        level = next((lv for lv in levels if lv.get("location_id") == location_id), None)
        if level is None:
            self._call(
                "POST",
                f"/admin/inventory-items/{item_id}/location-levels",
                json={"location_id": location_id, "stocked_quantity": available},
            )
            return
        reserved = int(level.get("reserved_quantity") or 0)
        self._call(
            "POST",
            f"/admin/inventory-items/{item_id}/location-levels/{location_id}",
            json={"stocked_quantity": available + reserved},
        )

    # --- Orders ---------------------------------------------------------------------------

    def orders_since(self, cursor: str = "") -> Page[PlatformOrder]:
        """Orders updated at or after the cursor's instant, oldest change first, minus those
        the cursor already saw at that instant (``medusa_mapping`` explains the cursor). An
        empty cursor starts ``FIRST_POLL_WINDOW`` back. ``next_cursor`` equals ``cursor`` when
        nothing changed."""
        stamp, seen = cursor_parse(cursor)
        since = stamp or (datetime.now(UTC) - FIRST_POLL_WINDOW).isoformat().replace("+00:00", "Z")
        body = self._call(
            "GET",
            "/admin/orders",
            params={
                "fields": ORDER_FIELDS,
                "updated_at[$gte]": since,
                "order": "updated_at",
                # Room for the orders already seen at ``since``, so a page always moves on.
                "limit": PAGE_SIZE + len(seen),
                "offset": 0,
            },
        )
        fresh = [
            o for o in body["orders"] if not (str(o.get("updated_at")) == stamp and o["id"] in seen)
        ]
        items = tuple(order_from_data(o) for o in fresh)
        return Page(items=items, next_cursor=cursor_next(cursor, fresh) if fresh else cursor)

    def _order(self, order_id: str) -> dict:
        return self._call(
            "GET",
            f"/admin/orders/{order_id}",
            params={
                "fields": "id,*items,*items.detail,*fulfillments,*fulfillments.items,"
                "*fulfillments.labels"
            },
        )["order"]

    # --- Webhooks: Medusa signs none -------------------------------------------------------

    def webhook_verify(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        return False  # Medusa has no signed webhooks: nothing can be trusted; polling is the path

    def webhook_parse(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        raise AdapterError("Medusa stores send no signed webhooks: their orders are polled")

    # --- Fulfillment ----------------------------------------------------------------------

    def fulfillment_push(self, fulfillment: PlatformFulfillment) -> str:
        """Fulfil the order's lines (``line_quantities``; empty: everything not yet fulfilled)
        at the store's stock location, then ship that fulfillment with a label carrying the
        tracking number and URL (the carrier goes in the fulfillment's metadata: Medusa's
        label has no carrier field). Returns the fulfillment id.

        Idempotent: a fulfillment already labelled with this tracking number is returned as
        is, and a fulfillment of the same lines left unshipped by an interrupted attempt is
        shipped rather than a second one made."""
        order_id = _safe_id(fulfillment.platform_order_id, "order")
        number = fulfillment.tracking_number.strip()
        if not number:
            raise AdapterError("a shipment pushed to Medusa needs a tracking number")
        order = self._order(order_id)
        live = [f for f in order.get("fulfillments") or () if not f.get("canceled_at")]
        for f in live:
            if any(label.get("tracking_number") == number for label in f.get("labels") or ()):
                return str(f["id"])
        wanted = {line: qty for line, qty in fulfillment.line_quantities.items() if qty > 0}
        pending = next(
            (
                f
                for f in live
                if not f.get("shipped_at")
                # An interrupted attempt of *this* push: the same lines (any, when unspecified).
                and (not wanted or _items(f) == wanted)
            ),
            None,
        )
        if pending is None:
            lines = self._lines_to_fulfil(order, fulfillment.line_quantities)
            self._call(
                "POST",
                f"/admin/orders/{order_id}/fulfillments",
                json={
                    "items": lines,
                    "location_id": self._credential("location_id"),
                    "metadata": {"carrier": fulfillment.carrier, "source": "dropyard"},
                },
            )
            known = {f["id"] for f in live}
            after = self._order(order_id).get("fulfillments") or ()
            pending = next((f for f in after if f["id"] not in known), None)
            if pending is None:
                raise AdapterError(f"Medusa made no fulfillment for order {order_id}")
        items = [{"id": line, "quantity": qty} for line, qty in _items(pending).items()]
        self._call(
            "POST",
            f"/admin/orders/{order_id}/fulfillments/{_safe_id(pending['id'], 'fulfillment')}"
            "/shipments",
            json={
                "items": items,
                "labels": [
                    {
                        "tracking_number": number,
                        "tracking_url": fulfillment.tracking_url,
                        "label_url": "",
                    }
                ],
            },
        )
        return str(pending["id"])

    @staticmethod
    def _lines_to_fulfil(order: Mapping[str, Any], wanted: Mapping[str, int]) -> list[dict]:
        remaining = {}
        for item in order.get("items") or ():
            fulfilled = (item.get("detail") or {}).get("fulfilled_quantity") or 0
            remaining[str(item["id"])] = int(item["quantity"]) - int(fulfilled)
        if wanted:
            unknown = sorted(set(wanted) - set(remaining))
            if unknown:
                raise AdapterError(f"the Medusa order has no line {', '.join(unknown)}")
            chosen = {line: qty for line, qty in wanted.items() if qty > 0}
        else:
            chosen = {line: qty for line, qty in remaining.items() if qty > 0}
        if not chosen:
            raise AdapterError("nothing left to fulfil on the Medusa order")
        return [{"id": line, "quantity": qty} for line, qty in chosen.items()]

    def mark_delivered(self, *, platform_order_id: str, platform_fulfillment_id: str) -> None:
        order_id = _safe_id(platform_order_id, "order")
        fulfillment_id = _safe_id(platform_fulfillment_id, "fulfillment")
        order = self._order(order_id)
        for f in order.get("fulfillments") or ():
            if f["id"] == fulfillment_id and f.get("delivered_at"):
                return  # already delivered: Medusa would refuse a second time
        self._call(
            "POST",
            f"/admin/orders/{order_id}/fulfillments/{fulfillment_id}/mark-as-delivered",
            json={},
        )
