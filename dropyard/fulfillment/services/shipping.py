"""Ship a packed parcel, whole or in part: tracking number, stock consumed, a READY remainder
for what stays behind."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dropyard.accounts.models import User
from dropyard.catalog.models import Variant
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.inventory import services as inventory_services
from dropyard.logistics import carriers as carrier_adapters
from dropyard.logistics import services as logistics_services
from dropyard.logistics.models import Carrier
from dropyard.logistics.tracking import tracking_number_clean
from dropyard.orders import planning
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel, ParcelLine

from .events import TRACKING_OUTBOUND, publish_logistic, store_parcel_followers_notify
from .packing import parcel_computed_weight_g
from .state import (
    PS,
    check_move,
    lock_parcels,
    parcel_line,
    parcel_order,
    parcel_transition,
    refuse_held,
    sync_orders,
)


def _carrier_for(parcel: Parcel, carrier: Carrier | None) -> Carrier:
    """The carrier to ship with: the one chosen, else the shipping line's.

    It must serve the warehouse (be one of its carriers) or be the parcel line's carrier.
    """
    line = parcel_line(parcel)
    line_carrier = line.carrier if line is not None else None
    chosen = carrier or line_carrier
    if chosen is None:
        raise ParcelRefused(_("choose a carrier"))
    if chosen != line_carrier and not parcel.warehouse.carriers.filter(pk=chosen.pk).exists():
        raise ParcelRefused(
            _("carrier %(carrier)s does not serve %(warehouse)s")
            % {"carrier": chosen.name, "warehouse": parcel.warehouse.code}
        )
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
            _("a tracking number has 4 to 64 letters, digits or dashes (as printed on the label)")
        )
    if (
        number
        and Parcel.objects.filter(carrier=carrier, tracking_number=number)
        .exclude(merchant_id=parcel.merchant_id)
        .exists()
    ):
        raise ParcelRefused(
            _("tracking number %(number)s is already used by another parcel") % {"number": number}
        )
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
        raise ParcelRefused(_("a shipped quantity names a line that is not in this parcel"))
    shipped = {}
    for line in lines:
        raw = shipped_quantities.get(line.pk, shipped_quantities.get(str(line.pk), line.quantity))
        quantity = _as_int(raw)
        if quantity is None or not 0 <= quantity <= line.quantity:
            raise ParcelRefused(
                _("shipped quantity of %(sku)s must be 0 to %(max)s")
                % {"sku": line.order_line.variant.sku, "max": line.quantity}
            )
        shipped[line.pk] = quantity
    if not any(shipped.values()):
        raise ParcelRefused(_("nothing to ship: every quantity is 0"))
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
            _("%(carrier)s issues no tracking numbers here: type the number from its label")
            % {"carrier": carrier.name}
        )
    order = parcel_order(parcel)
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
    - refused (``OrderOnHold``) while an order of the parcel is on hold;
    - ``tracking_number`` typed from the label, or (empty) issued by the carrier's adapter;
      refused when neither; a number another merchant's parcel uses is refused;
    - ``shipped_quantities`` {parcel line pk: units} (missing lines ship in full). Short lines
      make a remainder parcel (see ``_split_remainder``); the order stays UNSHIPPED/PROCESSING
      until the remainder ships.

    Stock: the shipped units are consumed (``stock_ship``, one movement per variant) under the
    parcel's reservation reference. The tracking is registered, the orders re-derived and a
    LOGISTIC message published per order, all in this transaction; after the commit, the
    parcel of a store order enqueues ``DROPYARD_STORE_PARCEL_TASKS`` (tracking push-back).
    """
    (locked,) = lock_parcels([parcel])
    check_move(locked, PS.SHIPPED)
    return ship_locked(
        locked,
        carrier=_carrier_for(locked, carrier),
        tracking_number=tracking_number,
        shipped_quantities=shipped_quantities,
        actor=actor,
        actor_label=actor_label,
    )


def ship_locked(
    locked: Parcel,
    *,
    carrier: Carrier,
    tracking_number: str,
    shipped_quantities: Mapping[Any, Any] | None,
    actor: User | None,
    actor_label: str,
) -> Shipment:
    """``parcel_ship`` once the parcel is locked, PACKED and its carrier carrier (the sandbox
    ships through here too). Refused (``OrderOnHold``) while an order of the parcel is on hold."""
    refuse_held([locked], before="shipping")
    if not locked.reservation_reference:
        raise ParcelRefused(
            _("parcel %(code)s has no stock reservation to ship from") % {"code": locked.code}
        )
    number = _clean_tracking_number(locked, tracking_number, carrier)
    lines = list(locked.lines.select_related("order_line__variant").order_by("pk"))
    if not lines:
        raise ParcelRefused(_("parcel %(code)s has no lines") % {"code": locked.code})
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
    order = parcel_order(locked)
    shipping_line = parcel_line(locked)
    logistic_name = shipping_line.name if shipping_line is not None else carrier.name
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
    locked.carrier = carrier
    locked.tracking_number = number
    if remainder is not None:
        locked.actual_weight_g = parcel_computed_weight_g(locked)
    parcel_transition(
        parcel=locked,
        to=PS.SHIPPED,
        actor=actor,
        actor_label=actor_label,
        also_save=["carrier", "tracking_number", "actual_weight_g"],
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
    sync_orders([locked], actor=actor, actor_label=actor_label)
    publish_logistic(locked, tracking_status=TRACKING_OUTBOUND, events=[])
    store_parcel_followers_notify([locked])
    return Shipment(parcel=locked, remainder=remainder)
