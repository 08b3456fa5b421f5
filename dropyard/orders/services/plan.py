"""Routing an order, the database side: load what the pure planner (``orders.routing``) needs,
run it, and turn its plan into order amounts, a cost breakdown and parcel specs for
``orders.planning``. ``order_route`` / ``order_reroute`` re-plan an unpaid order in place
(``_reroute_locked``), keeping an UNPAID order's reservations in step."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.inventory.models import Stock
from dropyard.logistics.models import DefaultShippingLine, RateCard, ShippingLine

from .. import planning, routing
from ..choices import OrderType
from ..exceptions import ConfirmRefused, InvalidTransition
from ..models import Order
from .lifecycle import PRE_PAYMENT, S, _lock, _sync_instance, order_note
from .reservations import _release, _reserve


@dataclass
class _RoutingContext:
    """Everything routing needs for a set of orders of one merchant, in four queries."""

    book: routing.RateBook
    defaults: dict[str, DefaultShippingLine]
    stock: dict[
        int, list[tuple[int, str, str, bool, int]]
    ]  # variant → (wh, code, country, private, avail)


def _routing_context(
    merchant: MerchantAccount,
    variant_ids: Iterable[int],
    dests: Iterable[str],
    *,
    give_back: Mapping[int, int] | None = None,
) -> _RoutingContext:
    """``give_back`` (stock row pk → units) counts units as available again: what an order
    holds reserved itself, when its re-planning is previewed without releasing them."""
    variant_ids, dests = set(variant_ids), set(dests)
    give_back = give_back or {}
    stock: dict[int, list[tuple[int, str, str, bool, int]]] = defaultdict(list)
    free = Q(on_hand__gt=F("reserved"))
    if give_back:
        free |= Q(pk__in=list(give_back))
    rows = (
        Stock.objects.filter(free, variant_id__in=variant_ids, warehouse__is_active=True)
        .filter(Q(merchant__isnull=True) | Q(merchant=merchant))
        .values_list(
            "pk",
            "variant_id",
            "warehouse_id",
            "warehouse__code",
            "warehouse__country",
            "merchant_id",
            "on_hand",
            "reserved",
        )
    )
    for pk, variant_id, wh, code, country, owner, on_hand, reserved in rows:
        available = on_hand - reserved + give_back.get(pk, 0)
        stock[variant_id].append((wh, code, country, owner is not None, available))
    book = routing.RateBook.build(
        RateCard.objects.filter(dest_country__in=dests), ShippingLine.objects.all()
    )
    defaults = {
        d.dest_country: d
        for d in DefaultShippingLine.objects.filter(merchant=merchant, dest_country__in=dests)
    }
    return _RoutingContext(book=book, defaults=defaults, stock=stock)


def _plan_items(lines: Sequence[Any]) -> list[routing.PlanItem]:
    return [
        routing.PlanItem(
            key=index,
            variant_id=line.variant.pk,
            sku=line.variant.sku,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            weight_g=line.variant.weight_g,
            length_mm=line.variant.length_mm,
            width_mm=line.variant.width_mm,
            height_mm=line.variant.height_mm,
            properties=frozenset(line.variant.product.properties or ()),
        )
        for index, line in enumerate(lines)
    ]


# Order types that never take the merchant's private stock: a bulk purchase buys platform stock,
# and a resend is the platform's (it must not consume goods the merchant owns).
PLATFORM_STOCK_ONLY = frozenset({OrderType.BULK, OrderType.RESEND})
# Order types whose freight nobody is charged for: the platform bears a resend's shipping.
FREIGHT_FREE = frozenset({OrderType.RESEND})


def _sources(
    ctx: _RoutingContext,
    items: Sequence[routing.PlanItem],
    *,
    warehouse_id: int | None,
    platform_only: bool,
) -> list[routing.Source]:
    grouped: dict[tuple[int, bool], dict[str, Any]] = {}
    for item in items:
        for wh, code, country, private, available in ctx.stock.get(item.variant_id, ()):
            if warehouse_id is not None and wh != warehouse_id:
                continue
            if platform_only and private:
                continue
            entry = grouped.setdefault(
                (wh, private), {"code": code, "country": country, "available": {}}
            )
            entry["available"][item.variant_id] = available
    return [
        routing.Source(
            warehouse_id=wh,
            warehouse_code=e["code"],
            country=e["country"],
            private=private,
            available=e["available"],
        )
        for (wh, private), e in sorted(
            grouped.items(), key=lambda kv: (not kv[0][1], kv[1]["code"])
        )
    ]


def _route(
    ctx: _RoutingContext,
    *,
    lines: Sequence[Any],
    dest: str,
    postcode: str,
    requested_name: str,
    warehouse_id: int | None,
    order_type: str,
    requested_line_id: int | None = None,
) -> tuple[routing.RoutePlan, list[routing.PlanItem]]:
    """Plan ``lines``; ``requested_line_id`` (a line chosen by id, not by name) wins over
    ``requested_name``. Bulk and resend orders ship platform stock only
    (``PLATFORM_STOCK_ONLY``)."""
    items = _plan_items(lines)
    bulk = order_type == OrderType.BULK
    # A bulk order's warehouse is its destination, not its source.
    only = None if bulk else warehouse_id
    sources = _sources(
        ctx, items, warehouse_id=only, platform_only=order_type in PLATFORM_STOCK_ONLY
    )
    if requested_line_id is not None:
        requested = ctx.book.lines.get(requested_line_id)
    else:
        requested = ctx.book.line_named(requested_name) if requested_name else None
    default = ctx.defaults.get(dest)
    policy = routing.LinePolicy(
        requested_line_id=requested.pk if requested is not None else None,
        requested_name=requested_name,
        default_line_id=default.line_id if default is not None else None,
        fallback=default.fallback if default is not None else routing.FallbackPolicy.CHEAPEST,
    )
    plan = routing.plan_route(
        items=items, sources=sources, book=ctx.book, dest=dest, postcode=postcode, policy=policy
    )
    if not plan.ok and only is not None and not sources:
        plan.reasons = [
            {"code": routing.REASON_WAREHOUSE, "message": "the requested warehouse has no stock"}
        ] + plan.reasons
    return plan, items


def _priced_fields(
    plan: routing.RoutePlan,
    items: Sequence[routing.PlanItem],
    currency: str = "USD",
    *,
    order_type: str = "",
) -> dict[str, Any]:
    """Order amounts, line, miss flag and the cost breakdown snapshot for a plan.

    An order type in ``FREIGHT_FREE`` (a resend) is charged no freight: its parcels keep the
    line's price (what the shipment costs the platform), the order's postage is 0 and the
    breakdown says the platform bears it."""
    full = sum(i.unit_price_minor * i.quantity for i in items)
    product = plan.product_minor if plan.ok else full
    free_freight = order_type in FREIGHT_FREE
    postage = plan.postage_minor if plan.ok and not free_freight else 0
    fee, discount = 0, 0
    breakdown = {
        "currency": currency,
        "products": {
            "total_minor": product,
            "lines": [
                {
                    "sku": i.sku,
                    "quantity": i.quantity,
                    "unit_price_minor": i.unit_price_minor,
                    "private_quantity": plan.private_units.get(i.key, 0),
                    "amount_minor": i.unit_price_minor
                    * (i.quantity - plan.private_units.get(i.key, 0)),
                }
                for i in items
            ],
        },
        "freight": {
            "total_minor": postage,
            **({"borne_by": "platform"} if free_freight else {}),
            "parcels": [
                {
                    "warehouse": p.source.warehouse_code,
                    "private_stock": p.source.private,
                    "line": p.option.line_name,
                    "line_id": p.option.line_id,
                    "price_minor": p.option.price_minor,
                    "chargeable_weight_g": p.option.chargeable_weight_g,
                    "days": f"{p.option.min_days}-{p.option.max_days}",
                    "why": p.why,
                }
                for p in plan.parcels
            ],
        },
        "fees": {"total_minor": fee, "items": []},
        "discounts": {"total_minor": discount, "items": []},
        "total_minor": product + postage + fee - discount,
        "line": plan.parcels[0].option.line_name if plan.parcels else None,
        "warehouses": sorted({p.source.warehouse_code for p in plan.parcels}),
        "promise_days": plan.promise_days,
        "why": plan.why if plan.ok else "; ".join(r["message"] for r in plan.reasons),
        "logistics_miss": not plan.ok,
    }
    return {
        "line_id": plan.line_id,
        "logistics_miss": not plan.ok,
        "intercept_reasons": list(plan.reasons),
        "currency": currency,
        "product_amount_minor": product,
        "postage_amount_minor": postage,
        "fee_amount_minor": fee,
        "discount_amount_minor": discount,
        "total_amount_minor": product + postage + fee - discount,
        "cost_breakdown": breakdown,
    }


def _parcel_specs(
    plan: routing.RoutePlan, *, merchant_id: int, order_id: int, line_ids: Sequence[int]
) -> list[planning.ParcelSpec]:
    return [
        planning.ParcelSpec(
            merchant_id=merchant_id,
            warehouse_id=p.source.warehouse_id,
            uses_private_stock=p.source.private,
            line_id=p.option.line_id,
            postage_minor=p.option.price_minor,
            chargeable_weight_g=p.option.chargeable_weight_g,
            actual_weight_g=p.option.actual_weight_g,
            min_days=p.option.min_days,
            max_days=p.option.max_days,
            currency=p.option.currency,
            lines=[(line_ids[key], qty) for key, qty in p.allocations],
            order_ids=[order_id],
        )
        for p in plan.parcels
        if plan.ok
    ]


def _reroute_locked(locked: Order, *, actor: Actor) -> routing.RoutePlan:
    """Re-plan a locked pre-payment order in place (parcels, amounts, breakdown); keeps an
    UNPAID order's reservations in step (release, re-plan, reserve)."""
    if locked.status not in PRE_PAYMENT:
        raise InvalidTransition(
            _("order %(code)s is %(status)s: routing is frozen")
            % {"code": locked.code, "status": locked.status}
        )
    if locked.merge_id is not None:
        raise InvalidTransition(
            _("order %(code)s is merged: undo the merge first") % {"code": locked.code}
        )
    reserved = locked.status == S.UNPAID
    if reserved:
        _release(locked, actor, reason=f"re-route order {locked.code}")
    lines = list(locked.lines.select_related("variant__product").order_by("pk"))
    ctx = _routing_context(
        locked.merchant, {line.variant_id for line in lines}, {locked.shipping_country_code}
    )
    plan, items = _route(
        ctx,
        lines=lines,
        dest=locked.shipping_country_code,
        postcode=locked.shipping_zip,
        requested_name=locked.requested_logistic_name,
        warehouse_id=locked.requested_warehouse_id,
        order_type=locked.order_type,
    )
    if reserved and not plan.ok:
        raise ConfirmRefused(
            _("the order can no longer be routed: %(reasons)s")
            % {"reasons": "; ".join(r["message"] for r in plan.reasons)},
            extra={"reasons": plan.reasons},
        )
    priced = _priced_fields(plan, items, locked.currency, order_type=locked.order_type)
    specs = _parcel_specs(
        plan,
        merchant_id=locked.merchant_id,
        order_id=locked.pk,
        line_ids=[line.pk for line in lines],
    )
    planning.parcels_replace_planned(order=locked, specs=specs, actor=actor)
    priced["updated_at"] = timezone.now()
    Order.objects.filter(pk=locked.pk).update(**priced)
    for name, value in priced.items():
        setattr(locked, name, value)
    if reserved:
        _reserve(locked, actor)
    return plan


@transaction.atomic
def order_route(*, order: Order, actor: Actor = None, actor_label: str = "") -> Order:
    """Route and price an unpaid order again (CREATED / IN_CART / UNPAID).

    Replaces its PLANNED parcels, sets ``line``, the amounts, ``cost_breakdown``,
    ``logistics_miss`` and ``intercept_reasons``, and notes a "routed" history row. For an
    UNPAID order the reservations follow the new parcels; if it can no longer be routed (or
    stock is short) the call is refused (``ConfirmRefused`` / ``InsufficientStock``) and nothing
    changes. Refused for paid orders (routing is frozen at payment) and merged orders.
    """
    locked = _lock(order)
    plan = _reroute_locked(locked, actor=actor)
    note = (
        plan.why if plan.ok else "logistics miss: " + "; ".join(r["message"] for r in plan.reasons)
    )
    order_note(locked, kind="routed", note=note, actor=actor, actor_label=actor_label)
    return _sync_instance(order, locked)


def order_reroute(*, order: Order, actor: Actor = None, actor_label: str = "") -> Order:
    """Re-route after stock or the line changed before payment (same as ``order_route``)."""
    return order_route(order=order, actor=actor, actor_label=actor_label)
