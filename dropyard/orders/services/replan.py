"""An operator changes the warehouse and/or the shipping line an order ships from / on.

``order_replan_options`` lists what is feasible (every warehouse holding the order's stock ×
every line with a rate from that warehouse's country to the destination, each planned by the
pure router, ``orders.routing.plan_route``, and priced by its rate book), and
``order_replan`` applies one of them.

Invariant: an order is re-planned only while no parcel of it has gone past READY (the
warehouse has not started picking), it is not merged and not a bulk purchase; afterwards its
open parcels all ship from the chosen warehouse on the chosen line, its reservations are held
exactly under those parcels (released from the old ones first, reserved at the new warehouse;
``services.reservations``), its amounts are the new plan's, and a paid order keeps its product
amount (only the freight may change) and its place in the warehouse queue. Every change writes
one ``replanned`` history row (who, from → to, reason) and one ORDER_CHANGED audit row.

Money is not moved here (orders does not know the wallet): a paid order's freight difference
is charged or refunded by ``checkout.replan.order_replan``, in the same transaction, which is
what pages call.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from dropyard.accounts.actors import Actor
from dropyard.core.money import Money
from dropyard.inventory.models import Warehouse
from dropyard.inventory.selectors import open_reservations
from dropyard.logistics.models import ShippingLine

from .. import planning, routing
from ..choices import OrderType, ParcelStatus
from ..exceptions import OrderInvalid, OrderNotFound, ReplanRefused
from ..models import Order, OrderEvent, Parcel
from ..selectors_ops import operator_order_scope
from .changes import _changed
from .lifecycle import PRE_PAYMENT, S, _lock, _sync_instance, order_note
from .plan import _parcel_specs, _priced_fields, _route, _routing_context
from .reservations import _order_references, _release, _reserve

REPLANNABLE = PRE_PAYMENT | {S.UNSHIPPED}
# Statuses whose parcels hold reserved stock (see services.reservations).
RESERVED = frozenset({S.UNPAID, S.UNSHIPPED})
REASON_MAX = 300
# cost_breakdown keys written at payment (services.payment.order_paid) that a re-plan keeps.
_PAID_KEYS = ("frozen", "paid_at", "payment_reference", "paid")


@dataclass(frozen=True)
class ReplanOption:
    """One feasible (warehouse, line) for an order, priced; ``delta_minor`` is the freight
    difference against what the order pays now."""

    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    line_id: int
    line_name: str
    postage_minor: int
    total_minor: int  # the order's new total (products + freight)
    currency: str
    min_days: int
    max_days: int
    parcels: int
    delta_minor: int
    current: bool

    @property
    def key(self) -> str:
        """The option's form value: ``<warehouse pk>:<line pk>``."""
        return f"{self.warehouse_id}:{self.line_id}"


@dataclass(frozen=True)
class ReplanUnavailable:
    """A (warehouse, line) that cannot ship the order, and why."""

    warehouse_code: str
    line_name: str
    reason: str


@dataclass(frozen=True)
class ReplanOptions:
    """What an operator may choose for ``order``: ``blocked`` says why nothing can change."""

    order: Order
    paid: bool
    current: str  # "CN001 on CJPacket", or "—" when nothing is planned
    postage_minor: int
    options: list[ReplanOption]
    unavailable: list[ReplanUnavailable]
    blocked: str = ""


@dataclass(frozen=True)
class ReplanResult:
    """What ``order_replan`` did: the order, its freight before and after, the history row."""

    order: Order
    paid: bool
    before_postage_minor: int
    after_postage_minor: int
    event: OrderEvent

    @property
    def delta_minor(self) -> int:
        return self.after_postage_minor - self.before_postage_minor


# --- Rules shared by the options and the change ------------------------------------------------


def replan_blocked(order: Order, parcels: Sequence[Parcel]) -> str:
    """Why ``order`` cannot be re-planned at all ("" when it can); ``parcels``: all of its
    parcels (``planning.parcels_of``)."""
    if order.status not in REPLANNABLE:
        return f"order {order.code} is {order.status}: its warehouse and line can no longer change"
    if order.merge_id is not None:
        return (
            f"order {order.code} ships in a merge with other orders: its warehouse and line "
            "cannot change alone"
        )
    if order.order_type == OrderType.BULK:
        return f"order {order.code} is a bulk purchase: its warehouse is where the goods go"
    untouched = {*planning.OPEN_STATUSES, ParcelStatus.CANCELLED}
    started = [p.code for p in parcels if p.status not in untouched]
    if started:
        return (
            f"the warehouse has started picking parcel {started[0]} of order {order.code}: its "
            "warehouse and line can no longer change"
        )
    return ""


def _label(warehouses: Sequence[str], lines: Sequence[str]) -> str:
    if not warehouses:
        return "—"
    return f"{' + '.join(sorted(set(warehouses)))} on {' + '.join(sorted(set(lines)))}"


def _live(parcels: Sequence[Parcel]) -> list[Parcel]:
    return [p for p in parcels if p.status != ParcelStatus.CANCELLED]


def _line_refusal(
    ctx: Any, plan: routing.RoutePlan, items: Sequence[routing.PlanItem], line: Any, order: Order
) -> str:
    """Why ``line`` does not carry a parcel the router had to plan on another line: the
    line's own refusal (weight, properties, postcode), or that it has no rate on the route."""
    by_key = {item.key: item for item in items}
    dest, postcode = order.shipping_country_code, order.shipping_zip
    parcel = next(p for p in plan.parcels if p.option.line_id != line.pk)
    cart = [by_key[key].cart_line(qty) for key, qty in parcel.allocations]
    _options, refusals = ctx.book.quote(
        origin=parcel.source.country, dest=dest, postcode=postcode, cart=cart
    )
    found = [r.message for r in refusals if r.line_id == line.pk]
    return found[0] if found else f"it has no rate from {parcel.source.country} to {dest}"


def _plan_option(
    ctx: Any, order: Order, lines: Sequence[Any], *, warehouse: Any, line: Any
) -> tuple[routing.RoutePlan, list[routing.PlanItem], str]:
    """Plan ``order`` from ``warehouse`` only, on ``line`` only: the plan, its items, and why
    it is not feasible ("" when it is)."""
    plan, items = _route(
        ctx,
        lines=lines,
        dest=order.shipping_country_code,
        postcode=order.shipping_zip,
        requested_name="",
        requested_line_id=line.pk,
        warehouse_id=warehouse.pk,
        order_type=order.order_type,
    )
    why = ""
    serve = (
        f"{line.name} cannot ship this order from {warehouse.code} to {order.shipping_country_code}"
    )
    if not plan.ok:
        reasons = "; ".join(r["message"] for r in plan.reasons)
        stock = {routing.REASON_NO_STOCK, routing.REASON_WAREHOUSE}
        if any(r["code"] in stock for r in plan.reasons):
            why = f"warehouse {warehouse.code} cannot reserve the stock: {reasons}"
        else:
            why = f"{serve}: {reasons}"
    elif any(p.option.line_id != line.pk for p in plan.parcels):
        why = f"{serve}: {_line_refusal(ctx, plan, items, line, order)}"
    elif order.status == S.UNSHIPPED and plan.product_minor != order.product_amount_minor:
        # The merchant's private stock costs nothing: another source changes the product price,
        # which was paid already. Only the freight of a paid order may change here.
        cur = order.currency
        why = (
            f"from {warehouse.code} the products would cost {Money(plan.product_minor, cur).wire()}"
            f" {cur} instead of the {Money(order.product_amount_minor, cur).wire()} {cur} paid "
            "(private stock): cancel and order again instead"
        )
    return plan, items, why


def _order_lines(order: Order) -> list[Any]:
    return list(order.lines.select_related("variant__product").order_by("pk"))


# --- Options -----------------------------------------------------------------------------------


def order_replan_options(*, order: Order) -> ReplanOptions:
    """Every (warehouse, line) that can ship ``order`` now, cheapest first, with its freight,
    delivery days and the difference against the current freight; plus the combinations that
    cannot, and why. Writes nothing: the order's own reservations count as available (they
    are released first when the change is applied). ``blocked`` is set (and no option listed)
    when the order cannot be re-planned at all."""
    parcels = planning.parcels_of(order)
    live = _live(parcels)
    current = _label([p.warehouse.code for p in live], [p.line.name for p in live if p.line])
    base: dict[str, Any] = {
        "order": order,
        "paid": order.status == S.UNSHIPPED,
        "current": current,
        "postage_minor": order.postage_amount_minor,
    }
    blocked = replan_blocked(order, parcels)
    if blocked:
        return ReplanOptions(**base, options=[], unavailable=[], blocked=blocked)
    lines = _order_lines(order)
    held: dict[int, int] = {}
    if order.status in RESERVED:
        for (stock_pk, _ref), units in open_reservations(_order_references(order)).items():
            held[stock_pk] = held.get(stock_pk, 0) + units
    dest = order.shipping_country_code
    ctx = _routing_context(
        order.merchant, {line.variant_id for line in lines}, {dest}, give_back=held
    )
    warehouse_ids = {row[0] for rows in ctx.stock.values() for row in rows}
    warehouses = Warehouse.objects.filter(pk__in=warehouse_ids, is_active=True).order_by("code")
    now_on = {(p.warehouse_id, p.line_id) for p in live}
    options: list[ReplanOption] = []
    unavailable: list[ReplanUnavailable] = []
    for warehouse in warehouses:
        route_lines = ctx.book.cards.get((warehouse.country, dest), {})
        candidates = [ctx.book.lines[pk] for pk in route_lines if pk in ctx.book.lines]
        for line in sorted((x for x in candidates if x.is_active), key=lambda x: x.name):
            plan, _items, why = _plan_option(ctx, order, lines, warehouse=warehouse, line=line)
            if why:
                unavailable.append(ReplanUnavailable(warehouse.code, line.name, why))
                continue
            options.append(
                ReplanOption(
                    warehouse_id=warehouse.pk,
                    warehouse_code=warehouse.code,
                    warehouse_name=warehouse.name,
                    line_id=line.pk,
                    line_name=line.name,
                    postage_minor=plan.postage_minor,
                    total_minor=plan.landed_minor,
                    currency=order.currency,
                    min_days=max(p.option.min_days for p in plan.parcels),
                    max_days=max(p.option.max_days for p in plan.parcels),
                    parcels=len(plan.parcels),
                    delta_minor=plan.postage_minor - order.postage_amount_minor,
                    current=now_on == {(warehouse.pk, line.pk)},
                )
            )
    options.sort(key=lambda o: (o.postage_minor, o.max_days, o.warehouse_code, o.line_name))
    return ReplanOptions(**base, options=options, unavailable=unavailable)


# --- The change --------------------------------------------------------------------------------


def _check_scope(actor: Actor, order: Order) -> None:
    """The operator's scope (``selectors_ops.operator_order_scope``): an agent reaches only
    the merchants assigned to them; another order answers "not found"."""
    user: Any = actor
    if not operator_order_scope(user=user).filter(pk=order.pk).exists():
        raise OrderNotFound(f"order {order.code} not found")


def _breakdown(locked: Order, new: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The new plan's cost breakdown; a paid order keeps what its payment froze and lists its
    re-plans."""
    old = locked.cost_breakdown or {}
    if locked.status != S.UNSHIPPED:
        return new
    kept = {key: old[key] for key in _PAID_KEYS if key in old}
    return {**new, **kept, "replans": [*old.get("replans", []), change]}


@transaction.atomic
def order_replan(
    *,
    order: Order,
    actor: Actor,
    warehouse: Warehouse,
    line: ShippingLine,
    reason: str,
    actor_label: str = "",
) -> ReplanResult:
    """Ship ``order`` from ``warehouse`` on ``line`` (an operator's change; the rules are the
    module docstring's invariant).

    Refused, nothing changed: an empty or over-long ``reason`` (``OrderInvalid``); an order
    outside the operator's scope (``OrderNotFound``, also for an agent and another
    merchant's order; ``PermissionDenied`` for a non-operator); an order that is shipped,
    delivered, cancelled, merged, a bulk purchase, or whose picking has started, or an
    inactive warehouse or line, or the current warehouse and line again
    (``ReplanRefused``, 409); a line that does not serve the destination from that warehouse,
    a warehouse that cannot reserve the stock, or (paid) a plan that changes the product
    amount (``ReplanRefused`` naming why). Stock reserved (UNPAID / UNSHIPPED) is released
    and reserved again at the new warehouse (``InsufficientStock`` rolls everything back); a
    paid order's new parcels go READY at its payment time (same place in the queue).
    """
    reason = (reason or "").strip()
    if not reason:
        raise OrderInvalid("give a reason for the change")
    if len(reason) > REASON_MAX:
        raise OrderInvalid(f"the reason has at most {REASON_MAX} characters")
    _check_scope(actor, order)
    locked = _lock(order)
    parcels = planning.parcels_of(locked)
    blocked = replan_blocked(locked, parcels)
    if blocked:
        raise ReplanRefused(blocked)
    if not warehouse.is_active:
        raise ReplanRefused(f"warehouse {warehouse.code} is not active")
    if not line.is_active:
        raise ReplanRefused(f"shipping line {line.name} is not active")
    live = _live(parcels)
    if live and all(p.warehouse_id == warehouse.pk and p.line_id == line.pk for p in live):
        raise ReplanRefused(
            f"order {locked.code} already ships from {warehouse.code} on {line.name}"
        )
    before = _label([p.warehouse.code for p in live], [p.line.name for p in live if p.line])
    before_postage, currency = locked.postage_amount_minor, locked.currency
    paid, reserved = locked.status == S.UNSHIPPED, locked.status in RESERVED
    if reserved:
        _release(locked, actor, reason=f"order {locked.code}: warehouse or line changed")
    lines = _order_lines(locked)
    ctx = _routing_context(
        locked.merchant, {x.variant_id for x in lines}, {locked.shipping_country_code}
    )
    plan, items, why = _plan_option(ctx, locked, lines, warehouse=warehouse, line=line)
    if why:
        raise ReplanRefused(why)
    after = _label([p.source.warehouse_code for p in plan.parcels], [line.name])
    now = timezone.now()
    priced = _priced_fields(plan, items, currency, order_type=locked.order_type)
    priced["cost_breakdown"] = _breakdown(
        locked,
        priced["cost_breakdown"],
        {
            "at": now.isoformat(),
            "from": before,
            "to": after,
            "postage_before_minor": before_postage,
            "postage_after_minor": plan.postage_minor,
            "reason": reason,
        },
    )
    specs = _parcel_specs(
        plan, merchant_id=locked.merchant_id, order_id=locked.pk, line_ids=[x.pk for x in lines]
    )
    try:
        planning.parcels_replace_open(order=locked, specs=specs, actor=actor)
    except ValueError:  # a parcel moved on since it was read: picking started meanwhile
        raise ReplanRefused(
            f"the warehouse has started picking order {locked.code}: its warehouse and line "
            "can no longer change"
        ) from None
    fields = {
        **priced,
        "requested_warehouse": warehouse,
        "requested_logistic_name": line.name,
        "updated_at": now,
    }
    Order.objects.filter(pk=locked.pk).update(**fields)
    for name, value in fields.items():
        setattr(locked, name, value)
    if reserved:
        _reserve(locked, actor)
    if paid:
        planning.parcels_mark_ready(
            order=locked, when=locked.paid_at, actor=actor, note="warehouse or line changed"
        )
    freight = (
        f"freight {Money(before_postage, currency).wire()} → "
        f"{Money(plan.postage_minor, currency).wire()} {currency}"
    )
    event = order_note(
        locked,
        kind="replanned",
        note=f"{before} → {after}, {freight}: {reason}",
        actor=actor,
        actor_label=actor_label,
    )
    _changed(
        locked,
        actor,
        what="replan",
        details={
            "from": before,
            "to": after,
            "warehouse": warehouse.code,
            "line": line.name,
            "postage_before_minor": before_postage,
            "postage_after_minor": plan.postage_minor,
            "currency": currency,
            "paid": paid,
            "reason": reason,
        },
    )
    return ReplanResult(
        order=_sync_instance(order, locked),
        paid=paid,
        before_postage_minor=before_postage,
        after_postage_minor=plan.postage_minor,
        event=event,
    )
