"""Reading and changing one's orders: ``shopping/order/list``, ``getOrderDetail``,
``getOrderDetailBatch``, ``deleteOrder``, ``confirmOrder``, ``changeWarehouse``,
``getOrderLogisticsInfo`` and ``updateLogistics``.

Decisions where the contract is open or contradicts itself (§7):

- **list.** No ``status`` means every status (the docs' "CANCELLED by default" would hide a
  client's live orders); ``status`` also takes PENDING / PROCESSING (UNSHIPPED sub-statuses)
  and OTHER (matches nothing). ``pageSize`` 1–``LIST_MAX_PAGE_SIZE``, ``pageNum``
  1–``LIST_MAX_PAGE_NUM``. ``orderIds`` may be repeated or comma-joined. The same parameters
  are also accepted as a JSON body on POST (beyond the contract's GET), with the same answer.
- **getOrderDetail** answers 1603100 for an unknown order (the DOC says 1600300; every other
  shopping operation uses 1603100, and clients test for one code). ``disputeId`` is the
  order's newest dispute (null without one); ``disputeIds`` (ours) lists them all, newest
  first. ``features`` repeated or
  comma-joined, ≤ 20, only ``LOGISTICS_TIMELINESS`` means something: ``logisticsTimeliness``
  lists the order's planned lines with their transit days (else null). ``getOrderDetailBatch``
  returns the details of the ids it found (unknown ids are simply absent), ≤ 100 ids, at most
  2 calls per second per account (1600200 beyond).
- **confirmOrder** (PATCH) takes ``orderId`` from the query or a JSON body; data = orderId.
  Stock short → 1603102; wrong status or no shipping line → 1603001. **deleteOrder** (DELETE,
  ``orderId`` in the query) only CREATED / IN_CART orders, else 1603002; data = orderId.
- **updateLogistics** takes ``logisticsName`` (``logisticName`` accepted) and ``orderCode`` or
  ``id``; answers the recalculated order (createOrderV2's fields). 8002 once the order is paid.
  **getOrderLogisticsInfo** quotes every line for the order's cart from the warehouse country
  routing chose (else ``fromCountryCode``), cheapest first; ``selected`` marks the order's line.
"""

from collections import defaultdict
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from dropyard.core.api import CamelSchema, ParamError, json_body_parse
from dropyard.core.api_throttles import AccountOperationThrottle
from dropyard.inventory.selectors import warehouse_get
from dropyard.logistics.selectors import freight_quote_by_keys

from .. import selectors, services
from ..choices import OrderSubStatus
from ..exceptions import ConfirmRefused
from ..models import Order, Parcel
from .wire import (
    INVENTORY_DEDUCTION_FAILED,
    MAX_IDS,
    OrderOut,
    ReasonOut,
    S,
    _amount,
    _id_list,
    _ids,
    _merchant,
    _order,
    _order_out,
    _shipping_summary,
    _stores,
    _time,
    _tracking_by_order,
    _weight_g,
    reason_code,
    reasons_out,
)

router = Router(tags=["Shopping"])

LIST_DEFAULT_PAGE_SIZE = 20
LIST_MAX_PAGE_SIZE = 200
LIST_MAX_PAGE_NUM = 1_000_000  # beyond it the OFFSET alone would overflow some databases
MAX_FEATURES = 20
DETAIL_BATCH_QPS = 2
LOGISTICS_TIMELINESS = "LOGISTICS_TIMELINESS"
LIST_STATUSES = frozenset({*S.values, "OTHER", OrderSubStatus.PENDING, OrderSubStatus.PROCESSING})


def detail_batch_throttle() -> AccountOperationThrottle:
    """getOrderDetailBatch: at most ``DETAIL_BATCH_QPS`` calls per second per account (contract
    §3 overrides), on top of the account's own QPS; a refused call spends neither."""
    return AccountOperationThrottle("detail-batch", DETAIL_BATCH_QPS)


class OrderListItemOut(CamelSchema):
    """One order of ``shopping/order/list``: dates ``yyyy-MM-dd HH:mm:ss`` UTC (null until
    they happen), amounts decimal strings, ``orderWeight`` in grams."""

    order_id: str
    order_num: str
    cj_order_id: str
    cj_order_code: str
    shipping_country_code: str
    shipping_province: str
    shipping_city: str
    shipping_address: str
    shipping_customer_name: str
    shipping_phone: str
    remark: str
    logistic_name: str | None
    track_number: str | None
    tracking_url: str | None
    order_weight: int
    order_amount: str
    order_status: str
    sub_status: str | None
    create_date: str | None
    payment_date: str | None
    store_create_date: str | None
    product_amount: str
    postage_amount: str
    storage_id: str | None
    storage_name: str | None


class OrderListPageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[OrderListItemOut]


class DetailProductOut(CamelSchema):
    vid: str
    quantity: int
    sell_price: str
    store_line_item_id: str | None
    line_item_id: str
    pod_properties_info: Any  # the line's POD properties as the order gave them (JSON), or null


class LogisticsModeOut(CamelSchema):
    logistics_name: str | None
    arrival_time: str | None  # transit days, "7-12"


class TimelinessOut(CamelSchema):
    logistics_modes: list[LogisticsModeOut]


class OrderDetailOut(CamelSchema):
    """``getOrderDetail`` (and each item of ``getOrderDetailBatch``); ``logisticsTimeliness``
    only with ``features=LOGISTICS_TIMELINESS``, else null."""

    order_id: str
    order_num: str
    order_number: str
    platform_order_id: str | None
    cj_order_id: str
    cj_order_code: str
    shipment_order_id: str | None
    from_country_code: str | None
    shipping_country_code: str
    shipping_country: str
    shipping_province: str
    shipping_city: str
    shipping_county: str
    shipping_zip: str
    shipping_address: str
    shipping_address2: str
    shipping_customer_name: str
    shipping_phone: str
    remark: str
    logistic_name: str | None
    track_number: str | None
    tracking_url: str | None
    dispute_id: str | None  # the newest dispute on the order, else null
    dispute_ids: list[str]  # ours: every dispute on the order, newest first
    order_weight: int
    order_amount: str
    order_status: str
    sub_status: str | None
    create_date: str | None
    payment_date: str | None
    out_warehouse_time: str | None
    store_create_date: str | None
    product_amount: str
    postage_amount: str
    is_complete: int
    storage_id: str | None
    storage_name: str | None
    is_sandbox: int
    logistics_miss: bool
    intercept_order_reasons: list[ReasonOut]
    product_list: list[DetailProductOut]
    logistics_timeliness: TimelinessOut | None


class LogisticsOptionOut(CamelSchema):
    """A shipping line the order could take: postage in ``currency``, ``arrivalTime`` days."""

    id: str
    logistics_name: str
    postage: str
    total_postage_fee: str
    currency: str
    arrival_time: str
    from_country_code: str
    selected: bool


def _list_item(order: Order, parcels: list[Parcel]) -> dict[str, Any]:
    shipping = _shipping_summary(order, parcels)
    return {
        "orderId": order.public_id,
        "orderNum": order.order_number,
        "cjOrderId": order.public_id,
        "cjOrderCode": order.code,
        "shippingCountryCode": order.shipping_country_code,
        "shippingProvince": order.shipping_province,
        "shippingCity": order.shipping_city,
        "shippingAddress": order.shipping_address,
        "shippingCustomerName": order.shipping_customer_name,
        "shippingPhone": order.shipping_phone,
        "remark": order.remark,
        "logisticName": shipping["logisticName"],
        "trackNumber": shipping["trackNumber"],
        "trackingUrl": shipping["trackingUrl"],
        "orderWeight": _weight_g(order),
        "orderAmount": _amount(order, order.total_amount_minor),
        "orderStatus": order.status,
        "subStatus": order.sub_status or None,
        "createDate": _time(order.created_at),
        "paymentDate": _time(order.paid_at),
        "storeCreateDate": _time(order.store_created_at),
        "productAmount": _amount(order, order.product_amount_minor),
        "postageAmount": _amount(order, order.postage_amount_minor),
        "storageId": shipping["storageId"],
        "storageName": shipping["storageName"],
    }


def _timeliness(order: Order) -> dict[str, Any]:
    parcels = (order.cost_breakdown or {}).get("freight", {}).get("parcels", [])
    modes = [{"logisticsName": p.get("line"), "arrivalTime": p.get("days")} for p in parcels]
    return {"logisticsModes": list({m["logisticsName"]: m for m in modes}.values())}


def _dispute_ids(orders: list[Order]) -> dict[int, list[str]]:
    """The disputes' ids of each order, newest first, in one query.

    Disputes live in aftersales, above orders, so orders never imports them: it follows the
    reverse relation ``Order.disputes`` (``aftersales.Dispute.order``'s related name) that the
    model registry adds at runtime. No disputes app, no relation: nothing to list then.
    """
    rows = (
        Order.objects.filter(pk__in=[o.pk for o in orders], disputes__isnull=False)
        .order_by("-disputes__created_at", "-disputes__pk")
        .values_list("pk", "disputes__public_id")
    )
    found: dict[int, list[str]] = defaultdict(list)
    for order_pk, dispute_id in rows:
        found[order_pk].append(dispute_id)
    return found


def _detail(
    order: Order, parcels: list[Parcel], *, timeliness: bool, dispute_ids: list[str]
) -> dict[str, Any]:
    shipping = _shipping_summary(order, parcels)
    return {
        "orderId": order.public_id,
        "orderNum": order.order_number,
        "orderNumber": order.order_number,
        "platformOrderId": order.store_order_id or None,
        "cjOrderId": order.public_id,
        "cjOrderCode": order.code,
        "shipmentOrderId": order.parent.shipments_id if order.parent_id else None,
        "fromCountryCode": order.from_country_code or None,
        "shippingCountryCode": order.shipping_country_code,
        "shippingCountry": order.shipping_country,
        "shippingProvince": order.shipping_province,
        "shippingCity": order.shipping_city,
        "shippingCounty": order.shipping_county,
        "shippingZip": order.shipping_zip,
        "shippingAddress": order.shipping_address,
        "shippingAddress2": order.shipping_address2,
        "shippingCustomerName": order.shipping_customer_name,
        "shippingPhone": order.shipping_phone,
        "remark": order.remark,
        "logisticName": shipping["logisticName"],
        "trackNumber": shipping["trackNumber"],
        "trackingUrl": shipping["trackingUrl"],
        "disputeId": dispute_ids[0] if dispute_ids else None,
        "disputeIds": dispute_ids,
        "orderWeight": _weight_g(order),
        "orderAmount": _amount(order, order.total_amount_minor),
        "orderStatus": order.status,
        "subStatus": order.sub_status or None,
        "createDate": _time(order.created_at),
        "paymentDate": _time(order.paid_at),
        "outWarehouseTime": shipping["outWarehouseTime"],
        "storeCreateDate": _time(order.store_created_at),
        "productAmount": _amount(order, order.product_amount_minor),
        "postageAmount": _amount(order, order.postage_amount_minor),
        "isComplete": 1 if order.status == S.DELIVERED else 0,
        "storageId": shipping["storageId"],
        "storageName": shipping["storageName"],
        "isSandbox": 1 if order.is_sandbox else 0,
        "logisticsMiss": order.logistics_miss,
        "interceptOrderReasons": reasons_out(order.intercept_reasons),
        "productList": [
            {
                "vid": line.variant.public_id,
                "quantity": line.quantity,
                "sellPrice": _amount(order, line.unit_price_minor),
                "storeLineItemId": line.store_line_item_id or None,
                "lineItemId": line.line_item_id,
                "podPropertiesInfo": line.pod_properties,
            }
            for line in order.lines.all()
        ],
        "logisticsTimeliness": _timeliness(order) if timeliness else None,
    }


# Module-level (ruff B008): repeatable query parameters.
_ORDER_IDS = Query(None, alias="orderIds")
_FEATURES = Query(None, alias="features")


@router.get("shopping/order/list", response=OrderListPageOut)
def order_list(
    request: HttpRequest,
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(LIST_DEFAULT_PAGE_SIZE, alias="pageSize"),
    order_ids: list[str] | None = _ORDER_IDS,
    shipment_order_id: str | None = Query(None, alias="shipmentOrderId"),
    status: str | None = Query(None),
) -> dict:
    """The caller's orders, newest first: ``{pageNum, pageSize, total, list}``."""
    return _order_list(request, page_num, page_size, order_ids, shipment_order_id, status)


class OrderListIn(CamelSchema):
    page_num: int = 1
    page_size: int = LIST_DEFAULT_PAGE_SIZE
    order_ids: list[str] | str | None = None
    shipment_order_id: str | None = None
    status: str | None = None


@router.post("shopping/order/list", response=OrderListPageOut)
def order_list_post(request: HttpRequest, payload: OrderListIn) -> dict:
    """``shopping/order/list`` with a JSON body (beyond the contract, which documents GET; some
    clients POST every call): the GET form's parameters — ``pageNum``, ``pageSize``,
    ``orderIds`` (a list, or a comma-joined string), ``shipmentOrderId``, ``status`` — and
    the same answer. An empty body is the first page of every order."""
    order_ids = payload.order_ids
    ids = [order_ids] if isinstance(order_ids, str) else order_ids
    return _order_list(
        request, payload.page_num, payload.page_size, ids, payload.shipment_order_id, payload.status
    )


def _order_list(
    request: HttpRequest,
    page_num: int,
    page_size: int,
    order_ids: list[str] | None,
    shipment_order_id: str | None,
    status: str | None,
) -> dict:
    if not 1 <= page_num <= LIST_MAX_PAGE_NUM:
        raise ParamError(f"pageNum must be between 1 and {LIST_MAX_PAGE_NUM}")
    if not 1 <= page_size <= LIST_MAX_PAGE_SIZE:
        raise ParamError(f"pageSize must be between 1 and {LIST_MAX_PAGE_SIZE}")
    status = (status or "").strip().upper()
    if status and status not in LIST_STATUSES:
        raise ParamError(f"status must be one of {', '.join(sorted(LIST_STATUSES))}")
    ids = _ids(order_ids)
    if len(ids) > MAX_IDS:
        raise ParamError(f"orderIds holds at most {MAX_IDS} ids")
    if ids:
        # order_list filters by public id; the API also takes order numbers and codes.
        found, _missing = selectors.orders_get_many(
            merchant=_merchant(request), keys=ids, store_ids=_stores(request)
        )
        ids = [o.public_id for o in found] or ["-"]  # none of them is ours: an empty page
    orders = selectors.order_list(
        merchant=_merchant(request),
        store_ids=_stores(request),
        status=status,
        order_ids=ids,
        shipments_id=(shipment_order_id or "").strip(),
    )
    total = orders.count()
    start = (page_num - 1) * page_size
    page = list(orders[start : start + page_size])
    parcels = _tracking_by_order(page)
    return {
        "pageNum": page_num,
        "pageSize": page_size,
        "total": total,
        "list": [_list_item(order, parcels.get(order.pk, [])) for order in page],
    }


def _features(values: list[str] | None) -> set[str]:
    features = _ids(values)
    if len(features) > MAX_FEATURES:
        raise ParamError(f"features holds at most {MAX_FEATURES} values")
    return {f.upper() for f in features}


@router.get("shopping/order/getOrderDetail", response=OrderDetailOut)
def get_order_detail(
    request: HttpRequest,
    order_id: str | None = Query(None, alias="orderId"),
    features: list[str] | None = _FEATURES,
) -> dict:
    """One order (by our id, the merchant's order number or the code)."""
    wanted = _features(features)
    order = _order(request, order_id)
    parcels = _tracking_by_order([order]).get(order.pk, [])
    disputes = _dispute_ids([order]).get(order.pk, [])
    return _detail(order, parcels, timeliness=LOGISTICS_TIMELINESS in wanted, dispute_ids=disputes)


class OrderIdsIn(CamelSchema):
    order_ids: list[str]
    features: list[str] | None = None


@router.post(
    "shopping/order/getOrderDetailBatch",
    throttle=[detail_batch_throttle()],
    response=list[OrderDetailOut],
)
def get_order_detail_batch(request: HttpRequest, payload: OrderIdsIn) -> list[dict]:
    """Details of up to 100 orders, in the order asked; unknown ids are absent."""
    ids = _id_list("orderIds", payload.order_ids)
    wanted = _features(payload.features)
    found, _missing = selectors.orders_get_many(
        merchant=_merchant(request), keys=ids, store_ids=_stores(request)
    )
    parcels = _tracking_by_order(found)
    disputes = _dispute_ids(found)
    return [
        _detail(
            order,
            parcels.get(order.pk, []),
            timeliness=LOGISTICS_TIMELINESS in wanted,
            dispute_ids=disputes.get(order.pk, []),
        )
        for order in found
    ]


# --- Changes --------------------------------------------------------------------------------------


@router.delete("shopping/order/deleteOrder", response=str)
def delete_order(request: HttpRequest, order_id: str | None = Query(None, alias="orderId")) -> str:
    """Delete a CREATED / IN_CART order (1603002 otherwise); data = the deleted orderId."""
    order = _order(request, order_id)
    public_id = order.public_id
    services.order_delete(order=order, actor=None)
    return public_id


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    body = json_body_parse(request.body)
    if not isinstance(body, dict):
        raise ParamError("The request body must be a JSON object")
    return body


@router.patch("shopping/order/confirmOrder", response=str)
def confirm_order(request: HttpRequest, order_id: str | None = Query(None, alias="orderId")) -> str:
    """Confirm one order (legacy alternative to the cart): → UNPAID, stock reserved."""
    key = order_id
    if not key:
        value = _json_body(request).get("orderId")
        if value is not None and not isinstance(value, str | int):
            raise ParamError("orderId must be a string")
        key = str(value) if value is not None else None
    order = _order(request, key)
    try:
        services.order_confirm(order=order, actor=None, actor_label="api")
    except ConfirmRefused as exc:
        codes = {reason_code(r.get("code")) for r in (exc.extra or {}).get("reasons", [])}
        if INVENTORY_DEDUCTION_FAILED in codes:  # routing found too little stock to reserve
            raise ConfirmRefused(exc.message, code=INVENTORY_DEDUCTION_FAILED) from None
        raise
    return order.public_id


class ChangeWarehouseIn(CamelSchema):
    order_code: str
    storage_id: str


@router.post("shopping/order/changeWarehouse", response=bool)
def change_warehouse(request: HttpRequest, payload: ChangeWarehouseIn) -> bool:
    """Ship the (unpaid) order from warehouse ``storageId`` and re-route it."""
    order = _order(request, payload.order_code, "orderCode")
    if not payload.storage_id.strip():
        raise ParamError("storageId is required")
    warehouse = warehouse_get(public_id=payload.storage_id.strip())
    services.order_change_warehouse(order=order, actor=None, warehouse=warehouse)
    return True


def _quote_origin(order: Order, parcels: list[Parcel]) -> str:
    if parcels:
        return parcels[0].warehouse.country
    if order.requested_warehouse_id:
        return order.requested_warehouse.country
    return order.from_country_code


@router.get("shopping/order/getOrderLogisticsInfo", response=list[LogisticsOptionOut])
def get_order_logistics_info(
    request: HttpRequest, order_code: str | None = Query(None, alias="orderCode")
) -> list[dict]:
    """Shipping options for the order's cart, cheapest first, with postage and transit days."""
    order = _order(request, order_code, "orderCode")
    parcels = _tracking_by_order([order]).get(order.pk, [])
    origin = _quote_origin(order, parcels)
    if not origin:
        return []
    quote = freight_quote_by_keys(
        vids=[(line.variant.public_id, line.quantity) for line in order.lines.all()],
        origin_country=origin,
        dest_country=order.shipping_country_code,
        postcode=order.shipping_zip,
    )
    return [
        {
            "id": option.line.code,
            "logisticsName": option.line.name,
            "postage": option.price.wire(),
            "totalPostageFee": option.price.wire(),
            "currency": option.price.currency,
            "arrivalTime": option.aging,
            "fromCountryCode": origin,
            "selected": option.line.pk == order.line_id,
        }
        for option in quote.available
    ]


class UpdateLogisticsIn(CamelSchema):
    id: str | None = None
    order_code: str | None = None
    logistics_name: str | None = None
    logistic_name: str | None = None
    from_: str | None = Field(None, alias="from")


@router.post("shopping/order/updateLogistics", response=OrderOut)
def update_logistics(request: HttpRequest, payload: UpdateLogisticsIn) -> dict:
    """Ship an unpaid order on another line; answers the re-priced order (8002 once paid)."""
    order = _order(request, payload.order_code or payload.id, "orderCode")
    name = (payload.logistics_name or payload.logistic_name or "").strip()
    if not name:
        raise ParamError("logisticsName is required")
    services.order_update_logistics(order=order, actor=None, logistic_name=name)
    fresh = Order.objects.select_related("line", "parent").get(pk=order.pk)
    return _order_out(request, fresh)
