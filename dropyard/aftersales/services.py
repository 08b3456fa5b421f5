"""Dispute services: every write to a dispute goes through here.

- ``dispute_create``: open a dispute on lines of an order (caps from ``claims``, idempotent on
  ``business_dispute_id``), with the merchant's first message and evidence;
- ``dispute_transition``: THE function that changes ``Dispute.status`` (one ``DisputeEvent``
  per change, audited); the other services call it;
- ``dispute_cancel`` (merchant), ``dispute_message_post`` (either side; a merchant's reply to
  a request for evidence puts the dispute back under review), ``dispute_start_review``,
  ``dispute_request_evidence``, ``dispute_assign`` (operator);
- ``dispute_resolve`` (operator): refund, resend, accept a return, or reject with a reason;
  see ``outcomes``.

Side effects (emails, the bell, webhooks) happen once the transaction commits: the DISPUTE
webhook message (``dispute_webhooks``) is published on opening and on every status change.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts.actors import Actor, ApiToken
from dropyard.accounts.choices import MemberRole
from dropyard.accounts.models import MerchantAccount, User
from dropyard.accounts.notifications import notify
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.money import Money
from dropyard.orders.models import Order, OrderLine

from . import claims, evidence, selectors
from .choices import (
    OPEN_STATUSES,
    DisputeReason,
    DisputeSource,
    DisputeStatus,
    ExpectType,
    MessageSide,
    RefundType,
)
from .dispute_webhooks import dispute_message_publish
from .exceptions import DisputeInvalid, DisputeNotFound, DisputeRefused
from .models import Dispute, DisputeEvent, DisputeEvidence, DisputeLine, DisputeMessage
from .models_tickets import Ticket

S = DisputeStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.AWAITING_RESPONSE: frozenset({S.UNDER_REVIEW, S.EVIDENCE_REQUESTED, S.RESOLVED, S.CANCELLED}),
    S.UNDER_REVIEW: frozenset({S.EVIDENCE_REQUESTED, S.RESOLVED, S.CANCELLED}),
    S.EVIDENCE_REQUESTED: frozenset({S.UNDER_REVIEW, S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset(),
    S.CANCELLED: frozenset(),
}
MESSAGE_MAX = 2000
BUSINESS_ID_MAX = 100
URLS_MAX = 10


@dataclass(frozen=True)
class ClaimLine:
    """A line the merchant claims: the order line's ``line_item_id`` and a quantity."""

    line_item_id: str
    quantity: int


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _actor_label(actor: Actor) -> str:
    if isinstance(actor, ApiToken):
        return "API"
    user = _user(actor)
    return user.email if user is not None else "system"


def _lock(dispute: Dispute) -> Dispute:
    return (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("order", "merchant")
        .get(pk=dispute.pk)
    )


def merchant_readers(case: Dispute | Ticket) -> list[User | None]:
    """Who hears about a dispute or a ticket on the merchant's side: who opened it and the
    owners."""
    owners = User.objects.filter(
        memberships__merchant_id=case.merchant_id, memberships__role=MemberRole.OWNER
    )
    return [case.created_by, *owners]


def operator_readers(case: Dispute | Ticket) -> list[User | None]:
    """Who hears on the operator's side: the assignee, else the merchant's agent."""
    if case.assigned_to_id is not None:
        return [case.assigned_to]
    return [case.merchant.agent]


def dispute_url(dispute: Dispute, *, operator: bool) -> str:
    name = "aftersales_ops:dispute" if operator else "aftersales:dispute"
    try:
        return reverse(name, kwargs={"public_id": dispute.public_id})
    except Exception:  # noqa: BLE001 (the pages' URLs are optional for a notice's link)
        return ""


# --- The one status transition -----------------------------------------------------------------


def dispute_transition(
    *,
    dispute: Dispute,
    to_status: str,
    actor: Actor,
    note: str = "",
    outcome: str = "",
    kind: str = "status",
) -> Dispute:
    """Move ``dispute`` (locked by the caller or here) to ``to_status`` along ``TRANSITIONS``.

    Sets ``resolved_at`` / ``cancelled_at``; ``outcome`` is required exactly for RESOLVED.
    Writes one ``DisputeEvent`` and a DISPUTE_STATUS audit event. Refused
    (``DisputeRefused``) for a change the table does not allow.
    """
    if to_status not in TRANSITIONS.get(dispute.status, frozenset()):
        raise DisputeRefused(
            _("dispute %(id)s is %(status)s: it cannot become %(target)s")
            % {
                "id": dispute.public_id,
                "status": dispute.get_status_display().lower(),
                "target": str(S(to_status).label).lower(),
            }
        )
    if (to_status == S.RESOLVED) != bool(outcome):
        raise DisputeRefused(_("a resolved dispute needs an outcome, and only then"))
    from_status = dispute.status
    dispute.status = to_status
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to_status == S.RESOLVED:
        dispute.outcome, dispute.resolved_at = outcome, now
        fields += ["outcome", "resolved_at"]
    elif to_status == S.CANCELLED:
        dispute.cancelled_at = now
        fields.append("cancelled_at")
    dispute.save(update_fields=fields)
    DisputeEvent.objects.create(
        dispute=dispute,
        from_status=from_status,
        to_status=to_status,
        kind=kind,
        note=note[:500],
        actor=_user(actor),
        actor_label=_actor_label(actor),
    )
    audit_record(
        action=AuditAction.DISPUTE_STATUS,
        actor=_user(actor),
        merchant=dispute.merchant,
        target=dispute,
        details={
            "dispute": dispute.public_id,
            "from": from_status,
            "to": to_status,
            "outcome": outcome,
            "note": note[:200],
        },
    )
    # Stored now, delivered on commit (nothing without the merchant's order endpoint).
    dispute_message_publish(dispute, message_type="UPDATE")
    return dispute


def _event(dispute: Dispute, *, kind: str, note: str, actor: Actor) -> None:
    DisputeEvent.objects.create(
        dispute=dispute,
        from_status=dispute.status,
        to_status=dispute.status,
        kind=kind,
        note=note[:500],
        actor=_user(actor),
        actor_label=_actor_label(actor),
    )


# --- Opening ------------------------------------------------------------------------------------


def _clean_text(value: Any, *, field: str, maximum: int, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if "\x00" in text:
        raise DisputeInvalid(_("%(field)s contains a NUL character") % {"field": field})
    if required and not text:
        raise DisputeInvalid(_("%(field)s is required") % {"field": field})
    if len(text) > maximum:
        raise DisputeInvalid(
            _("%(field)s is longer than %(max)s characters") % {"field": field, "max": maximum}
        )
    return text


def _choice(value: Any, choices: type, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DisputeInvalid(_("%(field)s is not one of the allowed values") % {"field": field})
    try:
        return int(choices(int(value)))
    except (TypeError, ValueError):
        raise DisputeInvalid(
            _("%(field)s is not one of the allowed values") % {"field": field}
        ) from None


def chosen_lines(
    order: Order, lines: Sequence[ClaimLine], *, excluding: int | None = None
) -> list[tuple[OrderLine, int]]:
    """Check the claimed lines against the order's rooms; ``DisputeRefused`` / ``Invalid``."""
    if not lines:
        raise DisputeInvalid(_("choose at least one product line"))
    rooms = {
        room.line.line_item_id: room
        for room in claims.line_rooms(order, excluding_dispute_id=excluding)
    }
    chosen: list[tuple[OrderLine, int]] = []
    seen: set[str] = set()
    for claim in lines:
        key = str(claim.line_item_id)
        room = rooms.get(key)
        if room is None:
            raise DisputeInvalid(
                _("line %(line)s is not a line of order %(code)s")
                % {"line": key, "code": order.code}
            )
        if key in seen:
            raise DisputeInvalid(_("line %(line)s is listed twice") % {"line": key})
        seen.add(key)
        quantity = claim.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise DisputeInvalid(
                _("the quantity of line %(line)s must be at least 1") % {"line": key}
            )
        if quantity > room.room:
            raise DisputeRefused(
                _(
                    "line %(line)s has %(room)s left to claim (ordered %(ordered)s, already in a "
                    "dispute %(claimed)s)"
                )
                % {
                    "line": key,
                    "room": room.room,
                    "ordered": room.line.quantity,
                    "claimed": room.claimed,
                },
                extra={"lineItemId": key, "room": room.room},
            )
        chosen.append((room.line, quantity))
    return chosen


def _store_evidence(
    dispute: Dispute,
    files: list[evidence.CheckedFile],
    *,
    actor: Actor,
    message: DisputeMessage | None,
) -> list[DisputeEvidence]:
    stored = []
    for checked in files:
        row = DisputeEvidence(
            dispute=dispute,
            message=message,
            kind=checked.kind,
            extension=checked.extension,
            content_type=checked.content_type,
            size_bytes=len(checked.content),
            width=checked.width,
            height=checked.height,
            original_name=checked.original_name,
            uploaded_by=_user(actor),
        )
        # A rollback after this point leaves an unreferenced private file (never served).
        row.file.save("evidence", ContentFile(checked.content), save=False)
        row.save()
        stored.append(row)
    return stored


def _evidence_urls(values: Sequence[Any], *, kind: str) -> list[str]:
    urls = []
    for value in values or ():
        url = value.strip() if isinstance(value, str) else ""
        if not url.startswith(("https://", "http://")) or len(url) > 1000 or "\x00" in url:
            raise DisputeInvalid(
                _("evidence links must be http(s) URLs of at most 1000 characters")
            )
        urls.append(url)
    if len(urls) > URLS_MAX:
        raise DisputeInvalid(
            _("at most %(count)s %(kind)s links") % {"count": URLS_MAX, "kind": kind}
        )
    return urls


@transaction.atomic
def dispute_create(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    order: Order,
    reason: Any,
    expect_type: Any,
    message_text: Any,
    lines: Sequence[ClaimLine],
    refund_type: Any = RefundType.BALANCE,
    amount_minor: int | None = None,
    business_dispute_id: str = "",
    image_urls: Sequence[Any] = (),
    video_urls: Sequence[Any] = (),
    uploads: Sequence[UploadedFile] = (),
    source: str = DisputeSource.WEB,
) -> Dispute:
    """Open a dispute on ``lines`` of ``order`` (one of ``merchant``'s), AWAITING_RESPONSE,
    due after the review time in working days (``selectors.review_due``).

    ``amount_minor`` (default: the cap) is what the merchant asks back, at most
    ``max_amount_minor``. Idempotent on ``business_dispute_id``: the same id on the same order
    returns the existing dispute and writes nothing; on another order it is refused. Refused,
    nothing written: another merchant's order (``DisputeNotFound``), an order not yet paid or
    cancelled, lines not of the order or over what is left to claim, an outcome the order does
    not allow, an amount over the cap, bad evidence. Audited DISPUTE_OPENED.
    """
    if order.merchant_id != merchant.pk:
        raise DisputeNotFound(_("order not found"))
    business_id = _clean_text(
        business_dispute_id, field="businessDisputeId", maximum=BUSINESS_ID_MAX, required=False
    )
    if business_id:
        existing = Dispute.objects.filter(
            merchant=merchant, business_dispute_id=business_id
        ).first()
        if existing is not None:
            if existing.order_id != order.pk:
                raise DisputeRefused(
                    _("businessDisputeId %(id)s was used for another order") % {"id": business_id}
                )
            return existing
    reason_value = _choice(reason, DisputeReason, field="disputeReasonId")
    expect = _choice(expect_type, ExpectType, field="expectType")
    refund_to = _choice(refund_type, RefundType, field="refundType")
    text = _clean_text(message_text, field=_("the message"), maximum=MESSAGE_MAX)
    images = _evidence_urls(image_urls, kind="image")
    videos = _evidence_urls(video_urls, kind="video")
    files = evidence.check_uploads(list(uploads))
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not claims.is_disputable(locked):
        raise DisputeRefused(
            _("order %(code)s is %(status)s: disputes are for paid orders until delivery")
            % {"code": locked.code, "status": locked.get_status_display().lower()}
        )
    chosen = chosen_lines(locked, lines)
    caps = claims.caps_for(locked, chosen)
    options = claims.expect_options(locked, reason=reason_value, paid=caps.max_amount_minor > 0)
    if expect not in options:
        raise DisputeRefused(
            _("%(expect)s is not possible for this order and reason")
            % {"expect": ExpectType(expect).label},
            extra={"expectResultOptionList": [str(o) for o in options]},
        )
    requested = caps.max_amount_minor if amount_minor is None else amount_minor
    if isinstance(requested, bool) or not isinstance(requested, int) or requested < 0:
        raise DisputeInvalid(_("the amount must be a whole number of minor units, not negative"))
    if expect in (ExpectType.REFUND, ExpectType.RETURN) and requested > caps.max_amount_minor:
        raise DisputeRefused(
            _("at most %(max)s %(currency)s can be claimed for these lines")
            % {
                "max": Money(caps.max_amount_minor, caps.currency).wire(),
                "currency": caps.currency,
            },
            extra={"maxAmount": caps.max_amount_minor},
        )
    if expect == ExpectType.RESEND:
        requested = 0
    now = timezone.now()
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                merchant=merchant,
                order=locked,
                business_dispute_id=business_id,
                source=source,
                reason=reason_value,
                expect_type=expect,
                refund_type=refund_to,
                message_text=text,
                currency=caps.currency,
                max_product_minor=caps.max_product_minor,
                max_postage_minor=caps.max_postage_minor,
                max_amount_minor=caps.max_amount_minor,
                requested_amount_minor=requested,
                created_by=_user(actor),
                due_at=selectors.review_due(now),
            )
    except IntegrityError:
        # A concurrent request with the same businessDisputeId won the race.
        existing = Dispute.objects.filter(
            merchant=merchant, business_dispute_id=business_id
        ).first()
        if existing is None:
            raise
        return existing
    DisputeLine.objects.bulk_create(
        DisputeLine(
            dispute=dispute,
            order_line=line,
            quantity=quantity,
            unit_price_minor=line.unit_price_minor,
        )
        for line, quantity in chosen
    )
    message = DisputeMessage.objects.create(
        dispute=dispute, side=MessageSide.MERCHANT, author=_user(actor), body=text
    )
    _store_evidence(dispute, files, actor=actor, message=message)
    DisputeEvidence.objects.bulk_create(
        [DisputeEvidence(dispute=dispute, message=message, kind="image", url=u) for u in images]
        + [DisputeEvidence(dispute=dispute, message=message, kind="video", url=u) for u in videos]
    )
    DisputeEvent.objects.create(
        dispute=dispute,
        from_status="",
        to_status=dispute.status,
        kind="opened",
        note=f"{DisputeReason(reason_value).label}",
        actor=_user(actor),
        actor_label=_actor_label(actor),
    )
    audit_record(
        action=AuditAction.DISPUTE_OPENED,
        actor=_user(actor),
        merchant=merchant,
        target=dispute,
        details={
            "dispute": dispute.public_id,
            "order": locked.code,
            "reason": reason_value,
            "expect": expect,
            "amount_minor": requested,
            "source": source,
        },
    )
    dispute_message_publish(dispute, message_type="INSERT")
    notify(
        users=operator_readers(dispute),
        kind="dispute.opened",
        title=gettext_noop("New dispute on order %(order)s"),
        params={"order": locked.code},
        url=dispute_url(dispute, operator=True),
        merchant=merchant,
    )
    return dispute


# --- Merchant actions -------------------------------------------------------------------------


@transaction.atomic
def dispute_cancel(*, merchant: MerchantAccount, dispute: Dispute, actor: Actor) -> Dispute:
    """The merchant withdraws an open dispute (its lines become free to claim again)."""
    if dispute.merchant_id != merchant.pk:
        raise DisputeNotFound(_("dispute not found"))
    locked = _lock(dispute)
    dispute_transition(
        dispute=locked, to_status=S.CANCELLED, actor=actor, note=_("Cancelled by the merchant")
    )
    notify(
        users=operator_readers(locked),
        kind="dispute.cancelled",
        title=gettext_noop("Dispute on order %(order)s was cancelled by the merchant"),
        params={"order": locked.order.code},
        url=dispute_url(locked, operator=True),
        merchant=locked.merchant,
        email=False,
    )
    return locked


@transaction.atomic
def dispute_message_post(
    *,
    dispute: Dispute,
    actor: Actor,
    side: str,
    body: Any,
    uploads: Sequence[UploadedFile] = (),
) -> DisputeMessage:
    """Add a message (and evidence files) to an open dispute's thread.

    A merchant's message while more evidence is requested puts the dispute back UNDER_REVIEW.
    The other side is notified. Refused on a resolved or cancelled dispute.
    """
    if side not in (MessageSide.MERCHANT, MessageSide.OPERATOR):
        raise DisputeInvalid(_("unknown side"))
    text = _clean_text(body, field=_("the message"), maximum=MESSAGE_MAX)
    files = evidence.check_uploads(list(uploads))
    locked = _lock(dispute)
    if locked.status not in OPEN_STATUSES:
        raise DisputeRefused(_("this dispute is closed: messages can no longer be added"))
    message = DisputeMessage.objects.create(
        dispute=locked, side=side, author=_user(actor), body=text
    )
    _store_evidence(locked, files, actor=actor, message=message)
    if side == MessageSide.MERCHANT and locked.status == S.EVIDENCE_REQUESTED:
        dispute_transition(
            dispute=locked, to_status=S.UNDER_REVIEW, actor=actor, note=_("The merchant answered")
        )
    operator = side == MessageSide.OPERATOR
    notify(
        users=merchant_readers(locked) if operator else operator_readers(locked),
        kind="dispute.reply",
        title=gettext_noop("New reply on the dispute about order %(order)s"),
        body=text[:300],
        params={"order": locked.order.code},
        url=dispute_url(locked, operator=not operator),
        merchant=locked.merchant,
        exclude=_user(actor),
    )
    return message


# --- Operator actions -------------------------------------------------------------------------


@transaction.atomic
def dispute_start_review(*, dispute: Dispute, actor: User) -> Dispute:
    """An operator takes an awaiting dispute: UNDER_REVIEW, assigned to them if nobody is."""
    locked = _lock(dispute)
    if locked.assigned_to_id is None:
        locked.assigned_to = actor
        locked.save(update_fields=["assigned_to", "updated_at"])
    return dispute_transition(
        dispute=locked, to_status=S.UNDER_REVIEW, actor=actor, note=_("Review started")
    )


@transaction.atomic
def dispute_request_evidence(*, dispute: Dispute, actor: User, message: Any) -> Dispute:
    """Ask the merchant for more evidence: the message goes to the thread, EVIDENCE_REQUESTED."""
    text = _clean_text(message, field=_("the message"), maximum=MESSAGE_MAX)
    locked = _lock(dispute)
    dispute_transition(dispute=locked, to_status=S.EVIDENCE_REQUESTED, actor=actor, note=text)
    DisputeMessage.objects.create(
        dispute=locked, side=MessageSide.OPERATOR, author=actor, body=text
    )
    notify(
        users=merchant_readers(locked),
        kind="dispute.evidence",
        title=gettext_noop("More evidence is needed for the dispute about order %(order)s"),
        body=text[:300],
        params={"order": locked.order.code},
        url=dispute_url(locked, operator=False),
        merchant=locked.merchant,
        exclude=actor,
    )
    return locked


@transaction.atomic
def dispute_assign(*, dispute: Dispute, actor: User, assignee: User | None) -> Dispute:
    """Give the dispute to an operator (or nobody). Audited DISPUTE_ASSIGNED."""
    if assignee is not None and not assignee.is_operator:
        raise DisputeInvalid(_("disputes are assigned to operator staff"))
    locked = _lock(dispute)
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to", "updated_at"])
    _event(locked, kind="assigned", note=assignee.email if assignee else "", actor=actor)
    audit_record(
        action=AuditAction.DISPUTE_ASSIGNED,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        details={"dispute": locked.public_id, "assignee": assignee.email if assignee else ""},
    )
    if assignee is not None:
        notify(
            users=[assignee],
            kind="dispute.assigned",
            title=gettext_noop("Dispute on order %(order)s was assigned to you"),
            params={"order": locked.order.code},
            url=dispute_url(locked, operator=True),
            merchant=locked.merchant,
            exclude=actor,
        )
    return locked
