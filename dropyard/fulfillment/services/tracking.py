"""What the carrier's tracking means for the parcel: delivered, exception, returned.

Logistics records every tracking status change as a pending ``TrackingStatusChange`` row (an
outbox, written with the change); ``tracking_changes_follow`` applies them here, idempotently
on the row, from a retried task rather than a listener.
"""

import logging
from collections.abc import Iterable

from django.db import transaction

from dropyard.core.enqueue import on_commit_enqueue
from dropyard.core.text import counted
from dropyard.logistics import selectors as logistics_selectors
from dropyard.logistics import services as logistics_services
from dropyard.logistics.models import Carrier, Tracking
from dropyard.orders.models import Parcel

from .events import (
    TRACKING_TO_PARCEL,
    publish_logistic,
    store_parcel_followers_notify,
)
from .state import (
    OPEN_STATUSES,
    PARCEL_TRANSITIONS,
    PS,
    lock_parcels,
    parcel_transition,
    sync_orders,
)

logger = logging.getLogger(__name__)
# The task that applies pending changes (resolved at commit time: services never import tasks).
FOLLOW_TASK = "dropyard.fulfillment.tasks.tracking_changes_follow"
FOLLOW_BATCH = 500  # changes per run; the periodic job takes the rest


def _parcel_status_for(tracking_status: int, current: str) -> str | None:
    """The parcel status a tracking status implies (None: no change)."""
    target = TRACKING_TO_PARCEL.get(tracking_status)
    if target is None and current == PS.EXCEPTION and 1 <= tracking_status <= 11:
        target = PS.SHIPPED  # the carrier resolved the problem; the parcel moves on again
    if target is None or target == current:
        return None
    return target if target in PARCEL_TRANSITIONS.get(current, frozenset()) else None


@transaction.atomic
def parcel_tracking_changed(
    *,
    tracking_number: str,
    new_status: int,
    carrier: Carrier | None = None,
    events: list[dict] | None = None,
) -> list[Parcel]:
    """Follow a tracking status change on the parcels shipped with ``tracking_number``.

    12 → DELIVERED, 13 → EXCEPTION, 14 → RETURNED, back in transit (1–11) after an exception →
    SHIPPED; moves the transition table does not allow are ignored (a late event never takes a
    delivered parcel back). Orders are re-derived for parcels that moved, and a LOGISTIC message
    is published for every shipped parcel with that number whether or not it moved. A store
    order's parcel that became DELIVERED enqueues ``DROPYARD_STORE_PARCEL_TASKS`` after the
    commit (the store is told).
    """
    rows = Parcel.objects.filter(tracking_number=tracking_number).exclude(
        status__in=[*OPEN_STATUSES, PS.PLANNED, PS.CANCELLED]
    )
    if carrier is not None:
        rows = rows.filter(carrier=carrier)
    parcels = lock_parcels(rows) if rows.exists() else []
    moved = []
    for parcel in parcels:
        target = _parcel_status_for(new_status, parcel.status)
        if target is None:
            continue
        parcel_transition(
            parcel=parcel,
            to=target,
            actor=None,
            actor_label="carrier tracking",
            note=f"tracking {tracking_number}: status {new_status}",
        )
        moved.append(parcel)
    if moved:
        sync_orders(moved, actor=None, actor_label="carrier tracking")
        store_parcel_followers_notify(p for p in moved if p.status == PS.DELIVERED)
    for parcel in parcels:
        publish_logistic(parcel, tracking_status=new_status, events=events or [])
    return moved


def tracking_events_payload(tracking: Tracking) -> list[dict]:
    """The tracking's events as the LOGISTIC message's ``logisticsTrackEvents`` rows."""
    rows = []
    for event in tracking.events.order_by("event_time", "pk"):
        location = ", ".join(part for part in (event.location_city, event.location_country) if part)
        when = event.event_time.strftime("%Y-%m-%d %H:%M:%S")
        rows.append(
            {
                "status": event.status,
                "activity": event.activity,
                "location": location,
                "eventTime": when,
                "statusDesc": event.get_status_display(),
                "thirdActivity": event.activity,
                "thirdLocation": location,
                "thirdEventTime": when,
            }
        )
    return rows


class TrackingFollowIncomplete(RuntimeError):
    """Some tracking changes failed to apply; they stay pending and the next run retries them."""


@transaction.atomic
def tracking_change_apply(*, change_id: int) -> bool:
    """Apply one pending tracking status change to its parcels and orders; False when it was
    applied already (or is gone), so a replay changes nothing.

    In one transaction: the change row is locked (``tracking_change_claim``), the parcels
    shipped with the tracking follow it (``parcel_tracking_changed``: parcel events, orders
    re-derived, LOGISTIC messages) and the change is marked applied. A failure rolls all of it
    back: the change stays pending.
    """
    change = logistics_services.tracking_change_claim(change_id=change_id)
    if change is None:
        return False
    tracking = change.tracking
    parcel_tracking_changed(
        tracking_number=tracking.tracking_number,
        new_status=change.new_status,
        carrier=tracking.carrier,
        events=tracking_events_payload(tracking),
    )
    logistics_services.tracking_change_mark_applied(change=change)
    return True


def tracking_changes_follow_now(*, tracking_ids: Iterable[int]) -> int:
    """Apply the pending changes of these trackings now, oldest first, each in its own
    transaction (after the caller's commit); return how many were applied.

    For a caller that answers only once the parcels and orders follow (sandbox
    ``updateStatus`` 600). A change that fails is logged and stays pending, with the later
    changes of its tracking: the follow task (enqueued by ``tracking_changes_follow_soon``)
    and the periodic job retry them, so nothing is lost.
    """
    applied = 0
    blocked: set[int] = set()
    for change_id, tracking_id in logistics_selectors.tracking_changes_pending(
        limit=FOLLOW_BATCH, tracking_ids=tracking_ids
    ):
        if tracking_id in blocked:
            continue
        try:
            applied += tracking_change_apply(change_id=change_id)
        except Exception:  # left pending: the follow task retries it
            logger.exception("Tracking change %s failed; it stays pending", change_id)
            blocked.add(tracking_id)
    return applied


def tracking_changes_follow(*, limit: int = FOLLOW_BATCH) -> int:
    """Apply pending tracking status changes oldest first, each in its own transaction; return
    how many were applied.

    Run by the ``tracking_changes_follow`` task: after the commit of a caller that recorded
    tracking events (``tracking_changes_follow_soon``) and periodically
    (``DROPYARD_PERIODIC_JOBS``), which retries whatever failed. A change that fails is logged
    and left pending, and the later changes of the same tracking wait for it (a parcel follows
    its tracking in order); the others go on. Then ``TrackingFollowIncomplete`` is raised, so
    the task run is recorded as failed.
    """
    applied = 0
    failed: list[int] = []
    blocked: set[int] = set()
    for change_id, tracking_id in logistics_selectors.tracking_changes_pending(limit=limit):
        if tracking_id in blocked:
            continue
        try:
            applied += tracking_change_apply(change_id=change_id)
        except Exception:  # any failure leaves the change pending for the next run
            logger.exception("Tracking change %s failed; it stays pending", change_id)
            failed.append(change_id)
            blocked.add(tracking_id)
    if failed:
        raise TrackingFollowIncomplete(
            f"{counted(len(failed), 'tracking change')} "
            f"{'stays' if len(failed) == 1 else 'stay'} pending: {', '.join(map(str, failed))}"
        )
    return applied


def tracking_changes_follow_soon() -> None:
    """Run the ``tracking_changes_follow`` task once the current transaction commits (callers
    that record tracking events; the periodic job picks up anything else)."""
    on_commit_enqueue(FOLLOW_TASK)
