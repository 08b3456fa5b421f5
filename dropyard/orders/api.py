"""Developer API for orders (contract §2.4 shopping; full CJ paths, mounted at the API root).

Every operation is merchant-scoped: an order is looked up among the caller's orders only, so
another merchant's id answers exactly like an unknown one, 1603100. Wire conventions: ids are
strings (``orderId`` is our public id; ``orderNum``/``orderNumber`` the merchant's own number;
``cjOrderCode`` our "DY…"/"ZF…" code; every lookup by order id also accepts the order number
and the code); amounts are decimal strings in the order's currency (USD, ``"12.50"``); order
dates are ``yyyy-MM-dd HH:mm:ss`` in UTC (§3 conventions).

Decisions where the contract is open or contradicts itself (§7):

- **Create.** ``createOrderV2`` runs the ``payType`` flow (``orders.services.order_create_v2``):
  3 create only; 1 (default) cart → confirm → parent order, ``cjPayUrl`` = the absolute
  payment page URL; 2 balance: sandbox orders are paid by the sandbox provider, live orders
  stay UNPAID until the wallet exists. ``createOrderV3`` (Store Order Flow) creates only, as
  payType 3 (its table has no payType). Required in the body: ``orderNumber``,
  ``shippingCountryCode``, ``shippingCustomerName``, ``shippingAddress``, ``shippingCity`` and
  ``products`` (missing → 1600300 naming it); ``logisticName``/``fromCountryCode`` are optional
  (routing picks the line and the warehouse). ``storageId`` is a warehouse id
  (``warehouse/detail``); ``storeOrderTime`` epoch seconds; ``shopAmount`` and ``unitPrice``
  decimal amounts. Money out: ``iossAmount``/``iossTaxHandlingFee`` are 0 (no IOSS tax is
  computed), the ``*Original*`` amounts equal the charged ones and the discounts are 0 until
  discounts exist; ``actualPayment`` = ``orderAmount`` (what the payment will take).
  An address the country's rules refuse (bad country, postcode shape, missing province) →
  1603000 naming the fields in camelCase.
- **Idempotency-Key** (createOrderV2/V3, optional header): the first answer is stored with the
  body's hash (``core.idempotency``) and replayed for the same key and body (same ``orderId``,
  header ``Idempotent-Replayed: true``); the same key with another body → 1600300. Without the
  header the natural key applies: a second order with the same ``orderNumber`` → 1603003.
- **Cart.** ``addCart``/``addCartConfirm`` take ``cjOrderIdList`` (≤ ``MAX_IDS``); an id that
  is unknown or another merchant's is intercepted with code 1603100, other refusals carry the
  service's reasons. Every ``interceptOrderReasons[].code`` is numeric: routing's reasons become
  1603102 (too little stock, also in the requested warehouse) or 1605001 (no shipping line can
  carry the order), the detail in ``message``. ``addCartConfirm`` answers ``shipmentsId``
  (null when nothing was confirmed), which ``saveGenerateParentOrder`` takes back as
  ``shipmentOrderId``.
- **list.** No ``status`` means every status (the docs' "CANCELLED by default" would hide a
  client's live orders); ``status`` also takes PENDING / PROCESSING (UNSHIPPED sub-statuses)
  and OTHER (matches nothing). ``pageSize`` 1–``LIST_MAX_PAGE_SIZE``. ``orderIds`` may be
  repeated or comma-joined.
- **getOrderDetail** answers 1603100 for an unknown order (the DOC says 1600300; every other
  shopping operation uses 1603100, and clients test for one code). ``features`` repeated or
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
- **Sandbox.** ``simulatePay`` pays a sandbox order (``orderId``) or shipment
  (``shipmentOrderId``) through the sandbox payment provider; a live order → 1603101 and
  nothing changes. ``updateStatus`` moves a sandbox order one step at a time, each ``targetStatus``
  exactly 100 above the order's current code (else 1600300 naming the expected one):
  before payment = 200; 300 = paid (UNSHIPPED/PENDING, by the sandbox payment);
  400 = the warehouse starts picking (UNSHIPPED/PROCESSING); 500 = picked, packed and shipped
  with a Sandbox tracking number (SHIPPED, ``fulfillment.sandbox_ship``); 600 = the carrier
  delivers: the Sandbox tracking journey is played to the end (a scripted exception is skipped
  and replaced by the delivery), so the parcel and then the order become DELIVERED when that
  change commits; 700 = completed/closed: DELIVERED is final in our lifecycle, so 700 writes a
  "completed" history row and nothing else. ``updateTrackNumber`` ships an UNSHIPPED sandbox
  order with the given number, always under the Sandbox carrier (numbers are unique per
  carrier, so no real carrier's number can be claimed); a shipped order's number cannot be
  changed (1600300). Live orders → 1600300 for both. Sandbox money is free: unless
  ``services.sandbox_allowed`` (``DROPYARD_SANDBOX_PAYMENTS`` on, or a sandbox account) all
  three, and ``isSandbox: 1`` on createOrderV2/V3, answer 1600300 and change nothing.
- **Merge** (``shopping/mergeOrder/*``): the contract's asynchronous tasks run synchronously:
  the call that starts a task does the work, its ``taskId`` is a signed token (ours, opaque),
  and the progress operations answer ``progress: 10000`` (100.00 %) and ``status: FINISHED``.
  ``autoMatchMergeOrderListV3`` ``orderStatus`` 100 = unconfirmed (CREATED / IN_CART), 101 =
  confirmed unpaid (UNPAID), none = both; ``filterOrder`` (optional) a list of order ids to
  consider. Its result (``autoMergeQueryResult``) is computed when read: the groups with the
  freight before and after and the saving. ``submitMergeOrderBatchV3`` merges each group of
  ``groups[].orderIds`` on its own; ``submitResult`` lists per group ``success``, ``mergeId``
  or ``code``/``message``. Our codes: 11001 taskId unknown or not the caller's; 11002 no
  groups; 11003 a group with fewer than 2 orders; 11005 more than ``MAX_MERGE_GROUPS`` groups;
  11100 a group the merge refused (per group; other groups still merge); 1603100 in a group
  with an unknown order.
- No API key scopes exist yet (accounts has none): any valid token may call every operation.
"""

import json
import re
import time
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.throttling import BaseThrottle
from pydantic import Field
from pydantic.alias_generators import to_camel

from dropyard.accounts.models import ApiToken
from dropyard.core.api import AccountRateThrottle, BodyNotJson, CamelSchema, ParamError
from dropyard.core.errors import DomainError
from dropyard.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from dropyard.core.idempotency import idempotent
from dropyard.core.money import Money
from dropyard.core.ratelimit import ratelimit_hit
from dropyard.fulfillment import services as fulfillment_services
from dropyard.fulfillment.choices import ParcelStatus
from dropyard.fulfillment.models import Parcel
from dropyard.inventory.selectors import warehouse_get
from dropyard.logistics import services as logistics_services
from dropyard.logistics.carriers import is_sandbox as is_sandbox_carrier
from dropyard.logistics.choices import TrackingEventSource, TrackingStatus
from dropyard.logistics.selectors import freight_quote_by_keys, tracking_get_by_number
from dropyard.logistics.services import TrackingEventIn
from dropyard.logistics.tracking import tracking_number_clean
from dropyard.wallet.payments import order_payment_get

from . import routing, selectors, services
from .choices import OrderStatus, OrderSubStatus, PayType
from .exceptions import ConfirmRefused, OrderInvalid, OrderNotFound
from .models import Order
from .services.lifecycle import PRE_PAYMENT

router = Router(tags=["Shopping"])

S = OrderStatus
MAX_IDS = 100  # cjOrderIdList, getOrderDetailBatch orderIds (SUM: ≤ 100)
LIST_DEFAULT_PAGE_SIZE = 20
LIST_MAX_PAGE_SIZE = 200
MAX_FEATURES = 20
DETAIL_BATCH_QPS = 2
LOGISTICS_TIMELINESS = "LOGISTICS_TIMELINESS"
TRACK_NUMBER_MAX = 64
MAX_MERGE_GROUPS = 100
MERGE_PROGRESS_DONE = 10000  # the contract's progress scale (≤ 10000 = 100.00 %)
MERGE_TASK_SALT = "dropyard.orders.api.merge-task"
LIST_STATUSES = frozenset({*S.values, "OTHER", OrderSubStatus.PENDING, OrderSubStatus.PROCESSING})
MERGE_UNCONFIRMED, MERGE_CONFIRMED = 100, 101

# Sandbox updateStatus codes (see the module docstring).
SANDBOX_BEFORE_PAYMENT = 200
SANDBOX_PAID, SANDBOX_PROCESSING, SANDBOX_SHIPPED = 300, 400, 500
SANDBOX_DELIVERED, SANDBOX_COMPLETED = 600, 700
SANDBOX_COMPLETED_KIND = "completed"


class DetailBatchThrottle(BaseThrottle):
    """getOrderDetailBatch: at most ``DETAIL_BATCH_QPS`` calls per second per account (contract
    §3 overrides), on top of the account's own QPS. ``timer`` is the clock (tests replace it)."""

    timer = staticmethod(time.time)

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not settings.DROPYARD_API_RATE_LIMITS_ENABLED or not isinstance(token, ApiToken):
            return True
        return ratelimit_hit(
            key=f"api-detail-batch:{token.merchant_id}",
            limit=DETAIL_BATCH_QPS,
            window_seconds=1,
            now=self.timer(),
        )


class MergeTaskError(DomainError):
    """A merge task request the contract's merge codes (11001–11007, 11100) refuse."""


# --- Wire helpers -------------------------------------------------------------------------------


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


def _order(request: HttpRequest, key: str | None, name: str = "orderId") -> Order:
    if not (key or "").strip():
        raise ParamError(f"{name} is required")
    return selectors.order_get(merchant=_merchant(request), key=key)


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
            fulfillment_services.tracking_url(tracked.carrier, tracked.tracking_number) or None
            if tracked
            else None
        ),
        "storageId": warehouse.public_id if warehouse else None,
        "storageName": warehouse.name if warehouse else None,
        "outWarehouseTime": _time(
            min((p.shipped_at for p in parcels if p.shipped_at), default=None)
        ),
    }


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


def _detail(order: Order, parcels: list[Parcel], *, timeliness: bool) -> dict[str, Any]:
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
        "disputeId": None,
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


# --- Create ---------------------------------------------------------------------------------------


class ProductIn(CamelSchema):
    vid: str | None = None
    sku: str | None = None
    quantity: int
    unit_price: str | int | float | None = None
    store_line_item_id: str | None = None
    pod_properties: Any = None


class CreateOrderIn(CamelSchema):
    order_number: str
    shipping_country_code: str
    shipping_country: str | None = None
    shipping_province: str | None = None
    shipping_city: str
    shipping_county: str | None = None
    shipping_zip: str | None = None
    shipping_phone: str | None = None
    shipping_customer_name: str
    shipping_address: str
    shipping_address2: str | None = None
    house_number: str | None = None
    email: str | None = None
    tax_id: str | None = None
    remark: str | None = None
    consignee_id: str | None = Field(None, alias="consigneeID")
    pay_type: int | None = None
    shop_amount: str | int | float | None = None
    logistic_name: str | None = None
    from_country_code: str | None = None
    platform: str | None = None
    ioss_type: int | None = None
    ioss_number: str | None = None
    shop_logistics_type: int | None = None
    storage_id: str | None = None
    store_name: str | None = None
    is_sandbox: int | bool | None = None
    order_flow: int | None = None
    store_order_time: int | None = None
    products: list[ProductIn]


def _decimal_minor(name: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ParamError(f"{name} must be a decimal amount") from None
    if not amount.is_finite() or amount < 0:
        raise ParamError(f"{name} must be a decimal amount ≥ 0")
    return Money.from_decimal(amount).amount_minor


def _create_fields(payload: CreateOrderIn) -> dict[str, Any]:
    """order_create's keyword arguments from the wire body (types already checked)."""
    if payload.is_sandbox not in (None, 0, 1, True, False):
        raise ParamError("isSandbox must be 0 or 1")
    warehouse = None
    if payload.storage_id and payload.storage_id.strip():
        warehouse = warehouse_get(public_id=payload.storage_id.strip())
    store_created_at = None
    if payload.store_order_time is not None:
        if payload.store_order_time < 0:
            raise ParamError("storeOrderTime must be epoch seconds")
        store_created_at = datetime.fromtimestamp(payload.store_order_time, tz=UTC)
    lines = []
    for index, product in enumerate(payload.products):
        lines.append(
            {
                "vid": product.vid,
                "sku": product.sku,
                "quantity": product.quantity,
                "unit_price_minor": _decimal_minor(
                    f"products[{index}].unitPrice", product.unit_price
                ),
                "store_line_item_id": product.store_line_item_id,
                "pod_properties": product.pod_properties,
            }
        )
    text = {
        name: (getattr(payload, name) or "")
        for name in (
            "shipping_country_code",
            "shipping_country",
            "shipping_province",
            "shipping_city",
            "shipping_county",
            "shipping_zip",
            "shipping_phone",
            "shipping_customer_name",
            "shipping_address",
            "shipping_address2",
            "house_number",
            "email",
            "tax_id",
            "remark",
            "consignee_id",
            "ioss_number",
            "store_name",
        )
    }
    fields: dict[str, Any] = {
        **text,
        "order_number": payload.order_number,
        "lines": lines,
        "requested_logistic_name": payload.logistic_name or "",
        "from_country_code": payload.from_country_code or "",
        "platform": payload.platform or "api",
        "requested_warehouse": warehouse,
        "store_created_at": store_created_at,
        "shop_amount_minor": _decimal_minor("shopAmount", payload.shop_amount),
    }
    if payload.ioss_type is not None:
        fields["ioss_type"] = payload.ioss_type
    if payload.shop_logistics_type is not None:
        fields["shop_logistics_type"] = payload.shop_logistics_type
    if payload.is_sandbox is not None:
        fields["is_sandbox"] = bool(payload.is_sandbox)
    return fields


# Service field names that differ from the wire names beyond snake → camel case.
_WIRE_NAMES = {
    "unit_price_minor": "unitPrice",
    "shop_amount_minor": "shopAmount",
    "requested_logistic_name": "logisticName",
    "requested_warehouse": "storageId",
    "consignee_id": "consigneeID",
    "store_created_at": "storeOrderTime",
}
_SNAKE_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def wire_message(message: str) -> str:
    """A service message with its snake_case field names written as the API's names."""
    return _SNAKE_NAME.sub(lambda m: _WIRE_NAMES.get(m.group(0), to_camel(m.group(0))), message)


def _creating(call: Any) -> Any:
    """Run a creation service; its refusals name the fields by their wire names."""
    try:
        return call()
    except OrderInvalid as exc:
        raise OrderInvalid(wire_message(exc.message), code=exc.code, extra=exc.extra) from None


def _idempotent_create(request: HttpRequest, scope: str, run: Any) -> dict[str, Any] | HttpResponse:
    body = json.loads(request.body)  # ninja has parsed it already: it is valid JSON
    outcome = idempotent(
        owner=_merchant(request),
        scope=scope,
        key=request.headers.get(IDEMPOTENCY_HEADER),
        request_data=body,
        run=run,
    )
    if outcome.replayed:
        request.dropyard_idempotent_replay = True
    return outcome.response


PAYMENT_ERROR_KEY = "_paymentError"


class BalancePaymentRefused(DomainError):
    """createOrderV2 payType 2: the order was created but the wallet could not pay it."""


def _pay_type(value: int | None) -> int:
    pay_type = PayType.PAGE if value is None else value
    if pay_type not in PayType.values:
        raise ParamError("payType must be 1 (page), 2 (balance) or 3 (create only)")
    return pay_type


@router.post("shopping/order/createOrderV2")
def create_order_v2(request: HttpRequest, payload: CreateOrderIn, response: HttpResponse) -> dict:
    """Create an order and run its ``payType`` flow (1 page payment, 2 balance, 3 none)."""
    pay_type = _pay_type(payload.pay_type)
    fields = _create_fields(payload)
    merchant = _merchant(request)

    def run() -> dict[str, Any]:
        result = _creating(
            lambda: services.order_create_v2(
                merchant=merchant, actor=None, pay_type=pay_type, **fields
            )
        )
        order = Order.objects.select_related("line", "parent").get(pk=result.order.pk)
        data = _order_out(
            request,
            order,
            shipments_id=result.shipments_id,
            pay_url=result.pay_url,
            intercepted=result.intercepted or None,
        )
        payment = order_payment_get(order=order) if result.paid else None
        if payment is not None:
            # Paid from the wallet: the wallet discount is part of what the merchant saved.
            data["totalDiscountAmount"] = _amount(
                order, order.discount_amount_minor + payment.discount_minor
            )
            data["actualPayment"] = _amount(order, payment.net_minor)
        if result.payment_error is not None:
            # Stored with the answer so a replay with the same Idempotency-Key refuses alike.
            data[PAYMENT_ERROR_KEY] = {
                "code": result.payment_error.code,
                "message": result.message,
            }
        return data

    data = _idempotent_create(request, "shopping/order/createOrderV2", run)
    if getattr(request, "dropyard_idempotent_replay", False):
        response["Idempotent-Replayed"] = "true"
    refused = data.pop(PAYMENT_ERROR_KEY, None) if isinstance(data, dict) else None
    if refused:
        # payType 2 without enough balance: the order exists (UNPAID, in its shipment order)
        # but the call answers the contract's 1604000; the message names orderId,
        # shipmentOrderId and payId so the client can pay with payBalanceV2 after a top-up.
        raise BalancePaymentRefused(
            f"orderId {data.get('orderId')}: {refused['message']}", code=refused["code"]
        )
    return data


@router.post("shopping/order/createOrderV3")
def create_order_v3(request: HttpRequest, payload: CreateOrderIn, response: HttpResponse) -> dict:
    """Create an order (Store Order Flow): created only, like createOrderV2 payType 3."""
    fields = _create_fields(payload)
    merchant = _merchant(request)

    def run() -> dict[str, Any]:
        order = _creating(
            lambda: services.order_create(
                merchant=merchant, actor=None, pay_type=PayType.NONE, **fields
            )
        )
        order = Order.objects.select_related("line", "parent").get(pk=order.pk)
        return _order_out(request, order)

    data = _idempotent_create(request, "shopping/order/createOrderV3", run)
    if getattr(request, "dropyard_idempotent_replay", False):
        response["Idempotent-Replayed"] = "true"
    return data


# --- Cart and parent order ------------------------------------------------------------------------


class OrderIdListIn(CamelSchema):
    cj_order_id_list: list[str] = Field(alias="cjOrderIdList")


def _cart_orders(request: HttpRequest, ids: list[str]) -> tuple[list[Order], list[dict]]:
    found, missing = selectors.orders_get_many(merchant=_merchant(request), keys=ids)
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


@router.post("shopping/order/addCart")
def add_cart(request: HttpRequest, payload: OrderIdListIn) -> dict:
    """Move CREATED orders into the cart (IN_CART); refused orders come back intercepted."""
    ids = _id_list("cjOrderIdList", payload.cj_order_id_list)
    orders, missing = _cart_orders(request, ids)
    result = services.cart_add(merchant=_merchant(request), orders=orders, actor=None)
    return {
        "successCount": result.success_count,
        "addSuccessOrders": [o.public_id for o in result.orders],
        "interceptOrders": missing + _intercepts(result),
    }


@router.post("shopping/order/addCartConfirm")
def add_cart_confirm(request: HttpRequest, payload: OrderIdListIn) -> dict:
    """Confirm cart orders (→ UNPAID, stock reserved) into one shipment: ``shipmentsId``."""
    ids = _id_list("cjOrderIdList", payload.cj_order_id_list)
    orders, missing = _cart_orders(request, ids)
    result = services.cart_confirm(merchant=_merchant(request), orders=orders, actor=None)
    return {
        "successCount": result.success_count,
        "submitSuccess": bool(result.shipments_id),
        "shipmentsId": result.shipments_id or None,
        "confirmSuccessOrders": [o.public_id for o in result.orders],
        "interceptOrders": missing + _intercepts(result),
    }


class ParentOrderIn(CamelSchema):
    shipment_order_id: str


@router.post("shopping/order/saveGenerateParentOrder")
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


# --- Reads ----------------------------------------------------------------------------------------


# Module-level (ruff B008): repeatable query parameters.
_ORDER_IDS = Query(None, alias="orderIds")
_FEATURES = Query(None, alias="features")


@router.get("shopping/order/list")
def order_list(
    request: HttpRequest,
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(LIST_DEFAULT_PAGE_SIZE, alias="pageSize"),
    order_ids: list[str] | None = _ORDER_IDS,
    shipment_order_id: str | None = Query(None, alias="shipmentOrderId"),
    status: str | None = Query(None),
) -> dict:
    """The caller's orders, newest first: ``{pageNum, pageSize, total, list}``."""
    if page_num < 1:
        raise ParamError("pageNum must be at least 1")
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
        found, _missing = selectors.orders_get_many(merchant=_merchant(request), keys=ids)
        ids = [o.public_id for o in found] or ["-"]  # none of them is ours: an empty page
    orders = selectors.order_list(
        merchant=_merchant(request),
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


@router.get("shopping/order/getOrderDetail")
def get_order_detail(
    request: HttpRequest,
    order_id: str | None = Query(None, alias="orderId"),
    features: list[str] | None = _FEATURES,
) -> dict:
    """One order (by our id, the merchant's order number or the code)."""
    wanted = _features(features)
    order = _order(request, order_id)
    parcels = _tracking_by_order([order]).get(order.pk, [])
    return _detail(order, parcels, timeliness=LOGISTICS_TIMELINESS in wanted)


class OrderIdsIn(CamelSchema):
    order_ids: list[str]
    features: list[str] | None = None


@router.post(
    "shopping/order/getOrderDetailBatch",
    throttle=[AccountRateThrottle(), DetailBatchThrottle()],
)
def get_order_detail_batch(request: HttpRequest, payload: OrderIdsIn) -> list[dict]:
    """Details of up to 100 orders, in the order asked; unknown ids are absent."""
    ids = _id_list("orderIds", payload.order_ids)
    wanted = _features(payload.features)
    found, _missing = selectors.orders_get_many(merchant=_merchant(request), keys=ids)
    parcels = _tracking_by_order(found)
    return [
        _detail(order, parcels.get(order.pk, []), timeliness=LOGISTICS_TIMELINESS in wanted)
        for order in found
    ]


# --- Changes --------------------------------------------------------------------------------------


@router.delete("shopping/order/deleteOrder")
def delete_order(request: HttpRequest, order_id: str | None = Query(None, alias="orderId")) -> str:
    """Delete a CREATED / IN_CART order (1603002 otherwise); data = the deleted orderId."""
    order = _order(request, order_id)
    public_id = order.public_id
    services.order_delete(order=order, actor=None)
    return public_id


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        body = json.loads(request.body)
    except ValueError as exc:
        raise BodyNotJson("The request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise ParamError("The request body must be a JSON object")
    return body


@router.patch("shopping/order/confirmOrder")
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


@router.get("shopping/order/getOrderLogisticsInfo")
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


@router.post("shopping/order/updateLogistics")
def update_logistics(request: HttpRequest, payload: UpdateLogisticsIn) -> dict:
    """Ship an unpaid order on another line; answers the re-priced order (8002 once paid)."""
    order = _order(request, payload.order_code or payload.id, "orderCode")
    name = (payload.logistics_name or payload.logistic_name or "").strip()
    if not name:
        raise ParamError("logisticsName is required")
    services.order_update_logistics(order=order, actor=None, logistic_name=name)
    fresh = Order.objects.select_related("line", "parent").get(pk=order.pk)
    return _order_out(request, fresh)


# --- Sandbox --------------------------------------------------------------------------------------


class SimulatePayIn(CamelSchema):
    order_id: str | None = None
    shipment_order_id: str | None = None


@router.post("shopping/sandbox/simulatePay", response=bool)
def sandbox_simulate_pay(request: HttpRequest, payload: SimulatePayIn) -> bool:
    """Pay a sandbox order or shipment with the sandbox provider (live orders: 1603101)."""
    order_id = (payload.order_id or "").strip()
    shipments_id = (payload.shipment_order_id or "").strip()
    if not order_id and not shipments_id:
        raise ParamError("orderId or shipmentOrderId is required")
    services.sandbox_pay(
        merchant=_merchant(request), actor=None, order_id=order_id, shipments_id=shipments_id
    )
    return True


def _sandbox_order(request: HttpRequest, key: str | None) -> Order:
    # Sandbox money is off on a live installation except for sandbox accounts (1600300).
    services.sandbox_check(_merchant(request))
    order = _order(request, key)
    if not order.in_sandbox:
        raise ParamError("orderId: only sandbox orders can be changed through shopping/sandbox")
    return order


def sandbox_status_code(order: Order) -> int:
    """The order's sandbox status code (module docstring): 0 for a cancelled order."""
    if order.status in PRE_PAYMENT:
        return SANDBOX_BEFORE_PAYMENT
    if order.status == S.UNSHIPPED:
        pending = order.sub_status == OrderSubStatus.PENDING
        return SANDBOX_PAID if pending else SANDBOX_PROCESSING
    if order.status == S.SHIPPED:
        return SANDBOX_SHIPPED
    if order.status == S.DELIVERED:
        completed = selectors.order_events(order=order).filter(kind=SANDBOX_COMPLETED_KIND)
        return SANDBOX_COMPLETED if completed.exists() else SANDBOX_DELIVERED
    return 0


def _deliver_tracking(parcel: Parcel) -> None:
    """Play the parcel's tracking to delivery (600): the Sandbox journey up to its end, or up
    to a scripted exception followed by a delivery; other carriers get one delivery event."""
    tracking = tracking_get_by_number(
        carrier=parcel.carrier, tracking_number=parcel.tracking_number
    )
    if tracking is None or tracking.status == TrackingStatus.DELIVERED:
        return
    if is_sandbox_carrier(tracking.carrier):
        journey = logistics_services.sandbox_tracking_journey(tracking)
        if journey and int(journey[-1].status) == TrackingStatus.DELIVERED:
            logistics_services.sandbox_tracking_complete(tracking=tracking)
            return
    else:
        journey = []
    now = timezone.now()
    events = []
    for step, scripted in enumerate(journey):
        if int(scripted.status) in (TrackingStatus.EXCEPTION, TrackingStatus.RETURNED):
            break
        events.append(
            TrackingEventIn(
                status=int(scripted.status),
                activity=scripted.activity,
                event_time=now.replace(microsecond=step),
                external_id=f"sandbox:{step}",
                city=scripted.city,
                country=scripted.country,
                source=TrackingEventSource.SANDBOX,
            )
        )
    events.append(
        TrackingEventIn(
            status=int(TrackingStatus.DELIVERED),
            activity="Delivered (sandbox updateStatus 600)",
            event_time=now.replace(microsecond=len(events) + 1),
            external_id="sandbox:updateStatus:600",
            city=parcel.orders.order_by("pk").first().shipping_city,
            country=tracking.dest_country,
            source=TrackingEventSource.SANDBOX,
        )
    )
    logistics_services.tracking_events_record(tracking=tracking, events=events)


class UpdateStatusIn(CamelSchema):
    order_id: str
    target_status: int


@router.post("shopping/sandbox/updateStatus", response=bool)
def sandbox_update_status(request: HttpRequest, payload: UpdateStatusIn) -> bool:
    """Move a sandbox order to the next status code (300 → 400 → 500 → 600 → 700)."""
    order = _sandbox_order(request, payload.order_id)
    current = sandbox_status_code(order)
    if not current:
        raise ParamError(f"orderId: the order is {order.status}; its status cannot move on")
    if current == SANDBOX_COMPLETED:
        raise ParamError("targetStatus: the order is completed (700) already")
    expected = current + 100
    if payload.target_status != expected:
        raise ParamError(
            f"targetStatus must be {expected}: statuses move one step at a time "
            f"(the order is at {current})"
        )
    merchant = _merchant(request)
    if expected == SANDBOX_PAID:
        services.sandbox_pay(merchant=merchant, actor=None, order_id=order.public_id)
    elif expected == SANDBOX_PROCESSING:
        ready = [p for p in selectors.order_parcels(order=order) if p.status == ParcelStatus.READY]
        fulfillment_services.parcel_start_picking(parcels=ready, actor=None)
    elif expected == SANDBOX_SHIPPED:
        fulfillment_services.sandbox_ship(order=order)
    elif expected == SANDBOX_DELIVERED:
        with transaction.atomic():
            for parcel in selectors.order_parcels(order=order):
                if parcel.tracking_number and parcel.carrier_id:
                    _deliver_tracking(parcel)
    else:
        services.order_note(
            order,
            kind=SANDBOX_COMPLETED_KIND,
            note="completed (sandbox updateStatus 700)",
            actor_label="sandbox",
        )
    return True


class UpdateTrackNumberIn(CamelSchema):
    order_id: str
    track_number: str


@router.post("shopping/sandbox/updateTrackNumber", response=bool)
def sandbox_update_track_number(request: HttpRequest, payload: UpdateTrackNumberIn) -> bool:
    """Ship an unshipped sandbox order with ``trackNumber`` (≤ 64 characters)."""
    raw = payload.track_number.strip()
    if not raw:
        raise ParamError("trackNumber is required")
    if len(raw) > TRACK_NUMBER_MAX or not tracking_number_clean(raw):
        raise ParamError(f"trackNumber must be 4 to {TRACK_NUMBER_MAX} letters, digits or dashes")
    order = _sandbox_order(request, payload.order_id)
    if order.status != S.UNSHIPPED:
        raise ParamError(
            f"orderId: the order is {order.status}; a tracking number is set when it ships"
        )
    fulfillment_services.sandbox_ship(order=order, tracking_number=raw)
    return True


# --- Merge ----------------------------------------------------------------------------------------


def _task_id(request: HttpRequest, kind: str, data: dict[str, Any]) -> str:
    payload = {"m": _merchant(request).pk, "k": kind, **data}
    return signing.dumps(payload, salt=MERGE_TASK_SALT, compress=True)


def _task(request: HttpRequest, task_id: str, kind: str) -> dict[str, Any]:
    try:
        payload = signing.loads((task_id or "").strip(), salt=MERGE_TASK_SALT)
    except signing.BadSignature:
        payload = None
    if not payload or payload.get("m") != _merchant(request).pk or payload.get("k") != kind:
        raise MergeTaskError("taskId not found", code=11001)
    return payload


class AutoMatchIn(CamelSchema):
    order_status: int | None = None
    filter_order: list[str] | None = None


@router.post("shopping/mergeOrder/autoMatchMergeOrderListV3")
def merge_auto_match(request: HttpRequest, payload: AutoMatchIn) -> dict:
    """Start finding mergeable groups (runs at once; read them with autoMergeQueryResult)."""
    if payload.order_status not in (None, MERGE_UNCONFIRMED, MERGE_CONFIRMED):
        raise ParamError("orderStatus must be 100 (unconfirmed) or 101 (confirmed, unpaid)")
    only = _ids(payload.filter_order)
    task_id = _task_id(request, "match", {"s": payload.order_status, "o": only})
    return {"taskId": task_id, "progress": MERGE_PROGRESS_DONE, "status": "FINISHED"}


class TaskIn(CamelSchema):
    task_id: str


@router.post("shopping/mergeOrder/autoMergeQueryProgress")
def merge_auto_progress(request: HttpRequest, payload: TaskIn) -> dict:
    _task(request, payload.task_id, "match")
    return {"taskId": payload.task_id, "progress": MERGE_PROGRESS_DONE, "status": "FINISHED"}


def _group_out(group: services.MergeGroup, merchant: Any) -> dict[str, Any]:
    preview = services.merge_preview(merchant=merchant, orders=group.orders)
    money = lambda minor: Money(int(minor), preview.currency).wire()  # noqa: E731
    return {
        "groupId": group.address_key[:16],
        "orderIds": [o.public_id for o in group.orders],
        "orderCount": len(group.orders),
        "orderStatus": MERGE_CONFIRMED if group.orders[0].status == S.UNPAID else MERGE_UNCONFIRMED,
        "shippingCustomerName": group.orders[0].shipping_customer_name,
        "shippingCountryCode": group.orders[0].shipping_country_code,
        "mergeable": preview.ok,
        "postageBefore": money(preview.postage_before_minor),
        "postageAfter": money(preview.postage_after_minor) if preview.ok else None,
        "savedAmount": money(preview.saved_minor),
        "reasons": reasons_out(preview.reasons),
    }


@router.post("shopping/mergeOrder/autoMergeQueryResult")
def merge_auto_result(request: HttpRequest, payload: TaskIn) -> dict:
    """The mergeable groups (same recipient and address), with the freight each merge saves."""
    task = _task(request, payload.task_id, "match")
    merchant = _merchant(request)
    only = set(task.get("o") or ())
    groups = []
    for group in services.merge_candidates(merchant=merchant):
        if only:
            members = [o for o in group.orders if {o.public_id, o.order_number, o.code} & only]
            if len(members) < 2:
                continue
            group = services.MergeGroup(address_key=group.address_key, orders=members)
        confirmed = group.orders[0].status == S.UNPAID
        wanted = task.get("s")
        if wanted is not None and confirmed != (wanted == MERGE_CONFIRMED):
            continue
        groups.append(_group_out(group, merchant))
    return {"taskId": payload.task_id, "total": len(groups), "groups": groups}


class MergeGroupIn(CamelSchema):
    order_ids: list[str]


class SubmitMergeIn(CamelSchema):
    groups: list[MergeGroupIn]


def _merge_one(request: HttpRequest, index: int, ids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"groupIndex": index, "orderIds": ids}
    if len(ids) < 2:
        return {**out, "success": False, "code": 11003, "message": "a group needs 2 orders"}
    merchant = _merchant(request)
    found, missing = selectors.orders_get_many(merchant=merchant, keys=ids)
    if missing:
        message = f"order not found: {', '.join(missing)}"
        return {**out, "success": False, "code": OrderNotFound.default_code, "message": message}
    try:
        merge = services.orders_merge(merchant=merchant, orders=found, actor=None)
    except OrderNotFound as exc:
        return {**out, "success": False, "code": exc.code, "message": exc.message}
    except DomainError as exc:
        return {**out, "success": False, "code": 11100, "message": exc.message}
    return {
        **out,
        "orderIds": [o.public_id for o in found],
        "success": True,
        "mergeId": merge.public_id,
        "postageBefore": Money(merge.postage_before_minor, merge.currency).wire(),
        "postageAfter": Money(merge.postage_after_minor, merge.currency).wire(),
    }


@router.post("shopping/mergeOrder/submitMergeOrderBatchV3")
def merge_submit(request: HttpRequest, payload: SubmitMergeIn) -> dict:
    """Merge each group of orders on its own (runs at once; see submitResult)."""
    if not payload.groups:
        raise MergeTaskError("groups is empty", code=11002)
    if len(payload.groups) > MAX_MERGE_GROUPS:
        raise MergeTaskError(f"at most {MAX_MERGE_GROUPS} groups per batch", code=11005)
    results = [
        _merge_one(request, index, _ids(group.order_ids))
        for index, group in enumerate(payload.groups)
    ]
    task_id = _task_id(request, "submit", {"r": results})
    return {"taskId": task_id, "progress": MERGE_PROGRESS_DONE, "status": "FINISHED"}


@router.post("shopping/mergeOrder/submitProgress")
def merge_submit_progress(request: HttpRequest, payload: TaskIn) -> dict:
    _task(request, payload.task_id, "submit")
    return {"taskId": payload.task_id, "progress": MERGE_PROGRESS_DONE, "status": "FINISHED"}


@router.post("shopping/mergeOrder/submitResult")
def merge_submit_result(request: HttpRequest, payload: TaskIn) -> dict:
    task = _task(request, payload.task_id, "submit")
    results = task.get("r") or []
    ok = sum(1 for r in results if r.get("success"))
    return {
        "taskId": payload.task_id,
        "successCount": ok,
        "failCount": len(results) - ok,
        "results": results,
    }
