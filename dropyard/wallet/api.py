"""Developer API for the wallet (CJ API 2.0 ``shopping/pay/getBalance``, ``shopping/makeup/*``).

Full CJ paths, mounted at the API root; every operation is scoped to the token's merchant, so
another merchant's order, shipment order or bill answers like an unknown one (1603100).
Money goes out as the contract's USD decimal(18,2) strings (``"12.30"``).

- ``GET shopping/pay/getBalance``: ``amount`` (available), ``freezeAmount`` (frozen),
  ``noWithdrawalAmount`` (Dropyard has no withdrawals to a bank: the whole available balance
  can only be spent, so it equals ``amount``).
- ``POST shopping/makeup/list`` (``page``, ``size``, ``type``, ``status``): the merchant's
  supplementary bills, paged as ``{pageNumber, pageSize, totalRecords, totalPages, content}``.
- ``POST shopping/makeup/createPayOrder`` (``orderCodes``): bundle bills for one payment, paid
  with ``shopping/pay/payBalanceV2`` (orderType 24).

Paying from the wallet (``shopping/pay/payBalance``, ``payBalanceV2``) pays orders, so it is
served by the checkout's router (``checkout.api``), above the orders and the wallet.

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
"""

import base64
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router

from dropyard.core.api import CamelSchema, ParamError, api_datetime
from dropyard.core.money import Money

from . import bills, selectors
from .choices import InvoiceKind, MakeupStatus, MakeupType
from .invoice_pdf import invoice_filename, invoice_pdf
from .ledger import wallet_balance
from .models import Invoice, Makeup

router = Router(tags=["Wallet"])

MAKEUP_PAGE_SIZE_DEFAULT = 20
MAKEUP_PAGE_SIZE_MAX = 100
MAX_ORDER_CODES = 100


def _merchant(request: HttpRequest) -> Any:
    return request.auth.merchant


def _wire(amount_minor: int, currency: str = "USD") -> str:
    return Money(int(amount_minor), currency).wire()


# --- Balance ------------------------------------------------------------------------------------


class BalanceOut(CamelSchema):
    """The wallet in USD decimal strings."""

    amount: str
    freeze_amount: str
    no_withdrawal_amount: str


@router.get("shopping/pay/getBalance", response=BalanceOut)
def get_balance(request: HttpRequest) -> dict:
    """The merchant's wallet in USD: available, frozen, not withdrawable."""
    balance = wallet_balance(merchant=_merchant(request), currency="USD")
    return {
        "amount": _wire(balance.available_minor),
        "freezeAmount": _wire(balance.frozen_minor),
        "noWithdrawalAmount": _wire(balance.available_minor),
    }


# --- Makeup bills ---------------------------------------------------------------------------------


class MakeupListIn(CamelSchema):
    page: int | None = None
    size: int | None = None
    type: str | None = None
    status: str | None = None


class MakeupOut(CamelSchema):
    """A supplementary bill as the MAKEUP webhook sends it (``bills.makeup_webhook_params``):
    ``orderId`` the bill's code, ``status`` UNPAID / PAID / CANCELLED, dates
    ``yyyy-MM-dd HH:mm:ss``."""

    order_id: str
    relation_order_id: str | None
    pay_order_id: str | None
    amount: str
    reason: str
    type: str
    diff_use_type: int
    status: str
    create_date: str | None
    payment_date: str | None


class MakeupPageOut(CamelSchema):
    page_number: int
    page_size: int
    total_records: int
    total_pages: int
    content: list[MakeupOut]


@router.post("shopping/makeup/list", response=MakeupPageOut)
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
        "content": [bills.makeup_webhook_params(m) for m in rows],
    }


class CreatePayOrderIn(CamelSchema):
    order_codes: list[str] = Field(default_factory=list)


class MakeupPayOrderOut(CamelSchema):
    """The pay order of the bills (``payOrderCode`` + ``payId`` for payBalanceV2)."""

    pay_order_code: str
    pay_id: str
    amount: str
    currency: str
    order_codes: list[str]


@router.post("shopping/makeup/createPayOrder", response=MakeupPayOrderOut)
def makeup_create_pay_order(request: HttpRequest, payload: CreatePayOrderIn) -> dict:
    """Bundle unpaid bills (``orderCodes``) into one pay order for ``payBalanceV2``."""
    codes = [c.strip() for c in payload.order_codes if c and c.strip()]
    if not codes:
        raise ParamError("orderCodes is empty")
    if len(codes) > MAX_ORDER_CODES:
        raise ParamError(f"orderCodes holds at most {MAX_ORDER_CODES} codes")
    pay_order = bills.makeup_pay_order_create(merchant=_merchant(request), codes=codes)
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


class InvoiceOut(CamelSchema):
    """An invoice, receipt or credit note; ``issuedAt`` ISO-8601 UTC, ``amount`` decimal."""

    invoice_id: str
    number: str
    kind: str
    issued_at: str
    amount: str
    currency: str
    reference: str
    original_invoice_id: str | None  # the invoice a credit note corrects


class InvoicePageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[InvoiceOut]


class InvoiceFileOut(CamelSchema):
    """One document's PDF, base64-encoded."""

    invoice_id: str
    number: str
    file_name: str
    content_type: str
    size: int
    content_base64: str


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


@router.get("invoice/list", response=InvoicePageOut)
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
    qs = selectors.invoice_list(merchant=_merchant(request), kind=kind)
    paginator = Paginator(qs, page_size)
    rows = paginator.page(page_num).object_list if page_num <= paginator.num_pages else []
    return {
        "pageNum": page_num,
        "pageSize": page_size,
        "total": paginator.count,
        "list": [_invoice_out(i) for i in rows],
    }


@router.get("invoice/download", response=InvoiceFileOut)
def invoice_download(
    request: HttpRequest, invoice_id: str | None = Query(None, alias="invoiceId")
) -> dict:
    """One document's PDF, base64 in the envelope (Dropyard extension)."""
    key = (invoice_id or "").strip()
    if not key:
        raise ParamError("invoiceId is required")
    invoice = selectors.invoice_get(public_id=key, merchant=_merchant(request))
    pdf = invoice_pdf(invoice)
    return {
        "invoiceId": invoice.public_id,
        "number": invoice.number,
        "fileName": invoice_filename(invoice),
        "contentType": "application/pdf",
        "size": len(pdf),
        "contentBase64": base64.b64encode(pdf).decode("ascii"),
    }
