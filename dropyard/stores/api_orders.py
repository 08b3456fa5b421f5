"""Creating orders: ``shopping/order/createOrderV2``, ``createOrderV3`` and the legacy
``createOrder`` (V1: createOrderV2 with V1's field names, create only by default; mapping in
its docstring).

Decisions where the contract is open or contradicts itself (§7):

- **Create.** ``createOrderV2`` runs the ``payType`` flow
  (``checkout.creation.order_create_v2``):
  3 create only; 1 (default) cart → confirm → parent order, ``cjPayUrl`` = the absolute
  payment page URL; 2 balance: sandbox orders are paid by the sandbox provider, live orders
  from the wallet with the wallet discount (an insufficient balance answers 1604000 and
  leaves the order UNPAID in its shipment order). ``createOrderV3`` (Store Order Flow)
  creates only, as payType 3 (its table has no payType; a payType sent is ignored). Whatever
  the payType, the staged flow (addCart → addCartConfirm → saveGenerateParentOrder →
  payBalanceV2) works on the order afterwards: an order payType 1 or 2 already confirmed
  answers addCart/addCartConfirm as an idempotent success naming the shipment this call
  answered as ``shipmentOrderId`` (``orders.api.cart``), so it is paid once.
  Required in the body: ``orderNumber``,
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

- **Store fields.** ``storeLineItemId`` is kept on each order line and ``platform`` on the
  order, as the client sent them. ``storeName`` is kept on the order and, when it names one of
  the merchant's live stores (trimmed, case-insensitive; with several of that name, the one on
  ``platform``; within a member token's store scope), links the order to that store in the
  same transaction (``stores.services.api_order_create_v2``/``v3``: a ``StoreOrder`` row,
  ``received_via=api``). A name that matches no store, or is ambiguous, is kept as free text
  and links nothing; it is never an error.

Served by the stores app, above checkout, since the store link needs it: the module moved
from orders (payType 2 pays from the wallet, so it went to the checkout) and then here, with
the operation ids, URL names and "Shopping" tag it always had; ``config.api`` mounts this
router first, where the orders' routers began, so the OpenAPI document is unchanged.
"""

import json
import re
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from pydantic import Field
from pydantic.alias_generators import to_camel

from dropyard.catalog.models import Variant
from dropyard.catalog.wire import price_param
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.api_scopes import ApiScope, scope_require
from dropyard.core.boundary import EPOCH_SECONDS_MAX
from dropyard.core.errors import DomainError
from dropyard.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from dropyard.core.idempotency import idempotent
from dropyard.inventory.selectors import warehouse_get
from dropyard.orders.api.wire import OrderOut, _amount, _merchant, _order_out
from dropyard.orders.choices import PayType
from dropyard.orders.exceptions import OrderInvalid
from dropyard.orders.models import Order
from dropyard.wallet.selectors import order_payment_get

from . import services
from .selectors import store_scope_for_token

router = Router(tags=["Shopping"])


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
    store_order_time: int | None = Field(None, ge=0, le=EPOCH_SECONDS_MAX)  # unix seconds
    products: list[ProductIn]


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
                "unit_price_minor": price_param(f"products[{index}].unitPrice", product.unit_price),
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
        "shop_amount_minor": price_param("shopAmount", payload.shop_amount),
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


@router.post(
    "shopping/order/createOrderV2",
    operation_id="dropyard_orders_api_create_order_v2",
    response=OrderOut,
)
def create_order_v2(request: HttpRequest, payload: CreateOrderIn, response: HttpResponse) -> dict:
    """Create an order and run its ``payType`` flow (1 page payment, 2 balance, 3 none)."""
    pay_type = _pay_type(payload.pay_type)
    return _create_with_pay_type(
        request, response, payload, pay_type, "shopping/order/createOrderV2"
    )


def _create_with_pay_type(
    request: HttpRequest, response: HttpResponse, payload: CreateOrderIn, pay_type: int, scope: str
) -> dict:
    """createOrderV2's work (also createOrder V1's): create, run the payType flow, answer."""
    if pay_type == PayType.BALANCE:
        scope_require(request, ApiScope.PAYMENTS)  # it pays from the wallet as well
    fields = _create_fields(payload)
    merchant = _merchant(request)

    def run() -> dict[str, Any]:
        result = _creating(
            lambda: services.api_order_create_v2(
                merchant=merchant,
                actor=None,
                scope=store_scope_for_token(request.auth),
                pay_type=pay_type,
                **fields,
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

    data = _idempotent_create(request, scope, run)
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


class ProductV1In(ProductIn):
    pid: str | None = None


class CreateOrderV1In(CreateOrderIn):
    shipping_customer_email: str | None = None
    products: list[ProductV1In]  # type: ignore[assignment]


def _check_pids(products: list[ProductV1In]) -> None:
    """V1's optional ``pid``: when given it must be the product of the line's ``vid``."""
    pairs = {(p.vid or "").strip(): (p.pid or "").strip() for p in products if p.pid}
    owners = dict(
        Variant.objects.filter(public_id__in=list(pairs)).values_list(
            "public_id", "product__public_id"
        )
    )
    for index, product in enumerate(products):
        pid = (product.pid or "").strip()
        if not pid:
            continue
        vid = (product.vid or "").strip()
        if not vid:
            raise ParamError(f"products[{index}].vid is required (pid alone names no variant)")
        if vid in owners and owners[vid] != pid:
            raise ParamError(f"products[{index}].pid {pid} is not the product of vid {vid}")


@router.post(
    "shopping/order/createOrder",
    operation_id="dropyard_orders_api_create_order_v1",
    response=OrderOut,
)
def create_order_v1(request: HttpRequest, payload: CreateOrderV1In, response: HttpResponse) -> dict:
    """Legacy ``createOrder`` (V1, beyond the contract, which only names it): createOrderV2's
    body and service with the V1 field names, and createOrderV2's answer.

    Mapping: ``shippingCustomerEmail`` → ``email`` (``email`` wins when both are sent);
    ``products[{pid?, vid, quantity}]`` → createOrderV2's ``products[{vid, quantity}]`` (``sku``,
    ``unitPrice`` and ``storeLineItemId`` are accepted too), ``pid`` optional and, when given,
    checked against the variant's product (1600300 when it is another product's, or given
    without ``vid``); ``payType`` as createOrderV2 but **3 (create only) by default**: V1
    clients follow it with ``confirmOrder`` / ``payBalance`` or the cart flow
    (addCart → addCartConfirm → saveGenerateParentOrder → payBalanceV2), which work on it as on
    any created order. Answer: createOrderV2's fields (``orderId``, ``orderNumber``,
    ``orderStatus``, amounts, ``shipmentOrderId`` / ``cjPayUrl`` when a payType ran).
    ``Idempotency-Key`` and the duplicate ``orderNumber`` rule (1603003) as createOrderV2;
    other fields V1 clients send alongside (``countryCode``, ``customerName``, ``zip``,
    ``phone``, ``shippingName``…) are ignored.
    """
    _check_pids(payload.products)
    if not (payload.email or "").strip() and payload.shipping_customer_email:
        payload.email = payload.shipping_customer_email
    pay_type = _pay_type(PayType.NONE if payload.pay_type is None else payload.pay_type)
    return _create_with_pay_type(request, response, payload, pay_type, "shopping/order/createOrder")


@router.post(
    "shopping/order/createOrderV3",
    operation_id="dropyard_orders_api_create_order_v3",
    response=OrderOut,
)
def create_order_v3(request: HttpRequest, payload: CreateOrderIn, response: HttpResponse) -> dict:
    """Create an order (Store Order Flow): created only, like createOrderV2 payType 3."""
    fields = _create_fields(payload)
    merchant = _merchant(request)

    def run() -> dict[str, Any]:
        order = _creating(
            lambda: services.api_order_create_v3(
                merchant=merchant,
                actor=None,
                scope=store_scope_for_token(request.auth),
                pay_type=PayType.NONE,
                **fields,
            )
        )
        order = Order.objects.select_related("line", "parent").get(pk=order.pk)
        return _order_out(request, order)

    data = _idempotent_create(request, "shopping/order/createOrderV3", run)
    if getattr(request, "dropyard_idempotent_replay", False):
        response["Idempotent-Replayed"] = "true"
    return data
