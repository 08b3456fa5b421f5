"""Developer API: buying stock into the merchant's private inventory (contract §2.4
``shopping/privateInventory/*``, "SY" orders; all POST with JSON bodies, scoped to the token's
merchant — another merchant's cart line or order answers like an unknown one, 1603100).

- ``addToCart``: the cart-line forms of ``inventory.purchase_wire`` (``{vid, quantity,
  storageId?}``, a ``products`` list or a bare array) — the same as ``shopping/order/addCart``
  with ``{vid, quantity}``. Too few platform units in the warehouse → 1603102.
- ``getCart``: the cart at today's prices (``lines``, ``totalAmount`` …).
- ``removeFromCart``: ``lineIds`` (also ``ids`` / ``cartIds``) and/or ``vid`` / ``vids``;
  answers ``removedCount`` and the cart.
- ``createOrder``: the cart (all lines, or those of ``storageId``, or ``lineIds``) → one
  purchase order ``SY…`` awaiting payment (WAIT_PAY); ``payType`` 2 also pays it from the
  balance in the same transaction (a refusal — 1604000 insufficient balance, 1603102 too few
  platform units — then leaves the cart and everything else as they were). Other ``payType``
  values create only.
- ``order/list``: the merchant's purchase orders, newest first, paged
  ``{pageNum, pageSize, total, list}``; filters ``status`` (WAIT_PAY, COMPLETED, CANCELLED) and
  ``orderId``.

Paying later: ``shopping/pay/payBalanceV2`` with ``orderType: 9`` and ``shipmentOrderId`` = the
``SY…`` order id (``payId`` optional) — ``checkout.api``. Paying moves the units from platform
stock into the merchant's private stock in that warehouse (``checkout.purchases``).
Unknown extra body fields are ignored.
"""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from dropyard.accounts.models import MerchantAccount
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.api_scopes import ApiScope, scope_require
from dropyard.inventory import private_selectors, purchase_wire, purchases
from dropyard.inventory.choices import PurchaseOrderStatus
from dropyard.inventory.purchase_wire import CartLineOut, CartOut
from dropyard.inventory.selectors import warehouse_get
from dropyard.wallet.ledger import wallet_balance

from .purchases import purchase_order_pay

router = Router(tags=["Private inventory"])

PAY_TYPE_BALANCE = 2
IDS_MAX = 200


def _merchant(request: HttpRequest) -> MerchantAccount:
    return request.auth.merchant  # type: ignore[attr-defined]


def _cart(merchant: MerchantAccount) -> dict[str, Any]:
    return purchase_wire.cart_out(private_selectors.purchase_cart_get(merchant=merchant))


CART_LINES_BODY = purchase_wire.openapi_body(*purchase_wire.CART_LINE_FORMS)


# --- Answer schemas (openapi.json; the operations build the dicts in inventory.purchase_wire) ---


class AddToCartOut(CamelSchema):
    success_count: int
    cart_lines: list[CartLineOut]
    cart: CartOut


class RemoveOut(CamelSchema):
    removed_count: int
    cart: CartOut


class PurchaseLineOut(CamelSchema):
    vid: str
    sku: str
    product_name: str
    quantity: int
    storage_id: str
    storage_name: str
    unit_price: str
    unit_price_minor: int
    amount: str


class PurchaseOrderOut(CamelSchema):
    order_id: str
    order_number: str
    order_type: int
    pay_id: str
    status: str
    order_amount: str
    order_amount_minor: int
    currency: str
    create_date: str | None
    pay_date: str | None
    cancel_date: str | None
    product_list: list[PurchaseLineOut]


class CreatedOrderOut(PurchaseOrderOut):
    paid: bool
    transaction_id: str | None


class PurchasePageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[PurchaseOrderOut]


@router.post(
    "shopping/privateInventory/addToCart", openapi_extra=CART_LINES_BODY, response=AddToCartOut
)
def add_to_cart(request: HttpRequest) -> dict[str, Any]:
    """Put products into the purchase cart (a line per variant and warehouse grows)."""
    merchant = _merchant(request)
    specs = purchase_wire.cart_line_specs(purchase_wire.request_json(request))
    lines = purchases.purchase_cart_add_many(merchant=merchant, specs=specs, actor=None)
    return {
        "successCount": len(lines),
        "cartLines": purchase_wire.cart_lines_out(lines),
        "cart": _cart(merchant),
    }


@router.post("shopping/privateInventory/getCart", response=CartOut)
def get_cart(request: HttpRequest) -> dict[str, Any]:
    """The purchase cart: lines (with the platform units available now), totals in USD."""
    return _cart(_merchant(request))


class RemoveIn(CamelSchema):
    line_ids: list[int | str] = Field(default_factory=list, max_length=IDS_MAX)
    ids: list[int | str] = Field(default_factory=list, max_length=IDS_MAX)
    cart_ids: list[int | str] = Field(default_factory=list, max_length=IDS_MAX)
    vid: str = Field("", max_length=64)
    vids: list[str] = Field(default_factory=list, max_length=IDS_MAX)


def _line_ids(values: list[int | str]) -> list[int]:
    out = []
    for value in values:
        text = str(value).strip()
        if not text.isdigit() or len(text) > 18:
            raise ParamError(f"lineIds: {text[:40]!r} is not a cart line id")
        out.append(int(text))
    return out


@router.post("shopping/privateInventory/removeFromCart", response=RemoveOut)
def remove_from_cart(request: HttpRequest, payload: RemoveIn) -> dict[str, Any]:
    """Remove cart lines by id and/or every line of the given variants."""
    merchant = _merchant(request)
    ids = _line_ids([*payload.line_ids, *payload.ids, *payload.cart_ids])
    vids = [v.strip() for v in [payload.vid, *payload.vids] if v and v.strip()]
    if not ids and not vids:
        raise ParamError("lineIds or vid is required")
    variants = private_selectors.cart_variants(merchant=merchant, vids=vids)
    removed = purchases.purchase_cart_remove(merchant=merchant, line_ids=ids, variants=variants)
    return {"removedCount": removed, "cart": _cart(merchant)}


class PurchaseCreateIn(CamelSchema):
    storage_id: str = Field("", max_length=64)
    line_ids: list[int | str] | None = Field(None, max_length=IDS_MAX)
    pay_type: int | None = Field(None, ge=0, le=99)


@router.post("shopping/privateInventory/createOrder", response=CreatedOrderOut)
def create_order(request: HttpRequest, payload: PurchaseCreateIn) -> dict[str, Any]:
    """Confirm the purchase cart into one SY purchase order (``payType`` 2: and pay it from
    the balance, all in one transaction)."""
    if payload.pay_type == PAY_TYPE_BALANCE:
        scope_require(request, ApiScope.PAYMENTS)  # it pays from the wallet as well
    merchant = _merchant(request)
    storage_id = payload.storage_id.strip()
    warehouse = warehouse_get(public_id=storage_id) if storage_id else None
    line_ids = _line_ids(payload.line_ids) if payload.line_ids is not None else None
    with transaction.atomic():
        order = purchases.purchase_order_create(
            merchant=merchant, warehouse=warehouse, line_ids=line_ids, actor=None
        )
        paid = None
        if payload.pay_type == PAY_TYPE_BALANCE:
            paid = purchase_order_pay(merchant=merchant, code=order.code, actor_label="api")
            order = paid.order
    order = private_selectors.purchase_order_get(merchant=merchant, code=order.code)
    out = purchase_wire.purchase_order_out(order)  # type: ignore[arg-type]
    out["paid"] = paid is not None and paid.paid
    out["transactionId"] = paid.transaction.public_id if paid and paid.transaction else None
    return out


class PurchaseListIn(CamelSchema):
    page_num: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)
    status: str = Field("", max_length=20)
    order_id: str = Field("", max_length=64)


@router.post("shopping/privateInventory/order/list", response=PurchasePageOut)
def order_list(request: HttpRequest, payload: PurchaseListIn) -> dict[str, Any]:
    """The merchant's purchase orders, newest first, with their lines."""
    status = payload.status.strip().upper()
    if status and status not in PurchaseOrderStatus.values:
        raise ParamError(f"status must be one of {', '.join(PurchaseOrderStatus.values)}")
    code = payload.order_id.strip()
    qs = private_selectors.purchase_order_list(
        merchant=_merchant(request), status=status, code=code
    ).prefetch_related("lines__variant__product", "lines__warehouse")
    total = qs.count()
    start = (payload.page_num - 1) * payload.page_size
    return {
        "pageNum": payload.page_num,
        "pageSize": payload.page_size,
        "total": total,
        "list": [
            purchase_wire.purchase_order_out(o) for o in qs[start : start + payload.page_size]
        ],
    }


def purchase_payment_out(merchant: MerchantAccount, payment: Any) -> dict[str, Any]:
    """``payBalanceV2`` (orderType 9)'s answer for a purchase order payment."""
    order = payment.order
    amount = purchase_wire.money_wire(order.amount_minor if payment.paid else 0, order.currency)
    balance = wallet_balance(merchant=merchant, currency=order.currency).available_minor
    return {
        "shipmentOrderId": order.code,
        "payId": order.pay_id,
        "orderIds": [order.code],
        "paid": payment.paid,
        "orderAmount": amount,
        "discountAmount": purchase_wire.money_wire(0, order.currency),
        "payAmount": amount,
        "currency": order.currency,
        "balance": purchase_wire.money_wire(balance, order.currency),
        "transactionId": payment.transaction.public_id if payment.transaction else None,
        "status": order.status,
    }
