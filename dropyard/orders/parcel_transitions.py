"""The one door for parcel status: ``parcel_transition`` (and ``parcels_transition`` for a batch).

These two functions are the only code that assigns ``Parcel.status`` (a test walks the source
tree to keep it so). Each change is checked against ``PARCEL_TRANSITIONS`` and writes one
``ParcelEvent`` (from, to, who, note) in the caller's transaction. Like
``orders.services.order_transition`` they only record the change: the warehouse steps, planning
and tracking own the side effects (stock, orders re-derived, audit, webhooks).

It lives in ``orders``, with the parcel models, below both ``orders.planning`` (called by the
orders services) and ``fulfillment.services`` (the warehouse steps, above orders), so both reach
it without a cycle.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import User
from dropyard.core.db import joins_transaction

from .choices import ParcelStatus
from .exceptions import ParcelRefused
from .models import Parcel, ParcelEvent

PS = ParcelStatus
# The warehouse steps and the carrier's outcomes. CANCELLED is reached only through the orders
# app's cancellation and re-planning (before SHIPPED) and a cancelled remainder; PLANNED → READY
# belongs to ``planning`` (payment).
PARCEL_TRANSITIONS: dict[str, frozenset[str]] = {
    PS.PLANNED: frozenset({PS.READY, PS.CANCELLED}),
    PS.READY: frozenset({PS.PICKING, PS.CANCELLED}),
    PS.PICKING: frozenset({PS.PACKED, PS.CANCELLED}),
    PS.PACKED: frozenset({PS.SHIPPED, PS.CANCELLED}),
    PS.SHIPPED: frozenset({PS.DELIVERED, PS.EXCEPTION, PS.RETURNED}),
    PS.EXCEPTION: frozenset({PS.SHIPPED, PS.DELIVERED, PS.RETURNED}),
    PS.DELIVERED: frozenset({PS.RETURNED}),
    PS.RETURNED: frozenset(),
    PS.CANCELLED: frozenset(),
}
# The timestamp stamped the first time a parcel enters a status (a parcel back in transit after
# an exception keeps the time it first shipped).
_STAMP: dict[str, str] = {
    PS.READY: "ready_at",
    PS.PACKED: "packed_at",
    PS.SHIPPED: "shipped_at",
    PS.DELIVERED: "delivered_at",
}


def check_move(parcel: Parcel, to: str) -> None:
    """Refuse (``ParcelRefused``) a move ``PARCEL_TRANSITIONS`` does not allow."""
    if to not in PARCEL_TRANSITIONS.get(parcel.status, frozenset()):
        raise ParcelRefused(
            _("parcel %(code)s is %(status)s and cannot go to %(to)s")
            % {
                "code": parcel.code,
                "status": parcel.get_status_display().lower(),
                "to": PS(to).label.lower(),
            }
        )


def _who(actor: Actor, actor_label: str) -> tuple[User | None, str]:
    """The user to store (a logged-in one only) and the label: the user's email, else the
    caller's label, else "system" (an API token or a background task)."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor, (actor_label or actor.email)[:254]
    return None, (actor_label or "system")[:254]


@joins_transaction  # refusals (check_move) come before any write
def parcel_transition(
    *,
    parcel: Parcel,
    to: str,
    actor: Actor,
    actor_label: str = "",
    note: str = "",
    at: datetime | None = None,
    also_save: Sequence[str] = (),
) -> Parcel:
    """Move ``parcel`` to status ``to`` and write its ``ParcelEvent``; returns ``parcel``.

    ``parcel`` is the caller's row, locked and re-read (``fulfillment``'s ``lock_parcels``, or
    planning's ``select_for_update``), so its status is the current one. A move
    ``PARCEL_TRANSITIONS`` does not allow raises ``ParcelRefused`` with nothing written. Entering
    READY, PACKED, SHIPPED or DELIVERED stamps ``ready_at`` / ``packed_at`` / ``shipped_at`` /
    ``delivered_at`` (``at``, default now) unless already set. ``also_save`` names other fields
    the caller set on the instance for the same step (carrier, tracking number, weight…): they
    are saved in the same UPDATE.
    """
    check_move(parcel, to)
    current = parcel.status
    fields = ["status", "updated_at", *also_save]
    stamp = _STAMP.get(to)
    if stamp and getattr(parcel, stamp) is None:
        setattr(parcel, stamp, at or timezone.now())
        fields.append(stamp)
    parcel.status = to
    parcel.save(update_fields=list(dict.fromkeys(fields)))
    user, label = _who(actor, actor_label)
    ParcelEvent.objects.create(
        parcel=parcel,
        from_status=current,
        to_status=to,
        actor=user,
        actor_label=label,
        note=note[:500],
    )
    return parcel


@joins_transaction  # refusals (check_move) come before any write
def parcels_transition(
    *,
    parcels: Iterable[Parcel],
    to: str,
    actor: Actor,
    actor_label: str = "",
    note: str = "",
    at: datetime | None = None,
) -> list[Parcel]:
    """``parcel_transition`` for a batch, in a fixed number of statements (one UPDATE, one
    multi-row INSERT of events); returns the parcels, moved.

    All or nothing: every move is checked first, and one the table does not allow refuses the
    whole batch (``ParcelRefused``) with nothing written. The rows must be locked and re-read
    by the caller, as for ``parcel_transition``. The instances are updated in place.
    """
    parcels = list(parcels)
    if not parcels:
        return []
    for parcel in parcels:
        check_move(parcel, to)
    now = timezone.now()
    changes: dict = {"status": to, "updated_at": now}
    stamp = _STAMP.get(to)
    when = at or now
    if stamp:
        changes[stamp] = Coalesce(F(stamp), Value(when, output_field=DateTimeField()))
    Parcel.objects.filter(pk__in=[p.pk for p in parcels]).update(**changes)
    user, label = _who(actor, actor_label)
    ParcelEvent.objects.bulk_create(
        [
            ParcelEvent(
                parcel=parcel,
                from_status=parcel.status,
                to_status=to,
                actor=user,
                actor_label=label,
                note=note[:500],
            )
            for parcel in parcels
        ]
    )
    for parcel in parcels:
        parcel.status = to
        parcel.updated_at = now
        if stamp and getattr(parcel, stamp) is None:
            setattr(parcel, stamp, when)
    return parcels
