"""Ticket services: every write to a ticket goes through here.

- ``ticket_create``: a merchant opens a ticket (category, priority, subject, first message,
  optional links to its own order / dispute, a sourcing reference, attachments);
- ``ticket_transition``: THE function that changes ``Ticket.status`` along
  ``TICKET_TRANSITIONS`` (one ``TicketEvent`` per change, audited TICKET_CHANGED);
- ``ticket_reply`` (either side: an operator's reply hands the turn to the merchant, the
  merchant's answer hands it back), ``ticket_complete`` (either side), ``ticket_evaluate`` and
  ``ticket_remind`` (merchant), ``ticket_assign`` and ``ticket_hold`` (operator);
- ``tickets_expire_due`` (the periodic task): unanswered tickets expire;
- ``attachment_upload`` (API): a file kept until a create or reply names it.

Every service is keyword-only and atomic; the other side hears through ``notify`` once the
transaction commits. Refusals raise ``exceptions_tickets`` errors and change nothing.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts.actors import Actor
from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.accounts.notifications import notify
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.errors import NotFound
from dropyard.core.ids import prefixed_code
from dropyard.orders import selectors as order_selectors

from . import evidence, selectors, tickets_selectors
from .choices import MessageSide
from .choices_tickets import (
    OPEN_TICKET_STATUSES,
    TICKET_TRANSITIONS,
    WAITING_ON_SUPPORT,
    AttachmentKind,
    OrderQuestionType,
    TicketCategory,
    TicketPriority,
    TicketSource,
    TicketStatus,
)
from .exceptions import EvidenceRefused
from .exceptions_tickets import (
    AttachmentNotFound,
    AttachmentRefused,
    EvaluateRefused,
    RemindTooSoon,
    TicketClosed,
    TicketDisputeNotFound,
    TicketInvalid,
    TicketOrderNotFound,
)
from .models_tickets import (
    TICKET_CODE_PREFIX,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
)
from .services import _actor_label, _user, merchant_readers, operator_readers

T = TicketStatus
SUBJECT_MAX = 200
MESSAGE_MAX = 4000
REFERENCE_MAX = 100
COMMENT_MAX = 500
NOTE_MAX = 500
MAX_ATTACHMENTS = evidence.MAX_FILES  # per message
PDF_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
HOLD_STATUSES = (T.ON_HOLD, T.COLLABORATING, T.AWAITING_CJ_REPLY)


# --- Helpers -------------------------------------------------------------------------------------


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("merchant", "order", "assigned_to", "created_by")
        .get(pk=ticket.pk)
    )


def ticket_url(ticket: Ticket, *, operator: bool) -> str:
    name = "aftersales_ops:ticket" if operator else "aftersales:ticket"
    return reverse(name, kwargs={"public_id": ticket.public_id})


def _text(value: Any, *, field: str, maximum: int, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise TicketInvalid(_("%(field)s must be text") % {"field": field})
    if "\x00" in text:
        raise TicketInvalid(_("%(field)s contains a NUL character") % {"field": field})
    if required and not text:
        raise TicketInvalid(_("%(field)s is required") % {"field": field})
    if len(text) > maximum:
        raise TicketInvalid(
            _("%(field)s is longer than %(max)s characters") % {"field": field, "max": maximum}
        )
    return text


def _choice(value: Any, choices: Any, *, field: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise TicketInvalid(
            _("%(field)s must be one of: %(values)s")
            % {"field": field, "values": ", ".join(choices.values)}
        )
    return value


def _event(ticket: Ticket, *, kind: str, note: str, actor: Actor) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        from_status=ticket.status,
        to_status=ticket.status,
        kind=kind,
        note=note[:NOTE_MAX],
        actor=_user(actor),
        actor_label=_actor_label(actor),
    )


def _audit(ticket: Ticket, *, actor: Actor, change: str, **details: Any) -> None:
    audit_record(
        action=AuditAction.TICKET_CHANGED,
        actor=_user(actor),
        actor_label=_actor_label(actor),
        merchant=ticket.merchant,
        target=ticket,
        details={"ticket": ticket.code, "change": change, **details},
    )


# --- Attachments ---------------------------------------------------------------------------------


def attachment_check(upload: UploadedFile) -> evidence.CheckedFile:
    """A photo or video as dispute evidence is checked (``evidence.check_upload``), or a PDF
    recognised by its ``%PDF-`` signature, at most 10 MB; ``AttachmentRefused`` otherwise."""
    name = (upload.name or "file")[-evidence.NAME_MAX :]
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        too_big = AttachmentRefused(
            _("%(name)s is larger than %(mb)s MB") % {"name": name, "mb": PDF_MAX_BYTES >> 20}
        )
        if upload.size is not None and upload.size > PDF_MAX_BYTES:
            raise too_big
        content = upload.read(PDF_MAX_BYTES + 1)
        if len(content) > PDF_MAX_BYTES:
            raise too_big
        return evidence.CheckedFile(AttachmentKind.PDF, content, "pdf", "application/pdf", name)
    try:
        return evidence.check_upload(upload)
    except EvidenceRefused as exc:
        raise AttachmentRefused(
            _("%(problem)s (PDF files are accepted too)") % {"problem": exc.message.rstrip(".")}
        ) from exc


def _checked_uploads(uploads: Sequence[UploadedFile]) -> list[evidence.CheckedFile]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise AttachmentRefused(_("at most %(count)s files at a time") % {"count": MAX_ATTACHMENTS})
    return [attachment_check(upload) for upload in uploads]


def _store(
    checked: evidence.CheckedFile,
    *,
    merchant: MerchantAccount,
    actor: Actor,
    message: TicketMessage | None = None,
) -> TicketAttachment:
    row = TicketAttachment(
        merchant=merchant,
        ticket=message.ticket if message else None,
        message=message,
        kind=checked.kind,
        extension=checked.extension,
        content_type=checked.content_type,
        size_bytes=len(checked.content),
        original_name=checked.original_name,
        uploaded_by=_user(actor),
    )
    # A rollback after this point leaves an unreferenced private file (never served).
    row.file.save("attachment", ContentFile(checked.content), save=False)
    row.save()
    return row


def _claimed(merchant: MerchantAccount, ids: Sequence[Any]) -> list[TicketAttachment]:
    """The merchant's unused uploads named by ``ids``, locked; ``AttachmentNotFound`` if any
    is unknown, another merchant's or already part of a message."""
    keys = []
    for value in ids or ():
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise TicketInvalid(_("attachmentIds must be a list of attachment ids"))
        keys.append(str(value).strip())
    keys = list(dict.fromkeys(keys))
    if len(keys) > MAX_ATTACHMENTS:
        raise AttachmentRefused(_("at most %(count)s files at a time") % {"count": MAX_ATTACHMENTS})
    rows = tickets_selectors.unclaimed_attachments(merchant=merchant, ids=keys)
    if len(rows) != len(keys):
        missing = sorted(set(keys) - {row.public_id for row in rows})
        raise AttachmentNotFound(
            _("attachment %(id)s not found (or already used)") % {"id": missing[0][:40]}
        )
    return rows


def _attach(
    message: TicketMessage,
    *,
    checked: Sequence[evidence.CheckedFile],
    claimed: Sequence[TicketAttachment],
    actor: Actor,
) -> None:
    if len(checked) + len(claimed) > MAX_ATTACHMENTS:
        raise AttachmentRefused(_("at most %(count)s files at a time") % {"count": MAX_ATTACHMENTS})
    for item in checked:
        _store(item, merchant=message.ticket.merchant, actor=actor, message=message)
    TicketAttachment.objects.filter(pk__in=[row.pk for row in claimed]).update(
        ticket=message.ticket, message=message
    )


@transaction.atomic
def attachment_upload(
    *, merchant: MerchantAccount, actor: Actor, upload: UploadedFile
) -> TicketAttachment:
    """Keep one file for a later ``ticket/create`` or ``ticket/reply`` (the API's two-step
    upload). Unused uploads are deleted after a day (``tickets_expire_due``)."""
    return _store(attachment_check(upload), merchant=merchant, actor=actor)


# --- The one status transition -------------------------------------------------------------------


def ticket_transition(
    *, ticket: Ticket, to_status: str, actor: Actor, note: str = "", kind: str = "status"
) -> Ticket:
    """Move ``ticket`` (locked by the caller) to ``to_status`` along ``TICKET_TRANSITIONS``.

    Stamps ``status_changed_at``; ``completed_at`` on COMPLETED; a new SLA ``due_at`` when the
    ticket becomes the desk's turn again. One ``TicketEvent``, audited TICKET_CHANGED.
    ``TicketClosed`` for a change the table does not allow.
    """
    from_status = ticket.status
    if to_status not in TICKET_TRANSITIONS.get(from_status, frozenset()):
        raise TicketClosed(
            _("ticket %(code)s is %(status)s: it cannot become %(target)s")
            % {
                "code": ticket.code,
                "status": str(T(from_status).label).lower(),
                "target": str(T(to_status).label).lower(),
            }
        )
    now = timezone.now()
    ticket.status, ticket.status_changed_at = to_status, now
    fields = ["status", "status_changed_at", "updated_at"]
    if to_status == T.COMPLETED:
        ticket.completed_at = now
        fields.append("completed_at")
    if to_status in WAITING_ON_SUPPORT and from_status not in WAITING_ON_SUPPORT:
        ticket.due_at = tickets_selectors.sla_due(now)
        fields.append("due_at")
    ticket.save(update_fields=fields)
    TicketEvent.objects.create(
        ticket=ticket,
        from_status=from_status,
        to_status=to_status,
        kind=kind,
        note=note[:NOTE_MAX],
        actor=_user(actor),
        actor_label=_actor_label(actor),
    )
    _audit(ticket, actor=actor, change="status", **{"from": from_status, "to": to_status})
    return ticket


# --- Opening -------------------------------------------------------------------------------------


def _linked_order(merchant: MerchantAccount, key: Any, store_ids: Any) -> Any:
    text = _text(key, field="orderId", maximum=64, required=False)
    if not text:
        return None
    try:
        return order_selectors.order_get(merchant=merchant, key=text, store_ids=store_ids)
    except NotFound:
        raise TicketOrderNotFound(_("order %(key)s not found") % {"key": text}) from None


def _linked_dispute(merchant: MerchantAccount, key: Any) -> Any:
    text = _text(key, field="disputeId", maximum=64, required=False)
    if not text:
        return None
    try:
        return selectors.dispute_get(merchant=merchant, public_id=text)
    except NotFound:
        raise TicketDisputeNotFound(_("dispute %(key)s not found") % {"key": text}) from None


@transaction.atomic
def ticket_create(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    category: Any,
    subject: Any,
    message: Any,
    priority: Any = TicketPriority.NORMAL,
    question_type: Any = "",
    order_key: Any = "",
    dispute_key: Any = "",
    sourcing_reference: Any = "",
    uploads: Sequence[UploadedFile] = (),
    attachment_ids: Sequence[Any] = (),
    source: str = TicketSource.WEB,
    store_ids: Any = None,
) -> Ticket:
    """Open a ticket, AWAITING_CJ_REPLY, due after the SLA's working days.

    ``order_key`` (the order's id, number or code) and ``dispute_key`` must name the
    merchant's own order / dispute (``TicketOrderNotFound`` / ``TicketDisputeNotFound``);
    an order ticket needs an order; ``question_type`` is for order tickets only (one of
    ``OrderQuestionType``). Audited TICKET_OPENED; the desk is notified.
    """
    category_value = _choice(category, TicketCategory, field="type")
    priority_value = _choice(priority or TicketPriority.NORMAL, TicketPriority, field="priority")
    question = ""
    if question_type:
        if category_value != TicketCategory.ORDER:
            raise TicketInvalid(_("questionType is for order tickets only"))
        question = _choice(question_type, OrderQuestionType, field="questionType")
    title = _text(subject, field="subject", maximum=SUBJECT_MAX)
    body = _text(message, field="message", maximum=MESSAGE_MAX)
    reference = _text(
        sourcing_reference, field="sourcingReference", maximum=REFERENCE_MAX, required=False
    )
    order = _linked_order(merchant, order_key, store_ids)
    dispute = _linked_dispute(merchant, dispute_key)
    if category_value == TicketCategory.ORDER and order is None:
        raise TicketInvalid(_("an order ticket needs the order it is about (orderId)"))
    checked = _checked_uploads(uploads)
    claimed = _claimed(merchant, attachment_ids)
    now = timezone.now()
    ticket = Ticket(
        merchant=merchant,
        created_by=_user(actor),
        source=source,
        category=category_value,
        question_type=question,
        priority=priority_value,
        subject=title,
        status=T.AWAITING_CJ_REPLY,
        status_changed_at=now,
        order=order,
        dispute=dispute,
        sourcing_reference=reference,
        due_at=tickets_selectors.sla_due(now),
    )
    ticket.code = prefixed_code(TICKET_CODE_PREFIX, ticket.public_id)
    ticket.save()
    first = TicketMessage.objects.create(
        ticket=ticket, side=MessageSide.MERCHANT, author=_user(actor), body=body
    )
    _attach(first, checked=checked, claimed=claimed, actor=actor)
    TicketEvent.objects.create(
        ticket=ticket,
        to_status=ticket.status,
        kind="opened",
        note=str(TicketCategory(category_value).label),
        actor=_user(actor),
        actor_label=_actor_label(actor),
    )
    audit_record(
        action=AuditAction.TICKET_OPENED,
        actor=_user(actor),
        actor_label=_actor_label(actor),
        merchant=merchant,
        target=ticket,
        details={
            "ticket": ticket.code,
            "category": category_value,
            "priority": priority_value,
            "order": order.code if order else "",
            "dispute": dispute.public_id if dispute else "",
            "source": source,
        },
    )
    notify(
        users=operator_readers(ticket),
        kind="ticket.opened",
        title=gettext_noop("New ticket %(code)s: %(subject)s"),
        params={"code": ticket.code, "subject": title[:80]},
        url=ticket_url(ticket, operator=True),
        merchant=merchant,
    )
    return ticket


# --- Replies, completion -------------------------------------------------------------------------


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    actor: Actor,
    side: str,
    body: Any,
    uploads: Sequence[UploadedFile] = (),
    attachment_ids: Sequence[Any] = (),
) -> TicketMessage:
    """Add a message (and attachments) to an open ticket's thread.

    An operator's reply makes the ticket AWAITING_YOUR_REPLY (stamping the first response and
    taking the ticket if nobody has it); the merchant's reply to AWAITING_YOUR_REPLY makes it
    AWAITING_CJ_REPLY (a new SLA due time); on hold or with another team it stays there.
    ``TicketClosed`` on a completed, expired or rated ticket. The other side is notified.
    """
    if side not in (MessageSide.MERCHANT, MessageSide.OPERATOR):
        raise TicketInvalid(_("unknown side"))
    text = _text(body, field="message", maximum=MESSAGE_MAX)
    checked = _checked_uploads(uploads)
    locked = _lock(ticket)
    if locked.status not in OPEN_TICKET_STATUSES:
        raise TicketClosed(_("this ticket is closed: replies can no longer be added"))
    claimed = _claimed(locked.merchant, attachment_ids)
    message = TicketMessage.objects.create(ticket=locked, side=side, author=_user(actor), body=text)
    _attach(message, checked=checked, claimed=claimed, actor=actor)
    operator = side == MessageSide.OPERATOR
    if operator:
        user = _user(actor)
        fields = []
        if locked.first_response_at is None:
            locked.first_response_at = message.created_at
            fields.append("first_response_at")
        if locked.assigned_to_id is None and user is not None:
            locked.assigned_to = user
            fields.append("assigned_to")
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
        if locked.status != T.AWAITING_YOUR_REPLY:
            ticket_transition(ticket=locked, to_status=T.AWAITING_YOUR_REPLY, actor=actor)
    elif locked.status == T.AWAITING_YOUR_REPLY:
        ticket_transition(ticket=locked, to_status=T.AWAITING_CJ_REPLY, actor=actor)
    else:
        locked.save(update_fields=["updated_at"])
    _audit(locked, actor=actor, change="reply", side=side)
    notify(
        users=merchant_readers(locked) if operator else operator_readers(locked),
        kind="ticket.reply",
        title=gettext_noop("New reply on ticket %(code)s"),
        body=text[:300],
        params={"code": locked.code},
        url=ticket_url(locked, operator=not operator),
        merchant=locked.merchant,
        exclude=_user(actor),
    )
    return message


@transaction.atomic
def ticket_complete(*, ticket: Ticket, actor: Actor, side: str) -> Ticket:
    """Either side closes an open ticket: COMPLETED (the merchant may then rate it)."""
    locked = _lock(ticket)
    if locked.status not in OPEN_TICKET_STATUSES:
        raise TicketClosed(_("this ticket is already closed"))
    operator = side == MessageSide.OPERATOR
    note = _("Completed by support") if operator else _("Completed by the merchant")
    ticket_transition(ticket=locked, to_status=T.COMPLETED, actor=actor, note=note)
    notify(
        users=merchant_readers(locked) if operator else operator_readers(locked),
        kind="ticket.completed",
        title=gettext_noop("Ticket %(code)s was completed"),
        params={"code": locked.code},
        url=ticket_url(locked, operator=not operator),
        merchant=locked.merchant,
        exclude=_user(actor),
        email=operator,
    )
    return locked


# --- Merchant: rating, reminders -----------------------------------------------------------------


def _rating(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TicketInvalid(_("the rating must be a whole number from 1 to 5"))
    try:
        number = int(value)
    except ValueError:
        raise TicketInvalid(_("the rating must be a whole number from 1 to 5")) from None
    if not 1 <= number <= 5:
        raise TicketInvalid(_("the rating must be a whole number from 1 to 5"))
    return number


@transaction.atomic
def ticket_evaluate(*, ticket: Ticket, actor: Actor, rating: Any, comment: Any = "") -> Ticket:
    """The merchant rates a COMPLETED ticket (1–5, an optional comment): REVIEWED. Once:
    ``EvaluateRefused`` for a rated ticket or one not completed."""
    stars = _rating(rating)
    text = _text(comment, field="comment", maximum=COMMENT_MAX, required=False)
    locked = _lock(ticket)
    if locked.status == T.REVIEWED:
        raise EvaluateRefused(_("this ticket was already rated"))
    if locked.status != T.COMPLETED:
        raise EvaluateRefused(_("only a completed ticket can be rated"))
    locked.rating, locked.rating_comment, locked.rated_at = stars, text, timezone.now()
    locked.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    ticket_transition(
        ticket=locked, to_status=T.REVIEWED, actor=actor, note=f"{stars}/5 {text}"[:NOTE_MAX]
    )
    notify(
        users=operator_readers(locked),
        kind="ticket.rated",
        title=gettext_noop("Ticket %(code)s was rated %(rating)s/5"),
        params={"code": locked.code, "rating": stars},
        url=ticket_url(locked, operator=True),
        merchant=locked.merchant,
        email=False,
    )
    return locked


@transaction.atomic
def ticket_remind(*, ticket: Ticket, actor: Actor, now: datetime | None = None) -> Ticket:
    """The merchant nudges the desk about a ticket waiting on it, at most once per 24 hours
    (``RemindTooSoon``); not on a ticket awaiting the merchant or closed (``TicketClosed``)."""
    locked = _lock(ticket)
    now = now or timezone.now()
    if locked.status not in (T.AWAITING_CJ_REPLY, T.ON_HOLD, T.COLLABORATING):
        raise TicketClosed(_("a reminder is for a ticket waiting on support"))
    if not tickets_selectors.can_remind(locked, now=now):
        raise RemindTooSoon(_("a reminder was already sent in the last 24 hours"))
    locked.reminded_at = now
    locked.save(update_fields=["reminded_at", "updated_at"])
    _event(locked, kind="reminded", note="", actor=actor)
    _audit(locked, actor=actor, change="reminded")
    notify(
        users=operator_readers(locked),
        kind="ticket.reminded",
        title=gettext_noop("The merchant is waiting for an answer on ticket %(code)s"),
        params={"code": locked.code},
        url=ticket_url(locked, operator=True),
        merchant=locked.merchant,
    )
    return locked


# --- Operator: assignment, hold ------------------------------------------------------------------


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None) -> Ticket:
    """Give the ticket to a desk operator who can reach its merchant (an agent only their own
    merchants'), or to nobody. Audited TICKET_CHANGED; the assignee is notified."""
    locked = _lock(ticket)
    if assignee is not None:
        if assignee.operator_role not in tickets_selectors.DESK_ROLES or not assignee.is_active:
            raise TicketInvalid(_("tickets are assigned to operator desk staff"))
        if assignee.operator_role == OperatorRole.AGENT and locked.merchant.agent_id != assignee.pk:
            raise TicketInvalid(_("an agent can only take tickets of their own merchants"))
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to", "updated_at"])
    email = assignee.email if assignee else ""
    _event(locked, kind="assigned", note=email, actor=actor)
    _audit(locked, actor=actor, change="assigned", assignee=email)
    if assignee is not None:
        notify(
            users=[assignee],
            kind="ticket.assigned",
            title=gettext_noop("Ticket %(code)s was assigned to you"),
            params={"code": locked.code},
            url=ticket_url(locked, operator=True),
            merchant=locked.merchant,
            exclude=actor,
        )
    return locked


@transaction.atomic
def ticket_hold(*, ticket: Ticket, actor: User, status: Any, note: Any = "") -> Ticket:
    """The desk parks a ticket (ON_HOLD), works on it with another team (COLLABORATING) or
    takes it back (AWAITING_CJ_REPLY), with an optional note kept in the history."""
    target = status if isinstance(status, str) and status in HOLD_STATUSES else ""
    if not target:
        raise TicketInvalid(_("choose on hold, with another team, or back to the desk"))
    text = _text(note, field="note", maximum=NOTE_MAX, required=False)
    locked = _lock(ticket)
    return ticket_transition(ticket=locked, to_status=target, actor=actor, note=text)


# --- Expiry (periodic) ---------------------------------------------------------------------------


def _expire_one(ticket_id: int, *, now: datetime) -> bool:
    with transaction.atomic():
        locked = (
            tickets_selectors.expiry_due(now=now)
            .select_for_update(of=("self",))
            .select_related("merchant", "created_by")
            .filter(pk=ticket_id)
            .first()
        )
        if locked is None:  # answered (or expired by another run) meanwhile
            return False
        note = _("No reply from the merchant: the ticket expired")
        ticket_transition(ticket=locked, to_status=T.EXPIRED, actor=None, note=note)
        TicketMessage.objects.create(ticket=locked, side=MessageSide.SYSTEM, body=note)
        notify(
            users=merchant_readers(locked),
            kind="ticket.expired",
            title=gettext_noop("Ticket %(code)s expired without your reply"),
            params={"code": locked.code},
            url=ticket_url(locked, operator=False),
            merchant=locked.merchant,
            email=False,
        )
        return True


def tickets_expire_due(*, now: datetime | None = None) -> int:
    """Expire every ticket that has awaited the merchant's reply for
    ``DROPYARD_TICKET_EXPIRE_DAYS`` (each in its own transaction, re-checked under lock, so
    running twice expires nothing twice), and delete API uploads unused for a day. How many
    tickets expired."""
    now = now or timezone.now()
    ids = list(tickets_selectors.expiry_due(now=now).values_list("pk", flat=True))
    expired = sum(1 for pk in ids if _expire_one(pk, now=now))
    for upload in tickets_selectors.stale_uploads(now=now):
        upload.file.delete(save=False)
        upload.delete()
    return expired
