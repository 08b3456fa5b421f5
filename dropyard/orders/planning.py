"""Parcel planning writes, called by ``orders.services`` only (routing, payment, cancel, merge).

The warehouse's own writes (pick, pack, ship) live in ``fulfillment.services``. Planning creates
PLANNED parcels, replaces them when an unpaid order is re-routed, marks them READY when the
order is paid and CANCELLED when it is cancelled. Stock reservations are the orders services'
job; a parcel records its ``reservation_reference`` once its lines are reserved. Status changes
go through ``parcel_transitions.parcels_transition`` (one ``ParcelEvent`` per parcel moved).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from dropyard.accounts.actors import Actor
from dropyard.core.db import joins_transaction
from dropyard.core.ids import prefixed_code

from .bulk import fast_insert, new_public_ids
from .choices import ParcelStatus
from .models import Parcel, ParcelLine
from .parcel_transitions import parcels_transition

# Parcels a warehouse has not touched yet: re-planning may replace or cancel them freely.
OPEN_STATUSES = frozenset({ParcelStatus.PLANNED, ParcelStatus.READY})
# Parcels that left the warehouse (or came back): never cancelled by orders.
SHIPPED_STATUSES = frozenset(
    {
        ParcelStatus.SHIPPED,
        ParcelStatus.DELIVERED,
        ParcelStatus.EXCEPTION,
        ParcelStatus.RETURNED,
    }
)


def new_parcel_code(public_id: str = "") -> str:
    """ "P" + the parcel's numeric public id (unique with it). Short enough that
    ``order:<public_id>:<code>`` fits StockMovement.reference (64)."""
    return prefixed_code("P", public_id)


@dataclass
class ParcelSpec:
    """One parcel to create: where from, on which line, and which order lines × quantity."""

    merchant_id: int
    warehouse_id: int
    uses_private_stock: bool
    line_id: int | None
    postage_minor: int
    chargeable_weight_g: int
    actual_weight_g: int
    min_days: int | None
    max_days: int | None
    currency: str = "USD"
    lines: list[tuple[int, int]] = field(default_factory=list)  # (order_line_id, quantity)
    order_ids: list[int] = field(default_factory=list)


def parcels_create(specs: Sequence[ParcelSpec]) -> list[int]:
    """Create PLANNED parcels with their lines and order links; their pks, in spec order.

    A fixed number of statements whatever the number of parcels (multi-row INSERTs, pks read
    back by code), so the order intake batch path stays fast. Caller holds the transaction.
    """
    if not specs:
        return []
    rows = [
        {
            "public_id": public_id,
            "code": new_parcel_code(public_id),
            "merchant_id": spec.merchant_id,
            "warehouse_id": spec.warehouse_id,
            "uses_private_stock": spec.uses_private_stock,
            "line_id": spec.line_id,
            "status": ParcelStatus.PLANNED,
            "currency": spec.currency,
            "postage_minor": spec.postage_minor,
            "chargeable_weight_g": spec.chargeable_weight_g,
            "actual_weight_g": spec.actual_weight_g,
            "min_days": spec.min_days,
            "max_days": spec.max_days,
        }
        for spec, public_id in zip(specs, new_public_ids(len(specs)), strict=True)
    ]
    fast_insert(Parcel, rows)
    codes = [str(row["code"]) for row in rows]
    pks: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        pks.update(
            Parcel.objects.filter(code__in=codes[start : start + 500]).values_list("code", "pk")
        )
    ids = [pks[code] for code in codes]
    fast_insert(
        ParcelLine,
        [
            {"parcel_id": pk, "order_line_id": line_id, "quantity": quantity}
            for pk, spec in zip(ids, specs, strict=True)
            for line_id, quantity in spec.lines
        ],
    )
    fast_insert(
        Parcel.orders.through,
        [
            {"parcel_id": pk, "order_id": order_id}
            for pk, spec in zip(ids, specs, strict=True)
            for order_id in spec.order_ids
        ],
    )
    return ids


def parcels_of(order: Any, *, statuses: Iterable[str] | None = None) -> list[Parcel]:
    """The order's parcels (optionally in ``statuses``), with lines and variants, by pk."""
    parcels = (
        Parcel.objects.filter(orders=order)
        .select_related("warehouse", "line")
        .prefetch_related("lines__order_line__variant")
        .order_by("pk")
    )
    if statuses is not None:
        parcels = parcels.filter(status__in=list(statuses))
    return list(parcels)


@transaction.atomic
def parcels_replace_planned(
    *, order: Any, specs: Sequence[ParcelSpec], actor: Actor = None, actor_label: str = ""
) -> list[int]:
    """Swap the order's open parcels for new PLANNED ones (re-routing before payment).

    Parcels that were never reserved are deleted; reserved ones (the order was UNPAID) are kept
    as CANCELLED for the record — the caller released their stock first. Returns the new
    parcels' pks. Refuses (ValueError)
    when a parcel is past PLANNED: a paid order is never re-planned here.
    """
    return _replace(
        order, specs, replaceable={ParcelStatus.PLANNED}, actor=actor, actor_label=actor_label
    )


@transaction.atomic
def parcels_replace_open(
    *, order: Any, specs: Sequence[ParcelSpec], actor: Actor = None, actor_label: str = ""
) -> list[int]:
    """Swap the order's PLANNED and READY parcels for new PLANNED ones: an operator's change of
    warehouse or line (``orders.services.order_replan``), also after payment as long as the
    warehouse has not started picking. Same rules as ``parcels_replace_planned`` (reserved
    parcels → CANCELLED, the caller released their stock first; unreserved ones deleted);
    refuses (ValueError) when a parcel is past READY. The caller marks the new parcels READY
    when the order is paid."""
    return _replace(order, specs, replaceable=OPEN_STATUSES, actor=actor, actor_label=actor_label)


def _replace(
    order: Any,
    specs: Sequence[ParcelSpec],
    *,
    replaceable: Iterable[str],
    actor: Actor,
    actor_label: str,
) -> list[int]:
    replaceable = frozenset(replaceable)
    current = list(Parcel.objects.select_for_update(of=("self",)).filter(orders=order))
    live = [p for p in current if p.status != ParcelStatus.CANCELLED]
    if any(p.status not in replaceable for p in live):
        names = "/".join(sorted(s.upper() for s in replaceable))
        raise ValueError(f"only {names} parcels can be re-planned")
    reserved = [p for p in live if p.reservation_reference]
    unreserved = [p.pk for p in live if not p.reservation_reference]
    if reserved:
        parcels_transition(
            parcels=reserved,
            to=ParcelStatus.CANCELLED,
            actor=actor,
            actor_label=actor_label,
            note="re-planned",
        )
    if unreserved:
        Parcel.objects.filter(pk__in=unreserved).delete()
    return parcels_create(specs)


def parcels_set_reservation(*, parcel: Parcel, reference: str) -> None:
    """Record that the parcel's lines are reserved under ``reference``."""
    Parcel.objects.filter(pk=parcel.pk).update(
        reservation_reference=reference, updated_at=timezone.now()
    )
    parcel.reservation_reference = reference


@joins_transaction  # no refusal: a read, then parcels_transition
def parcels_mark_ready(
    *,
    order: Any,
    when: datetime | None = None,
    actor: Actor = None,
    actor_label: str = "",
    note: str = "order paid",
) -> int:
    """PLANNED → READY (ready_at stamped) for the order's parcels after payment; the number
    changed. Idempotent: READY or later parcels are left alone."""
    planned = list(
        Parcel.objects.select_for_update(of=("self",))  # not the order link rows it joins
        .filter(orders=order, status=ParcelStatus.PLANNED)
        .order_by("pk")
    )
    parcels_transition(
        parcels=planned,
        to=ParcelStatus.READY,
        actor=actor,
        actor_label=actor_label,
        note=note,
        at=when,
    )
    return len(planned)


def parcels_cancel(*, order: Any, actor: Actor = None, actor_label: str = "") -> list[Parcel]:
    """CANCELLED for every parcel of the order not yet shipped; returns the parcels changed
    (with their old status still readable from ``_old_status``). Refuses (ValueError) when a
    parcel already shipped."""
    parcels = list(
        Parcel.objects.select_for_update(of=("self",)).filter(orders=order).order_by("pk")
    )
    if any(p.status in SHIPPED_STATUSES for p in parcels):
        raise ValueError("a parcel of this order has shipped")
    changed = [p for p in parcels if p.status != ParcelStatus.CANCELLED]
    for parcel in changed:
        parcel._old_status = parcel.status  # type: ignore[attr-defined]
    return parcels_transition(
        parcels=changed,
        to=ParcelStatus.CANCELLED,
        actor=actor,
        actor_label=actor_label,
        note="order cancelled",
    )


def parcels_delete(*, order: Any) -> int:
    """Delete the order's parcels (only PLANNED/CANCELLED ones may exist: order deletion)."""
    parcels = Parcel.objects.filter(orders=order)
    if parcels.exclude(status__in=[ParcelStatus.PLANNED, ParcelStatus.CANCELLED]).exists():
        raise ValueError("only planned parcels can be deleted")
    count, _ = parcels.delete()
    return count
