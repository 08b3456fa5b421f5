"""Warehouse work on parcels: pick, pack, ship (also partially), and tracking outcomes.

One module per step: ``state`` (row locks, order sync), ``picking``, ``packing`` (with
``photos`` of the parcel), ``shipping``,
``events`` (the LOGISTIC webhook), ``tracking`` (the carrier's outcomes, applied from logistics'
pending ``TrackingStatusChange`` rows by a retried task), ``cancellation`` (the remainder of a
partial shipment) and ``sandbox``. The public names are re-exported here, so callers write
``fulfillment.services.parcel_ship``.

Parcel status moves only through ``orders.parcel_transitions.parcel_transition`` (the one door,
re-exported here; ``orders.planning`` uses its batch twin for PLANNED → READY and
cancellations), along ``PARCEL_TRANSITIONS``, and each change writes a ``ParcelEvent``. The
parcel models live in ``orders`` (the order's shipping plan); this app does the warehouse's work
on them. Every service locks the parcel rows it changes (``select_for_update``), re-checks their
status under the lock, and refuses with ``ParcelRefused`` having changed nothing. After every
parcel status change the orders of the parcel are re-derived with
``orders.services.order_sync_from_parcels`` in the same transaction.

Stock: a parcel's lines are reserved in its warehouse under ``parcel.reservation_reference``
(private stock of ``parcel.merchant`` when ``uses_private_stock``). Shipping consumes the
shipped quantities (``stock_ship``) under that reference. A partial shipment moves the missing
quantities to a new READY remainder parcel with its own reference: released from the old
reference and reserved again under the new one in the same transaction, so every reference
balances (reserve = ship + release) and the stock row's ``reserved`` is unchanged by the move.
"""

from .cancellation import RemainderCancel, parcel_remainder_cancel
from .packing import MAX_PARCEL_WEIGHT_G, WEIGHT_TOLERANCE, parcel_computed_weight_g, parcel_pack
from .photos import PHOTO_STATUSES, parcel_photo_add
from .picking import PickRow, parcel_start_picking, pick_list
from .sandbox import sandbox_ship
from .shipping import Shipment, parcel_ship
from .state import OPEN_STATUSES, PARCEL_TRANSITIONS, parcel_transition, parcels_transition
from .tracking import (
    TrackingFollowIncomplete,
    parcel_tracking_changed,
    tracking_change_apply,
    tracking_changes_follow,
    tracking_changes_follow_now,
    tracking_changes_follow_soon,
    tracking_events_payload,
)

__all__ = [
    "MAX_PARCEL_WEIGHT_G",
    "OPEN_STATUSES",
    "PHOTO_STATUSES",
    "PARCEL_TRANSITIONS",
    "WEIGHT_TOLERANCE",
    "PickRow",
    "RemainderCancel",
    "Shipment",
    "TrackingFollowIncomplete",
    "parcel_computed_weight_g",
    "parcel_pack",
    "parcel_photo_add",
    "parcel_remainder_cancel",
    "parcel_ship",
    "parcel_start_picking",
    "parcel_tracking_changed",
    "parcel_transition",
    "parcels_transition",
    "pick_list",
    "sandbox_ship",
    "tracking_change_apply",
    "tracking_changes_follow",
    "tracking_changes_follow_now",
    "tracking_changes_follow_soon",
    "tracking_events_payload",
]
