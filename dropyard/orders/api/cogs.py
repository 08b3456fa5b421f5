"""Cost of goods per order: ``shopping/order/queryCogsBasicDataOrderInfoList``.

The contract (§2.4) names the operation (``orderCodesList[]`` in, "cost breakdown" out) but no
answer fields, so the shape is ours. Decisions:

- **In.** ``orderCodesList``: 1–``MAX_IDS`` order keys (our ``orderId``, the merchant's
  ``orderNumber`` or the ``cjOrderCode``, as every order look-up here), else 1600300.
- **Scope.** Only the caller's orders (and, for a member token limited to some stores, those
  stores'). A key that is unknown or another merchant's is listed in ``notFoundOrderCodes``,
  the same for both, so the answer never tells whether another merchant's order exists.
- **Cost.** The merchant's cost of goods is what Dropyard charges for them: per line
  ``unitCost`` = the line's price snapshot taken when the order was created (never the
  platform's own purchase price), ``totalCost`` = ``unitCost`` × ``quantity``; per order
  ``productAmount`` (sum of the lines), ``postageAmount`` (freight), ``feeAmount``,
  ``discountAmount`` and ``orderAmount`` = product + postage + fee − discount, the amount the
  payment takes (a wallet payment's discount is not included; ``shopping/pay`` reports it).
  Amounts are decimal strings in ``currency``. ``costFrozen`` is true once the order is paid
  (amounts no longer change); before that they are today's quote.
- **Margin.** ``shopAmount`` is what the buyer paid in the store when the client sent it
  (createOrderV2 ``shopAmount``), else null; ``grossProfit`` = ``shopAmount`` − ``orderAmount``
  when known, else null.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from dropyard.core.api import CamelSchema

from .. import selectors
from ..models import Order
from .wire import _amount, _id_list, _merchant, _stores, _time

router = Router(tags=["Shopping"])


class CogsIn(CamelSchema):
    order_codes_list: list[str] = Field(alias="orderCodesList")


class CogsLineOut(CamelSchema):
    """One order line's cost: the price snapshot per unit and for the quantity."""

    line_item_id: str
    pid: str
    vid: str
    sku: str
    product_name: str
    quantity: int
    unit_cost: str
    total_cost: str


class CogsOrderOut(CamelSchema):
    """One order's cost of goods (``_cogs``); dates ``yyyy-MM-dd HH:mm:ss`` UTC, amounts
    decimal strings in ``currency``; ``shopAmount`` and ``grossProfit`` null when unknown."""

    order_id: str
    order_number: str
    cj_order_code: str
    order_status: str
    currency: str
    create_date: str
    payment_date: str | None
    cost_frozen: bool
    logistic_name: str | None
    product_list: list[CogsLineOut]
    product_amount: str
    postage_amount: str
    fee_amount: str
    discount_amount: str
    order_amount: str
    shop_amount: str | None
    gross_profit: str | None


class CogsOut(CamelSchema):
    total: int
    list: list[CogsOrderOut]
    not_found_order_codes: list[str]


def _cogs(order: Order) -> dict[str, Any]:
    lines = list(order.lines.all())
    shop = order.shop_amount_minor
    return {
        "orderId": order.public_id,
        "orderNumber": order.order_number,
        "cjOrderCode": order.code,
        "orderStatus": order.status,
        "currency": order.currency,
        "createDate": _time(order.created_at),
        "paymentDate": _time(order.paid_at),
        "costFrozen": order.paid_at is not None,
        "logisticName": (order.line.name if order.line_id else order.requested_logistic_name)
        or None,
        "productList": [
            {
                "lineItemId": line.line_item_id,
                "pid": line.variant.product.public_id,
                "vid": line.variant.public_id,
                "sku": line.variant.sku,
                "productName": line.variant.product.name,
                "quantity": line.quantity,
                "unitCost": _amount(order, line.unit_price_minor),
                "totalCost": _amount(order, line.unit_price_minor * line.quantity),
            }
            for line in lines
        ],
        "productAmount": _amount(order, order.product_amount_minor),
        "postageAmount": _amount(order, order.postage_amount_minor),
        "feeAmount": _amount(order, order.fee_amount_minor),
        "discountAmount": _amount(order, order.discount_amount_minor),
        "orderAmount": _amount(order, order.total_amount_minor),
        "shopAmount": _amount(order, shop) if shop is not None else None,
        "grossProfit": _amount(order, shop - order.total_amount_minor)
        if shop is not None
        else None,
    }


@router.post("shopping/order/queryCogsBasicDataOrderInfoList", response=CogsOut)
def query_cogs(request: HttpRequest, payload: CogsIn) -> dict:
    """Cost of goods of up to 100 of the caller's orders (``orderCodesList``: orderId, order
    number or cjOrderCode). The contract names no answer fields; ours: ``{total, list[{orderId,
    orderNumber, cjOrderCode, orderStatus, currency, createDate, paymentDate, costFrozen,
    logisticName, productList[{lineItemId, pid, vid, sku, productName, quantity, unitCost,
    totalCost}], productAmount, postageAmount, feeAmount, discountAmount, orderAmount,
    shopAmount, grossProfit}], notFoundOrderCodes[]}``. Costs are what Dropyard charges the
    merchant (the line's price snapshot), frozen once paid. Unknown and other merchants' keys
    are listed alike in ``notFoundOrderCodes``; an empty list or more than 100 → 1600300."""
    keys = _id_list("orderCodesList", payload.order_codes_list)
    found, missing = selectors.orders_get_many(
        merchant=_merchant(request), keys=keys, store_ids=_stores(request)
    )
    ids = [o.pk for o in found]
    loaded = {
        o.pk: o
        for o in Order.objects.filter(pk__in=ids)
        .select_related("line")
        .prefetch_related("lines__variant__product")
    }
    return {
        "total": len(found),
        "list": [_cogs(loaded[pk]) for pk in ids],
        "notFoundOrderCodes": missing,
    }
