"""What crosses the boundary between Dropyard and a store platform, and the adapter interface.

Adapters translate between a platform's API and these plain dataclasses. They never touch the
ORM and never open transactions: the stores services call them and own the writes. An adapter
gets a ``StoreContext`` (plain data, decrypted credentials included), never a model instance.
"""

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StoreContext:
    """The store as an adapter sees it."""

    platform: str
    domain: str
    currency: str
    credentials: Mapping[str, Any]


@dataclass(frozen=True)
class PlatformVariant:
    """One variant of the store's catalog (prices in the store currency's minor units;
    ``compare_at_minor`` 0 = no compare-at price, for platforms that show one)."""

    platform_product_id: str
    platform_variant_id: str
    sku: str
    title: str
    variant_title: str = ""
    price_minor: int = 0
    currency: str = ""
    image_url: str = ""
    compare_at_minor: int = 0


@dataclass(frozen=True)
class PlatformProduct:
    """A store product with its variants."""

    platform_product_id: str
    title: str
    variants: tuple[PlatformVariant, ...] = ()
    description_html: str = ""
    image_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page[T]:
    """One page of a paged read; ``next_cursor`` is empty on the last page."""

    items: tuple[T, ...]
    next_cursor: str = ""


@dataclass(frozen=True)
class PlatformOrderLine:
    """One line of a store order (unit price is the sale price, store currency minor units)."""

    platform_line_id: str
    platform_variant_id: str
    sku: str
    title: str
    quantity: int
    unit_price_minor: int = 0


@dataclass(frozen=True)
class ShippingAddress:
    """The buyer's address, with the field names ``orders.services.order_create`` takes."""

    shipping_customer_name: str = ""
    shipping_address: str = ""
    shipping_address2: str = ""
    shipping_city: str = ""
    shipping_province: str = ""
    shipping_zip: str = ""
    shipping_country_code: str = ""
    shipping_country: str = ""
    shipping_phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class PlatformOrder:
    """A store order as the platform shows it now.

    ``paid``: the buyer's payment is captured (Shopify ``financial_status`` paid); ``cancelled``:
    cancelled on the store. ``raw`` is the platform's payload, kept for the record only.
    """

    platform_order_id: str
    name: str
    currency: str
    lines: tuple[PlatformOrderLine, ...]
    address: ShippingAddress
    paid: bool = True
    cancelled: bool = False
    total_minor: int | None = None
    created_at: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def to_data(self) -> dict[str, Any]:
        """The normalised, JSON-ready form (without ``raw``); ``from_data`` reverses it."""
        data = asdict(self)
        data.pop("raw")
        data["created_at"] = self.created_at.isoformat() if self.created_at else None
        # Through JSON, so that it compares equal to what the database gives back (lists).
        result: dict[str, Any] = json.loads(json.dumps(data))
        return result

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "PlatformOrder":
        created = data.get("created_at")
        return cls(
            platform_order_id=data["platform_order_id"],
            name=data["name"],
            currency=data["currency"],
            lines=tuple(PlatformOrderLine(**line) for line in data["lines"]),
            address=ShippingAddress(**data["address"]),
            paid=data["paid"],
            cancelled=data["cancelled"],
            total_minor=data.get("total_minor"),
            created_at=datetime.fromisoformat(created) if created else None,
        )


@dataclass(frozen=True)
class PlatformFulfillment:
    """A shipment to push to the store: which lines, with which carrier and tracking."""

    platform_order_id: str
    carrier: str
    tracking_number: str
    tracking_url: str = ""
    line_quantities: Mapping[str, int] = field(default_factory=dict)  # platform line id → qty


@dataclass(frozen=True)
class WebhookEvent:
    """A verified incoming webhook: its delivery id (dedupe key), topic and what it carries."""

    delivery_id: str
    topic: str
    order: PlatformOrder | None = None
    uninstalled: bool = False
    privacy: bool = False  # a data-protection request (Shopify's GDPR topics): audited


@dataclass(frozen=True)
class ListingResult:
    """The platform's ids for a listed product: variant ids by SKU."""

    platform_product_id: str
    variant_ids_by_sku: Mapping[str, str]


class AdapterError(Exception):
    """The platform refused or failed. ``retryable``: a network error, 5xx or throttling."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


class AuthorizationLost(AdapterError):
    """The credentials were revoked or expired beyond refresh: the store needs re-authorizing."""


def headers_lowered(headers: Mapping[str, str]) -> dict[str, str]:
    """HTTP headers by lower-case name (platforms and proxies vary the case)."""
    return {key.lower(): value for key, value in headers.items()}


def webhook_json(
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    id_header: str,
    topic_header: str,
    missing_id: str,
) -> tuple[str, str, Any]:
    """A webhook's delivery id, topic and parsed JSON body (header names in lower case).
    ``AdapterError`` when the delivery id is missing (``missing_id``: it is the dedupe key),
    the body carries NUL characters (raw or escaped) or is not JSON."""
    lowered = headers_lowered(headers)
    delivery_id, topic = lowered.get(id_header, ""), lowered.get(topic_header, "")
    if not delivery_id:
        raise AdapterError(missing_id)
    if b"\x00" in raw_body or b"\\u0000" in raw_body:
        raise AdapterError("webhook body contains NUL characters")
    try:
        return delivery_id, topic, json.loads(raw_body)
    except (ValueError, UnicodeDecodeError):
        raise AdapterError("webhook body is not JSON") from None


class StoreAdapter(ABC):
    """One platform's implementation. Every call is one or a few HTTP requests, with timeouts."""

    platform: str = ""

    def __init__(self, context: StoreContext):
        self.context = context

    @abstractmethod
    def authorize(self) -> dict[str, Any]:
        """Check the credentials against the platform; return them, completed if needed."""

    @abstractmethod
    def refresh(self) -> dict[str, Any] | None:
        """New credentials when the current ones expire soon, else None."""

    @abstractmethod
    def products_page(self, cursor: str = "") -> Page[PlatformProduct]:
        """One page of the store's products and variants."""

    @abstractmethod
    def listing_upsert(
        self, product: PlatformProduct, *, platform_product_id: str = ""
    ) -> ListingResult:
        """Create the product (or update ``platform_product_id``) with its variants."""

    @abstractmethod
    def price_inventory_update(
        self, *, platform_variant_id: str, price_minor: int | None, available: int | None
    ) -> None:
        """Set a variant's price and/or available quantity (None leaves it as is)."""

    @abstractmethod
    def orders_since(self, cursor: str = "") -> Page[PlatformOrder]:
        """Orders created or updated after ``cursor`` (empty: the platform's default window)."""

    @abstractmethod
    def webhook_verify(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        """Whether the signature in ``headers`` matches ``raw_body`` (constant-time compare)."""

    @abstractmethod
    def webhook_parse(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """The event in a verified webhook."""

    @abstractmethod
    def fulfillment_push(self, fulfillment: PlatformFulfillment) -> str:
        """Create the fulfillment with its tracking on the store; return the platform's id."""

    @abstractmethod
    def mark_delivered(self, *, platform_order_id: str, platform_fulfillment_id: str) -> None:
        """Mark a fulfillment delivered where the platform has the notion (else a no-op)."""


__all__ = [
    "AdapterError",
    "AuthorizationLost",
    "ListingResult",
    "Page",
    "PlatformFulfillment",
    "PlatformOrder",
    "PlatformOrderLine",
    "PlatformProduct",
    "PlatformVariant",
    "ShippingAddress",
    "StoreAdapter",
    "StoreContext",
    "WebhookEvent",
    "headers_lowered",
    "webhook_json",
]
