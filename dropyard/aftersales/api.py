"""Developer API for disputes (contract §2.6 ``disputes/*``; full CJ paths, mounted at the API
root). Every operation is scoped to the token's merchant (and its store scope): another
merchant's order answers like an unknown one (1603100, as every shopping operation), another
merchant's dispute like an unknown dispute id (1600300 "dispute … not found").

Wire conventions: ids are strings of digits (``orderId``, ``disputeId`` / ``id``,
``lineItemId``, ``cjProductId``, ``cjVariantId``, ``businessDisputeId`` is the caller's own);
``disputeReasonId``, ``expectType``, ``refundType`` and ``finallyDeal`` are numbers (the first
three are also accepted as digit strings); amounts are decimal strings in the order's currency
(``"12.50"``); dates ``yyyy-MM-dd HH:mm:ss`` in UTC.

Decisions where the contract is open (§2.6, §5):

- **disputeProducts** lists every line of the order: ``quantity`` is what is left to claim
  (ordered minus what live disputes claim), ``canChoose`` true when that is above 0 and the
  order may be disputed at all (paid, not yet cancelled: UNSHIPPED to DELIVERED).
- **disputeConfirmInfo** and **create** take ``productInfoList[{lineItemId, quantity, price}]``;
  ``price`` is accepted and not used: the caps come from what was paid for each line.
  ``expectResultOptionList`` may also hold ``"3"`` (return the goods, then a refund: ours, for
  delivered goods); ``maxIossTaxAmount`` and ``maxIossHandTaxAmount`` are always ``"0.00"``.
- **create** answers ``data: true``; the new dispute's id is read with ``getDisputeList``
  (``orderId`` or ``disputeId``). It is idempotent on ``businessDisputeId`` (required, at most
  100 characters): the same id on the same order answers true again and opens nothing; on
  another order it is refused (1607008). The amount asked is the cap (``maxAmount``).
- Refusals by a dispute rule (order not disputable, a line over what is left, an outcome the
  order does not allow, a closed dispute) carry the operation's contract code: 1607007
  disputeConfirmInfo, 1607008 create, 1607009 cancel. Malformed or missing fields are 1600300
  naming the field.
- **getDisputeList** filters by ``orderId`` (our id or code), ``orderNumber`` (the merchant's),
  ``disputeId``; ``pageNum`` ≥ 1, ``pageSize`` 1–100 (default 10). ``money`` is the amount
  asked, ``replacementAmount`` the value of the goods resent (when resent), ``finallyDeal`` 1
  refund / 2 reissue / 3 reject / 4 return accepted (ours), null while open.
- **getDisputeDetail** adds the caps (``breakdown``), ``refundAmount`` (granted), the resend
  order, the return (``returnInfo``, null without one), the thread, the evidence links
  (absolute; uploaded files as signed links that expire after
  ``DROPYARD_PARCEL_PHOTO_URL_MAX_AGE`` seconds) and the status history.
- Opening a dispute and every change of its status publish a DISPUTE webhook message to the
  merchant's order callback (``dispute_webhooks``).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from dropyard.accounts.selectors import token_store_scope
from dropyard.catalog.pictures import picture_of
from dropyard.catalog.wire import image_url
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.money import Money
from dropyard.orders.models import Order, OrderLine
from dropyard.orders.selectors import order_get

from . import claims, links, selectors_api, services
from .choices import FINALLY_DEAL, DisputeOutcome, DisputeReason, DisputeSource, DisputeStatus
from .exceptions import DisputeNotFound, DisputeRefused
from .models import Dispute

router = Router(tags=["Disputes"])

DISPUTE_CONFIRM_FAILED = 1607007
DISPUTE_CREATE_FAILED = 1607008
DISPUTE_CANCEL_FAILED = 1607009
LIST_DEFAULT_PAGE_SIZE = 10  # contract §3: 10 for disputes
LIST_MAX_PAGE_SIZE = 100
LIST_MAX_PAGE_NUM = 1_000_000
MAX_LINES = 200


# --- Wire helpers ---------------------------------------------------------------------------------


def _merchant(request: HttpRequest) -> Any:
    return request.auth.merchant


def _stores(request: HttpRequest) -> frozenset[int] | None:
    return token_store_scope(request.auth)


def _order(request: HttpRequest, key: str | None) -> Order:
    if not (key or "").strip():
        raise ParamError("orderId is required")
    return order_get(merchant=_merchant(request), key=str(key), store_ids=_stores(request))


def _money(minor: int, currency: str) -> str:
    return Money(int(minor), currency).wire()


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


@contextmanager
def _refusals_as(code: int) -> Iterator[None]:
    """A dispute rule's refusal carries the operation's contract code (1607007–1607009)."""
    try:
        yield
    except DisputeRefused as exc:
        raise DisputeRefused(exc.message, code=code, extra=exc.extra) from None


def _product(request: HttpRequest, line: OrderLine) -> dict[str, Any]:
    variant = line.variant
    product = variant.product
    supplier = product.supplier
    return {
        "lineItemId": line.line_item_id,
        "cjProductId": product.public_id,
        "cjVariantId": variant.public_id,
        "cjProductName": product.name,
        "cjImage": image_url(request, picture_of(variant)),
        "sku": variant.sku,
        "supplierName": supplier.company_name if supplier is not None else None,
    }


class DisputeProductOut(CamelSchema):
    """A line of the order: ``price`` the unit price paid (decimal string)."""

    line_item_id: str
    cj_product_id: str
    cj_variant_id: str
    cj_product_name: str
    cj_image: str
    sku: str
    supplier_name: str | None
    price: str
    quantity: int


class DisputeLineIn(CamelSchema):
    line_item_id: str
    quantity: int
    price: Decimal | None = None  # accepted, not used: the caps come from what was paid


def _claims(lines: list[DisputeLineIn]) -> list[services.ClaimLine]:
    if len(lines) > MAX_LINES:
        raise ParamError(f"productInfoList holds at most {MAX_LINES} lines")
    return [services.ClaimLine(line.line_item_id.strip(), line.quantity) for line in lines]


# --- disputeProducts ------------------------------------------------------------------------------


class DisputeChoiceOut(DisputeProductOut):
    """``quantity`` is what is left to claim; ``canChoose`` whether it may be claimed now."""

    can_choose: bool


class DisputeProductsOut(CamelSchema):
    order_id: str
    order_number: str
    product_info_list: list[DisputeChoiceOut]


@router.get("disputes/disputeProducts", response=DisputeProductsOut)
def dispute_products(
    request: HttpRequest, order_id: str | None = Query(None, alias="orderId")
) -> dict[str, Any]:
    """The order's lines and how much of each is left to claim in a dispute."""
    order = _order(request, order_id)
    disputable = claims.is_disputable(order)
    return {
        "orderId": order.public_id,
        "orderNumber": order.order_number,
        "productInfoList": [
            {
                **_product(request, room.line),
                "price": _money(room.line.unit_price_minor, order.currency),
                "quantity": room.room,
                "canChoose": disputable and room.room > 0,
            }
            for room in claims.line_rooms(order)
        ],
    }


# --- disputeConfirmInfo ---------------------------------------------------------------------------


class DisputeConfirmIn(CamelSchema):
    order_id: str
    product_info_list: list[DisputeLineIn]


class DisputeReasonOut(CamelSchema):
    dispute_reason_id: int
    reason_name: str


class DisputeConfirmOut(CamelSchema):
    """What the chosen lines may be disputed for: outcomes (``"1"`` refund, ``"2"`` reissue,
    ``"3"`` return) and the caps (decimal strings)."""

    expect_result_option_list: list[str]
    max_product_price: str
    max_postage: str
    max_ioss_tax_amount: str
    max_ioss_hand_tax_amount: str
    max_amount: str
    currency: str
    product_info_list: list[DisputeProductOut]
    dispute_reason_list: list[DisputeReasonOut]


def _reasons() -> list[dict[str, Any]]:
    return [
        {"disputeReasonId": int(reason), "reasonName": str(reason.label)}
        for reason in DisputeReason
    ]


@router.post("disputes/disputeConfirmInfo", response=DisputeConfirmOut)
def dispute_confirm_info(request: HttpRequest, payload: DisputeConfirmIn) -> dict[str, Any]:
    """Check the chosen lines and answer the caps, the outcomes and the reasons."""
    order = _order(request, payload.order_id)
    with _refusals_as(DISPUTE_CONFIRM_FAILED):
        if not claims.is_disputable(order):
            raise DisputeRefused(
                _("order %(code)s is %(status)s: disputes are for paid orders until delivery")
                % {"code": order.code, "status": order.get_status_display().lower()}
            )
        chosen = services.chosen_lines(order, _claims(payload.product_info_list))
    caps = claims.caps_for(order, chosen)
    options = claims.expect_options(order, paid=caps.max_amount_minor > 0)
    return {
        "expectResultOptionList": [str(option) for option in options],
        "maxProductPrice": _money(caps.max_product_minor, caps.currency),
        "maxPostage": _money(caps.max_postage_minor, caps.currency),
        "maxIossTaxAmount": _money(0, caps.currency),
        "maxIossHandTaxAmount": _money(0, caps.currency),
        "maxAmount": _money(caps.max_amount_minor, caps.currency),
        "currency": caps.currency,
        "productInfoList": [
            {
                **_product(request, line),
                "price": _money(line.unit_price_minor, order.currency),
                "quantity": quantity,
            }
            for line, quantity in chosen
        ],
        "disputeReasonList": _reasons(),
    }


# --- create / cancel ------------------------------------------------------------------------------


class DisputeCreateIn(CamelSchema):
    business_dispute_id: str
    order_id: str
    dispute_reason_id: int | str
    expect_type: int | str
    refund_type: int | str
    message_text: str
    image_url: list[str] | None = None
    video_url: list[str] | None = None
    product_info_list: list[DisputeLineIn]


@router.post("disputes/create", response=bool)
def dispute_create(request: HttpRequest, payload: DisputeCreateIn) -> bool:
    """Open a dispute (idempotent on ``businessDisputeId``); data = true."""
    if not payload.business_dispute_id.strip():
        raise ParamError("businessDisputeId is required")
    order = _order(request, payload.order_id)
    with _refusals_as(DISPUTE_CREATE_FAILED):
        services.dispute_create(
            merchant=_merchant(request),
            actor=request.auth,
            order=order,
            reason=payload.dispute_reason_id,
            expect_type=payload.expect_type,
            refund_type=payload.refund_type,
            message_text=payload.message_text,
            lines=_claims(payload.product_info_list),
            business_dispute_id=payload.business_dispute_id,
            image_urls=payload.image_url or (),
            video_urls=payload.video_url or (),
            source=DisputeSource.API,
        )
    return True


class DisputeCancelIn(CamelSchema):
    order_id: str | None = None
    dispute_id: str


def _dispute(request: HttpRequest, dispute_id: str | None) -> Dispute:
    if not (dispute_id or "").strip():
        raise ParamError("disputeId is required")
    return selectors_api.dispute_for_api(
        merchant=_merchant(request), store_ids=_stores(request), public_id=str(dispute_id)
    )


@router.post("disputes/cancel", response=bool)
def dispute_cancel(request: HttpRequest, payload: DisputeCancelIn) -> bool:
    """Withdraw an open dispute (its lines become free to claim again); data = true."""
    dispute = _dispute(request, payload.dispute_id)
    key = (payload.order_id or "").strip()
    order = dispute.order
    if key and key not in (order.public_id, order.code, order.order_number):
        raise DisputeNotFound(f"dispute {dispute.public_id} is not a dispute of order {key[:40]}")
    with _refusals_as(DISPUTE_CANCEL_FAILED):
        services.dispute_cancel(merchant=_merchant(request), dispute=dispute, actor=request.auth)
    return True


# --- getDisputeList / getDisputeDetail ------------------------------------------------------------


class DisputeClaimedLineOut(DisputeProductOut):
    """A claimed line: ``quantity`` claimed, ``price`` the unit price paid."""


class DisputeListItemOut(CamelSchema):
    id: str
    business_dispute_id: str | None
    order_id: str
    order_number: str
    status: str
    dispute_reason_id: int
    dispute_reason: str
    expect_type: int
    refund_type: int
    money: str
    replacement_amount: str
    resend_order_code: str | None
    finally_deal: int | None
    currency: str
    create_date: str | None
    product_list: list[DisputeClaimedLineOut]


class DisputePageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[DisputeListItemOut]


def _finally_deal(dispute: Dispute) -> int | None:
    if dispute.status != DisputeStatus.RESOLVED:
        return None
    return FINALLY_DEAL.get(DisputeOutcome(dispute.outcome))


def _list_item(request: HttpRequest, dispute: Dispute) -> dict[str, Any]:
    currency = dispute.currency
    resend = dispute.resend_order
    lines = list(dispute.lines.all())
    replacement = sum(line.amount_minor for line in lines) if resend is not None else 0
    return {
        "id": dispute.public_id,
        "businessDisputeId": dispute.business_dispute_id or None,
        "orderId": dispute.order.public_id,
        "orderNumber": dispute.order.order_number,
        "status": dispute.status,
        "disputeReasonId": dispute.reason,
        "disputeReason": str(DisputeReason(dispute.reason).label),
        "expectType": dispute.expect_type,
        "refundType": dispute.refund_type,
        "money": _money(dispute.requested_amount_minor, currency),
        "replacementAmount": _money(replacement, currency),
        "resendOrderCode": resend.code if resend is not None else None,
        "finallyDeal": _finally_deal(dispute),
        "currency": currency,
        "createDate": _time(dispute.created_at),
        "productList": [
            {
                **_product(request, line.order_line),
                "price": _money(line.unit_price_minor, currency),
                "quantity": line.quantity,
            }
            for line in lines
        ],
    }


@router.get("disputes/getDisputeList", response=DisputePageOut)
def dispute_list(
    request: HttpRequest,
    order_id: str | None = Query(None, alias="orderId"),
    dispute_id: str | None = Query(None, alias="disputeId"),
    order_number: str | None = Query(None, alias="orderNumber"),
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(LIST_DEFAULT_PAGE_SIZE, alias="pageSize"),
) -> dict[str, Any]:
    """The caller's disputes, newest first: ``{pageNum, pageSize, total, list}``."""
    if not 1 <= page_num <= LIST_MAX_PAGE_NUM:
        raise ParamError(f"pageNum must be between 1 and {LIST_MAX_PAGE_NUM}")
    if not 1 <= page_size <= LIST_MAX_PAGE_SIZE:
        raise ParamError(f"pageSize must be between 1 and {LIST_MAX_PAGE_SIZE}")
    rows = selectors_api.disputes_for_api(
        merchant=_merchant(request),
        store_ids=_stores(request),
        order_key=(order_id or "").strip(),
        dispute_id=(dispute_id or "").strip(),
        order_number=(order_number or "").strip(),
    )
    total = rows.count()
    start = (page_num - 1) * page_size
    return {
        "pageNum": page_num,
        "pageSize": page_size,
        "total": total,
        "list": [_list_item(request, d) for d in rows[start : start + page_size]],
    }


class DisputeBreakdownOut(CamelSchema):
    """The caps computed when the dispute was opened, what was asked and what was granted."""

    max_product_price: str
    max_postage: str
    max_ioss_tax_amount: str
    max_ioss_hand_tax_amount: str
    max_amount: str
    requested: str
    granted: str


class DisputeMessageOut(CamelSchema):
    side: str  # merchant / operator / system
    body: str
    create_date: str | None


class DisputeEventOut(CamelSchema):
    from_status: str | None
    to_status: str
    note: str
    create_date: str | None


class DisputeReturnOut(CamelSchema):
    """The return of a dispute decided "return accepted" (``finallyDeal`` 4): where the goods
    go back, how they were sent, what the return shipping costs and what was refunded after
    inspection (decimal strings)."""

    code: str
    status: str  # AUTHORIZED / IN_TRANSIT / RECEIVED / INSPECTED / CLOSED / CANCELLED
    warehouse_code: str
    warehouse_country: str
    carrier: str | None
    tracking_number: str | None
    shipping_quote: str
    refund_amount: str
    create_date: str | None
    receive_date: str | None
    close_date: str | None


class DisputeDetailOut(DisputeListItemOut):
    message_text: str
    decision_note: str | None
    refund_amount: str
    breakdown: DisputeBreakdownOut
    resend_order_id: str | None
    due_date: str | None
    resolve_date: str | None
    cancel_date: str | None
    image_url: list[str]
    video_url: list[str]
    return_info: DisputeReturnOut | None
    messages: list[DisputeMessageOut]
    timeline: list[DisputeEventOut]


def _return_info(dispute: Dispute) -> dict[str, Any] | None:
    # The reverse one-to-one raises (an AttributeError) when the dispute has no return.
    rma = getattr(dispute, "return_authorization", None)
    if rma is None:
        return None
    return {
        "code": rma.code,
        "status": rma.status,
        "warehouseCode": rma.warehouse.code,
        "warehouseCountry": rma.warehouse.country,
        "carrier": rma.carrier or None,
        "trackingNumber": rma.tracking_number or None,
        "shippingQuote": _money(rma.shipping_quote_minor, rma.currency),
        "refundAmount": _money(rma.refund_amount_minor, rma.currency),
        "createDate": _time(rma.created_at),
        "receiveDate": _time(rma.received_at),
        "closeDate": _time(rma.closed_at),
    }


def _detail(request: HttpRequest, dispute: Dispute) -> dict[str, Any]:
    currency = dispute.currency
    evidence = list(dispute.evidence.all())

    def urls(kind: str) -> list[str]:
        found = [e for e in evidence if e.kind == kind]
        return [request.build_absolute_uri(links.evidence_url(e)) for e in found]

    return {
        **_list_item(request, dispute),
        "messageText": dispute.message_text,
        "decisionNote": dispute.decision_note or None,
        "refundAmount": _money(dispute.granted_amount_minor, currency),
        "breakdown": {
            "maxProductPrice": _money(dispute.max_product_minor, currency),
            "maxPostage": _money(dispute.max_postage_minor, currency),
            "maxIossTaxAmount": _money(0, currency),
            "maxIossHandTaxAmount": _money(0, currency),
            "maxAmount": _money(dispute.max_amount_minor, currency),
            "requested": _money(dispute.requested_amount_minor, currency),
            "granted": _money(dispute.granted_amount_minor, currency),
        },
        "resendOrderId": dispute.resend_order.public_id if dispute.resend_order_id else None,
        "dueDate": _time(dispute.due_at),
        "resolveDate": _time(dispute.resolved_at),
        "cancelDate": _time(dispute.cancelled_at),
        "returnInfo": _return_info(dispute),
        "imageUrl": urls("image"),
        "videoUrl": urls("video"),
        "messages": [
            {"side": m.side, "body": m.body, "createDate": _time(m.created_at)}
            for m in dispute.messages.all()
        ],
        # Status changes only: other history rows (assignments) are the operator's business.
        "timeline": [
            {
                "fromStatus": e.from_status or None,
                "toStatus": e.to_status,
                "note": e.note,
                "createDate": _time(e.created_at),
            }
            for e in dispute.events.all()
            if e.to_status and e.to_status != e.from_status
        ],
    }


@router.get("disputes/getDisputeDetail", response=DisputeDetailOut)
def dispute_detail(
    request: HttpRequest, dispute_id: str | None = Query(None, alias="disputeId")
) -> dict[str, Any]:
    """One dispute: status, outcome, amounts, resend order, return, thread, evidence, history."""
    return _detail(request, _dispute(request, dispute_id))
