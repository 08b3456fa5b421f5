"""Shopify payloads as the adapter's dataclasses: GraphQL nodes (polling) and REST-shaped
webhook bodies (``orders/create`` …) give the same ``PlatformOrder`` for the same order, with
numeric ids (``gid://shopify/Order/123`` → ``"123"``), so a webhook and a poll dedupe."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from dropyard.core.money import Money

from ..base import (
    AdapterError,
    PlatformOrder,
    PlatformOrderLine,
    PlatformProduct,
    PlatformVariant,
    ShippingAddress,
)

GID_PREFIX = "gid://shopify/"


def numeric_id(value: Any) -> str:
    """The numeric part of a Shopify id (a GID or a REST integer)."""
    text = str(value or "")
    text = text.rsplit("/", 1)[-1] if text.startswith(GID_PREFIX) else text
    return text.split("?", 1)[0]


def gid(kind: str, value: str) -> str:
    """The GID of a numeric id; ``AdapterError`` for anything but digits (nothing raw reaches
    a query)."""
    value = numeric_id(value)
    if not (value.isascii() and value.isdigit()):
        raise AdapterError(f"not a Shopify id: {value[:40]!r}")
    return f"{GID_PREFIX}{kind}/{value}"


def minor(amount: Any, currency: str) -> int:
    """A decimal string amount as integer minor units of ``currency``."""
    if amount in (None, ""):
        return 0
    return Money.from_decimal(str(amount), currency or "USD").amount_minor


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


def _address(data: Mapping[str, Any] | None, email: str, *, rest: bool) -> ShippingAddress:
    data = data or {}
    return ShippingAddress(
        shipping_customer_name=str(data.get("name") or ""),
        shipping_address=str(data.get("address1") or ""),
        shipping_address2=str(data.get("address2") or ""),
        shipping_city=str(data.get("city") or ""),
        shipping_province=str(data.get("province_code" if rest else "provinceCode") or ""),
        shipping_zip=str(data.get("zip") or ""),
        shipping_country_code=str(data.get("country_code" if rest else "countryCodeV2") or ""),
        shipping_country=str(data.get("country") or ""),
        shipping_phone=str(data.get("phone") or ""),
        email=email,
    )


def order_from_node(
    node: Mapping[str, Any], extra_lines: Sequence[Mapping[str, Any]]
) -> PlatformOrder:
    """A GraphQL ``Order`` node (``documents.DropyardOrder``) with any further line items."""
    try:
        currency = str(node["currencyCode"]).upper()
        lines = tuple(
            PlatformOrderLine(
                platform_line_id=numeric_id(line["id"]),
                platform_variant_id=numeric_id((line.get("variant") or {}).get("id")),
                sku=str(line.get("sku") or ""),
                title=str(line.get("title") or ""),
                quantity=int(line["quantity"]),
                unit_price_minor=minor(
                    line["originalUnitPriceSet"]["shopMoney"]["amount"], currency
                ),
            )
            for line in [*node["lineItems"]["nodes"], *extra_lines]
        )
        email = str(node.get("email") or "")
        return PlatformOrder(
            platform_order_id=numeric_id(node["id"]),
            name=str(node.get("name") or ""),
            currency=currency,
            lines=lines,
            address=_address(node.get("shippingAddress"), email, rest=False),
            paid=node.get("displayFinancialStatus") == "PAID",
            cancelled=bool(node.get("cancelledAt")),
            total_minor=minor(node["totalPriceSet"]["shopMoney"]["amount"], currency),
            created_at=_when(node.get("createdAt")),
            raw=dict(node),
        )
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise AdapterError(f"malformed Shopify order: {exc!r}"[:300]) from None


def order_from_webhook(data: Any) -> PlatformOrder:
    """A REST-shaped order webhook body (``orders/create``, ``orders/updated``,
    ``orders/cancelled``)."""
    try:
        currency = str(data["currency"]).upper()
        lines = tuple(
            PlatformOrderLine(
                platform_line_id=numeric_id(line["id"]),
                platform_variant_id=numeric_id(line.get("variant_id")),
                sku=str(line.get("sku") or ""),
                title=str(line.get("title") or ""),
                quantity=int(line["quantity"]),
                unit_price_minor=minor(line.get("price"), currency),
            )
            for line in data["line_items"]
        )
        email = str(data.get("email") or data.get("contact_email") or "")
        return PlatformOrder(
            platform_order_id=numeric_id(data["id"]),
            name=str(data.get("name") or ""),
            currency=currency,
            lines=lines,
            address=_address(data.get("shipping_address"), email, rest=True),
            paid=data.get("financial_status") == "paid",
            cancelled=bool(data.get("cancelled_at")),
            total_minor=minor(data.get("total_price"), currency),
            created_at=_when(data.get("created_at")),
            raw=data,
        )
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise AdapterError(f"malformed Shopify order webhook: {exc!r}"[:300]) from None


def product_from_node(node: Mapping[str, Any], currency: str) -> PlatformProduct:
    """A GraphQL ``Product`` node (``documents.PRODUCTS_PAGE``)."""
    product_id = numeric_id(node["id"])
    featured = (((node.get("featuredMedia") or {}).get("preview") or {}).get("image")) or {}
    image = str(featured.get("url") or "")
    variants = tuple(
        PlatformVariant(
            platform_product_id=product_id,
            platform_variant_id=numeric_id(v["id"]),
            sku=str(v.get("sku") or ""),
            title=str(node["title"]),
            variant_title=str(v.get("title") or ""),
            price_minor=minor(v.get("price"), currency),
            currency=currency,
            image_url=str((v.get("image") or {}).get("url") or image),
        )
        for v in node["variants"]["nodes"]
    )
    return PlatformProduct(
        platform_product_id=product_id,
        title=str(node["title"]),
        variants=variants,
        description_html=str(node.get("descriptionHtml") or ""),
        image_urls=(image,) if image else (),
    )


def amount(price_minor: int, currency: str) -> str:
    """Minor units as Shopify's ``Money`` scalar (a decimal string)."""
    return Money(int(price_minor), (currency or "USD").upper()).wire()
