"""Pure translation between Medusa v2's admin API payloads and the adapter dataclasses: money,
orders, products, and the polling cursor. No HTTP here (``medusa.py`` does that), so all of it
is unit-tested without a Medusa.

Money: Medusa v2 keeps amounts as decimal *major* units (``19.99`` USD; ``raw_*`` fields carry
the exact string, ``{"value": "19.99", "precision": 20}``). Responses are parsed with
``parse_float=Decimal``, so a JSON number never becomes a float; requests write ``Decimal``
amounts as JSON numbers with their exact digits (``json_dumps``).
"""

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dropyard.core.money import Money

from .base import (
    AdapterError,
    PlatformOrder,
    PlatformOrderLine,
    PlatformProduct,
    PlatformVariant,
    ShippingAddress,
)

# Payment statuses under which the buyer's money is secured for the merchant. A default Medusa
# store only *authorizes* at checkout and captures when the merchant does (usually when
# shipping), so "authorized" counts as paid: importing only captured orders would hold every
# order of such a store until the merchant captured it by hand. Partial states do not count.
PAID_STATUSES = frozenset({"authorized", "captured", "partially_refunded"})


# --- Money ------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal:
    """A Medusa amount as a ``Decimal``: a number parsed as Decimal, a numeric string, an int,
    or a BigNumber ``{"value": "19.99", ...}``. Floats are refused (they never reach here when
    the body was parsed with ``loads``)."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, bool | float) or value is None:
        raise AdapterError(f"not an exact amount: {value!r}"[:100])
    try:
        result = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise AdapterError(f"not an amount: {str(value)[:40]!r}") from None
    if not result.is_finite():
        raise AdapterError(f"not an amount: {str(value)[:40]!r}")
    return result


def to_minor(value: Any, currency: str) -> int:
    """Medusa's decimal major-unit amount as integer minor units of ``currency`` (19.99 USD →
    1999; 500 JPY → 500; 1.234 KWD → 1234). Amounts finer than the currency's minor unit (a
    tax-inclusive split can give 6.6633…) are rounded half up, the way Medusa displays them."""
    return Money.from_decimal(_decimal(value), currency.upper()).amount_minor


def to_major(amount_minor: int, currency: str) -> Decimal:
    """Integer minor units as Medusa's decimal major units (1999 USD → Decimal("19.99"))."""
    return Money(amount_minor, currency.upper()).to_decimal()  # TypeError unless an int


def loads(content: bytes) -> Any:
    """A Medusa JSON body with every non-integer number as ``Decimal`` (never float)."""
    return json.loads(content, parse_float=Decimal)


def json_dumps(payload: Any) -> bytes:
    """``payload`` as JSON, each ``Decimal`` written as a JSON number with its exact digits
    (Medusa's validators want numbers, not strings, for prices).

    The standard encoder cannot emit a Decimal as a number, so each one goes through a string
    marker carrying a per-call nonce, and the quoted marker is then replaced by the bare digits.
    """
    nonce = uuid.uuid4().hex
    numbers: list[str] = []

    def mark(value: Any) -> Any:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError("amounts must be finite")
            numbers.append(format(value, "f"))
            return f"{nonce}:{len(numbers) - 1}"
        if isinstance(value, float):
            raise TypeError("refusing float in a Medusa request; use Decimal")
        if isinstance(value, Mapping):
            return {key: mark(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [mark(item) for item in value]
        return value

    text = json.dumps(mark(payload), ensure_ascii=False, separators=(",", ":"))
    for index, digits in enumerate(numbers):
        text = text.replace(f'"{nonce}:{index}"', digits, 1)
    return text.encode()


def plain(data: Any) -> Any:
    """``data`` with every ``Decimal`` as its exact string: JSON-ready for the record
    (``StoreOrder.payload`` is a JSONField, which cannot store a Decimal)."""
    if isinstance(data, Decimal):
        return format(data, "f")
    if isinstance(data, Mapping):
        return {str(key): plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [plain(value) for value in data]
    return data


# --- Orders -----------------------------------------------------------------------------------


def _text(data: Mapping[str, Any] | None, key: str) -> str:
    value = (data or {}).get(key)
    return "" if value is None else str(value)


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise AdapterError(f"not a timestamp: {str(value)[:40]!r}") from None


def address_from_data(address: Mapping[str, Any] | None, email: str) -> ShippingAddress:
    """A Medusa address (``first_name``, ``address_1``, ``postal_code``, lower-case
    ``country_code``…) in the field names ``orders.services.order_create`` takes."""
    name = " ".join(p for p in (_text(address, "first_name"), _text(address, "last_name")) if p)
    return ShippingAddress(
        shipping_customer_name=name,
        shipping_address=_text(address, "address_1"),
        shipping_address2=_text(address, "address_2"),
        shipping_city=_text(address, "city"),
        shipping_province=_text(address, "province"),
        shipping_zip=_text(address, "postal_code"),
        shipping_country_code=_text(address, "country_code").upper(),
        shipping_phone=_text(address, "phone"),
        email=email,
    )


def order_from_data(data: Any) -> PlatformOrder:
    """A Medusa admin order (with ``*items`` and ``*shipping_address``) as a ``PlatformOrder``:
    name ``#<display_id>``, unit prices and total in minor units of the order currency, paid
    when the payment status secures the money (``PAID_STATUSES``), cancelled when the order
    is canceled. ``AdapterError`` when the payload is not such an order."""
    try:
        currency = str(data["currency_code"]).upper()
        lines = tuple(
            PlatformOrderLine(
                platform_line_id=str(item["id"]),
                platform_variant_id=_text(item, "variant_id"),
                sku=_text(item, "variant_sku"),
                title=" / ".join(
                    p
                    for p in (
                        _text(item, "product_title") or _text(item, "title"),
                        _text(item, "variant_title"),
                    )
                    if p
                )[:255],
                quantity=int(_decimal(item["quantity"])),
                unit_price_minor=to_minor(
                    item.get("raw_unit_price") or item["unit_price"], currency
                ),
            )
            for item in data["items"]
        )
        total = data.get("raw_total") or data.get("total")
        return PlatformOrder(
            platform_order_id=str(data["id"]),
            name=f"#{data['display_id']}" if data.get("display_id") is not None else "",
            currency=currency,
            lines=lines,
            address=address_from_data(data.get("shipping_address"), _text(data, "email")),
            paid=data.get("payment_status") in PAID_STATUSES,
            cancelled=data.get("status") == "canceled" or bool(data.get("canceled_at")),
            total_minor=to_minor(total, currency) if total is not None else None,
            created_at=_when(data.get("created_at")),
            raw=plain(data),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AdapterError(f"malformed Medusa order: {exc!r}"[:300]) from None


# The fields ``orders_since`` asks for: what ``order_from_data`` reads, and nothing more.
ORDER_FIELDS = (
    "id,display_id,status,email,currency_code,created_at,updated_at,canceled_at,"
    "payment_status,fulfillment_status,total,*items,*shipping_address"
)


# --- Products ---------------------------------------------------------------------------------


def price_in(prices: Any, currency: str) -> Any | None:
    """The variant's plain price in ``currency`` (no rules: not a region or price-list price)."""
    for price in prices or ():
        if str(price.get("currency_code", "")).upper() == currency and not price.get("rules"):
            return price
    return None


def product_from_data(data: Any, currency: str) -> PlatformProduct:
    """A Medusa admin product (``*variants``, ``*variants.prices``, ``*images``) with each
    variant's price in ``currency`` (0 when it has none in that currency)."""
    try:
        images = tuple(str(i["url"]) for i in data.get("images") or () if i.get("url"))
        thumbnail = _text(data, "thumbnail")
        variants = []
        for v in data.get("variants") or ():
            price = price_in(v.get("prices"), currency)
            variants.append(
                PlatformVariant(
                    platform_product_id=str(data["id"]),
                    platform_variant_id=str(v["id"]),
                    sku=_text(v, "sku"),
                    title=_text(data, "title"),
                    variant_title=_text(v, "title"),
                    price_minor=to_minor(price.get("raw_amount") or price["amount"], currency)
                    if price
                    else 0,
                    currency=currency,
                    image_url=thumbnail or (images[0] if images else ""),
                )
            )
        return PlatformProduct(
            platform_product_id=str(data["id"]),
            title=_text(data, "title"),
            variants=tuple(variants),
            description_html=_text(data, "description"),
            image_urls=images or ((thumbnail,) if thumbnail else ()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AdapterError(f"malformed Medusa product: {exc!r}"[:300]) from None


PRODUCT_FIELDS = "id,title,description,thumbnail,*images,*variants,*variants.prices"


# --- Polling cursor ---------------------------------------------------------------------------
# ``<updated_at>|<id>,<id>…``: the newest ``updated_at`` seen and the ids of the orders seen at
# exactly that instant. The next poll asks for ``updated_at >= cursor`` (an order updated in the
# same millisecond as the last one seen, but committed after the poll read, is not lost) and
# drops the ids already seen at that instant, so an unchanged store answers an empty page.


def cursor_parse(cursor: str) -> tuple[str, frozenset[str]]:
    """``(timestamp, ids seen at it)``; ``("", {})`` for an empty cursor. ``AdapterError`` for
    a cursor this adapter did not write."""
    if not cursor:
        return "", frozenset()
    stamp, _, ids = cursor.partition("|")
    try:
        valid = _when(stamp) is not None
    except AdapterError:
        valid = False
    if not valid:
        raise AdapterError(f"not a Medusa poll cursor: {cursor[:60]!r}")
    return stamp, frozenset(i for i in ids.split(",") if i)


def cursor_next(cursor: str, orders: list[Mapping[str, Any]]) -> str:
    """The cursor after ``orders`` (sorted by ``updated_at``, all newer than or at ``cursor``)."""
    stamp, seen = cursor_parse(cursor)
    for order in orders:
        updated = str(order["updated_at"])
        if updated != stamp:
            stamp, seen = updated, frozenset()
        seen = seen | {str(order["id"])}
    return f"{stamp}|{','.join(sorted(seen))}" if stamp else ""
