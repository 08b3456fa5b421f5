"""The developer API's wire form of the purchase cart and purchase orders, shared by the
operations that take or answer it (``shopping/order/addCart`` with ``{vid, quantity}`` in
orders, ``shopping/privateInventory/*`` in checkout), as ``catalog.wire`` is for products.

Cart line request forms accepted (each line: ``vid`` or ``sku``, ``quantity`` 1–100000,
optional ``storageId`` = warehouse id; without it the platform warehouse with the most
available units is chosen):

- one line: ``{"vid": "…", "quantity": 2, "storageId": "…"}``;
- several: ``{"products": [{…}, …]}`` (also under ``productList``, ``list`` or ``skuList``),
  or a bare JSON array ``[{…}, …]`` (at most ``MAX_LINES``).

Amounts are the contract's decimal strings in USD; ``unitPriceMinor`` / ``amountMinor`` give the
same in minor units.
"""

from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

from dropyard.catalog import selectors as catalog_selectors
from dropyard.core.api import CamelSchema, ParamError, json_body_parse
from dropyard.core.errors import DomainError, ErrorCode
from dropyard.core.money import Money

from .models import PurchaseCartLine, PurchaseOrder
from .private_selectors import PurchaseCart
from .purchases import MAX_LINE_QUANTITY, CartLineSpec

MAX_LINES = 100
LIST_KEYS = ("products", "productList", "list", "skuList")
ID_MAX = 64


# The request body of the operations that take cart lines, for their OpenAPI description (the
# operations parse the body themselves: a JSON object or a bare array).
CART_LINE_FORMS: list[dict[str, Any]] = [
    {
        "type": "object",
        "title": "A product into the purchase cart",
        "required": ["vid", "quantity"],
        "properties": {
            "vid": {"type": "string"},
            "sku": {"type": "string"},
            "quantity": {"type": "integer", "minimum": 1, "maximum": MAX_LINE_QUANTITY},
            "storageId": {"type": "string"},
            "products": {"type": "array", "items": {"type": "object"}},
        },
    },
    {"type": "array", "items": {"type": "object"}, "title": "Several cart lines"},
]


def openapi_body(*forms: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` of an operation whose JSON body is one of ``forms``."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"oneOf": list(forms)}}},
        }
    }


class BodyMissing(DomainError):
    """The operation needs a JSON body and the request has none (16900204)."""

    default_code = ErrorCode.BODY_MISSING


def request_json(request: HttpRequest) -> Any:
    """The request's JSON body (any JSON value); 16900204 when empty, else the API parser's
    rules (``core.api.json_body_parse``: 16900205 when not JSON, 1600300 for a NUL byte, a lone
    surrogate or a number no column holds)."""
    if not request.body:
        raise BodyMissing("A JSON request body is required")
    return json_body_parse(request.body)


def _text(value: Any, name: str) -> str:
    # NUL bytes and lone surrogates never get here: ``request_json`` refuses them (the boundary).
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ParamError(f"{name} must be a string")
    text = str(value).strip()
    if len(text) > ID_MAX:
        raise ParamError(f"{name} is not a valid id")
    return text


def _quantity(value: Any, name: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParamError(f"{name} is required and must be an integer")
    if not 1 <= value <= MAX_LINE_QUANTITY:
        raise ParamError(f"{name} must be from 1 to {MAX_LINE_QUANTITY}")
    return value


def _line(item: Any, prefix: str) -> CartLineSpec:
    if not isinstance(item, dict):
        raise ParamError(f"{prefix or 'body'} must be a JSON object")
    name = f"{prefix}." if prefix else ""
    vid = _text(item.get("vid", item.get("variantId")), f"{name}vid")
    sku = _text(item.get("sku", item.get("variantSku")), f"{name}sku")
    if not vid and not sku:
        raise ParamError(f"{name}vid is required")
    return CartLineSpec(
        vid=vid,
        sku=sku if not vid else "",
        quantity=_quantity(item.get("quantity"), f"{name}quantity"),
        storage_id=_text(item.get("storageId"), f"{name}storageId"),
    )


def is_cart_line_body(body: Any) -> bool:
    """Whether a request body is a purchase-cart form (not ``{cjOrderIdList}``)."""
    if isinstance(body, list):
        return True
    if not isinstance(body, dict) or "cjOrderIdList" in body:
        return False
    return any(k in body for k in ("vid", "variantId", "sku", "variantSku", *LIST_KEYS))


def cart_line_specs(body: Any) -> list[CartLineSpec]:
    """The requested lines of a cart-line body (forms in the module docstring); a
    ``ParamError`` (1600300) naming the parameter otherwise."""
    items: Any
    key = ""
    if isinstance(body, list):
        items = body
    elif isinstance(body, dict):
        key = next((k for k in LIST_KEYS if k in body), "")
        items = body[key] if key else None
        if not key:
            return [_line(body, "")]
    else:
        raise ParamError("The request body must be a JSON object")
    if not isinstance(items, list) or not items:
        raise ParamError(f"{key or 'body'} must be a non-empty list of {{vid, quantity}}")
    if len(items) > MAX_LINES:
        raise ParamError(f"{key or 'body'} holds at most {MAX_LINES} lines")
    return [_line(item, f"{key}[{i}]") for i, item in enumerate(items)]


def money_wire(minor: int, currency: str = "USD") -> str:
    """An amount as the contract's decimal string (``"12.30"``)."""
    return Money(int(minor), currency).wire()


# The answer schemas of ``cart_line_out`` / ``cart_out`` (openapi.json), for the operations that
# answer them (``response=``).


class CartLineOut(CamelSchema):
    line_id: str
    product_id: str
    product_name: str
    vid: str
    sku: str
    quantity: int
    storage_id: str
    storage_name: str
    country_code: str
    unit_price: str
    unit_price_minor: int
    amount: str
    amount_minor: int
    available_quantity: int | None


class CartOut(CamelSchema):
    lines: list[CartLineOut]
    line_count: int
    total_quantity: int
    total_amount: str
    total_amount_minor: int
    currency: str


def cart_line_out(line: PurchaseCartLine) -> dict[str, Any]:
    variant, warehouse = line.variant, line.warehouse
    # The merchant's price (``purchase_cart_get`` sets it), else the list price.
    unit = getattr(line, "unit_price_minor", variant.price_minor)
    amount = line.quantity * unit
    return {
        "lineId": str(line.pk),
        "productId": variant.product.public_id,
        "productName": variant.product.name,
        "vid": variant.public_id,
        "sku": variant.sku,
        "quantity": line.quantity,
        "storageId": warehouse.public_id,
        "storageName": warehouse.name,
        "countryCode": warehouse.country,
        "unitPrice": money_wire(unit),
        "unitPriceMinor": unit,
        "amount": money_wire(amount),
        "amountMinor": amount,
        "availableQuantity": getattr(line, "available", None),
    }


def cart_lines_out(lines: list[PurchaseCartLine]) -> list[dict[str, Any]]:
    """``cart_line_out`` for lines of one merchant, priced for it in one query."""
    if lines:
        prices = catalog_selectors.unit_prices_for(lines[0].merchant, [x.variant for x in lines])
        for line in lines:
            line.unit_price_minor = prices[line.variant_id]  # type: ignore[attr-defined]
    return [cart_line_out(line) for line in lines]


def cart_out(cart: PurchaseCart) -> dict[str, Any]:
    return {
        "lines": [cart_line_out(line) for line in cart.lines],
        "lineCount": len(cart.lines),
        "totalQuantity": cart.units,
        "totalAmount": money_wire(cart.total_minor),
        "totalAmountMinor": cart.total_minor,
        "currency": cart.currency,
    }


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def purchase_order_out(order: PurchaseOrder, *, lines: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "orderId": order.code,
        "orderNumber": order.code,
        "orderType": 2,  # contract §4 PRIVATE_ORDER: orderType=2
        "payId": order.pay_id,
        "status": order.status,
        "orderAmount": money_wire(order.amount_minor, order.currency),
        "orderAmountMinor": order.amount_minor,
        "currency": order.currency,
        "createDate": _time(order.created_at),
        "payDate": _time(order.paid_at),
        "cancelDate": _time(order.cancelled_at),
    }
    if lines:
        out["productList"] = [
            {
                "vid": line.variant.public_id,
                "sku": line.variant.sku,
                "productName": line.variant.product.name,
                "quantity": line.quantity,
                "storageId": line.warehouse.public_id,
                "storageName": line.warehouse.name,
                "unitPrice": money_wire(line.unit_price_minor, order.currency),
                "unitPriceMinor": line.unit_price_minor,
                "amount": money_wire(line.amount_minor, order.currency),
            }
            for line in order.lines.all()
        ]
    return out
