"""Developer API for the wallet (CJ API 2.0 ``shopping/pay/*`` and ``shopping/makeup/*``).

Full CJ paths, mounted at the API root; every operation is scoped to the token's merchant, so
another merchant's order, shipment order or bill answers like an unknown one (1603100).
Money goes out as the contract's USD decimal(18,2) strings (``"12.30"``).

- ``GET shopping/pay/getBalance``: ``amount`` (available), ``freezeAmount`` (frozen),
  ``noWithdrawalAmount`` (Dropyard has no withdrawals to a bank: the whole available balance
  can only be spent, so it equals ``amount``).
- ``POST shopping/pay/payBalance`` (``orderId``): pay one order from the wallet with the wallet
  discount; a CREATED / IN_CART order is confirmed first (in the same transaction, so a refusal
  leaves it as it was).
- ``POST shopping/pay/payBalanceV2`` (``shipmentOrderId``, ``payId``, ``orderType``): pay a
  confirmed cart's parent order; ``orderType`` 24 pays a makeup pay order
  (``shopping/makeup/createPayOrder``'s ``payOrderCode`` + ``payId``); 9 (private inventory)
  is not offered here (1600300).
- ``POST shopping/makeup/list`` (``page``, ``size``, ``type``, ``status``): the merchant's
  supplementary bills, paged as ``{pageNumber, pageSize, totalRecords, totalPages, content}``.
- ``POST shopping/makeup/createPayOrder`` (``orderCodes``): bundle bills for one payment.

Dropyard extensions (the CJ contract has no invoice endpoint; same envelope, same auth, same
merchant scoping — another merchant's invoice id answers like an unknown one):

- ``GET invoice/list`` (``pageNum`` ≥ 1, ``pageSize`` 1–100, default 20; ``kind`` =
  ``invoice`` | ``receipt`` | ``credit_note``, optional): the merchant's billing documents,
  newest first, as ``{pageNum, pageSize, total, list}``; each item: ``invoiceId``, ``number``,
  ``kind``, ``issuedAt``, ``amount`` (decimal string), ``currency``, ``reference``,
  ``originalInvoiceId`` (credit notes: the invoice they correct, else null).
- ``GET invoice/download?invoiceId=…``: one document's PDF inside the JSON envelope (an API
  client reads every answer the same way): ``{invoiceId, number, fileName, contentType:
  "application/pdf", size, contentBase64}`` — decode ``contentBase64`` to get the PDF bytes
  (``size`` of them). Unknown / another merchant's id → 1600300 "No such invoice".

Both payment POSTs honour ``Idempotency-Key`` (``core.idempotency``): the same key and body
replays the first answer and charges once; paying an already paid order / parent again (with
or without a key) charges nothing and answers ``paid: false``. An insufficient balance answers
1604000 and changes nothing.
"""

import base64
import json
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router

from dropyard.core.api import CamelSchema, ParamError, api_datetime
from dropyard.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from dropyard.core.idempotency import idempotent
from dropyard.core.money import Money
from dropyard.orders import selectors as order_selectors
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, ParentOrderStatus
from dropyard.orders.exceptions import OrderNotFound
from dropyard.orders.models import ParentOrder

from . import invoices, payments
from .choices import InvoiceKind, MakeupStatus, MakeupType
from .models import Invoice, Makeup
from .services import wallet_balance

router = Router(tags=["Wallet"])

ORDER_TYPE_PRIVATE_INVENTORY = 9
ORDER_TYPE_MAKEUP = 24
MAKEUP_PAGE_SIZE_DEFAULT = 20
MAKEUP_PAGE_SIZE_MAX = 100
MAX_ORDER_CODES = 100


def _merchant(request: HttpRequest) -> Any:
    return request.auth.merchant


def _wire(amount_minor: int, currency: str = "USD") -> str:
    return Money(int(amount_minor), currency).wire()


def _idempotent_call(
    request: HttpRequest, response: HttpResponse, scope: str, run: Any
) -> dict[str, Any]:
    # One transaction for the whole call: a refusal after a first step (payBalance confirms a
    # CREATED order before paying it) leaves nothing behind.
    with transaction.atomic():
        outcome = idempotent(
            owner=_merchant(request),
            scope=scope,
            key=request.headers.get(IDEMPOTENCY_HEADER),
            request_data=json.loads(request.body or b"{}"),
            run=run,
        )
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return outcome.response


def _payment_out(result: payments.PaymentResult, merchant: Any, currency: str) -> dict[str, Any]:
    """The common part of a payment answer: what this call charged (zero when it found
    everything paid already: ``paid`` false) and the balance left."""
    charged = result.payments if result.created else []
    discount = sum(p.discount_minor for p in charged)
    net = sum(p.net_minor for p in charged)
    balance = wallet_balance(merchant=merchant, currency=currency).available_minor
    return {
        "paid": result.created,
        "orderAmount": _wire(net + discount, currency),
        "discountAmount": _wire(discount, currency),
        "payAmount": _wire(net, currency),
        "currency": currency,
        "balance": _wire(balance, currency),
        "transactionId": result.transaction.public_id if result.transaction else None,
    }


# --- Balance ------------------------------------------------------------------------------------


@router.get("shopping/pay/getBalance")
def get_balance(request: HttpRequest) -> dict:
    """The merchant's wallet in USD: available, frozen, not withdrawable."""
    balance = wallet_balance(merchant=_merchant(request), currency="USD")
    return {
        "amount": _wire(balance.available_minor),
        "freezeAmount": _wire(balance.frozen_minor),
        "noWithdrawalAmount": _wire(balance.available_minor),
    }


# --- Paying orders ------------------------------------------------------------------------------


class PayBalanceIn(CamelSchema):
    order_id: str | None = None


@router.post("shopping/pay/payBalance")
def pay_balance(request: HttpRequest, payload: PayBalanceIn, response: HttpResponse) -> dict:
    """Pay one order from the wallet (wallet discount applied)."""
    key = (payload.order_id or "").strip()
    if not key:
        raise ParamError("orderId is required")
    merchant = _merchant(request)

    def run() -> dict[str, Any]:
        order = order_selectors.order_get(merchant=merchant, key=key)
        if order.status in (OrderStatus.CREATED, OrderStatus.IN_CART):
            order_services.order_confirm(order=order, actor=None, actor_label="api payment")
            order.refresh_from_db()
        result = payments.pay_from_wallet(
            merchant=merchant, orders=[order], actor=None, actor_label="api payment"
        )
        return {"orderId": order.public_id, **_payment_out(result, merchant, order.currency)}

    return _idempotent_call(request, response, "shopping/pay/payBalance", run)


class PayBalanceV2In(CamelSchema):
    shipment_order_id: str | None = None
    pay_id: str | None = None
    order_type: int | None = None


def _pay_parent(merchant: Any, shipments_id: str, pay_id: str) -> dict[str, Any]:
    parent = ParentOrder.objects.filter(merchant=merchant, shipments_id=shipments_id).first()
    if parent is None or (pay_id and parent.pay_id and parent.pay_id != pay_id):
        raise OrderNotFound(f"shipment order {shipments_id} not found")
    if parent.status != ParentOrderStatus.PAID:
        # Refreshes the amount and expiry of the payment order (keeps its payId).
        parent = order_services.parent_order_generate(merchant=merchant, shipments_id=shipments_id)
    result = payments.pay_from_wallet(
        merchant=merchant, parent=parent, actor=None, actor_label="api payment"
    )
    return {
        "shipmentOrderId": parent.shipments_id,
        "payId": parent.pay_id,
        "orderIds": [p.order.public_id for p in result.payments if p.order_id],
        **_payment_out(result, merchant, parent.currency),
    }


def _pay_makeup(merchant: Any, pay_order_code: str, pay_id: str) -> dict[str, Any]:
    result = payments.makeup_pay_order_pay(
        merchant=merchant, pay_order_code=pay_order_code, pay_id=pay_id, actor_label="api payment"
    )
    currency = result.payments[0].currency if result.payments else "USD"
    return {
        "shipmentOrderId": pay_order_code,
        "payId": pay_id or None,
        "orderIds": [p.makeup.code for p in result.payments if p.makeup_id],
        **_payment_out(result, merchant, currency),
    }


@router.post("shopping/pay/payBalanceV2")
def pay_balance_v2(request: HttpRequest, payload: PayBalanceV2In, response: HttpResponse) -> dict:
    """Pay a parent (shipment) order, or with ``orderType`` 24 a makeup pay order."""
    shipments_id = (payload.shipment_order_id or "").strip()
    if not shipments_id:
        raise ParamError("shipmentOrderId is required")
    pay_id = (payload.pay_id or "").strip()
    order_type = payload.order_type
    if order_type not in (None, ORDER_TYPE_MAKEUP):
        raise ParamError(
            "orderType must be 24 (supplementary bill) or omitted (shipment order); "
            "private inventory orders (9) are not paid here"
        )
    merchant = _merchant(request)

    def run() -> dict[str, Any]:
        if order_type == ORDER_TYPE_MAKEUP:
            return _pay_makeup(merchant, shipments_id, pay_id)
        return _pay_parent(merchant, shipments_id, pay_id)

    return _idempotent_call(request, response, "shopping/pay/payBalanceV2", run)


# --- Makeup bills ---------------------------------------------------------------------------------


class MakeupListIn(CamelSchema):
    page: int | None = None
    size: int | None = None
    type: str | None = None
    status: str | None = None


@router.post("shopping/makeup/list")
def makeup_list(request: HttpRequest, payload: MakeupListIn) -> dict:
    """The merchant's supplementary bills, newest first."""
    page = 1 if payload.page is None else payload.page
    size = MAKEUP_PAGE_SIZE_DEFAULT if payload.size is None else payload.size
    if page < 1:
        raise ParamError("page must be ≥ 1")
    if not 1 <= size <= MAKEUP_PAGE_SIZE_MAX:
        raise ParamError(f"size must be between 1 and {MAKEUP_PAGE_SIZE_MAX}")
    qs = Makeup.objects.filter(merchant=_merchant(request)).select_related("related_order")
    if payload.type:
        if payload.type not in MakeupType.values:
            raise ParamError(f"type must be one of {', '.join(MakeupType.values)}")
        qs = qs.filter(type=payload.type)
    if payload.status:
        status = payload.status.strip().lower()
        if status not in MakeupStatus.values:
            raise ParamError("status must be UNPAID, PAID or CANCELLED")
        qs = qs.filter(status=status)
    paginator = Paginator(qs.order_by("-created_at", "-pk"), size)
    rows = paginator.page(page).object_list if page <= paginator.num_pages else []
    return {
        "pageNumber": page,
        "pageSize": size,
        "totalRecords": paginator.count,
        "totalPages": paginator.num_pages if paginator.count else 0,
        "content": [payments.makeup_webhook_params(m) for m in rows],
    }


class CreatePayOrderIn(CamelSchema):
    order_codes: list[str] = Field(default_factory=list)


@router.post("shopping/makeup/createPayOrder")
def makeup_create_pay_order(request: HttpRequest, payload: CreatePayOrderIn) -> dict:
    """Bundle unpaid bills (``orderCodes``) into one pay order for ``payBalanceV2``."""
    codes = [c.strip() for c in payload.order_codes if c and c.strip()]
    if not codes:
        raise ParamError("orderCodes is empty")
    if len(codes) > MAX_ORDER_CODES:
        raise ParamError(f"orderCodes holds at most {MAX_ORDER_CODES} codes")
    pay_order = payments.makeup_pay_order_create(merchant=_merchant(request), codes=codes)
    return {
        "payOrderCode": pay_order.pay_order_code,
        "payId": pay_order.pay_id,
        "amount": _wire(pay_order.amount_minor, pay_order.currency),
        "currency": pay_order.currency,
        "orderCodes": [m.code for m in pay_order.makeups],
    }


# --- Invoices (Dropyard extension) ------------------------------------------------------------

INVOICE_PAGE_SIZE_DEFAULT = 20
INVOICE_PAGE_SIZE_MAX = 100


def _invoice_out(invoice: Invoice) -> dict[str, Any]:
    return {
        "invoiceId": invoice.public_id,
        "number": invoice.number,
        "kind": invoice.kind,
        "issuedAt": api_datetime(invoice.issued_at),
        "amount": _wire(invoice.total_minor, invoice.currency),
        "currency": invoice.currency,
        "reference": invoice.reference,
        "originalInvoiceId": invoice.original.public_id if invoice.original_id else None,
    }


@router.get("invoice/list")
def invoice_list(
    request: HttpRequest,
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(INVOICE_PAGE_SIZE_DEFAULT, alias="pageSize"),
    kind: str | None = Query(None),
) -> dict:
    """The merchant's invoices, receipts and credit notes, newest first (Dropyard extension)."""
    if page_num < 1:
        raise ParamError("pageNum must be at least 1")
    if not 1 <= page_size <= INVOICE_PAGE_SIZE_MAX:
        raise ParamError(f"pageSize must be between 1 and {INVOICE_PAGE_SIZE_MAX}")
    kind = (kind or "").strip()
    if kind and kind not in InvoiceKind.values:
        raise ParamError(f"kind must be one of {', '.join(InvoiceKind.values)}")
    qs = invoices.invoice_list(merchant=_merchant(request), kind=kind)
    paginator = Paginator(qs, page_size)
    rows = paginator.page(page_num).object_list if page_num <= paginator.num_pages else []
    return {
        "pageNum": page_num,
        "pageSize": page_size,
        "total": paginator.count,
        "list": [_invoice_out(i) for i in rows],
    }


@router.get("invoice/download")
def invoice_download(
    request: HttpRequest, invoice_id: str | None = Query(None, alias="invoiceId")
) -> dict:
    """One document's PDF, base64 in the envelope (Dropyard extension)."""
    key = (invoice_id or "").strip()
    if not key:
        raise ParamError("invoiceId is required")
    invoice = invoices.invoice_get(public_id=key, merchant=_merchant(request))
    pdf = invoices.invoice_pdf(invoice)
    return {
        "invoiceId": invoice.public_id,
        "number": invoice.number,
        "fileName": invoices.invoice_filename(invoice),
        "contentType": "application/pdf",
        "size": len(pdf),
        "contentBase64": base64.b64encode(pdf).decode("ascii"),
    }
