"""Return outcome: an RMA to a warehouse that accepts returns. Every write to a return goes
through here (the inspection and its refund in ``returns_inspect``).

- ``return_authorize`` (from ``outcomes.dispute_resolve``, the dispute locked): the claimed
  lines go back to a warehouse that accepts returns (``selectors_returns``), never to one that
  does not (a US warehouse: refused, named). The return shipping is quoted (reverse-route rate
  card, else the configured flat fee) and paid by the merchant: billed at once as a
  supplementary freight bill (``charge="bill"``), or deducted from the refund granted after
  inspection (``charge="deduct"``).
- ``return_transition``: THE function that changes ``ReturnAuthorization.status`` (one
  ``ReturnEvent`` per change, audited RETURN_CHANGED).
- ``return_ship`` (merchant: carrier + tracking number), ``return_receive`` (warehouse),
  ``return_cancel`` (before receipt; an unpaid bill is cancelled, a paid one refunded).
"""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount, User
from dropyard.accounts.notifications import notify
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import new_public_id, prefixed_code
from dropyard.inventory.models import Warehouse
from dropyard.wallet import bills
from dropyard.wallet import refunds as wallet_refunds
from dropyard.wallet.choices import MakeupStatus, MakeupType

from . import claims, selectors_returns
from .choices import ExpectType, ReturnCharge, ReturnStatus
from .exceptions import DisputeInvalid, ReturnInvalid, ReturnNotFound, ReturnRefused
from .models import Dispute, ReturnAuthorization, ReturnEvent, ReturnLine
from .models_returns import RMA_PREFIX
from .services import _actor_label, _clean_text, _user, merchant_readers, operator_readers

S = ReturnStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    # Goods may reach the warehouse before the merchant typed the tracking number in.
    S.AUTHORIZED: frozenset({S.IN_TRANSIT, S.RECEIVED, S.CANCELLED}),
    S.IN_TRANSIT: frozenset({S.RECEIVED, S.CANCELLED}),
    S.RECEIVED: frozenset({S.INSPECTED}),
    S.INSPECTED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
STAMPS: dict[str, str] = {
    S.IN_TRANSIT: "shipped_at",
    S.RECEIVED: "received_at",
    S.INSPECTED: "inspected_at",
    S.CLOSED: "closed_at",
    S.CANCELLED: "cancelled_at",
}
CARRIER_MAX = 60
TRACKING_MAX = 60
NOTE_MAX = 500


def return_url(rma: ReturnAuthorization, *, operator: bool) -> str:
    name = "aftersales_ops:return" if operator else "aftersales:return_detail"
    try:
        return reverse(name, kwargs={"public_id": rma.public_id})
    except Exception:  # noqa: BLE001 (a notice's link is optional)
        return ""


def notify_merchant(
    rma: ReturnAuthorization,
    *,
    kind: str,
    title: str,
    params: dict[str, str],
    actor: User | None,
    body: str = "",
) -> None:
    """Tell the merchant's side (who opened the dispute, the owners) about a step of ``rma``;
    ``title`` is a ``gettext_noop`` message id."""
    notify(
        users=merchant_readers(rma.dispute),
        kind=kind,
        title=title,
        body=body,
        params={"code": rma.code, **params},
        url=return_url(rma, operator=False),
        merchant=rma.merchant,
        exclude=actor,
    )


def _lock(rma: ReturnAuthorization) -> ReturnAuthorization:
    return ReturnAuthorization.objects.select_for_update().get(pk=rma.pk)


# --- The one status transition -----------------------------------------------------------------


def return_transition(
    *, rma: ReturnAuthorization, to_status: str, actor: Actor, note: str = ""
) -> ReturnAuthorization:
    """Move ``rma`` (locked by the caller) to ``to_status`` along ``TRANSITIONS``, stamping the
    time of that step. Writes one ``ReturnEvent`` and a RETURN_CHANGED audit event; refused
    (``ReturnRefused``) for a change the table does not allow."""
    if to_status not in TRANSITIONS.get(rma.status, frozenset()):
        raise ReturnRefused(
            _("return %(code)s is %(status)s: it cannot become %(target)s")
            % {
                "code": rma.code,
                "status": rma.get_status_display().lower(),
                "target": str(S(to_status).label).lower(),
            }
        )
    from_status = rma.status
    rma.status = to_status
    setattr(rma, STAMPS[to_status], timezone.now())
    rma.save(update_fields=["status", STAMPS[to_status], "updated_at"])
    _history(rma, from_status=from_status, note=note, actor=actor)
    return rma


def _history(rma: ReturnAuthorization, *, from_status: str, note: str, actor: Actor) -> None:
    """One ``ReturnEvent`` and its RETURN_CHANGED audit event."""
    ReturnEvent.objects.create(
        rma=rma,
        from_status=from_status,
        to_status=rma.status,
        note=note[:NOTE_MAX],
        actor=_user(actor),
        actor_label=_actor_label(actor),
    )
    audit_record(
        action=AuditAction.RETURN_CHANGED,
        actor=_user(actor),
        merchant=rma.merchant,
        target=rma,
        details={
            "return": rma.code,
            "dispute": rma.dispute.public_id,
            "from": from_status,
            "to": rma.status,
            "note": note[:200],
        },
    )


# --- Authorising ---------------------------------------------------------------------------------


def _warehouse(value: Any) -> Warehouse:
    """The warehouse asked for (a ``Warehouse`` or a code), else the default; refused when it
    does not accept returns."""
    if value is None or value == "":
        found = selectors_returns.default_return_warehouse()
        if found is None:
            raise ReturnRefused(
                _(
                    "no warehouse accepts returns: tick “Accepts returns” on an active platform "
                    "warehouse"
                )
            )
    elif isinstance(value, Warehouse):
        found = value
    elif isinstance(value, str):
        found = selectors_returns.warehouse_by_code(value)
        if found is None:
            raise ReturnInvalid(_("no warehouse has the code %(code)s") % {"code": value[:20]})
    else:
        raise ReturnInvalid(_("choose the warehouse the goods go back to"))
    if not selectors_returns.accepts_returns(found):
        raise ReturnRefused(
            _("warehouse %(code)s (%(country)s) does not accept returns")
            % {"code": found.code, "country": found.country},
            extra={"warehouse": found.code},
        )
    return found


@transaction.atomic
def return_authorize(
    *,
    dispute: Dispute,
    actor: User,
    warehouse: Warehouse | str | None = None,
    charge: str = ReturnCharge.BILL,
) -> ReturnAuthorization:
    """Authorise the return of ``dispute``'s claimed lines (the caller holds the dispute lock).

    ``warehouse`` (a warehouse or its code; default ``selectors_returns.default_return_warehouse``)
    must accept returns. Only delivered goods claimed for a goods reason may come back. The
    return shipping is quoted and, with ``charge="bill"``, billed at once (a supplementary
    freight bill on the order; none when the quote is 0), or with ``charge="deduct"`` taken off
    the refund later. Refused, nothing written: a warehouse that does not accept returns, an
    unknown charge, a dispute that already has a return. Audited RETURN_CHANGED; the merchant
    is notified where to send the goods.
    """
    if charge not in ReturnCharge.values:
        raise ReturnInvalid(
            _("the return shipping is paid by %(choices)s")
            % {"choices": " / ".join(ReturnCharge.values)}
        )
    target = _warehouse(warehouse)
    order = dispute.order
    if ExpectType.RETURN not in claims.expect_options(order, reason=dispute.reason):
        raise ReturnRefused(
            _("only delivered goods that are damaged, wrong or missing can be returned")
        )
    if ReturnAuthorization.objects.filter(dispute=dispute).exists():
        raise ReturnRefused(_("this dispute already has a return"))
    lines = list(dispute.lines.select_related("order_line__variant__product").order_by("pk"))
    quote = selectors_returns.return_shipping_quote(
        lines=lines,
        origin_country=order.shipping_country_code,
        warehouse=target,
        currency=dispute.currency,
    )
    public_id = new_public_id()
    rma = ReturnAuthorization.objects.create(
        public_id=public_id,
        code=prefixed_code(RMA_PREFIX, public_id),
        dispute=dispute,
        merchant=dispute.merchant,
        order=order,
        warehouse=target,
        currency=quote.currency,
        shipping_quote_minor=quote.amount_minor,
        quote_source=quote.source,
        quote_line=quote.line_name,
        charge=charge,
        deducted_minor=quote.amount_minor if charge == ReturnCharge.DEDUCT else 0,
        created_by=actor,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(rma=rma, dispute_line=line, quantity=line.quantity) for line in lines
    )
    if charge == ReturnCharge.BILL and quote.amount_minor > 0:
        rma.makeup = bills.makeup_create(
            merchant=rma.merchant,
            related_order=order,
            amount_minor=quote.amount_minor,
            currency=quote.currency,
            reason=f"Return shipping of {rma.code} (order {order.code}) to {target.code}",
            type=MakeupType.FREIGHT,
            actor=actor,
        )
        rma.save(update_fields=["makeup", "updated_at"])
    _history(rma, from_status="", note=f"Return to {target.code}", actor=actor)
    notify_merchant(
        rma,
        kind="return.authorized",
        title=gettext_noop(
            "Return %(code)s authorized: send the goods of order %(order)s to %(warehouse)s"
        ),
        params={"order": order.code, "warehouse": target.code},
        actor=actor,
    )
    return rma


# --- Merchant: the goods are on their way -----------------------------------------------------


@transaction.atomic
def return_ship(
    *,
    merchant: MerchantAccount,
    rma: ReturnAuthorization,
    actor: Actor,
    carrier: Any,
    tracking_number: Any,
) -> ReturnAuthorization:
    """The merchant sent the goods: carrier and tracking number; AUTHORIZED → IN_TRANSIT, or a
    correction while IN_TRANSIT (a history row, same status). Refused: another merchant's
    return (``ReturnNotFound``), a missing or malformed carrier or number, a later status."""
    if rma.merchant_id != merchant.pk:
        raise ReturnNotFound(_("return not found"))
    name = _clean(carrier, field=_("the carrier"), maximum=CARRIER_MAX)
    number = _clean(tracking_number, field=_("the tracking number"), maximum=TRACKING_MAX)
    locked = _lock(rma)
    locked.carrier, locked.tracking_number = name, number
    locked.save(update_fields=["carrier", "tracking_number", "updated_at"])
    note = f"{name} {number}"
    if locked.status == S.IN_TRANSIT:
        _history(locked, from_status=locked.status, note=f"Tracking corrected: {note}", actor=actor)
    else:
        return_transition(rma=locked, to_status=S.IN_TRANSIT, actor=actor, note=note)
    notify(
        users=operator_readers(locked.dispute),
        kind="return.shipped",
        title=gettext_noop("Return %(code)s was sent back: %(carrier)s %(number)s"),
        params={"code": locked.code, "carrier": name, "number": number},
        url=return_url(locked, operator=True),
        merchant=locked.merchant,
        email=False,
        exclude=_user(actor),
    )
    return locked


def _clean(value: Any, *, field: str, maximum: int, required: bool = True) -> str:
    """``services._clean_text`` (no NUL, trimmed, bounded), its refusal worded for returns."""
    try:
        return _clean_text(value, field=field, maximum=maximum, required=required)
    except DisputeInvalid as exc:
        raise ReturnInvalid(exc.message) from None


# --- Warehouse: received -----------------------------------------------------------------------


@transaction.atomic
def return_receive(*, rma: ReturnAuthorization, actor: User, note: Any = "") -> ReturnAuthorization:
    """The warehouse has the returned parcel: → RECEIVED (from AUTHORIZED or IN_TRANSIT). The
    merchant is notified; inspection follows (``returns_inspect.return_inspect``)."""
    text = _clean_note(note)
    locked = _lock(rma)
    return_transition(
        rma=locked, to_status=S.RECEIVED, actor=actor, note=text or "Received at the warehouse"
    )
    notify_merchant(
        locked,
        kind="return.received",
        title=gettext_noop("Return %(code)s arrived at %(warehouse)s and will be inspected"),
        params={"warehouse": locked.warehouse.code},
        actor=actor,
    )
    return locked


def _clean_note(note: Any) -> str:
    return _clean(note, field=_("the note"), maximum=NOTE_MAX, required=False)


# --- Cancelling ----------------------------------------------------------------------------------


@transaction.atomic
def return_cancel(*, rma: ReturnAuthorization, actor: User, reason: Any) -> ReturnAuthorization:
    """Cancel a return before the goods arrive (a reason is required): → CANCELLED. Its
    return-shipping bill is cancelled when unpaid, refunded to the merchant when paid. The
    dispute stays resolved; nothing is refunded for the goods."""
    text = _clean_note(reason)
    if not text:
        raise ReturnInvalid(_("say why the return is cancelled"))
    locked = _lock(rma)
    return_transition(rma=locked, to_status=S.CANCELLED, actor=actor, note=text)
    bill = locked.makeup
    if bill is not None:
        bill.refresh_from_db()
        if bill.status == MakeupStatus.UNPAID:
            bills.makeup_cancel(
                makeup=bill, actor=actor, reason=f"Return {locked.code} cancelled: {text}"[:300]
            )
        elif bill.status == MakeupStatus.PAID:
            wallet_refunds.refund_issue(
                merchant=locked.merchant,
                makeup=bill,
                reason=f"Return {locked.code} cancelled: {text}"[:300],
                actor=actor,
                idempotency_key=f"return:{locked.public_id}:bill",
            )
    notify_merchant(
        locked,
        kind="return.cancelled",
        title=gettext_noop("Return %(code)s was cancelled"),
        body=text,
        params={},
        actor=actor,
    )
    return locked
