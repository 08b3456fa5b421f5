"""What the carrier's tracking means for the parcel: delivered, exception, returned."""

from django.db import transaction
from django.utils import timezone

from dropyard.logistics.models import Carrier, Tracking

from ..models import Parcel
from .events import (
    TRACKING_TO_PARCEL,
    publish_logistic,
)
from .state import (
    OPEN_STATUSES,
    PARCEL_TRANSITIONS,
    PS,
    lock_parcels,
    sync_orders,
)


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
    is published for every shipped parcel with that number whether or not it moved.
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
        parcel.status = target
        fields = ["status", "updated_at"]
        if target == PS.DELIVERED:
            parcel.delivered_at = timezone.now()
            fields.append("delivered_at")
        parcel.save(update_fields=fields)
        moved.append(parcel)
    if moved:
        sync_orders(moved, actor=None, actor_label="carrier tracking")
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


def tracking_listener(tracking_id: int, old_status: int, new_status: int) -> None:
    """``logistics.tracking_hooks`` listener (registered in ``FulfillmentConfig.ready``): runs
    after the tracking change committed, and follows it on the parcels."""
    tracking = Tracking.objects.select_related("carrier").filter(pk=tracking_id).first()
    if tracking is None:
        return
    parcel_tracking_changed(
        tracking_number=tracking.tracking_number,
        new_status=new_status,
        carrier=tracking.carrier,
        events=tracking_events_payload(tracking),
    )
