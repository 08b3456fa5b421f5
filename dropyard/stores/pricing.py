"""The merchant's pricing rules as pure arithmetic: a store price from a cost, in integer minor
units (no floats, no Decimal), and which rule applies to a (store, category) pair.

The cost a rule prices from is the catalog's sell price to the merchant (``Variant.price_minor``,
what Dropyard charges for the goods), not goods plus freight: freight depends on the buyer's
country and the shipping line, which a listing price cannot know. Merchants who want freight
covered add it with the rule's fixed add.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

BASIS = 10_000  # basis points: a multiplier of 25_000 is ×2.5

ROUND_NONE, ROUND_99, ROUND_95 = "none", "99", "95"
ROUNDINGS = (ROUND_NONE, ROUND_99, ROUND_95)


@dataclass(frozen=True)
class RuleTerms:
    """What a pricing rule does: ``price = cost × multiplier_bp / 10 000 + add_minor`` (half up),
    then raised to the next .99 or .95 ending; the compare-at price (0 = none) is the sale
    price × ``compare_at_bp`` / 10 000 with the same ending, kept only when above the price."""

    multiplier_bp: int = 20_000
    add_minor: int = 0
    rounding: str = ROUND_99
    compare_at_bp: int = 0


# Without any rule of the merchant's: double the cost, end in .99 (shown on the rules page).
DEFAULT_TERMS = RuleTerms()


@dataclass(frozen=True)
class Prices:
    """A store price and its compare-at price (0 when there is none), minor units."""

    price_minor: int
    compare_at_minor: int = 0


def _scale(amount_minor: int, basis_points: int) -> int:
    """``amount × bp / 10 000`` rounded half up, in integers."""
    return (amount_minor * basis_points + BASIS // 2) // BASIS


def round_ending(amount_minor: int, rounding: str) -> int:
    """``amount`` raised to the nearest ending at or above it: ``"99"`` → x.99, ``"95"`` →
    x.95 (10.00 → 10.99, 10.99 → 10.99, 10.96 → 11.95); ``"none"`` leaves it. Raising, never
    lowering, keeps the margin the multiplier and fixed add were chosen for."""
    if rounding == ROUND_NONE:
        return amount_minor
    ending = int(rounding)
    rounded = amount_minor - amount_minor % 100 + ending
    return rounded if rounded >= amount_minor else rounded + 100


def price_compute(cost_minor: int, terms: RuleTerms) -> Prices:
    """The store price (and compare-at price) ``terms`` give for ``cost_minor``.

    Pure and exact: integer arithmetic only. A negative cost is a caller bug (ValueError)."""
    if cost_minor < 0:
        raise ValueError("cost must be ≥ 0")
    price = round_ending(_scale(cost_minor, terms.multiplier_bp) + terms.add_minor, terms.rounding)
    compare_at = 0
    if terms.compare_at_bp:
        compare_at = round_ending(_scale(price, terms.compare_at_bp), terms.rounding)
        if compare_at <= price:
            compare_at = 0
    return Prices(price_minor=price, compare_at_minor=compare_at)


class _Scoped(Protocol):
    store_id: int | None
    category_id: int | None


def rule_pick[R: _Scoped](
    rules: Iterable[R], *, store_id: int, category_ids: Sequence[int]
) -> R | None:
    """The rule that prices a product of a category in a store, among one merchant's rules.

    ``category_ids``: the product's category first, then its ancestors (a rule for a parent
    category covers its sub-categories; the nearest category wins). Priority: store and
    category > store only > category only > the merchant default (neither); None when no
    rule applies."""
    depth = {cid: i for i, cid in enumerate(category_ids)}
    best: tuple[tuple[int, int], R] | None = None
    for rule in rules:
        if rule.store_id is not None and rule.store_id != store_id:
            continue
        if rule.category_id is not None and rule.category_id not in depth:
            continue
        if rule.store_id is not None and rule.category_id is not None:
            rank = (0, depth[rule.category_id])
        elif rule.store_id is not None:
            rank = (1, 0)
        elif rule.category_id is not None:
            rank = (2, depth[rule.category_id])
        else:
            rank = (3, 0)
        if best is None or rank < best[0]:
            best = (rank, rule)
    return best[1] if best else None
