"""The one door for order status, and the helpers every order service uses.

``order_transition`` is the one function that changes ``Order.status`` / ``sub_status``; it
writes the ``OrderEvent`` row for the change in the same transaction. ``order_note`` records a
history row that is not a status change. Both are a pure record of the change: the lifecycle
services (creation, cart, payment, changes, merge, parcel sync) call them and own the side
effects (stock, parcels, audit, webhooks). ``_lock`` is the order row lock they all take, and
``_sync_instance`` copies what the lock read back onto the caller's instance.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor, User
from dropyard.core.db import joins_transaction

from ..choices import OrderStatus, OrderSubStatus
from ..exceptions import InvalidTransition
from ..models import Order, OrderEvent

S = OrderStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.IN_CART, S.UNPAID, S.CANCELLED}),
    S.IN_CART: frozenset({S.CREATED, S.UNPAID, S.CANCELLED}),
    S.UNPAID: frozenset({S.UNSHIPPED, S.CANCELLED}),
    S.UNSHIPPED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Sub-status moves allowed while UNSHIPPED (PENDING on payment, PROCESSING when work starts).
SUB_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderSubStatus.PENDING: frozenset({OrderSubStatus.PROCESSING}),
    OrderSubStatus.PROCESSING: frozenset(),
}
# Timestamps stamped when an order enters a status.
_STAMP: dict[str, str] = {
    S.UNPAID: "confirmed_at",
    S.UNSHIPPED: "paid_at",
    S.SHIPPED: "shipped_at",
    S.DELIVERED: "delivered_at",
    S.CANCELLED: "cancelled_at",
}
# Before payment: routing, the shipping line, warehouse and address, and merges may change.
PRE_PAYMENT = frozenset({S.CREATED, S.IN_CART, S.UNPAID})


def _actor_label(actor: Actor, actor_label: str) -> tuple[User | None, str]:
    user = _user(actor)
    if user is not None:
        return user, actor_label or user.email
    return None, actor_label or "system"


def _user(actor: Actor) -> User | None:
    """The logged-in user behind ``actor``; an API token or the system is stored as no user."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


@joins_transaction
def order_transition(
    order: Order,
    *,
    to: str,
    actor: Actor = None,
    actor_label: str = "",
    note: str = "",
    sub_status: str | None = None,
    changes: Mapping[str, Any] | None = None,
    row_locked: bool = False,
) -> Order:
    """Move ``order`` to status ``to`` (and sub-status), writing one ``OrderEvent``.

    - A change of status must be allowed by ``TRANSITIONS``; entering UNSHIPPED sets the
      sub-status PENDING unless ``sub_status`` is given; leaving UNSHIPPED clears it.
    - ``to`` equal to the current status with a new ``sub_status`` changes only the sub-status
      (allowed by ``SUB_TRANSITIONS``, only while UNSHIPPED).
    - Anything else raises ``InvalidTransition`` with nothing changed.

    The row is locked (``select_for_update``) and re-read, so two concurrent transitions
    serialise and the second sees the first's result; ``row_locked`` says the caller has just
    read ``order`` with ``select_for_update`` in this transaction, so it is used as it is.
    ``changes`` (field → value) are written in the same UPDATE as the status (a payment's
    frozen cost breakdown). Side effects (stock, webhooks) are the caller's: this function
    only records the change.
    """
    locked = (
        order
        if row_locked
        else Order.objects.select_for_update(of=("self",), no_key=True).get(pk=order.pk)
    )
    current, current_sub = locked.status, locked.sub_status
    if to == current:
        if current != S.UNSHIPPED or not sub_status or sub_status == current_sub:
            raise InvalidTransition(
                _("order %(code)s is already %(status)s") % {"code": locked.code, "status": current}
            )
        if sub_status not in SUB_TRANSITIONS.get(current_sub, frozenset()):
            raise InvalidTransition(
                _("order %(code)s cannot go from %(from)s to %(to)s")
                % {"code": locked.code, "from": current_sub or "—", "to": sub_status}
            )
        new_sub = sub_status
    else:
        if to not in TRANSITIONS.get(current, frozenset()):
            raise InvalidTransition(
                _("order %(code)s cannot go from %(from)s to %(to)s")
                % {"code": locked.code, "from": current, "to": to}
            )
        if to == S.UNSHIPPED:
            new_sub = sub_status or OrderSubStatus.PENDING
        elif sub_status:
            raise InvalidTransition(_("a sub-status exists only under UNSHIPPED"))
        else:
            new_sub = OrderSubStatus.NONE
    actor, label = _actor_label(actor, actor_label)
    fields = ["status", "sub_status", "updated_at"]
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
        fields.append(name)
    locked.status, locked.sub_status = to, new_sub
    stamp = _STAMP.get(to) if to != current else None
    if stamp:
        setattr(locked, stamp, timezone.now())
        fields.append(stamp)
    locked.save(update_fields=fields)
    OrderEvent.objects.create(
        order=locked,
        from_status=current,
        to_status=to,
        from_sub_status=current_sub,
        to_sub_status=new_sub,
        kind="status",
        note=note[:500],
        actor=actor,
        actor_label=label[:254],
    )
    # Keep the caller's instance in step with the database.
    order.status, order.sub_status = locked.status, locked.sub_status
    if stamp:
        setattr(order, stamp, getattr(locked, stamp))
    order.updated_at = locked.updated_at
    return order


def order_note(
    order: Order, *, kind: str, note: str, actor: Actor = None, actor_label: str = ""
) -> OrderEvent:
    """Record a history row that is not a status change (re-routed, merged, address changed…)."""
    actor, label = _actor_label(actor, actor_label)
    return OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        from_sub_status=order.sub_status,
        to_sub_status=order.sub_status,
        kind=kind[:30],
        note=note[:500],
        actor=actor,
        actor_label=label[:254],
    )


def _lock(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",), no_key=True)
        .select_related("merchant")
        .get(pk=order.pk)
    )


def _sync_instance(target: Order, source: Order) -> Order:
    """Copy the database state read into ``source`` onto the caller's ``target``."""
    if target is not source:
        for f in Order._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))
    return target
