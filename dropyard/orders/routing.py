"""Order routing and pricing: which warehouse(s) ship which lines, on which shipping line.

Pure: ``plan_route`` takes plain data (the order's items, the stock sources, a ``RateBook`` of
preloaded rate cards, the merchant's line preferences) and returns a ``RoutePlan``. The
database side (loading a ``RoutingContext`` for one or many orders in a fixed number of
queries, writing parcels) lives in ``orders.services`` and ``orders.planning``.

Rules (in this order):

1. Sources are (warehouse, owner) pairs: the merchant's private stock in a platform warehouse
   (product cost 0, already paid by a bulk purchase) and shared stock (merchant NULL) in active
   warehouses. A parcel draws from exactly one source, so a warehouse holding both private and
   shared units of a cart may ship two parcels (``Parcel.uses_private_stock`` tells the
   warehouse which stock rows to consume).
2. Candidate plans: every single source that covers every line; a private-first greedy split;
   a coverage-first greedy split (a line's quantity may be split over sources when no single
   source holds enough).
3. Line per parcel: the requested line if it can carry the parcel, else the merchant's default
   line for the destination, else the default's fallback policy (CHEAPEST / FASTEST / REFUSE);
   with neither requested nor default line, the cheapest.
4. The delivery promise is the preferred (requested, else default) line's ``max_days``; plans
   within the promise win, then the lowest landed cost (products + freight), then the fewest
   parcels, then the most private units.
5. No plan at all → ``RoutePlan.ok`` False with intercept reasons ``[{code, message}]``.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dropyard.core.text import counted
from dropyard.logistics import rules
from dropyard.logistics.choices import FallbackPolicy, UnavailableReason

# Intercept reason codes (``Order.intercept_reasons[*].code``).
REASON_NO_STOCK = "no_stock"
REASON_NO_ROUTE = UnavailableReason.NO_ROUTE.value
REASON_PROPERTY = UnavailableReason.PROPERTY.value
REASON_OVERWEIGHT = UnavailableReason.OVERWEIGHT.value
REASON_INACTIVE = UnavailableReason.INACTIVE.value
REASON_REFUSED = "default_line_refused"  # the default line cannot ship and its policy refuses
REASON_WAREHOUSE = "warehouse"  # the requested warehouse holds no stock of a line


@dataclass(frozen=True)
class PlanItem:
    """One order line to route. ``key`` identifies it in the plan (the line's index)."""

    key: int
    variant_id: int
    sku: str
    quantity: int
    unit_price_minor: int
    weight_g: int
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    properties: frozenset[str] = frozenset()

    def cart_line(self, quantity: int) -> rules.CartLine:
        return rules.CartLine(
            weight_g=self.weight_g,
            length_mm=self.length_mm,
            width_mm=self.width_mm,
            height_mm=self.height_mm,
            quantity=quantity,
            properties=self.properties,
        )


@dataclass(frozen=True)
class Source:
    """Units of variants available in one warehouse for one owner (private or shared)."""

    warehouse_id: int
    warehouse_code: str
    country: str
    private: bool
    available: dict[int, int]  # variant_id → available units

    @property
    def key(self) -> tuple[int, bool]:
        return (self.warehouse_id, self.private)


@dataclass(frozen=True)
class LineOption:
    """A line that can carry one parcel, priced."""

    line_id: int
    line_name: str
    price_minor: int
    currency: str
    min_days: int
    max_days: int
    chargeable_weight_g: int
    actual_weight_g: int


@dataclass(frozen=True)
class LineRefusal:
    line_id: int
    line_name: str
    reason: str
    message: str


@dataclass
class RateBook:
    """Rate cards by route and line, and every shipping line by id (preloaded, read-only).

    ``cards[(origin, dest)][line_id]`` lists the cards of one line on one route; ``lines`` maps
    line ids to ``ShippingLine``-like objects (``pk, name, is_active, allowed_properties,
    max_weight_g, volumetric_divisor``).
    """

    cards: dict[tuple[str, str], dict[int, list[Any]]] = field(default_factory=dict)
    lines: dict[int, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, cards: Iterable[Any], lines: Iterable[Any]) -> "RateBook":
        book = cls(lines={line.pk: line for line in lines})
        for card in cards:
            route = book.cards.setdefault((card.origin_country, card.dest_country), {})
            route.setdefault(card.line_id, []).append(card)
        return book

    def line_named(self, name: str) -> Any | None:
        wanted = (name or "").strip().casefold()
        if not wanted:
            return None
        for line in self.lines.values():
            if line.name.casefold() == wanted or line.code.casefold() == wanted:
                return line
        return None

    def quote(
        self, *, origin: str, dest: str, postcode: str, cart: Sequence[rules.CartLine]
    ) -> tuple[list[LineOption], list[LineRefusal]]:
        """Every line's answer for ``cart`` on ``origin → dest``: options cheapest first
        (then fastest, then name), and refusals. Same rules as ``logistics.selectors.
        freight_quote`` (rate by longest postcode prefix, restrictions, weight steps)."""
        options: list[LineOption] = []
        refusals: list[LineRefusal] = []
        route_cards = self.cards.get((origin, dest), {})
        actual = rules.actual_weight_g(cart)
        for line_id, cards in route_cards.items():
            line = self.lines.get(line_id)
            if line is None:
                continue
            spec = rules.LineSpec.from_line(line)
            chargeable = max(actual, rules.volumetric_weight_g(cart, spec.volumetric_divisor))
            card = rules.pick_rate(cards, postcode)
            if card is None:
                refusals.append(
                    LineRefusal(
                        line_id,
                        line.name,
                        REASON_NO_ROUTE,
                        f"{line.name} has no rate for {origin} → {dest} postcode {postcode}",
                    )
                )
                continue
            found = rules.restriction(spec, cart, chargeable)
            if found is not None:
                refusals.append(
                    LineRefusal(line_id, line.name, found.value, _refusal(found, line, spec, cart))
                )
                continue
            rate = rules.Rate.from_card(card)
            try:
                breakdown = rules.price_breakdown(rate, chargeable, postcode)
            except rules.WeightNotPriced as exc:
                refusals.append(
                    LineRefusal(
                        line_id, line.name, REASON_OVERWEIGHT, f"{line.name} cannot carry: {exc}"
                    )
                )
                continue
            options.append(
                LineOption(
                    line_id=line_id,
                    line_name=line.name,
                    price_minor=breakdown.total_minor,
                    currency=rate.currency,
                    min_days=rate.min_days,
                    max_days=rate.max_days,
                    chargeable_weight_g=chargeable,
                    actual_weight_g=actual,
                )
            )
        options.sort(key=lambda o: (o.price_minor, o.max_days, o.line_name))
        return options, refusals


def _refusal(reason: UnavailableReason, line: Any, spec: rules.LineSpec, cart: Any) -> str:
    if reason == UnavailableReason.PROPERTY:
        refused = ", ".join(rules.refused_properties(spec, cart))
        return f"{line.name} does not carry products with: {refused}"
    if reason == UnavailableReason.OVERWEIGHT:
        weight = rules.actual_weight_g(cart)
        return f"{line.name} cannot carry {weight} g (limit {spec.max_weight_g} g)"
    return f"{line.name} is not active"


@dataclass(frozen=True)
class LinePolicy:
    """The merchant's line preferences for one order."""

    requested_line_id: int | None = None
    requested_name: str = ""  # as given, for the explanation when it is unknown
    default_line_id: int | None = None
    fallback: str = FallbackPolicy.CHEAPEST


@dataclass
class ParcelPlan:
    """One parcel: a source, (item key, quantity) allocations, the chosen line and why."""

    source: Source
    allocations: list[tuple[int, int]]
    option: LineOption
    why: str


@dataclass
class RoutePlan:
    """The routing result. ``ok`` False means logistics miss: see ``reasons``."""

    ok: bool
    parcels: list[ParcelPlan] = field(default_factory=list)
    product_minor: int = 0
    postage_minor: int = 0
    reasons: list[dict[str, str]] = field(default_factory=list)
    why: str = ""
    promise_days: int | None = None
    private_units: dict[int, int] = field(default_factory=dict)  # item key → units

    @property
    def line_id(self) -> int | None:
        """The line of the first parcel (``Order.line``); None on a miss."""
        return self.parcels[0].option.line_id if self.parcels else None

    @property
    def landed_minor(self) -> int:
        return self.product_minor + self.postage_minor


def _choose_line(
    options: list[LineOption], refusals: list[LineRefusal], policy: LinePolicy
) -> tuple[LineOption | None, str, list[dict[str, str]]]:
    """The line for one parcel, why, and (when none) the reasons."""
    by_id = {o.line_id: o for o in options}
    notes = []
    if policy.requested_line_id is not None:
        if policy.requested_line_id in by_id:
            return by_id[policy.requested_line_id], "requested line", []
        notes.append("the requested line cannot carry it")
    elif policy.requested_name:
        notes.append(f"requested line {policy.requested_name!r} is unknown")
    if policy.default_line_id is not None:
        if policy.default_line_id in by_id:
            return by_id[policy.default_line_id], _why("merchant default line", notes), []
        notes.append("the default line cannot carry it")
        if policy.fallback == FallbackPolicy.REFUSE:
            refusal = [r for r in refusals if r.line_id == policy.default_line_id]
            message = refusal[0].message if refusal else "the default line has no rate"
            return (
                None,
                "",
                [
                    {
                        "code": REASON_REFUSED,
                        "message": f"{message}; the fallback policy refuses other lines",
                    }
                ],
            )
        if policy.fallback == FallbackPolicy.FASTEST and options:
            best = min(options, key=lambda o: (o.max_days, o.price_minor, o.line_name))
            return best, _why("fastest line (fallback)", notes), []
    if options:
        return options[0], _why("cheapest line", notes), []
    reasons = _dedupe([{"code": r.reason, "message": r.message} for r in refusals])
    return None, "", reasons or [{"code": REASON_NO_ROUTE, "message": "no line to the country"}]


def _why(what: str, notes: list[str]) -> str:
    return f"{what} ({'; '.join(notes)})" if notes else what


def _dedupe(reasons: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    seen, out = set(), []
    for reason in reasons:
        key = (reason["code"], reason["message"])
        if key not in seen:
            seen.add(key)
            out.append(reason)
    return out


def _greedy(
    items: Sequence[PlanItem], sources: Sequence[Source], order: Sequence[Source]
) -> dict[tuple[int, bool], list[tuple[int, int]]] | None:
    """Allocate every item from sources in ``order`` (taking what each has); None if short."""
    left = {s.key: dict(s.available) for s in sources}
    plan: dict[tuple[int, bool], list[tuple[int, int]]] = defaultdict(list)
    for item in items:
        need = item.quantity
        for source in order:
            have = left[source.key].get(item.variant_id, 0)
            take = min(have, need)
            if take > 0:
                plan[source.key].append((item.key, take))
                left[source.key][item.variant_id] = have - take
                need -= take
            if need == 0:
                break
        if need:
            return None
    return dict(plan)


def _covers(source: Source, items: Sequence[PlanItem]) -> bool:
    needed: dict[int, int] = defaultdict(int)
    for item in items:
        needed[item.variant_id] += item.quantity
    return all(source.available.get(v, 0) >= q for v, q in needed.items())


def candidate_allocations(
    items: Sequence[PlanItem], sources: Sequence[Source]
) -> list[dict[tuple[int, bool], list[tuple[int, int]]]]:
    """Distinct allocations worth pricing: single sources covering everything, then greedy
    splits (private first; most coverage first)."""
    found: list[dict[tuple[int, bool], list[tuple[int, int]]]] = []
    for source in sources:
        if _covers(source, items):
            found.append({source.key: [(item.key, item.quantity) for item in items]})

    def coverage(source: Source) -> int:
        return sum(source.available.get(i.variant_id, 0) >= i.quantity for i in items)

    for ordering in (
        sorted(sources, key=lambda s: (not s.private, -coverage(s), s.warehouse_code)),
        sorted(sources, key=lambda s: (-coverage(s), not s.private, s.warehouse_code)),
    ):
        plan = _greedy(items, sources, ordering)
        if plan is not None and plan not in found:
            found.append(plan)
    return found


def plan_route(
    *,
    items: Sequence[PlanItem],
    sources: Sequence[Source],
    book: RateBook,
    dest: str,
    postcode: str,
    policy: LinePolicy,
) -> RoutePlan:
    """Route one order (see the module docstring for the rules). Pure."""
    if not items:
        return RoutePlan(ok=False, reasons=[{"code": REASON_NO_STOCK, "message": "no lines"}])
    by_key = {item.key: item for item in items}
    by_source = {s.key: s for s in sources}
    short = _short_items(items, sources)
    if short:
        return RoutePlan(ok=False, reasons=short)
    preferred = policy.requested_line_id or policy.default_line_id
    evaluated: list[RoutePlan] = []
    failures: list[dict[str, str]] = []
    for allocation in candidate_allocations(items, sources):
        parcels: list[ParcelPlan] = []
        failed = False
        for source_key, allocs in sorted(
            allocation.items(), key=lambda kv: (not kv[0][1], by_source[kv[0]].warehouse_code)
        ):
            source = by_source[source_key]
            cart = [by_key[k].cart_line(q) for k, q in allocs]
            options, refusals = book.quote(
                origin=source.country, dest=dest, postcode=postcode, cart=cart
            )
            option, why, reasons = _choose_line(options, refusals, policy)
            if option is None:
                failures.extend(
                    {
                        "code": r["code"],
                        "message": f"from {source.warehouse_code}: {r['message']}",
                    }
                    for r in reasons
                )
                failed = True
                break
            parcels.append(
                ParcelPlan(source=source, allocations=list(allocs), option=option, why=why)
            )
        if failed:
            continue
        private_units: dict[int, int] = defaultdict(int)
        for parcel in parcels:
            if parcel.source.private:
                for key, qty in parcel.allocations:
                    private_units[key] += qty
        product = sum(
            item.unit_price_minor * (item.quantity - private_units.get(item.key, 0))
            for item in items
        )
        postage = sum(p.option.price_minor for p in parcels)
        evaluated.append(
            RoutePlan(
                ok=True,
                parcels=parcels,
                product_minor=product,
                postage_minor=postage,
                private_units=dict(private_units),
            )
        )
    if not evaluated:
        return RoutePlan(ok=False, reasons=_dedupe(failures))
    promise = None
    if preferred is not None:
        days = [
            p.option.max_days
            for plan in evaluated
            for p in plan.parcels
            if p.option.line_id == preferred
        ]
        promise = min(days) if days else None

    def score(plan: RoutePlan) -> tuple[int, int, int, int]:
        slowest = max(p.option.max_days for p in plan.parcels)
        late = int(promise is not None and slowest > promise)
        return (late, plan.landed_minor, len(plan.parcels), -sum(plan.private_units.values()))

    best = min(evaluated, key=score)
    best.promise_days = promise
    warehouses = ", ".join(
        f"{p.source.warehouse_code}{' (private stock)' if p.source.private else ''}"
        for p in best.parcels
    )
    best.why = (
        f"{counted(len(best.parcels), 'parcel')} from {warehouses}: lowest landed cost of "
        f"{counted(len(evaluated), 'feasible plan')}"
        + (f" within the {promise}-day promise" if promise is not None else "")
    )
    return best


def _short_items(items: Sequence[PlanItem], sources: Sequence[Source]) -> list[dict[str, str]]:
    needed: dict[int, int] = defaultdict(int)
    skus: dict[int, str] = {}
    for item in items:
        needed[item.variant_id] += item.quantity
        skus[item.variant_id] = item.sku
    reasons = []
    for variant_id, quantity in needed.items():
        have = sum(s.available.get(variant_id, 0) for s in sources)
        if have < quantity:
            reasons.append(
                {
                    "code": REASON_NO_STOCK,
                    "message": f"not enough stock of {skus[variant_id]}: "
                    f"{quantity} needed, {have} available",
                }
            )
    return reasons
