"""``ticket/*`` (contract §2.7 last row, statuses §5): a merchant's tickets to management over the
developer API. Shapes are ours in the contract's style (the contract gives only the paths): see
docs/api-tickets.md. Every operation shares one bucket of 1 call per second per account
(contract §3 overrides: "tickets 1/s"), on top of the account's own QPS.

Reads are GET with query parameters (``pageNum``/``pageSize`` paging, ``{pageNum, pageSize,
total, list}``); writes are POST with a JSON body, except ``ticket/attachment/upload`` (a
multipart form with one ``file``), whose answer's ``attachmentId`` goes into ``create`` /
``reply`` / ``order/create`` as ``attachmentIds``. Ids are strings of digits. Dates are
``yyyy-MM-dd HH:mm:ss`` UTC (null until they happen). Errors: 1600300 for malformed
parameters, the ticket codes 1609000–1609008 (``exceptions_tickets``) for refusals.
"""

from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router
from ninja.files import UploadedFile
from pydantic import Field, StrictInt, StrictStr

from dropyard.accounts.selectors import token_store_scope
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.api_throttles import AccountOperationThrottle

from . import links, tickets_selectors, tickets_services
from .choices import MessageSide
from .choices_tickets import OrderQuestionType, TicketCategory, TicketSource, TicketStatus
from .models_tickets import Ticket, TicketAttachment

router = Router(tags=["Ticket"])

TICKET_QPS = 1
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE_NUM = 100_000


def ticket_throttle() -> list[AccountOperationThrottle]:
    """Every ticket operation: one shared bucket of ``TICKET_QPS`` per account."""
    return [AccountOperationThrottle("ticket", TICKET_QPS)]


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


# --- Schemas -------------------------------------------------------------------------------------

Id = StrictStr | StrictInt


class TypeOut(CamelSchema):
    type_id: str
    type_name: str


class QuestionTypeOut(CamelSchema):
    question_type_id: str
    question_type_name: str


class TicketOut(CamelSchema):
    ticket_id: str
    ticket_code: str
    type: str
    type_name: str
    question_type: str | None
    priority: str
    subject: str
    status: str
    order_id: str | None
    order_code: str | None
    dispute_id: str | None
    sourcing_reference: str | None
    create_date: str
    update_date: str
    due_date: str
    first_reply_date: str | None
    complete_date: str | None
    remind_date: str | None
    can_remind: bool
    rating: int | None
    rating_comment: str | None


class TicketPageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[TicketOut]


class AttachmentOut(CamelSchema):
    attachment_id: str
    file_name: str
    file_type: str
    content_type: str
    size: int
    url: str


class MessageOut(CamelSchema):
    message_id: str
    sender: str
    content: str
    create_date: str
    attachments: list[AttachmentOut]


class MessagePageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[MessageOut]


class CreatedOut(CamelSchema):
    ticket_id: str
    ticket_code: str
    status: str


class MessageIdOut(CamelSchema):
    message_id: str
    status: str


class CountOut(CamelSchema):
    count: int


class CreateIn(CamelSchema):
    type: StrictStr | None = None
    priority: StrictStr | None = None
    subject: StrictStr | None = None
    message: StrictStr | None = None
    order_id: Id | None = None
    dispute_id: Id | None = None
    sourcing_reference: StrictStr | None = None
    attachment_ids: list[Id] | None = Field(default=None, max_length=10)


class OrderCreateIn(CamelSchema):
    order_id: Id | None = None
    question_type: StrictStr | None = None
    message: StrictStr | None = None
    subject: StrictStr | None = None
    priority: StrictStr | None = None
    attachment_ids: list[Id] | None = Field(default=None, max_length=10)


class TicketIdIn(CamelSchema):
    ticket_id: Id | None = None


class ReplyIn(TicketIdIn):
    message: StrictStr | None = None
    attachment_ids: list[Id] | None = Field(default=None, max_length=10)


class EvaluateIn(TicketIdIn):
    rating: StrictInt | None = None
    comment: StrictStr | None = None


# --- Helpers -------------------------------------------------------------------------------------


def _merchant(request: HttpRequest) -> Any:
    return request.auth.merchant


def _required(value: Any, name: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ParamError(f"{name} is required")
    return value


def _ticket(request: HttpRequest, ticket_id: Any) -> Ticket:
    key = _required(ticket_id, "ticketId")
    return tickets_selectors.ticket_get(merchant=_merchant(request), public_id=str(key))


def _page(page_num: int, page_size: int) -> tuple[int, int]:
    if not 1 <= page_num <= MAX_PAGE_NUM:
        raise ParamError(f"pageNum must be between 1 and {MAX_PAGE_NUM}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ParamError(f"pageSize must be between 1 and {MAX_PAGE_SIZE}")
    return (page_num - 1) * page_size, page_size


def ticket_out(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticketId": ticket.public_id,
        "ticketCode": ticket.code,
        "type": ticket.category,
        "typeName": str(ticket.get_category_display()),
        "questionType": ticket.question_type or None,
        "priority": ticket.priority,
        "subject": ticket.subject,
        "status": ticket.status,
        "orderId": ticket.order.public_id if ticket.order else None,
        "orderCode": ticket.order.code if ticket.order else None,
        "disputeId": ticket.dispute.public_id if ticket.dispute else None,
        "sourcingReference": ticket.sourcing_reference or None,
        "createDate": _time(ticket.created_at),
        "updateDate": _time(ticket.updated_at),
        "dueDate": _time(ticket.due_at),
        "firstReplyDate": _time(ticket.first_response_at),
        "completeDate": _time(ticket.completed_at),
        "remindDate": _time(ticket.reminded_at),
        "canRemind": tickets_selectors.can_remind(ticket),
        "rating": ticket.rating,
        "ratingComment": ticket.rating_comment or None,
    }


def attachment_out(request: HttpRequest, row: TicketAttachment) -> dict[str, Any]:
    url = links.signed_url(kind="ticket", public_id=row.public_id)
    return {
        "attachmentId": row.public_id,
        "fileName": row.original_name,
        "fileType": row.kind,
        "contentType": row.content_type,
        "size": row.size_bytes,
        "url": request.build_absolute_uri(url),
    }


# --- Reads ---------------------------------------------------------------------------------------


@router.get("ticket/types", response=list[TypeOut], throttle=ticket_throttle())
def ticket_types(request: HttpRequest) -> list[dict[str, str]]:
    """The ticket types (``type`` of ``ticket/create``)."""
    return [{"typeId": value, "typeName": str(label)} for value, label in TicketCategory.choices]


@router.get(
    "ticket/order/questionTypes", response=list[QuestionTypeOut], throttle=ticket_throttle()
)
def ticket_order_question_types(request: HttpRequest) -> list[dict[str, str]]:
    """The question types of an order ticket (``questionType`` of ``ticket/order/create``)."""
    return [
        {"questionTypeId": value, "questionTypeName": str(label)}
        for value, label in OrderQuestionType.choices
    ]


@router.get("ticket/list", response=TicketPageOut, throttle=ticket_throttle())
def ticket_list(
    request: HttpRequest,
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(DEFAULT_PAGE_SIZE, alias="pageSize"),
    status: str = Query("", alias="status"),
    type: str = Query("", alias="type"),  # noqa: A002 (the wire name)
) -> dict[str, Any]:
    """The caller's tickets, newest first, optionally of one ``status`` (§5) and ``type``."""
    start, size = _page(page_num, page_size)
    if status and status not in TicketStatus.values:
        raise ParamError(f"status must be one of {', '.join(TicketStatus.values)}")
    if type and type not in TicketCategory.values:
        raise ParamError(f"type must be one of {', '.join(TicketCategory.values)}")
    rows = tickets_selectors.ticket_list_api(
        merchant=_merchant(request), status=status, category=type
    )
    return {
        "pageNum": page_num,
        "pageSize": size,
        "total": rows.count(),
        "list": [ticket_out(t) for t in rows[start : start + size]],
    }


@router.get("ticket/detail", response=TicketOut, throttle=ticket_throttle())
def ticket_detail(
    request: HttpRequest, ticket_id: str | None = Query(None, alias="ticketId")
) -> dict[str, Any]:
    """One of the caller's tickets (1609000 for an unknown or another account's id)."""
    return ticket_out(_ticket(request, ticket_id))


@router.get("ticket/messages", response=MessagePageOut, throttle=ticket_throttle())
def ticket_messages(
    request: HttpRequest,
    ticket_id: str | None = Query(None, alias="ticketId"),
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(DEFAULT_PAGE_SIZE, alias="pageSize"),
) -> dict[str, Any]:
    """A ticket's thread, oldest first; attachment ``url``s are signed links valid 24 hours
    (fetch them without a token)."""
    ticket = _ticket(request, ticket_id)
    start, size = _page(page_num, page_size)
    rows = tickets_selectors.ticket_messages(ticket=ticket)
    return {
        "pageNum": page_num,
        "pageSize": size,
        "total": rows.count(),
        "list": [
            {
                "messageId": m.public_id,
                "sender": m.side,
                "content": m.body,
                "createDate": _time(m.created_at),
                "attachments": [attachment_out(request, a) for a in m.attachments.all()],
            }
            for m in rows[start : start + size]
        ],
    }


@router.get("ticket/pendingCount", response=CountOut, throttle=ticket_throttle())
def ticket_pending_count(request: HttpRequest) -> dict[str, int]:
    """How many of the caller's tickets await its reply (AWAITING_YOUR_REPLY)."""
    return {"count": tickets_selectors.pending_count(merchant=_merchant(request))}


# --- Writes --------------------------------------------------------------------------------------


@router.post("ticket/attachment/upload", response=AttachmentOut, throttle=ticket_throttle())
def ticket_attachment_upload(
    request: HttpRequest,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    """Upload one file (multipart form field ``file``): a photo (JPEG/PNG/WebP, at most 5 MB),
    a video (MP4/MOV/WebM) or a PDF (at most 10 MB; a request body is at most 10 MB in all).
    Pass the answer's ``attachmentId`` to create or reply within a day."""
    if file is None:
        raise ParamError("file is required (a multipart form field)")
    row = tickets_services.attachment_upload(
        merchant=_merchant(request), actor=request.auth, upload=file
    )
    return attachment_out(request, row)


def _created(ticket: Ticket) -> dict[str, str]:
    return {"ticketId": ticket.public_id, "ticketCode": ticket.code, "status": ticket.status}


@router.post("ticket/create", response=CreatedOut, throttle=ticket_throttle())
def ticket_create(request: HttpRequest, payload: CreateIn) -> dict[str, str]:
    """Open a ticket: ``type`` (``ticket/types``), ``subject``, ``message``; optional
    ``priority`` (low, normal, high, urgent), ``orderId`` (required for type ``order``),
    ``disputeId``, ``sourcingReference``, ``attachmentIds``."""
    ticket = tickets_services.ticket_create(
        merchant=_merchant(request),
        actor=request.auth,
        category=_required(payload.type, "type"),
        subject=_required(payload.subject, "subject"),
        message=_required(payload.message, "message"),
        priority=payload.priority or "normal",
        order_key=str(payload.order_id or ""),
        dispute_key=str(payload.dispute_id or ""),
        sourcing_reference=payload.sourcing_reference or "",
        attachment_ids=payload.attachment_ids or (),
        source=TicketSource.API,
        store_ids=token_store_scope(request.auth),
    )
    return _created(ticket)


@router.post("ticket/order/create", response=CreatedOut, throttle=ticket_throttle())
def ticket_order_create(request: HttpRequest, payload: OrderCreateIn) -> dict[str, str]:
    """Open a ticket about one of the caller's orders: ``orderId`` (id, number or code),
    ``questionType`` (``ticket/order/questionTypes``), ``message``; optional ``subject``
    (default: the question and the order's code), ``priority``, ``attachmentIds``."""
    order_id = str(_required(payload.order_id, "orderId"))
    question = _required(payload.question_type, "questionType")
    if question not in OrderQuestionType.values:
        raise ParamError(f"questionType must be one of {', '.join(OrderQuestionType.values)}")
    subject = payload.subject or f"{OrderQuestionType(question).label} · {order_id}"
    ticket = tickets_services.ticket_create(
        merchant=_merchant(request),
        actor=request.auth,
        category=TicketCategory.ORDER,
        question_type=question,
        subject=subject[: tickets_services.SUBJECT_MAX],
        message=_required(payload.message, "message"),
        priority=payload.priority or "normal",
        order_key=order_id,
        attachment_ids=payload.attachment_ids or (),
        source=TicketSource.API,
        store_ids=token_store_scope(request.auth),
    )
    return _created(ticket)


@router.post("ticket/reply", response=MessageIdOut, throttle=ticket_throttle())
def ticket_reply(request: HttpRequest, payload: ReplyIn) -> dict[str, str]:
    """Reply to an open ticket (``ticketId``, ``message``, optional ``attachmentIds``)."""
    ticket = _ticket(request, payload.ticket_id)
    message = tickets_services.ticket_reply(
        ticket=ticket,
        actor=request.auth,
        side=MessageSide.MERCHANT,
        body=_required(payload.message, "message"),
        attachment_ids=payload.attachment_ids or (),
    )
    ticket.refresh_from_db(fields=["status"])
    return {"messageId": message.public_id, "status": ticket.status}


@router.post("ticket/complete", response=bool, throttle=ticket_throttle())
def ticket_complete(request: HttpRequest, payload: TicketIdIn) -> bool:
    """Mark an open ticket completed (it can then be rated with ``ticket/evaluate``)."""
    tickets_services.ticket_complete(
        ticket=_ticket(request, payload.ticket_id),
        actor=request.auth,
        side=MessageSide.MERCHANT,
    )
    return True


@router.post("ticket/remind", response=bool, throttle=ticket_throttle())
def ticket_remind(request: HttpRequest, payload: TicketIdIn) -> bool:
    """Remind support of a ticket waiting on it; at most once per 24 hours (1609007)."""
    tickets_services.ticket_remind(ticket=_ticket(request, payload.ticket_id), actor=request.auth)
    return True


@router.post("ticket/evaluate", response=bool, throttle=ticket_throttle())
def ticket_evaluate(request: HttpRequest, payload: EvaluateIn) -> bool:
    """Rate a completed ticket once: ``rating`` 1–5, optional ``comment`` (≤ 500 characters)."""
    tickets_services.ticket_evaluate(
        ticket=_ticket(request, payload.ticket_id),
        actor=request.auth,
        rating=_required(payload.rating, "rating"),
        comment=payload.comment or "",
    )
    return True
