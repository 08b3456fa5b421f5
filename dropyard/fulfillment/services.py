"""Warehouse work on parcels: pick, pack, ship (also partially), and tracking outcomes.

Parcel status moves only through this module (and ``planning`` for PLANNED → READY), along
``PARCEL_TRANSITIONS``. Every service locks the parcel rows it changes (``select_for_update``),
re-checks their status under the lock, and refuses with ``ParcelRefused`` having changed nothing.
After every parcel status change the orders of the parcel are re-derived with
``orders.services.order_sync_from_parcels`` in the same transaction.

Stock: a parcel's lines are reserved in its warehouse under ``parcel.reservation_reference``
(private stock of ``parcel.merchant`` when ``uses_private_stock``). Shipping consumes the
shipped quantities (``stock_ship``) under that reference. A partial shipment moves the missing
quantities to a new READY remainder parcel with its own reference: released from the old
reference and reserved again under the new one in the same transaction, so every reference
balances (reserve = ship + release) and the stock row's ``reserved`` is unchanged by the move.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dropyard.accounts.models import User
from dropyard.catalog.models import Variant
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.inventory import services as inventory_services
from dropyard.inventory.selectors import open_reservations
from dropyard.logistics import carriers as carrier_adapters
from dropyard.logistics import services as logistics_services
from dropyard.logistics.models import Carrier, Tracking
from dropyard.logistics.tracking import tracking_number_clean
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, OrderType
from dropyard.orders.models import Order
from dropyard.webhooks import services as webhook_services

from . import planning
from .choices import ParcelStatus
from .exceptions import ParcelNotFound, ParcelRefused, WeightImplausible
from .models import Parcel, ParcelLine

PS = ParcelStatus
# The warehouse steps and the carrier's outcomes. CANCELLED is reached only through the orders
# app's cancellation (before SHIPPED); PLANNED → READY belongs to ``planning``.
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
# Parcels in the warehouse's hands (the work queue).
OPEN_STATUSES = (PS.READY, PS.PICKING, PS.PACKED)

# Packing: a measured weight further than this fraction from the weight computed from the
# variants (e.g. 1 kg computed, 400 g or 1.6 kg measured) is probably a wrong item or a typo, so
# the operator must confirm it after re-weighing. Above MAX_PARCEL_WEIGHT_G no line takes it.
WEIGHT_TOLERANCE = 0.5
MAX_PARCEL_WEIGHT_G = 70_000

# Contract §5 logistics trackingStatus values the parcel follows.
TRACKING_OUTBOUND = 1
TRACKING_DELIVERED = 12
TRACKING_EXCEPTION = 13
TRACKING_RETURNED = 14
_TRACKING_TO_PARCEL = {
    TRACKING_DELIVERED: PS.DELIVERED,
    TRACKING_EXCEPTION: PS.EXCEPTION,
    TRACKING_RETURNED: PS.RETURNED,
}


# --- Helpers ------------------------------------------------------------------------------------


def _lock(parcels: Iterable[Parcel]) -> list[Parcel]:
    """The parcels' rows locked and re-read, in primary-key order (no deadlock between batches)."""
    pks = sorted({parcel.pk for parcel in parcels})
    locked = list(Parcel.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if len(locked) != len(pks):
        raise ParcelNotFound("a parcel no longer exists")
    return locked


def _check_move(parcel: Parcel, to: str) -> None:
    if to not in PARCEL_TRANSITIONS.get(parcel.status, frozenset()):
        raise ParcelRefused(
            f"parcel {parcel.code} is {parcel.get_status_display().lower()} and cannot go to "
            f"{PS(to).label.lower()}"
        )


def _sync_orders(parcels: Iterable[Parcel], *, actor: User | None, actor_label: str = "") -> None:
    """Re-derive the status of every order of ``parcels`` (once each, by primary key)."""
    orders = Order.objects.filter(parcels__in=[p.pk for p in parcels]).distinct().order_by("pk")
    for order in orders:
        order_services.order_sync_from_parcels(order=order, actor=actor, actor_label=actor_label)


def parcel_computed_weight_g(parcel: Parcel) -> int:
    """Grams the parcel's contents weigh according to the catalog (variant weight × quantity)."""
    lines = parcel.lines.select_related("order_line__variant")
    return sum(line.order_line.variant.weight_g * line.quantity for line in lines)


def _parcel_order(parcel: Parcel) -> Order:
    """The order whose address the parcel goes to (merged orders share one address)."""
    order = parcel.orders.order_by("pk").first()
    if order is None:
        raise ParcelRefused(f"parcel {parcel.code} belongs to no order")
    return order


def tracking_url(carrier: Carrier | None, number: str) -> str:
    """The carrier's public tracking page for ``number`` ("" when the carrier has none)."""
    if carrier is None or not carrier.tracking_url_template or not number:
        return ""
    return carrier.tracking_url_template.replace("{number}", number)


# --- Picking ------------------------------------------------------------------------------------


@transaction.atomic
def parcel_start_picking(*, parcels: Iterable[Parcel], actor: User | None) -> list[Parcel]:
    """READY → PICKING for a batch of parcels; their orders become UNSHIPPED / PROCESSING.

    All or nothing: one parcel that is not READY refuses the whole batch. An empty batch is
    refused too.
    """
    parcels = list(parcels)
    if not parcels:
        raise ParcelRefused("select at least one parcel to pick")
    locked = _lock(parcels)
    for parcel in locked:
        _check_move(parcel, PS.PICKING)
    Parcel.objects.filter(pk__in=[p.pk for p in locked]).update(
        status=PS.PICKING, updated_at=timezone.now()
    )
    for parcel in locked:
        parcel.status = PS.PICKING
    _sync_orders(locked, actor=actor)
    return locked


@dataclass
class PickRow:
    """One line of a pick list: a variant and how many units to take for which parcels."""

    variant: Variant
    quantity: int
    parcel_codes: list[str] = field(default_factory=list)

    @property
    def sku(self) -> str:
        return self.variant.sku


def pick_list(*, parcels: Iterable[Parcel]) -> list[PickRow]:
    """The units to pick for ``parcels``, one row per variant, sorted by SKU.

    Quantities sum the parcels' lines (several orders may want the same variant); each row
    names the parcels it is for, so the picker can sort the units into boxes.
    """
    lines = (
        ParcelLine.objects.filter(parcel__in=[p.pk for p in parcels])
        .select_related("parcel", "order_line__variant__product")
        .order_by("order_line__variant__sku", "parcel__code")
    )
    rows: dict[int, PickRow] = {}
    for line in lines:
        variant = line.order_line.variant
        row = rows.setdefault(variant.pk, PickRow(variant=variant, quantity=0))
        row.quantity += line.quantity
        if line.parcel.code not in row.parcel_codes:
            row.parcel_codes.append(line.parcel.code)
    return sorted(rows.values(), key=lambda row: row.sku)


# --- Packing ------------------------------------------------------------------------------------


def _check_weight(parcel: Parcel, measured_weight_g: Any, *, confirm_weight: bool) -> int:
    if (
        not isinstance(measured_weight_g, int)
        or isinstance(measured_weight_g, bool)
        or measured_weight_g <= 0
    ):
        raise ParcelRefused("the measured weight must be a positive number of grams")
    if measured_weight_g > MAX_PARCEL_WEIGHT_G:
        raise ParcelRefused(
            f"{measured_weight_g} g is over the {MAX_PARCEL_WEIGHT_G} g limit of a parcel"
        )
    computed = parcel_computed_weight_g(parcel)
    if computed and not confirm_weight:
        deviation = abs(measured_weight_g - computed) / computed
        if deviation > WEIGHT_TOLERANCE:
            raise WeightImplausible(
                f"measured {measured_weight_g} g but the contents should weigh about {computed} g "
                f"(more than {int(WEIGHT_TOLERANCE * 100)}% off); check the contents and "
                f"re-weigh, then confirm the weight",
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

    Refused unless PICKING; the weight must be a positive integer of grams, at most
    ``MAX_PARCEL_WEIGHT_G``, and within ``WEIGHT_TOLERANCE`` of the computed weight unless
    ``confirm_weight`` (``WeightImplausible`` otherwise).
    """
    (locked,) = _lock([parcel])
    _check_move(locked, PS.PACKED)
    weight = _check_weight(locked, measured_weight_g, confirm_weight=confirm_weight)
    now = timezone.now()
    locked.status = PS.PACKED
    locked.measured_weight_g = weight
    locked.packed_at = now
    locked.packed_by = actor if actor is not None and actor.is_authenticated else None
    locked.save(
        update_fields=["status", "measured_weight_g", "packed_at", "packed_by", "updated_at"]
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
    _sync_orders([locked], actor=actor)
    return locked


# --- Shipping -----------------------------------------------------------------------------------


def _carrier_for(parcel: Parcel, carrier: Carrier | None) -> Carrier:
    """The carrier to ship with: the one chosen, else the shipping line's.

    It must serve the warehouse (be one of its carriers) or be the parcel line's carrier.
    """
    line_carrier = parcel.line.carrier if parcel.line_id else None
    chosen = carrier or line_carrier
    if chosen is None:
        raise ParcelRefused("choose a carrier")
    if chosen != line_carrier and not parcel.warehouse.carriers.filter(pk=chosen.pk).exists():
        raise ParcelRefused(f"carrier {chosen.name} does not serve {parcel.warehouse.code}")
    return chosen


def _clean_tracking_number(parcel: Parcel, raw: str, carrier: Carrier) -> str:
    """The number as tracking stores it (upper case, no spaces); "" when none was typed.

    A number is unique per (carrier, number), like ``logistics.Tracking``: another merchant's
    parcel with the same number at another carrier (e.g. a Sandbox number typed through
    ``shopping/sandbox/updateTrackNumber``) does not block a real shipment."""
    if not (raw or "").strip():
        return ""
    number = tracking_number_clean(raw)
    if not number:
        raise ParcelRefused(
            "a tracking number has 4 to 64 letters, digits or dashes (as printed on the label)"
        )
    if (
        number
        and Parcel.objects.filter(carrier=carrier, tracking_number=number)
        .exclude(merchant_id=parcel.merchant_id)
        .exists()
    ):
        raise ParcelRefused(f"tracking number {number} is already used by another parcel")
    return number


def _shipped_per_line(
    lines: list[ParcelLine], shipped_quantities: Mapping[Any, Any] | None
) -> dict[int, int]:
    """ParcelLine pk → units shipped; None ships everything."""
    if shipped_quantities is None:
        return {line.pk: line.quantity for line in lines}
    by_pk = {line.pk: line for line in lines}
    unknown = [key for key in shipped_quantities if _as_int(key) not in by_pk]
    if unknown:
        raise ParcelRefused("a shipped quantity names a line that is not in this parcel")
    shipped = {}
    for line in lines:
        raw = shipped_quantities.get(line.pk, shipped_quantities.get(str(line.pk), line.quantity))
        quantity = _as_int(raw)
        if quantity is None or not 0 <= quantity <= line.quantity:
            raise ParcelRefused(
                f"shipped quantity of {line.order_line.variant.sku} must be 0 to {line.quantity}"
            )
        shipped[line.pk] = quantity
    if not any(shipped.values()):
        raise ParcelRefused("nothing to ship: every quantity is 0")
    return shipped


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _remainder_reference(parcel: Parcel, remainder_code: str) -> str:
    """The remainder's own reservation reference (the inventory refuses a reused one)."""
    old = parcel.reservation_reference
    if old.endswith(parcel.code):
        return (old[: -len(parcel.code)] + remainder_code)[:64]
    return f"parcel:{remainder_code}"


def _stock_kwargs(parcel: Parcel) -> dict[str, Any]:
    return {
        "warehouse": parcel.warehouse,
        "merchant": parcel.merchant if parcel.uses_private_stock else None,
    }


def _split_remainder(
    parcel: Parcel, lines: list[ParcelLine], shipped: dict[int, int], actor: User | None
) -> Parcel | None:
    """Move the unshipped units of ``parcel`` to a new READY parcel (None when all ship).

    The shipped parcel's lines keep only what ships (lines shipping nothing are removed), so an
    order line's quantities over its parcels still sum to its quantity; the remainder's stock is
    released from the old reference and reserved under the remainder's reference.
    """
    missing = {line.pk: line.quantity - shipped[line.pk] for line in lines}
    if not any(missing.values()):
        return None
    code = planning.new_parcel_code()
    remainder = Parcel.objects.create(
        code=code,
        merchant=parcel.merchant,
        warehouse=parcel.warehouse,
        uses_private_stock=parcel.uses_private_stock,
        line=parcel.line,
        status=PS.READY,
        currency=parcel.currency,
        min_days=parcel.min_days,
        max_days=parcel.max_days,
        reservation_reference=_remainder_reference(parcel, code),
        split_from=parcel,
        ready_at=parcel.ready_at,  # it has waited since then: keep its place in the queue
    )
    per_variant: dict[int, int] = defaultdict(int)
    variants: dict[int, Variant] = {}
    remainder_orders = set()
    for line in lines:
        units = missing[line.pk]
        if not units:
            continue
        ParcelLine.objects.create(parcel=remainder, order_line=line.order_line, quantity=units)
        variant = line.order_line.variant
        per_variant[variant.pk] += units
        variants[variant.pk] = variant
        remainder_orders.add(line.order_line.order_id)
        if shipped[line.pk]:
            ParcelLine.objects.filter(pk=line.pk).update(quantity=shipped[line.pk])
        else:
            ParcelLine.objects.filter(pk=line.pk).delete()
    remainder.orders.set(sorted(remainder_orders))
    parcel.orders.set(
        sorted(
            set(
                ParcelLine.objects.filter(parcel=parcel).values_list("order_line__order", flat=True)
            )
        )
    )
    for variant_pk in sorted(per_variant):
        units = per_variant[variant_pk]
        reason = f"short at shipment of {parcel.code}: moved to {remainder.code}"
        inventory_services.stock_release(
            variant=variants[variant_pk],
            quantity=units,
            reference=parcel.reservation_reference,
            actor=actor,
            reason=reason,
            **_stock_kwargs(parcel),
        )
        inventory_services.stock_reserve(
            variant=variants[variant_pk],
            quantity=units,
            reference=remainder.reservation_reference,
            actor=actor,
            reason=reason,
            **_stock_kwargs(parcel),
        )
    remainder.actual_weight_g = parcel_computed_weight_g(remainder)
    remainder.chargeable_weight_g = remainder.actual_weight_g
    remainder.save(update_fields=["actual_weight_g", "chargeable_weight_g"])
    return remainder


def _issue_tracking_number(parcel: Parcel, carrier: Carrier) -> str:
    adapter = carrier_adapters.adapter_for(carrier)
    if adapter is None:
        raise ParcelRefused(
            f"{carrier.name} issues no tracking numbers here: type the number from its label"
        )
    order = _parcel_order(parcel)
    return adapter.create_shipment(
        reference=parcel.code,
        line=parcel.line,
        origin_country=parcel.warehouse.country,
        dest_country=order.shipping_country_code,
        dest_city=order.shipping_city,
        weight_g=parcel.measured_weight_g or parcel_computed_weight_g(parcel),
    )


@dataclass
class Shipment:
    """What ``parcel_ship`` did: the shipped parcel and the remainder left in the queue."""

    parcel: Parcel
    remainder: Parcel | None


@transaction.atomic
def parcel_ship(
    *,
    parcel: Parcel,
    actor: User | None,
    carrier: Carrier | None = None,
    tracking_number: str = "",
    shipped_quantities: Mapping[Any, Any] | None = None,
    actor_label: str = "",
) -> Shipment:
    """PACKED → SHIPPED with a carrier and tracking number (PARCEL_SHIPPED audited).

    - ``carrier``: one serving the warehouse, default the shipping line's carrier;
    - ``tracking_number`` typed from the label, or (empty) issued by the carrier's adapter;
      refused when neither; a number another merchant's parcel uses is refused;
    - ``shipped_quantities`` {parcel line pk: units} (missing lines ship in full). Short lines
      make a remainder parcel (see ``_split_remainder``); the order stays UNSHIPPED/PROCESSING
      until the remainder ships.

    Stock: the shipped units are consumed (``stock_ship``, one movement per variant) under the
    parcel's reservation reference. The tracking is registered, the orders re-derived and a
    LOGISTIC message published per order, all in this transaction.
    """
    (locked,) = _lock([parcel])
    _check_move(locked, PS.SHIPPED)
    return _ship(
        locked,
        carrier=_carrier_for(locked, carrier),
        tracking_number=tracking_number,
        shipped_quantities=shipped_quantities,
        actor=actor,
        actor_label=actor_label,
    )


def _ship(
    locked: Parcel,
    *,
    carrier: Carrier,
    tracking_number: str,
    shipped_quantities: Mapping[Any, Any] | None,
    actor: User | None,
    actor_label: str,
) -> Shipment:
    """``parcel_ship`` once the parcel is locked, PACKED and its carrier carrier."""
    if not locked.reservation_reference:
        raise ParcelRefused(f"parcel {locked.code} has no stock reservation to ship from")
    number = _clean_tracking_number(locked, tracking_number, carrier)
    lines = list(locked.lines.select_related("order_line__variant").order_by("pk"))
    if not lines:
        raise ParcelRefused(f"parcel {locked.code} has no lines")
    shipped = _shipped_per_line(lines, shipped_quantities)
    if not number:
        number = _clean_tracking_number(locked, _issue_tracking_number(locked, carrier), carrier)
    short = [
        {"sku": line.order_line.variant.sku, "planned": line.quantity, "shipped": shipped[line.pk]}
        for line in lines
        if shipped[line.pk] != line.quantity
    ]
    remainder = _split_remainder(locked, lines, shipped, actor)
    per_variant: dict[int, int] = defaultdict(int)
    variants: dict[int, Variant] = {}
    for line in lines:
        if shipped[line.pk]:
            per_variant[line.order_line.variant_id] += shipped[line.pk]
            variants[line.order_line.variant_id] = line.order_line.variant
    for variant_pk in sorted(per_variant):
        inventory_services.stock_ship(
            variant=variants[variant_pk],
            quantity=per_variant[variant_pk],
            reference=locked.reservation_reference,
            actor=actor,
            reason=f"shipped in parcel {locked.code}",
            **_stock_kwargs(locked),
        )
    ParcelLine.objects.filter(parcel=locked).update(shipped_quantity=F("quantity"))
    order = _parcel_order(locked)
    logistic_name = locked.line.name if locked.line_id else carrier.name
    logistics_services.tracking_register(
        merchant=locked.merchant,
        carrier=carrier,
        tracking_number=number,
        logistic_name=logistic_name,
        reference=locked.code,
        origin_country=locked.warehouse.country,
        dest_country=order.shipping_country_code,
        dest_city=order.shipping_city,
    )
    locked.status = PS.SHIPPED
    locked.carrier = carrier
    locked.tracking_number = number
    locked.shipped_at = timezone.now()
    if remainder is not None:
        locked.actual_weight_g = parcel_computed_weight_g(locked)
    locked.save(
        update_fields=[
            "status",
            "carrier",
            "tracking_number",
            "shipped_at",
            "actual_weight_g",
            "updated_at",
        ]
    )
    audit_record(
        action=AuditAction.PARCEL_SHIPPED,
        actor=actor,
        actor_label=actor_label,
        merchant=locked.merchant,
        target=locked,
        details={
            "carrier": carrier.code,
            "tracking_number": number,
            "short": short,
            "remainder": remainder.code if remainder is not None else "",
        },
    )
    _sync_orders([locked], actor=actor, actor_label=actor_label)
    _publish_logistic(locked, tracking_status=TRACKING_OUTBOUND, events=[])
    return Shipment(parcel=locked, remainder=remainder)


# --- Tracking outcomes --------------------------------------------------------------------------


def _publish_logistic(parcel: Parcel, *, tracking_status: int, events: list[dict]) -> None:
    """One LOGISTIC message (contract §4) per order of the parcel."""
    for order in parcel.orders.order_by("pk"):
        webhook_services.webhook_publish(
            merchant=parcel.merchant,
            type="LOGISTIC",
            message_type="UPDATE",
            params={
                "orderId": order.public_id,
                "logisticName": parcel.line.name if parcel.line_id else "",
                "trackingNumber": parcel.tracking_number,
                "trackingUrl": tracking_url(parcel.carrier, parcel.tracking_number),
                "trackingStatus": tracking_status,
                "logisticsTrackEvents": json.dumps(events, separators=(",", ":")),
            },
        )


def _parcel_status_for(tracking_status: int, current: str) -> str | None:
    """The parcel status a tracking status implies (None: no change)."""
    target = _TRACKING_TO_PARCEL.get(tracking_status)
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
    parcels = _lock(rows) if rows.exists() else []
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
        _sync_orders(moved, actor=None, actor_label="carrier tracking")
    for parcel in parcels:
        _publish_logistic(parcel, tracking_status=new_status, events=events or [])
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


# --- Remainder of a partial shipment -------------------------------------------------------------


@dataclass
class RemainderCancel:
    """What ``parcel_remainder_cancel`` did."""

    parcel: Parcel
    order: Order
    units_released: int
    amount_minor: int  # the cancelled lines' value (unit price snapshot × quantity)
    refund: Any = None  # the wallet Refund, or None (not paid from the wallet)


def _release_reference(parcel: Parcel, actor: User | None, reason: str) -> int:
    """Release what the ledger says is still reserved under the parcel's reference."""
    from dropyard.inventory.models import Stock

    opened = open_reservations([parcel.reservation_reference])
    stocks = Stock.objects.select_related("variant", "warehouse", "merchant").in_bulk(
        [stock_id for stock_id, _ref in opened]
    )
    released = 0
    for (stock_id, reference), quantity in sorted(opened.items()):
        stock = stocks[stock_id]
        inventory_services.stock_release(
            variant=stock.variant,
            warehouse=stock.warehouse,
            quantity=quantity,
            reference=reference,
            actor=actor,
            merchant=stock.merchant,
            reason=reason[:300],
        )
        released += quantity
    return released


@transaction.atomic
def parcel_remainder_cancel(
    *,
    order: Order,
    parcel: Parcel,
    actor: User | None,
    reason: str = "",
    actor_label: str = "",
) -> RemainderCancel:
    """Cancel the unshipped remainder of a partly shipped order ("Cancel the items not shipped").

    ``parcel`` must be a READY parcel of ``order`` (same merchant) while the order is UNSHIPPED
    and at least one other parcel of it has shipped; it must serve this order only (a merged
    order's shared parcel cannot be cancelled per order) and the order must not be a bulk
    purchase (its delivery receives every line into private stock). Otherwise
    ``ParcelRefused`` / ``ParcelNotFound`` and nothing changes; a remainder the warehouse has
    started picking is refused too. Once the order is wholly unshipped, cancel the order.

    Effects, in one transaction: the units still reserved under the parcel's reference are
    released (per the ledger), the parcel goes CANCELLED, a "remainder_cancelled" history row
    and an ORDER_CHANGED audit record, then the order is re-derived from its parcels
    (``order_sync_from_parcels``: SHIPPED, or DELIVERED when the shipped parcels are delivered).
    When the order was paid from the wallet, ``wallet.refunds.refund_issue`` gives back the
    cancelled lines' value — each line's unit price snapshot × the parcel's quantity — capped at
    what is left of the payment (a wallet discount makes the payment smaller than the list
    price), key ``remainder:<parcel public id>``. Freight is not refunded: the order's postage
    was charged for the shipment that did leave. A sandbox-paid order has no wallet payment:
    nothing to refund.
    """
    locked_order = Order.objects.select_for_update().select_related("merchant").get(pk=order.pk)
    (locked,) = _lock([parcel])
    if (
        locked.merchant_id != locked_order.merchant_id
        or not locked.orders.filter(pk=locked_order.pk).exists()
    ):
        raise ParcelNotFound("parcel not found")
    if locked_order.status != OrderStatus.UNSHIPPED:
        raise ParcelRefused(
            f"order {locked_order.code} is {locked_order.get_status_display().lower()}: only an "
            "order waiting for the rest of its shipment has items to cancel"
        )
    if locked.status != PS.READY:
        raise ParcelRefused(
            f"parcel {locked.code} is {locked.get_status_display().lower()}: only a parcel still "
            "waiting in the warehouse queue can be cancelled"
        )
    if locked.orders.count() > 1:
        raise ParcelRefused(
            f"parcel {locked.code} is shared by merged orders: it cannot be cancelled per order"
        )
    if locked_order.order_type == OrderType.BULK:
        raise ParcelRefused("the remainder of a bulk purchase cannot be cancelled here")
    shipped = (
        Parcel.objects.filter(orders=locked_order, status__in=planning.SHIPPED_STATUSES)
        .exclude(pk=locked.pk)
        .exists()
    )
    if not shipped:
        raise ParcelRefused(
            f"nothing of order {locked_order.code} has shipped yet: cancel the order instead"
        )
    lines = list(locked.lines.select_related("order_line__variant").order_by("pk"))
    amount = sum(line.order_line.unit_price_minor * line.quantity for line in lines)
    released = _release_reference(
        locked, actor, reason=f"remainder {locked.code} of order {locked_order.code} cancelled"
    )
    locked.status = PS.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    items = ", ".join(f"{line.order_line.variant.sku} × {line.quantity}" for line in lines)
    order_services.order_note(
        locked_order,
        kind="remainder_cancelled",
        note=f"items not shipped cancelled (parcel {locked.code}: {items})"
        + (f": {reason.strip()}" if reason.strip() else ""),
        actor=actor,
        actor_label=actor_label,
    )
    audit_record(
        action=AuditAction.ORDER_CHANGED,
        actor=actor,
        actor_label=actor_label,
        merchant=locked_order.merchant,
        target=locked_order,
        details={
            "what": "remainder_cancelled",
            "parcel": locked.code,
            "units_released": released,
            "amount_minor": amount,
            "reason": reason.strip()[:300],
        },
    )
    order_services.order_sync_from_parcels(
        order=locked_order, actor=actor, actor_label=actor_label or "items not shipped cancelled"
    )
    refund = _refund_remainder(locked_order, locked, amount, actor=actor, reason=reason)
    locked_order.refresh_from_db()
    return RemainderCancel(
        parcel=locked,
        order=locked_order,
        units_released=released,
        amount_minor=amount,
        refund=refund,
    )


def _refund_remainder(
    order: Order, parcel: Parcel, amount_minor: int, *, actor: User | None, reason: str
) -> Any:
    """The wallet refund for a cancelled remainder (None: not paid from the wallet, or nothing
    is left of the payment)."""
    # Imported here: the wallet app depends on the orders and fulfillment apps.
    from dropyard.wallet.models import Payment
    from dropyard.wallet.refunds import refund_issue, refunded_minor

    payment = Payment.objects.filter(order_id=order.pk).first()
    if payment is None:
        return None
    amount = min(amount_minor, payment.net_minor - refunded_minor(payment))
    if amount <= 0:
        return None
    return refund_issue(
        merchant=order.merchant,
        order=order,
        amount_minor=amount,
        reason=(
            f"items not shipped cancelled (parcel {parcel.code})"
            + (f": {reason.strip()}" if reason.strip() else "")
        )[:300],
        actor=actor,
        idempotency_key=f"remainder:{parcel.public_id}",
    )


# --- Sandbox ------------------------------------------------------------------------------------


@transaction.atomic
def sandbox_ship(*, order: Order, tracking_number: str = "", actor: User | None = None) -> Order:
    """Pick, pack and ship every open parcel of a sandbox order (``updateStatus`` 500,
    ``updateTrackNumber``).

    Each parcel is packed at its computed weight and shipped in full with ``tracking_number``
    (always under the Sandbox carrier) or, when empty, a number from the line's carrier adapter
    (the Sandbox carrier when it has none). Refused
    for a non-sandbox order, an order that is not UNSHIPPED, or one without open parcels.
    """
    if not order.in_sandbox:
        raise ParcelRefused(f"order {order.code} is not a sandbox order")
    if order.status != OrderStatus.UNSHIPPED:
        raise ParcelRefused(f"order {order.code} is {order.status}, not awaiting shipment")
    parcels = list(order.parcels.filter(status__in=OPEN_STATUSES).order_by("pk"))
    if not parcels:
        raise ParcelRefused(f"order {order.code} has no parcel waiting in a warehouse")
    label = "sandbox"
    ready = [p for p in parcels if p.status == PS.READY]
    if ready:
        parcel_start_picking(parcels=ready, actor=actor)
    for parcel in parcels:
        parcel.refresh_from_db()
        if parcel.status == PS.PICKING:
            parcel_pack(
                parcel=parcel,
                measured_weight_g=max(parcel_computed_weight_g(parcel), 1),
                actor=actor,
                confirm_weight=True,
            )
        (locked,) = _lock([parcel])
        _check_move(locked, PS.SHIPPED)
        _ship(
            locked,
            carrier=_sandbox_carrier(locked, typed=bool(tracking_number.strip())),
            tracking_number=tracking_number,
            shipped_quantities=None,
            actor=actor,
            actor_label=label,
        )
    order.refresh_from_db()
    return order


def _sandbox_carrier(parcel: Parcel, *, typed: bool) -> Carrier:
    """The Sandbox carrier for a typed number; else the line's carrier when it issues numbers,
    else the Sandbox one.

    A typed number (``updateTrackNumber``) is registered under the Sandbox carrier only, so a
    merchant cannot claim a real carrier's number (tracking numbers are unique per carrier).
    The sandbox simulates the warehouse, so the carrier need not serve the warehouse.
    """
    if not typed and parcel.line_id and carrier_adapters.adapter_for(parcel.line.carrier):
        return parcel.line.carrier
    sandbox = Carrier.objects.filter(code__iexact=carrier_adapters.SANDBOX_CODE).first()
    if sandbox is None:
        raise ParcelRefused("no Sandbox carrier is configured")
    return sandbox
