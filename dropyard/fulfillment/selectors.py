"""Fulfillment reads for the warehouse back office: the work queue, a parcel and its history.

These are operator reads (warehouse staff see every merchant's parcels in their warehouse);
merchant-facing parcel reads go through the orders selectors, scoped by merchant.
"""

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dropyard.core.models import AuditEvent
from dropyard.inventory.models import Warehouse
from dropyard.logistics.models import Carrier, ShippingLine, Tracking
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.models import Order, OrderEvent, Parcel, ParcelLine

from .exceptions import ParcelNotFound

PS = ParcelStatus
QUEUE_STATUSES = (PS.READY, PS.PICKING, PS.PACKED)
# Queue tabs: the three warehouse steps, and what left the warehouse today.
SHIPPED_TODAY = "shipped_today"
QUEUE_TABS = (
    (PS.READY, gettext_lazy("Ready")),
    (PS.PICKING, gettext_lazy("Picking")),
    (PS.PACKED, gettext_lazy("Packed")),
    (SHIPPED_TODAY, gettext_lazy("Shipped today")),
)


def _start_of_today() -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate(), time.min), timezone.get_current_timezone()
    )


@dataclass
class WarehouseQueue:
    """A warehouse with the number of parcels at each step (for the warehouse picker and the
    warehouse home), and since when the oldest parcel of each step has been ready (paid and
    waiting for the warehouse): the age the customer feels."""

    warehouse: Warehouse
    ready: int
    picking: int
    packed: int
    oldest_ready: datetime | None = None
    oldest_picking: datetime | None = None
    oldest_packed: datetime | None = None

    @property
    def open(self) -> int:
        return self.ready + self.picking + self.packed


def warehouse_queue_rows(*, search: str = "", country: str = "") -> QuerySet[Warehouse]:
    """Active warehouses (and inactive ones that still have open parcels), by country and
    code, annotated with ``n_<status>`` (parcels at each queue step) and ``oldest_<status>``
    (the oldest ``ready_at`` of each step) in one query. ``search`` matches part of the code,
    name or city; ``country`` is an exact ISO code."""
    counts = {
        f"n_{status}": Count("parcels", filter=Q(parcels__status=status))
        for status in QUEUE_STATUSES
    }
    oldest = {
        f"oldest_{status}": Min("parcels__ready_at", filter=Q(parcels__status=status))
        for status in QUEUE_STATUSES
    }
    # Held orders' parcels are not in the ready queue (parcel_queue), so not in its count.
    not_held = ~Q(parcels__pk__in=_held_parcels())
    counts[f"n_{PS.READY}"] = Count("parcels", filter=Q(parcels__status=PS.READY) & not_held)
    oldest[f"oldest_{PS.READY}"] = Min(
        "parcels__ready_at", filter=Q(parcels__status=PS.READY) & not_held
    )
    rows = Warehouse.objects.all()
    if search:
        rows = rows.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(city__icontains=search)
        )
    if country:
        rows = rows.filter(country=country)
    return (
        rows.annotate(**counts, **oldest)
        .filter(Q(is_active=True) | Q(n_ready__gt=0) | Q(n_picking__gt=0) | Q(n_packed__gt=0))
        .order_by("country", "code")
    )


def warehouse_queue_list() -> list[WarehouseQueue]:
    """``warehouse_queue_rows`` as ``WarehouseQueue`` rows (for the warehouse home)."""
    # The annotations are not on the model class (django-stubs cannot see them).
    return [
        WarehouseQueue(
            warehouse=row,
            ready=row.n_ready,  # type: ignore[attr-defined]
            picking=row.n_picking,  # type: ignore[attr-defined]
            packed=row.n_packed,  # type: ignore[attr-defined]
            oldest_ready=row.oldest_ready,  # type: ignore[attr-defined]
            oldest_picking=row.oldest_picking,  # type: ignore[attr-defined]
            oldest_packed=row.oldest_packed,  # type: ignore[attr-defined]
        )
        for row in warehouse_queue_rows()
    ]


def _with_lines(qs: QuerySet[Parcel]) -> QuerySet[Parcel]:
    lines = (
        ParcelLine.objects.select_related(
            "order_line__variant__product", "order_line__variant__image", "order_line__order"
        )
        .prefetch_related("order_line__variant__product__images")  # pictures on the slip
        .order_by("order_line__variant__sku", "pk")
    )
    qs = qs.annotate(units=Sum("lines__quantity"))
    return qs.select_related("warehouse", "line__carrier", "carrier", "merchant").prefetch_related(
        Prefetch("lines", queryset=lines), Prefetch("orders", queryset=Order.objects.order_by("pk"))
    )


def parcel_queue(
    *,
    warehouse: Warehouse,
    status: str = PS.READY,
    line_id: int | None = None,
    country: str = "",
    search: str = "",
) -> QuerySet[Parcel]:
    """The parcels of one warehouse at one step, oldest ``ready_at`` first.

    ``status`` is READY (without the parcels of orders on hold), PICKING, PACKED or
    ``SHIPPED_TODAY`` (shipped since midnight, newest first). ``country`` filters the
    destination (ISO-2); ``search`` matches a parcel code, an order code or the merchant's
    order number (exact, case-insensitive) or the start of one.
    """
    qs = Parcel.objects.filter(warehouse=warehouse)
    if status == SHIPPED_TODAY:
        qs = qs.filter(shipped_at__gte=_start_of_today()).order_by("-shipped_at", "-pk")
    else:
        qs = qs.filter(status=status).order_by("ready_at", "pk")
        if status == PS.READY:
            # Held orders wait out of the queue until an operator releases them.
            qs = qs.exclude(pk__in=_held_parcels())
    if line_id:
        qs = qs.filter(line_id=line_id)
    if country:
        qs = qs.filter(orders__shipping_country_code=country.upper())
    search = (search or "").strip()
    if search:
        matching_orders = Order.objects.filter(
            Q(code__istartswith=search) | Q(order_number__istartswith=search)
        ).values("pk")
        qs = qs.filter(Q(code__istartswith=search) | Q(orders__in=matching_orders))
    if country or search:
        # The order joins can repeat a parcel; a pk subquery keeps the ordering simple.
        qs = Parcel.objects.filter(pk__in=qs.values("pk")).order_by(*qs.query.order_by)
    return _with_lines(qs)


def _held_parcels() -> QuerySet[Parcel, Any]:
    """The pks of parcels whose order is on hold (a subquery: no join repeats a parcel)."""
    return Parcel.objects.filter(orders__on_hold=True).values("pk")


def parcel_queue_counts(*, warehouse: Warehouse) -> dict[str, int]:
    """Parcels per queue tab of ``warehouse`` (keys: the statuses and ``SHIPPED_TODAY``); READY
    leaves out held orders' parcels, as ``parcel_queue`` does."""
    held = ~Q(pk__in=_held_parcels())
    row = Parcel.objects.filter(warehouse=warehouse).aggregate(
        **{
            status: Count("pk", filter=Q(status=status) & (held if status == PS.READY else Q()))
            for status in QUEUE_STATUSES
        },
        **{SHIPPED_TODAY: Count("pk", filter=Q(shipped_at__gte=_start_of_today()))},
    )
    return {key: row[key] or 0 for key in [*QUEUE_STATUSES, SHIPPED_TODAY]}


def parcel_queue_lines(*, warehouse: Warehouse) -> QuerySet[ShippingLine]:
    """Shipping lines used by the warehouse's open parcels (for the line filter)."""
    return ShippingLine.objects.filter(
        pk__in=Parcel.objects.filter(warehouse=warehouse, status__in=QUEUE_STATUSES).values(
            "line_id"
        )
    ).order_by("name")


def parcel_get(*, public_id: str, warehouse: Warehouse | None = None) -> Parcel:
    """One parcel with its lines, variants, orders and carrier; ``ParcelNotFound`` otherwise.

    With ``warehouse``, a parcel of another warehouse is not found either.
    """
    qs = Parcel.objects.filter(public_id=public_id)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    parcel = _with_lines(qs).first()
    if parcel is None:
        raise ParcelNotFound(gettext("no such parcel"))
    return parcel


def parcels_get_many(*, warehouse: Warehouse, public_ids: list[str]) -> list[Parcel]:
    """The parcels of ``warehouse`` among ``public_ids`` (others are left out), oldest first."""
    qs = Parcel.objects.filter(warehouse=warehouse, public_id__in=public_ids)
    return list(_with_lines(qs.order_by("ready_at", "pk")))


def parcel_carriers(*, parcel: Parcel) -> list[Carrier]:
    """Carriers a parcel may ship with: the warehouse's carriers and its line's carrier."""
    carriers = {c.pk: c for c in parcel.warehouse.carriers.all()}
    line = parcel.line if parcel.line_id else None
    if line is not None:
        carriers.setdefault(line.carrier_id, line.carrier)
    return sorted(carriers.values(), key=lambda c: c.name)


def parcel_tracking(*, parcel: Parcel) -> Tracking | None:
    """The tracking registered for the parcel's carrier and number (None before shipping)."""
    if not parcel.tracking_number or parcel.carrier_id is None:
        return None
    return Tracking.objects.filter(
        carrier_id=parcel.carrier_id, tracking_number=parcel.tracking_number
    ).first()


@dataclass
class HistoryRow:
    """One line of a parcel's history: a warehouse step (audit) or an order status change."""

    when: datetime
    what: str
    who: str
    note: str = ""


# The audit label of a parcel, and the one rows written before the model moved from the
# fulfillment app to orders carry (the audit log is append-only: old rows keep their label).
PARCEL_AUDIT_TYPES = (Parcel._meta.label, "fulfillment.Parcel")


def parcel_history(*, parcel: Parcel) -> list[HistoryRow]:
    """The parcel's packed/shipped audit rows, its split, and its orders' status events."""
    rows = [
        HistoryRow(
            when=event.created_at,
            what=event.get_action_display(),
            who=event.actor_label or "system",
            note=_audit_note(event.details),
        )
        for event in AuditEvent.objects.filter(
            target_type__in=PARCEL_AUDIT_TYPES, target_id=str(parcel.pk)
        )
    ]
    split_from = parcel.split_from if parcel.split_from_id else None
    if split_from is not None:
        rows.append(
            HistoryRow(
                when=parcel.created_at,
                what="Split off",
                who="system",
                note=f"remainder of {split_from.code}",
            )
        )
    events = OrderEvent.objects.filter(order__parcels=parcel).select_related("order")
    for event in events:
        change = (
            f"{event.from_status or '—'} → {event.to_status}"
            if event.from_status != event.to_status
            else f"{event.from_sub_status or '—'} → {event.to_sub_status or '—'}"
        )
        if event.kind != "status":
            change = event.kind
        rows.append(
            HistoryRow(
                when=event.created_at,
                what=f"Order {event.order.code}: {change}",
                who=event.actor_label or "system",
                note=event.note,
            )
        )
    return sorted(rows, key=lambda row: row.when)


def _audit_note(details: dict) -> str:
    parts = []
    if "measured_weight_g" in details:
        parts.append(f"{details['measured_weight_g']} g")
    if details.get("tracking_number"):
        parts.append(f"{details.get('carrier', '')} {details['tracking_number']}".strip())
    for short in details.get("short") or []:
        parts.append(f"{short['sku']}: {short['shipped']} of {short['planned']}")
    if details.get("remainder"):
        parts.append(f"remainder {details['remainder']}")
    return "; ".join(parts)


def parcel_open_count() -> int:
    """Parcels waiting for warehouse work (ready, picking or packed) in every warehouse: the
    back office's badge on the warehouse work link: one COUNT on the partial index of open
    parcels (``parcel_open_status_idx``; its condition is these statuses, keep them equal)."""
    return Parcel.objects.filter(status__in=QUEUE_STATUSES).count()
