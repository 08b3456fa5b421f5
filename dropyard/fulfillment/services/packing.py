"""Pack a picked parcel: weigh it against the catalog's weights (photos: ``photos``)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.accounts.models import User
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel

from ..exceptions import WeightImplausible
from .state import PS, check_move, lock_parcels, parcel_transition, refuse_held, sync_orders

# Packing: a measured weight further than this fraction from the weight computed from the
# variants (e.g. 1 kg computed, 400 g or 1.6 kg measured) is probably a wrong item or a typo, so
# the operator must confirm it after re-weighing. Above MAX_PARCEL_WEIGHT_G no line takes it.
WEIGHT_TOLERANCE = 0.5
MAX_PARCEL_WEIGHT_G = 70_000


def parcel_computed_weight_g(parcel: Parcel) -> int:
    """Grams the parcel's contents weigh according to the catalog (variant weight × quantity)."""
    lines = parcel.lines.select_related("order_line__variant")
    return sum(line.order_line.variant.weight_g * line.quantity for line in lines)


def _check_weight(parcel: Parcel, measured_weight_g: Any, *, confirm_weight: bool) -> int:
    if (
        not isinstance(measured_weight_g, int)
        or isinstance(measured_weight_g, bool)
        or measured_weight_g <= 0
    ):
        raise ParcelRefused(_("the measured weight must be a positive number of grams"))
    if measured_weight_g > MAX_PARCEL_WEIGHT_G:
        raise ParcelRefused(
            _("%(measured)s g is over the %(limit)s g limit of a parcel")
            % {"measured": measured_weight_g, "limit": MAX_PARCEL_WEIGHT_G}
        )
    computed = parcel_computed_weight_g(parcel)
    if computed and not confirm_weight:
        deviation = abs(measured_weight_g - computed) / computed
        if deviation > WEIGHT_TOLERANCE:
            raise WeightImplausible(
                _(
                    "measured %(measured)s g but the contents should weigh about %(computed)s g "
                    "(more than %(percent)s%% off); check the contents and re-weigh, then "
                    "confirm the weight"
                )
                % {
                    "measured": measured_weight_g,
                    "computed": computed,
                    "percent": int(WEIGHT_TOLERANCE * 100),
                },
                extra={"computed_weight_g": computed},
            )
    return measured_weight_g


@transaction.atomic
def parcel_pack(
    *,
    parcel: Parcel,
    measured_weight_g: int,
    actor: User | None,
    confirm_weight: bool = False,
) -> Parcel:
    """PICKING → PACKED with the weight measured on the scale (PARCEL_PACKED audited).

    Refused unless PICKING, while an order of the parcel is on hold (``OrderOnHold``: a hold
    put after picking still stops the parcel here), and without a photo when the warehouse
    requires one (``Warehouse.parcel_photos_required``, ``photos.parcel_photo_add``); the
    weight must be a
    positive integer of grams, at most ``MAX_PARCEL_WEIGHT_G``, and within
    ``WEIGHT_TOLERANCE`` of the computed weight unless ``confirm_weight``
    (``WeightImplausible`` otherwise).
    """
    (locked,) = lock_parcels([parcel])
    check_move(locked, PS.PACKED)
    refuse_held([locked], before="packing")
    if locked.warehouse.parcel_photos_required and not locked.photos.exists():
        raise ParcelRefused(
            _("%(warehouse)s requires a photo of the parcel before it is packed: take one first")
            % {"warehouse": locked.warehouse.code}
        )
    weight = _check_weight(locked, measured_weight_g, confirm_weight=confirm_weight)
    locked.measured_weight_g = weight
    locked.packed_by = actor if actor is not None and actor.is_authenticated else None
    parcel_transition(
        parcel=locked, to=PS.PACKED, actor=actor, also_save=["measured_weight_g", "packed_by"]
    )
    audit_record(
        action=AuditAction.PARCEL_PACKED,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        details={
            "measured_weight_g": weight,
            "computed_weight_g": parcel_computed_weight_g(locked),
            "weight_confirmed": bool(confirm_weight),
        },
    )
    sync_orders([locked], actor=actor)
    return locked
