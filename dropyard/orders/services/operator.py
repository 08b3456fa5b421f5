"""Back-office order actions that are not status changes: hold / release, and internal notes.

A hold is the ``Order.on_hold`` flag (with ``hold_reason``), beside the status: the contract's
statuses are what stores and API users see, and a hold is an operator's pause, not a step of
the lifecycle. While it is set the warehouse does not pick, pack or ship the order's parcels
(the fulfillment services refuse them in one check, ``fulfillment.services.state.refuse_held``,
and the ready queue leaves them out); a parcel already picked waits where it is. Each change
writes one ``OrderEvent`` (kind ``held`` / ``released``, through ``order_note``: the timeline
the merchant sees too) and one audit row.

Internal notes (``OrderNote``) are for operators only: they are not order events and never
appear on the merchant's pages.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor

from ..exceptions import InvalidTransition, OrderInvalid
from ..models import Order, OrderNote
from .changes import _changed
from .lifecycle import S, _lock, _sync_instance, _user, order_note

# A hold makes sense until the parcels leave the warehouse.
HOLDABLE = frozenset({S.CREATED, S.IN_CART, S.UNPAID, S.UNSHIPPED})
REASON_MAX = 300
NOTE_MAX = 2000


@transaction.atomic
def order_hold(*, order: Order, actor: Actor, reason: str) -> Order:
    """Put ``order`` on hold with ``reason`` (required, at most 300 characters kept).

    Refused with ``InvalidTransition`` (nothing changed) when the order is already on hold or
    is SHIPPED / DELIVERED / CANCELLED; ``OrderInvalid`` for an empty reason. The row is
    locked, so a hold and the warehouse's start of picking serialise.
    """
    reason = (reason or "").strip()
    if not reason:
        raise OrderInvalid(_("give a reason for the hold"))
    locked = _lock(order)
    if locked.status not in HOLDABLE:
        raise InvalidTransition(
            _("order %(code)s is %(status)s: it cannot be held")
            % {"code": locked.code, "status": locked.status}
        )
    if locked.on_hold:
        raise InvalidTransition(_("order %(code)s is already on hold") % {"code": locked.code})
    locked.on_hold, locked.hold_reason = True, reason[:REASON_MAX]
    locked.updated_at = timezone.now()
    locked.save(update_fields=["on_hold", "hold_reason", "updated_at"])
    order_note(locked, kind="held", note=f"on hold: {reason}", actor=actor)
    _changed(locked, actor, what="hold", details={"reason": reason[:REASON_MAX]})
    return _sync_instance(order, locked)


@transaction.atomic
def order_release(*, order: Order, actor: Actor, note: str = "") -> Order:
    """Release a held order: the warehouse may pick it again. ``InvalidTransition`` (nothing
    changed) when it is not on hold."""
    locked = _lock(order)
    if not locked.on_hold:
        raise InvalidTransition(_("order %(code)s is not on hold") % {"code": locked.code})
    previous = locked.hold_reason
    locked.on_hold, locked.hold_reason = False, ""
    locked.updated_at = timezone.now()
    locked.save(update_fields=["on_hold", "hold_reason", "updated_at"])
    note = (note or "").strip()
    order_note(locked, kind="released", note=f"released{': ' + note if note else ''}", actor=actor)
    _changed(locked, actor, what="release", details={"hold_reason": previous, "note": note[:300]})
    return _sync_instance(order, locked)


@transaction.atomic
def order_internal_note_add(*, order: Order, actor: Actor, body: str) -> OrderNote:
    """Add an operator-only note to ``order`` (1 to 2000 characters after trimming; else
    ``OrderInvalid``, nothing written). Audited without the body (notes may hold personal
    details the audit log should not copy)."""
    body = (body or "").strip()
    if not body:
        raise OrderInvalid(_("the note is empty"))
    if len(body) > NOTE_MAX:
        raise OrderInvalid(_("a note has at most %(max)s characters") % {"max": NOTE_MAX})
    note = OrderNote.objects.create(order=order, body=body, author=_user(actor))
    _changed(order, actor, what="note", details={"note": note.pk})
    return note
