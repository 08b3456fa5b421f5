"""The pricing arithmetic (exact figures, rounding edges) and which rule applies."""

from dataclasses import dataclass

import pytest

from dropyard.stores.pricing import (
    DEFAULT_TERMS,
    Prices,
    RuleTerms,
    price_compute,
    round_ending,
    rule_pick,
)


@pytest.mark.parametrize(
    ("amount", "rounding", "expected"),
    [
        (1000, "99", 1099),
        (1098, "99", 1099),
        (1099, "99", 1099),
        (1100, "99", 1199),
        (0, "99", 99),
        (1095, "95", 1095),
        (1096, "95", 1195),
        (1000, "95", 1095),
        (1234, "none", 1234),
        (0, "none", 0),
    ],
)
def test_round_ending_raises_to_the_next_ending_never_lowers(amount, rounding, expected):
    assert round_ending(amount, rounding) == expected


def test_price_is_cost_times_multiplier_plus_add_then_rounded():
    terms = RuleTerms(multiplier_bp=25_000, add_minor=150, rounding="99")

    # 8.40 × 2.5 = 21.00, + 1.50 = 22.50 → 22.99
    assert price_compute(840, terms) == Prices(price_minor=2299, compare_at_minor=0)


def test_multiplier_rounds_half_up_in_integers():
    # 3.33 × 1.5 = 4.995 → 5.00 (half up), 3.33 × 1.4999 = 4.99467 → 4.99
    assert price_compute(333, RuleTerms(multiplier_bp=15_000, rounding="none")).price_minor == 500
    assert price_compute(333, RuleTerms(multiplier_bp=14_999, rounding="none")).price_minor == 499


def test_compare_at_is_the_price_times_its_multiplier_with_the_same_ending():
    terms = RuleTerms(multiplier_bp=20_000, rounding="95", compare_at_bp=13_000)

    # 10.00 × 2 = 20.00 → 20.95; × 1.3 = 27.235 → 27.24 → 27.95
    assert price_compute(1000, terms) == Prices(price_minor=2095, compare_at_minor=2795)


def test_compare_at_not_above_the_price_is_dropped():
    # 0.00 cost: price 0.99, × 1.0001 = 0.99 → 0.99, not above the price → none.
    terms = RuleTerms(multiplier_bp=10_000, compare_at_bp=10_001)

    assert price_compute(0, terms) == Prices(price_minor=99, compare_at_minor=0)


def test_default_terms_double_the_cost_and_end_in_99():
    assert RuleTerms(20_000, 0, "99", 0) == DEFAULT_TERMS
    assert price_compute(1000, DEFAULT_TERMS).price_minor == 2099
    assert price_compute(1050, DEFAULT_TERMS).price_minor == 2199


def test_a_negative_cost_is_a_bug():
    with pytest.raises(ValueError, match="cost must be ≥ 0"):
        price_compute(-1, DEFAULT_TERMS)


@dataclass
class Rule:
    name: str
    store_id: int | None = None
    category_id: int | None = None


def _pick(rules, store_id=1, category_ids=(30, 20, 10)):
    found = rule_pick(rules, store_id=store_id, category_ids=list(category_ids))
    return found.name if found else None


def test_priority_store_and_category_over_store_over_category_over_default():
    rules = [
        Rule("default"),
        Rule("category", category_id=20),
        Rule("store", store_id=1),
        Rule("both", store_id=1, category_id=10),
    ]

    assert _pick(rules) == "both"
    assert _pick(rules[:3]) == "store"
    assert _pick(rules[:2]) == "category"
    assert _pick(rules[:1]) == "default"
    assert _pick([]) is None


def test_the_nearest_category_wins_and_other_scopes_do_not_apply():
    rules = [
        Rule("grandparent", category_id=10),
        Rule("leaf", category_id=30),
        Rule("other store", store_id=2),
        Rule("other category", category_id=99),
        Rule("other store and category", store_id=2, category_id=30),
    ]

    assert _pick(rules) == "leaf"
    assert _pick(rules[:1] + rules[2:]) == "grandparent"
    assert _pick(rules[2:]) is None
