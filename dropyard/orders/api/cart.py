"""The cart and the shipment (parent) order: ``shopping/order/addCart``, ``addCartConfirm``
and ``saveGenerateParentOrder``.

Decisions where the contract is open or contradicts itself (§7):

- **Cart.** ``addCart``/``addCartConfirm`` take ``cjOrderIdList`` (≤ ``MAX_IDS``); an id that
  is unknown or another merchant's is intercepted with code 1603100, other refusals carry the
  service's reasons. Every ``interceptOrderReasons[].code`` is numeric: routing's reasons become
  1603102 (too little stock, also in the requested warehouse) or 1605001 (no shipping line can
  carry the order), the detail in ``message``. ``addCartConfirm`` answers ``shipmentsId``
  (null when nothing was confirmed), which ``saveGenerateParentOrder`` takes back as
  ``shipmentOrderId``.
- **Orders already past the cart.** Whatever ``payType`` created the order (createOrderV2 1,
  2, 3 or none; createOrderV3), the staged flow works on it. An order createOrderV2 already
  confirmed (payType 1: UNPAID in the shipment behind its ``cjPayUrl``; payType 2: paid) is
  answered by ``addCart`` as added and by ``addCartConfirm`` as confirmed — idempotent
  successes, not interceptions, the order unchanged — and ``shipmentsId`` names the shipment
  that holds the call's unpaid orders: the one createOrderV2 answered as ``shipmentOrderId``
  when all of them are in it, so ``cjPayUrl``, ``saveGenerateParentOrder`` and
  ``payBalanceV2`` all pay the same shipment once (``orders.services.cart_confirm``; the
  second payment charges nothing). An order already paid keeps its shipment:
  ``shipmentsId`` names it when the call has nothing left to pay, and
  ``saveGenerateParentOrder`` answers it with ``payStatus`` "paid". Beyond the contract,
  ``shipmentList`` ``[{shipmentsId, orderIds}]`` names every shipment the confirmed orders of
  the call are in (one, unless some were paid in another).
- **addCart with products.** Beyond the contract's ``{cjOrderIdList}``, real clients send
  ``{vid, quantity}`` (or a list of such lines, ``inventory.purchase_wire``) to put a product
  into the merchant's *purchase cart* (bulk purchase into private inventory,
  ``shopping/privateInventory/*``). The operation dispatches on the body's shape: a body with
  ``cjOrderIdList`` is the order cart, one with ``vid``/``sku`` or a product list is the
  purchase cart.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import ConfigDict, Field

from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.money import Money
from dropyard.inventory import private_selectors, purchase_wire
from dropyard.inventory.purchase_wire import CartLineOut, CartOut
from dropyard.inventory.purchases import purchase_cart_add_many

from .. import selectors, services
from ..exceptions import OrderNotFound
from ..models import Order
from .wire import InterceptOut, _id_list, _merchant, _stores, _time, reasons_out

router = Router(tags=["Shopping"])


class OrderIdListIn(CamelSchema):
    cj_order_id_list: list[str] = Field(alias="cjOrderIdList")


class AddCartOut(CamelSchema):
    """addCart with ``cjOrderIdList``: the orders now in the cart (or past it) and the refused.

    Closed (no other keys), so that a purchase-cart answer never passes for this form."""

    model_config = ConfigDict(**CamelSchema.model_config, extra="forbid")

    success_count: int
    add_success_orders: list[str]
    intercept_orders: list[InterceptOut]


class AddCartProductsOut(CamelSchema):
    """addCart with ``{vid, quantity}`` lines: the purchase-cart lines added and the whole cart
    (``addSuccessOrders`` and ``interceptOrders`` are always empty)."""

    success_count: int
    add_success_orders: list[str]
    intercept_orders: list[InterceptOut]
    cart_lines: list[CartLineOut]
    cart: CartOut


class ShipmentOut(CamelSchema):
    shipments_id: str
    order_ids: list[str]


class AddCartConfirmOut(CamelSchema):
    """The confirmed orders' shipment (``shipmentsId``, null when nothing was confirmed)."""

    success_count: int
    submit_success: bool
    shipments_id: str | None
    confirm_success_orders: list[str]
    shipment_list: list[ShipmentOut]
    intercept_orders: list[InterceptOut]


class ParentOrderOut(CamelSchema):
    """The payment of a shipment: ``payId``, amount, expiry (``yyyy-MM-dd HH:mm:ss`` UTC)."""

    shipment_order_id: str
    pay_id: str | None  # null only for a shipment paid (payBalanceV2) before it had a payment
    pay_expire_time: str | None
    order_money: str
    currency: str
    pay_status: str
    cj_pay_url: str
    order_ids: list[str]


def _cart_orders(request: HttpRequest, ids: list[str]) -> tuple[list[Order], list[dict]]:
    found, missing = selectors.orders_get_many(
        merchant=_merchant(request), keys=ids, store_ids=_stores(request)
    )
    intercepted = [
        {
            "orderId": key,
            "interceptOrderReasons": [
                {"code": OrderNotFound.default_code, "message": "order not found"}
            ],
        }
        for key in missing
    ]
    return found, intercepted


def _intercepts(result: services.CartResult) -> list[dict[str, Any]]:
    return [
        {
            "orderId": item.order_id,
            "interceptOrderReasons": reasons_out(item.reasons),
        }
        for item in result.intercepted
    ]


ADD_CART_BODY = purchase_wire.openapi_body(
    {
        "type": "object",
        "title": "Orders into the cart",
        "required": ["cjOrderIdList"],
        "properties": {"cjOrderIdList": {"type": "array", "items": {"type": "string"}}},
    },
    *purchase_wire.CART_LINE_FORMS,
)


def _add_orders_to_cart(request: HttpRequest, payload: OrderIdListIn) -> dict:
    ids = _id_list("cjOrderIdList", payload.cj_order_id_list)
    orders, missing = _cart_orders(request, ids)
    result = services.cart_add(merchant=_merchant(request), orders=orders, actor=None)
    return {
        "successCount": result.success_count,
        "addSuccessOrders": [o.public_id for o in result.orders],
        "interceptOrders": missing + _intercepts(result),
    }


def _add_products_to_purchase_cart(request: HttpRequest, body: Any) -> dict:
    merchant = _merchant(request)
    lines = purchase_cart_add_many(
        merchant=merchant, specs=purchase_wire.cart_line_specs(body), actor=None
    )
    cart = private_selectors.purchase_cart_get(merchant=merchant)
    return {
        "successCount": len(lines),
        "addSuccessOrders": [],
        "interceptOrders": [],
        "cartLines": purchase_wire.cart_lines_out(lines),
        "cart": purchase_wire.cart_out(cart),
    }


# Each answer matches one form only: the order form is closed, the products form needs a cart.
@router.post(
    "shopping/order/addCart",
    openapi_extra=ADD_CART_BODY,
    response=AddCartOut | AddCartProductsOut,
)
def add_cart(request: HttpRequest) -> dict:
    """Move CREATED orders into the cart (IN_CART; orders already confirmed count as added;
    refused orders come back intercepted), or
    — with ``{vid, quantity}`` (or a list of such lines) instead of ``cjOrderIdList`` — put
    products into the merchant's purchase cart for private inventory (answering the lines
    added under ``cartLines`` and the whole cart under ``cart``)."""
    body = purchase_wire.request_json(request)
    if purchase_wire.is_cart_line_body(body):
        return _add_products_to_purchase_cart(request, body)
    if not isinstance(body, dict):
        raise ParamError("The request body must be a JSON object")
    if "cjOrderIdList" not in body:
        # The order form's message, as before the purchase-cart form existed.
        raise ParamError("cjOrderIdList is required")
    try:
        payload = OrderIdListIn.model_validate(body)
    except ValueError:
        raise ParamError("cjOrderIdList must be a list of order ids") from None
    return _add_orders_to_cart(request, payload)


@router.post("shopping/order/addCartConfirm", response=AddCartConfirmOut)
def add_cart_confirm(request: HttpRequest, payload: OrderIdListIn) -> dict:
    """Confirm cart orders (→ UNPAID, stock reserved) into one shipment: ``shipmentsId``.

    An order already confirmed (createOrderV2 payType 1 or 2, an earlier call) counts as
    confirmed, unchanged, and ``shipmentsId`` names the shipment holding the call's unpaid
    orders (the one createOrderV2 answered when they are all in it), else the shipment of the
    first paid order. Beyond the contract: ``confirmSuccessOrders`` and ``shipmentList``
    ``[{shipmentsId, orderIds}]``, every shipment the confirmed orders are in."""
    ids = _id_list("cjOrderIdList", payload.cj_order_id_list)
    orders, missing = _cart_orders(request, ids)
    result = services.cart_confirm(merchant=_merchant(request), orders=orders, actor=None)
    return {
        "successCount": result.success_count,
        "submitSuccess": bool(result.shipments_id),
        "shipmentsId": result.shipments_id or None,
        "confirmSuccessOrders": [o.public_id for o in result.orders],
        "shipmentList": [
            {"shipmentsId": shipments_id, "orderIds": order_ids}
            for shipments_id, order_ids in result.shipments.items()
        ],
        "interceptOrders": missing + _intercepts(result),
    }


class ParentOrderIn(CamelSchema):
    shipment_order_id: str


@router.post("shopping/order/saveGenerateParentOrder", response=ParentOrderOut)
def save_generate_parent_order(request: HttpRequest, payload: ParentOrderIn) -> dict:
    """Generate the payment (``payId``) of a confirmed cart (``shipmentOrderId``)."""
    if not payload.shipment_order_id.strip():
        raise ParamError("shipmentOrderId is required")
    merchant = _merchant(request)
    parent = services.parent_order_generate(
        merchant=merchant, shipments_id=payload.shipment_order_id.strip(), actor=None
    )
    orders = list(parent.orders.order_by("pk"))
    return {
        "shipmentOrderId": parent.shipments_id,
        "payId": parent.pay_id,
        "payExpireTime": _time(parent.pay_expires_at),
        "orderMoney": Money(parent.amount_minor, parent.currency).wire(),
        "currency": parent.currency,
        "payStatus": parent.status,
        "cjPayUrl": request.build_absolute_uri(services.parent_order_pay_url(parent)),
        "orderIds": [o.public_id for o in orders],
    }
