"""The API's wire conventions for orders, shared by its endpoints: ids (repeated or
comma-joined), amounts (decimal strings in the order's currency), dates (``yyyy-MM-dd HH:mm:ss``
UTC), routing reasons as the contract's numeric codes, the merchant-scoped order look-up, and the
order shapes several operations answer (``_order_out``: createOrderV2's answer)."""

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

from dropyard.accounts.selectors import token_store_scope
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.money import Money
from dropyard.logistics.carriers import tracking_url

from .. import routing, selectors
from ..choices import OrderStatus, ParcelStatus
from ..models import Order, Parcel

S = OrderStatus
MAX_IDS = 100  # cjOrderIdList, getOrderDetailBatch orderIds (SUM: ≤ 100)


def _amount(order: Order, minor: int) -> str:
    return Money(int(minor), order.currency).wire()


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


# Routing's reason codes (``orders.routing.REASON_*``) as the contract's numeric codes: short
# stock is "inventory deduction failed", every other routing miss "logistic invalid".
_STOCK_REASONS = frozenset({routing.REASON_NO_STOCK, routing.REASON_WAREHOUSE})
INVENTORY_DEDUCTION_FAILED = 1603102
LOGISTIC_INVALID = 1605001


def reason_code(code: Any) -> int:
    """A reason's wire code: ints pass through, routing's words become 1603102 / 1605001."""
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return INVENTORY_DEDUCTION_FAILED if code in _STOCK_REASONS else LOGISTIC_INVALID


class ReasonOut(CamelSchema):
    """Why an order was refused or held: the contract's numeric code and a readable detail."""

    code: int
    message: str | None


class InterceptOut(CamelSchema):
    """An order a cart operation refused (unknown ones too, with 1603100)."""

    order_id: str
    intercept_order_reasons: list[ReasonOut]


def reasons_out(reasons: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {"code": reason_code(r.get("code")), "message": r.get("message")} for r in reasons or ()
    ]


def _ids(values: list[str] | None) -> list[str]:
    """Repeated and/or comma-joined id parameters, trimmed, blanks dropped, order kept."""
    out: list[str] = []
    for value in values or ():
        out += [part.strip() for part in str(value).split(",") if part.strip()]
    return list(dict.fromkeys(out))


def _id_list(name: str, values: list[str] | None, *, limit: int = MAX_IDS) -> list[str]:
    ids = _ids(values)
    if not ids:
        raise ParamError(f"{name} is empty")
    if len(ids) > limit:
        raise ParamError(f"{name} holds at most {limit} ids")
    return ids


def _merchant(request: HttpRequest) -> Any:
    return request.auth.merchant


def _stores(request: HttpRequest) -> frozenset[int] | None:
    """The token's store scope: a member limited to some stores reaches only their orders
    (``accounts.selectors.token_store_scope``; None = every order of the account)."""
    return token_store_scope(request.auth)


def _order(request: HttpRequest, key: str | None, name: str = "orderId") -> Order:
    if not (key or "").strip():
        raise ParamError(f"{name} is required")
    return selectors.order_get(merchant=_merchant(request), key=key, store_ids=_stores(request))


def _weight_g(order: Order) -> int:
    return sum(line.variant.weight_g * line.quantity for line in order.lines.all())


def _tracking_by_order(orders: list[Order]) -> dict[int, list[Parcel]]:
    """Live parcels per order (one query for a page of orders; by parcel pk)."""
    # One query for a whole page: the selector ``order_parcels`` reads one order at a time.
    through = Parcel.orders.through.objects.filter(order_id__in=[o.pk for o in orders])
    rows = (
        through.exclude(parcel__status=ParcelStatus.CANCELLED)
        .select_related("parcel__warehouse", "parcel__carrier", "parcel__line")
        .order_by("parcel_id")
    )
    found: dict[int, list[Parcel]] = defaultdict(list)
    for row in rows:
        found[row.order_id].append(row.parcel)
    return found


def _shipping_summary(order: Order, parcels: list[Parcel]) -> dict[str, Any]:
    """trackNumber, trackingUrl, storage and line name of an order from its live parcels."""
    tracked = next((p for p in parcels if p.tracking_number), None)
    warehouse = parcels[0].warehouse if parcels else order.requested_warehouse
    line_name = order.line.name if order.line_id else order.requested_logistic_name
    return {
        "logisticName": line_name or None,
        "trackNumber": tracked.tracking_number if tracked else None,
        "trackingUrl": (
            tracking_url(tracked.carrier, tracked.tracking_number) or None if tracked else None
        ),
        "storageId": warehouse.public_id if warehouse else None,
        "storageName": warehouse.name if warehouse else None,
        "outWarehouseTime": _time(
            min((p.shipped_at for p in parcels if p.shipped_at), default=None)
        ),
    }


class ProductInfoOut(CamelSchema):
    store_line_item_id: str | None
    line_item_id: str
    variant_id: str
    quantity: int
    is_group: bool
    sub_order_products: list[Any]  # always empty: no product groups


class OrderOut(CamelSchema):
    """createOrderV2's answer (``_order_out``): amounts are decimal strings in the order's
    currency; ``shipmentOrderId`` and ``cjPayUrl`` are null until a payType flow ran."""

    order_id: str
    order_number: str
    cj_order_code: str
    shipment_order_id: str | None
    ioss_amount: str
    ioss_tax_handling_fee: str
    postage_amount: str
    product_amount: str
    product_original_amount: str
    product_discount_amount: str
    postage_original_amount: str
    postage_discount_amount: str
    total_discount_amount: str
    actual_payment: str
    order_original_amount: str
    order_amount: str
    cj_pay_url: str | None
    logistics_miss: bool
    logistic_name: str | None
    order_status: str
    is_sandbox: int
    product_info_list: list[ProductInfoOut]
    intercept_order_reasons: list[ReasonOut]


def _order_out(
    request: HttpRequest,
    order: Order,
    *,
    shipments_id: str = "",
    pay_url: str = "",
    intercepted: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """createOrderV2's answer (also createOrderV3's and updateLogistics')."""
    product, postage = order.product_amount_minor, order.postage_amount_minor
    original = product + postage + order.fee_amount_minor
    reasons = intercepted if intercepted is not None else list(order.intercept_reasons or [])
    if not shipments_id and order.parent_id:
        shipments_id = order.parent.shipments_id
    return {
        "orderId": order.public_id,
        "orderNumber": order.order_number,
        "cjOrderCode": order.code,
        "shipmentOrderId": shipments_id or None,
        "iossAmount": _amount(order, 0),
        "iossTaxHandlingFee": _amount(order, 0),
        "postageAmount": _amount(order, postage),
        "productAmount": _amount(order, product),
        "productOriginalAmount": _amount(order, product),
        "productDiscountAmount": _amount(order, 0),
        "postageOriginalAmount": _amount(order, postage),
        "postageDiscountAmount": _amount(order, 0),
        "totalDiscountAmount": _amount(order, order.discount_amount_minor),
        "actualPayment": _amount(order, order.total_amount_minor),
        "orderOriginalAmount": _amount(order, original),
        "orderAmount": _amount(order, order.total_amount_minor),
        "cjPayUrl": request.build_absolute_uri(pay_url) if pay_url else None,
        "logisticsMiss": order.logistics_miss,
        "logisticName": (order.line.name if order.line_id else order.requested_logistic_name)
        or None,
        "orderStatus": order.status,
        "isSandbox": 1 if order.is_sandbox else 0,
        "productInfoList": [
            {
                "storeLineItemId": line.store_line_item_id or None,
                "lineItemId": line.line_item_id,
                "variantId": line.variant.public_id,
                "quantity": line.quantity,
                "isGroup": False,
                "subOrderProducts": [],
            }
            for line in order.lines.select_related("variant").order_by("pk")
        ],
        "interceptOrderReasons": reasons_out(reasons),
    }
