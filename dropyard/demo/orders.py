"""Demo orders for the demo merchant (called by ``demo.loader.demo_load``), built through the real
services so every order page shows real data: events, cost breakdown, parcels, reservations,
stock movements, tracking. It lives in the demo app, above orders and fulfillment: it places
and pays orders (``orders.services``) and works their parcels as the warehouse does
(``fulfillment.services``).

Idempotent: when the merchant already has orders numbered ``DEMO-…`` nothing is created. The
orders are sandbox orders (paid through the sandbox payment provider, shipped with the Sandbox
carrier). Counts per status are fixed (``DEMO_STATUS_COUNTS``):

- CREATED: 3 ordinary orders, a merge candidate pair (same recipient and address) and one
  ``logisticsMiss`` order (a destination no shipping line serves);
- IN_CART: 3; UNPAID: 4 (confirmed, stock reserved; their shipment order awaits payment);
- UNSHIPPED: 4 PENDING (paid) and 3 PROCESSING (the warehouse started picking);
- SHIPPED: 5 (packed, shipped, the first three Sandbox tracking steps recorded);
- DELIVERED: 8 (the whole Sandbox journey played now);
- CANCELLED: 3 (one before confirmation, one confirmed, one paid: reservations released).

DELIVERED comes from the tracking hooks, which run when ``demo_load``'s transaction commits
(until then those orders are SHIPPED with delivered trackings). Tracking numbers are
Sandbox-format numbers chosen so their scripted journey ends DELIVERED (about 7% of journeys
end in an exception), which keeps the counts above exact. SHIPPED parcels are in transit:
their first steps are recorded here, and their clock goes on from the next step once the
load commits (the first tick the shipment enqueued finds its step taken and does nothing).
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Variant
from dropyard.fulfillment import services as fulfillment_services
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Stock
from dropyard.logistics import services as logistics_services
from dropyard.logistics import tasks as logistics_tasks
from dropyard.logistics.carriers import (
    SANDBOX_CODE,
    SANDBOX_PREFIX,
    luhn_check_digit,
    sandbox_journey,
)
from dropyard.logistics.choices import TrackingStatus
from dropyard.logistics.models import Carrier, Tracking
from dropyard.orders import services
from dropyard.orders.choices import OrderSource, OrderStatus, ParcelStatus
from dropyard.orders.models import Order, Parcel

DEMO_ORDER_PREFIX = "DEMO-"
DEMO_STORE = "Demo Shopify Store"
DEMO_STATUS_COUNTS: dict[str, int] = {
    OrderStatus.CREATED: 6,
    OrderStatus.IN_CART: 3,
    OrderStatus.UNPAID: 4,
    OrderStatus.UNSHIPPED: 7,
    OrderStatus.SHIPPED: 5,
    OrderStatus.DELIVERED: 8,
    OrderStatus.CANCELLED: 3,
}
SHIPPED_STEPS = 3  # Sandbox journey steps recorded for the SHIPPED (in transit) orders

# (customer, country, province, city, postcode, street, phone): one recipient per order.
RECIPIENTS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("Emma Johnson", "US", "CA", "Los Angeles", "90012", "221 Spring Street", "+1 213 555 0142"),
    ("Liam Miller", "US", "NY", "New York", "10001", "350 5th Avenue", "+1 212 555 0187"),
    ("Sofia Garcia", "US", "TX", "Austin", "73301", "1100 Congress Avenue", "+1 512 555 0133"),
    ("Noah Wilson", "US", "WA", "Seattle", "98101", "400 Pine Street", "+1 206 555 0175"),
    ("Mia Brown", "US", "FL", "Miami", "33131", "701 Brickell Avenue", "+1 305 555 0119"),
    ("Oliver Smith", "GB", "", "London", "SW1A 1AA", "10 Whitehall Place", "+44 20 7946 0301"),
    ("Amelia Jones", "GB", "", "Manchester", "M1 1AE", "1 Piccadilly Gardens", "+44 161 496 0722"),
    ("Lukas Schmidt", "DE", "", "Berlin", "10115", "Invalidenstrasse 44", "+49 30 901820"),
    ("Lena Fischer", "DE", "", "Hamburg", "20095", "Moenckebergstrasse 7", "+49 40 428280"),
    ("Chloe Martin", "FR", "", "Paris", "75001", "12 Rue de Rivoli", "+33 1 44 55 66 77"),
    ("Lucas Bernard", "FR", "", "Lyon", "69002", "5 Place Bellecour", "+33 4 72 00 00 01"),
    ("Ethan Tremblay", "CA", "ON", "Toronto", "M5H 2N2", "100 Queen Street W", "+1 416 555 0190"),
    ("Charlotte Roy", "CA", "BC", "Vancouver", "V6B 1A1", "800 Robson Street", "+1 604 555 0116"),
    ("Jack Taylor", "AU", "NSW", "Sydney", "2000", "1 Martin Place", "+61 2 9000 0001"),
    ("Isla Walker", "AU", "VIC", "Melbourne", "3000", "200 Collins Street", "+61 3 9000 0002"),
    ("Daan de Vries", "NL", "", "Amsterdam", "1012 AB", "Damrak 1", "+31 20 555 0100"),
    ("Giulia Rossi", "IT", "RM", "Roma", "00184", "Via Nazionale 50", "+39 06 555 0100"),
    ("Hugo Lopez", "ES", "Madrid", "Madrid", "28013", "Gran Via 28", "+34 91 555 0100"),
)  # fmt: skip
# Iceland: not among the demo rate cards' destinations, so no line serves it.
MISS_RECIPIENT = (
    "Freyja Jonsdottir", "IS", "", "Reykjavik", "101", "Laugavegur 12", "+354 555 0100"
)  # fmt: skip


@dataclass(frozen=True)
class _Spec:
    """One demo order: where it ends, and who it goes to."""

    target: str  # created, merge, miss, in_cart, unpaid, pending, processing, shipped, …
    recipient: tuple[str, str, str, str, str, str, str]
    lines: int = 1


def _specs() -> list[_Spec]:
    plan = (
        ("delivered", 8),
        ("shipped", 5),
        ("processing", 3),
        ("pending", 4),
        ("cancel_paid", 1),
        ("unpaid", 4),
        ("cancel_unpaid", 1),
        ("in_cart", 3),
        ("created", 3),
        ("cancel_created", 1),
    )
    specs, at = [], 0
    for target, count in plan:
        for _ in range(count):
            recipient = RECIPIENTS[at % len(RECIPIENTS)]
            if at >= len(RECIPIENTS):  # a second order to that city: another person and door
                name, country, province, city, postcode, street, phone = recipient
                recipient = (f"{name.split()[0]} Junior", country, province, city, postcode,
                             f"Apartment {at} {street}", phone)  # fmt: skip
            specs.append(_Spec(target, recipient, lines=1 + at % 3 // 2))
            at += 1
    pair = ("Bart Simpson", "US", "CA", "Los Angeles", "90012", "742 Evergreen Terrace",
            "+1 213 555 0199")  # fmt: skip
    specs += [_Spec("merge", pair), _Spec("merge", pair), _Spec("miss", MISS_RECIPIENT)]
    return specs


def _demo_variants() -> list[Variant]:
    """Ordinary on-sale variants with plenty of platform stock in China (every demo destination
    has a line from there), in a stable order."""
    stocked = (
        Stock.objects.filter(
            merchant__isnull=True,
            warehouse__kind=WarehouseKind.PLATFORM,
            warehouse__is_active=True,
            warehouse__country="CN",
            on_hand__gte=F("reserved") + 50,
        )
        .values_list("variant_id", flat=True)
        .distinct()
    )
    variants = (
        Variant.objects.filter(pk__in=stocked, is_on_sale=True, product__is_on_sale=True)
        .select_related("product")
        .order_by("sku")
    )
    chosen: list[Variant] = []
    for variant in variants.iterator(chunk_size=50):  # stop early: the catalog is large
        if not variant.product.properties:
            chosen.append(variant)
            if len(chosen) == 12:
                break
    return chosen


def _tracking_number(parcel: Parcel, order: Order) -> str:
    """A free Sandbox-format number whose scripted journey ends DELIVERED (deterministic)."""
    for attempt in range(200):
        digest = hashlib.sha256(f"demo:{parcel.code}:{attempt}".encode()).hexdigest()
        serial = f"{int(digest[:12], 16) % 10**9:09d}"
        number = f"{SANDBOX_PREFIX}{serial}{luhn_check_digit(serial)}"
        journey = sandbox_journey(
            tracking_number=number,
            origin_country=parcel.warehouse.country,
            dest_country=order.shipping_country_code,
            dest_city=order.shipping_city,
        )
        if journey[-1].status != TrackingStatus.DELIVERED or any(
            step.status == TrackingStatus.EXCEPTION for step in journey
        ):
            continue
        if not Tracking.objects.filter(tracking_number=number).exists():
            return number
    raise RuntimeError("no free demo tracking number")  # pragma: no cover


def _ship(order: Order, *, warehouse_user: Any, carrier: Carrier, steps: int | None) -> None:
    """Pick, pack and ship every parcel of a paid order as the warehouse does; then play
    ``steps`` journey steps (None: the whole journey)."""
    parcels = list(order.parcels.select_related("warehouse").order_by("pk"))
    ready = [p for p in parcels if p.status == ParcelStatus.READY]
    if ready:
        fulfillment_services.parcel_start_picking(parcels=ready, actor=warehouse_user)
    for parcel in parcels:
        parcel.refresh_from_db()
        fulfillment_services.parcel_pack(
            parcel=parcel,
            measured_weight_g=max(fulfillment_services.parcel_computed_weight_g(parcel), 1),
            actor=warehouse_user,
        )
        shipment = fulfillment_services.parcel_ship(
            parcel=parcel,
            actor=warehouse_user,
            carrier=carrier,
            tracking_number=_tracking_number(parcel, order),
        )
        tracking = Tracking.objects.get(
            carrier=carrier, tracking_number=shipment.parcel.tracking_number
        )
        if steps is None:
            logistics_services.sandbox_tracking_complete(tracking=tracking)
        else:
            for step in range(steps):
                logistics_services.sandbox_tracking_advance(tracking_id=tracking.pk, step=step)
            # The clock goes on from here: the shipment's own first tick finds step 0 taken and
            # schedules nothing, which left these parcels "Dispatched by the forwarder".
            logistics_tasks.sandbox_clock_continue(tracking_id=tracking.pk, step=steps)
        # The loader runs without a worker: the parcel follows its tracking now.
        fulfillment_services.tracking_changes_follow()


def recipient_address(recipient: tuple[str, ...], *, index: int) -> dict[str, str]:
    """``order_create``'s address fields for a demo recipient (name, country, province, city,
    postcode, street, phone) and an e-mail address made from the name."""
    name, country, province, city, postcode, street, phone = recipient
    return {
        "shipping_customer_name": name,
        "shipping_country_code": country,
        "shipping_province": province,
        "shipping_city": city,
        "shipping_zip": postcode,
        "shipping_address": street,
        "shipping_phone": phone,
        "email": f"{name.split()[0].lower()}.{index}@example.com",
    }


def _pay(merchant: MerchantAccount, owner: Any, orders: list[Order]) -> None:
    """Cart → confirm → shipment order → sandbox payment, as a merchant pays a batch."""
    services.cart_add(merchant=merchant, orders=orders, actor=owner)
    confirmed = services.cart_confirm(merchant=merchant, orders=orders, actor=owner)
    if confirmed.intercepted:  # the variants were chosen with stock: this is a bug, say which
        raise RuntimeError(f"demo orders not confirmed: {confirmed.intercepted}")
    services.parent_order_generate(
        merchant=merchant, shipments_id=confirmed.shipments_id, actor=owner
    )
    services.sandbox_pay(merchant=merchant, actor=owner, shipments_id=confirmed.shipments_id)


@transaction.atomic
def load_demo_orders(*, merchant: MerchantAccount, owner: Any, warehouse_user: Any) -> list[str]:
    """Create the demo orders (see the module docstring) for ``merchant``; return what was
    created (empty on a second run, or when the catalog has no China-stocked variants, e.g. a
    benchmark's ``demo_load(products=0)``).

    Invariant: the orders, reservations, stock movements and trackings are exactly what the
    services make; a second run creates and changes nothing.
    """
    if Order.objects.filter(merchant=merchant, order_number__startswith=DEMO_ORDER_PREFIX).exists():
        return []
    variants = _demo_variants()
    carrier = Carrier.objects.filter(code__iexact=SANDBOX_CODE).first()
    if len(variants) < 3 or carrier is None:
        return []
    sources = (OrderSource.API, OrderSource.CSV, OrderSource.MANUAL)
    by_target: dict[str, list[Order]] = {}
    for index, spec in enumerate(_specs()):
        lines = [
            {"vid": variants[(index + k) % len(variants)].public_id, "quantity": 1 + k}
            for k in range(spec.lines)
        ]
        order = services.order_create(
            merchant=merchant,
            actor=owner,
            order_number=f"{DEMO_ORDER_PREFIX}{1001 + index}",
            lines=lines,
            **recipient_address(spec.recipient, index=index),
            store_name=DEMO_STORE,
            store_order_id=f"#{5001 + index}",
            source=sources[index % len(sources)],
            platform="shopify",
            is_sandbox=True,
        )
        by_target.setdefault(spec.target, []).append(order)

    paid_targets = ("delivered", "shipped", "processing", "pending", "cancel_paid")
    _pay(merchant, owner, [o for t in paid_targets for o in by_target[t]])
    for order in by_target["delivered"]:
        _ship(order, warehouse_user=warehouse_user, carrier=carrier, steps=None)
    for order in by_target["shipped"]:
        _ship(order, warehouse_user=warehouse_user, carrier=carrier, steps=SHIPPED_STEPS)
    fulfillment_services.parcel_start_picking(
        parcels=Parcel.objects.filter(orders__in=by_target["processing"]).order_by("pk"),
        actor=warehouse_user,
    )
    unpaid = by_target["unpaid"] + by_target["cancel_unpaid"]
    services.cart_add(merchant=merchant, orders=unpaid, actor=owner)
    confirmed = services.cart_confirm(merchant=merchant, orders=unpaid, actor=owner)
    services.parent_order_generate(
        merchant=merchant, shipments_id=confirmed.shipments_id, actor=owner
    )
    services.cart_add(merchant=merchant, orders=by_target["in_cart"], actor=owner)
    reasons = {
        "cancel_paid": "customer asked to cancel before dispatch",
        "cancel_unpaid": "duplicate order from the store",
        "cancel_created": "test order",
    }
    for target, reason in reasons.items():
        for order in by_target[target]:
            services.order_cancel(order=order, actor=owner, reason=reason)

    # DELIVERED follows the trackings once this transaction commits (tracking hooks run on
    # commit), so the statuses are not counted here.
    return [f"{sum(len(v) for v in by_target.values())} demo orders (sandbox, every status)"]
