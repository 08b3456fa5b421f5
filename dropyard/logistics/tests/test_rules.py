"""Pure freight rules: table-driven, no database."""

from dataclasses import dataclass

import pytest

from dropyard.logistics.choices import PricingMode, UnavailableReason
from dropyard.logistics.rules import (
    Band,
    CartLine,
    LineSpec,
    Rate,
    WeightNotPriced,
    actual_weight_g,
    chargeable_weight_g,
    is_remote,
    pick_rate,
    price_breakdown,
    price_for,
    restriction,
    volumetric_weight_g,
)

# First 500 g $5.00, then $1.50 per started 500 g (the factory's card).
FIRST_ADDITIONAL = Rate(
    pricing_mode=PricingMode.FIRST_ADDITIONAL,
    first_weight_g=500,
    first_price_minor=500,
    step_weight_g=500,
    step_price_minor=150,
)
BANDS = Rate(
    pricing_mode=PricingMode.BANDS,
    bands=(Band(500, 450), Band(1000, 600), Band(2000, 950)),
)


def line(weight=100, dims=(0, 0, 0), qty=1, props=()):
    return CartLine(
        weight_g=weight,
        length_mm=dims[0],
        width_mm=dims[1],
        height_mm=dims[2],
        quantity=qty,
        properties=frozenset(props),
    )


# --- Chargeable weight ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "divisor", "actual", "volumetric", "chargeable"),
    [
        pytest.param([line(250, (100, 80, 50))], 5000, 250, 80, 250, id="actual-wins"),
        pytest.param([line(100, (300, 200, 100))], 5000, 100, 1200, 1200, id="volumetric-wins"),
        pytest.param([line(1200, (300, 200, 100))], 5000, 1200, 1200, 1200, id="equal"),
        pytest.param([line(250, (100, 80, 50), qty=3)], 5000, 750, 240, 750, id="quantity"),
        pytest.param(
            [line(100, (300, 200, 100), qty=2), line(400, (100, 100, 100))],
            5000,
            600,
            2600,
            2600,
            id="several-lines",
        ),
        pytest.param([line(10, (10, 10, 10))], 6000, 10, 1, 10, id="rounds-up-once"),
        pytest.param([line(1, (1, 1, 3))], 5000, 1, 1, 1, id="tiny-volume-rounds-to-1g"),
        pytest.param(
            [line(1, (1, 1, 2500)), line(1, (1, 1, 2501))], 5000, 2, 2, 2, id="summed-then-rounded"
        ),
        pytest.param([line(500)], 5000, 500, 0, 500, id="no-dimensions"),
        pytest.param([line(100, (300, 200, 100))], 8000, 100, 750, 750, id="other-divisor"),
    ],
)
def test_chargeable_weight(lines, divisor, actual, volumetric, chargeable):
    assert actual_weight_g(lines) == actual
    assert volumetric_weight_g(lines, divisor) == volumetric
    assert chargeable_weight_g(lines, divisor) == chargeable


# --- First weight + additional steps ----------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "expected"),
    [
        (0, 500),
        (1, 500),
        (499, 500),
        (500, 500),
        (501, 650),
        (999, 650),
        (1000, 650),
        (1001, 800),
        (1500, 800),
        (1501, 950),
        (10_000, 500 + 19 * 150),
    ],
)
def test_first_additional_steps(weight, expected):
    assert price_for(FIRST_ADDITIONAL, weight) == expected


def test_first_additional_without_step_refuses_beyond_first_weight():
    flat = Rate(first_weight_g=2000, first_price_minor=900)

    assert price_for(flat, 2000) == 900
    with pytest.raises(WeightNotPriced):
        price_for(flat, 2001)


# --- Bands -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "expected"),
    [(0, 450), (1, 450), (500, 450), (501, 600), (1000, 600), (1001, 950), (2000, 950)],
)
def test_bands_first_band_at_or_above_weight(weight, expected):
    assert price_for(BANDS, weight) == expected


@pytest.mark.parametrize("weight", [2001, 50_000])
def test_bands_refuse_heavier_than_last_band(weight):
    with pytest.raises(WeightNotPriced, match="2000 g"):
        price_for(BANDS, weight)


def test_bands_must_ascend():
    with pytest.raises(ValueError, match="ascending"):
        Rate(pricing_mode=PricingMode.BANDS, bands=(Band(1000, 600), Band(500, 450)))


# --- Fees and remote surcharges ---------------------------------------------------------------


REMOTE = Rate(
    first_weight_g=500,
    first_price_minor=500,
    step_weight_g=500,
    step_price_minor=150,
    handling_fee_minor=75,
    remote_surcharge_minor=300,
    remote_postcode_prefixes=("SW1", "BT"),
)


@pytest.mark.parametrize(
    ("postcode", "remote", "total"),
    [
        pytest.param("SW1A 1AA", True, 875, id="prefix-match"),
        pytest.param("sw1a1aa", True, 875, id="case-and-space-insensitive"),
        pytest.param("BT1 5GS", True, 875, id="second-prefix"),
        pytest.param("SW2 1AA", False, 575, id="no-match"),
        pytest.param("EC1A 1BB", False, 575, id="other-area"),
        pytest.param("", False, 575, id="no-postcode"),
        pytest.param("S", False, 575, id="shorter-than-prefix"),
    ],
)
def test_remote_surcharge_and_handling(postcode, remote, total):
    assert is_remote(REMOTE, postcode) is remote
    assert price_for(REMOTE, 400, postcode) == total


def test_breakdown_parts_add_up():
    breakdown = price_breakdown(REMOTE, 1001, "BT1")

    assert (breakdown.postage_minor, breakdown.handling_minor, breakdown.remote_minor) == (
        800,
        75,
        300,
    )
    assert breakdown.total_minor == 1175


# --- Restrictions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "lines", "chargeable", "expected"),
    [
        pytest.param(LineSpec(), [line(100)], 100, None, id="ordinary-ok"),
        pytest.param(
            LineSpec(),
            [line(100, props={"battery"})],
            100,
            UnavailableReason.PROPERTY,
            id="battery-on-line-allowing-none",
        ),
        pytest.param(
            LineSpec(allowed_properties=frozenset({"battery"})),
            [line(100, props={"battery"})],
            100,
            None,
            id="battery-allowed",
        ),
        pytest.param(
            LineSpec(allowed_properties=frozenset({"battery"})),
            [line(100, props={"battery"}), line(100, props={"liquid"})],
            200,
            UnavailableReason.PROPERTY,
            id="one-line-not-allowed",
        ),
        pytest.param(LineSpec(max_weight_g=2000), [line(2000)], 2000, None, id="at-limit"),
        pytest.param(
            LineSpec(max_weight_g=2000),
            [line(2001)],
            2001,
            UnavailableReason.OVERWEIGHT,
            id="overweight",
        ),
        pytest.param(
            LineSpec(max_weight_g=2000),
            [line(100)],
            2500,
            UnavailableReason.OVERWEIGHT,
            id="volumetric-overweight",
        ),
        pytest.param(LineSpec(max_weight_g=0), [line(90_000)], 90_000, None, id="no-limit"),
        pytest.param(
            LineSpec(is_active=False, max_weight_g=10),
            [line(100, props={"battery"})],
            100,
            UnavailableReason.INACTIVE,
            id="inactive-first",
        ),
        pytest.param(
            LineSpec(max_weight_g=10),
            [line(100, props={"sharp"})],
            100,
            UnavailableReason.PROPERTY,
            id="property-before-weight",
        ),
    ],
)
def test_restriction(spec, lines, chargeable, expected):
    assert restriction(spec, lines, chargeable) == expected


# --- Rate choice by postcode prefix ------------------------------------------------------------


@dataclass
class Card:
    postcode_prefix: str


ALL, SW, SW1 = Card(""), Card("SW"), Card("SW1")


@pytest.mark.parametrize(
    ("cards", "postcode", "expected"),
    [
        pytest.param([ALL, SW, SW1], "SW1A 1AA", SW1, id="longest-prefix-wins"),
        pytest.param([SW1, ALL, SW], "SW2 3BB", SW, id="order-does-not-matter"),
        pytest.param([ALL, SW, SW1], "EC1A", ALL, id="catch-all"),
        pytest.param([ALL, SW, SW1], "", ALL, id="no-postcode-catch-all"),
        pytest.param([SW, SW1], "EC1A", None, id="no-match"),
        pytest.param([SW, SW1], "", None, id="no-postcode-no-catch-all"),
        pytest.param([], "SW1", None, id="no-cards"),
        pytest.param([ALL, SW1], "sw1 a", SW1, id="normalised"),
    ],
)
def test_pick_rate(cards, postcode, expected):
    assert pick_rate(cards, postcode) is expected


# --- No floats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: CartLine(weight_g=0.5), id="cart-weight"),
        pytest.param(lambda: CartLine(weight_g=1, length_mm=10.0), id="cart-dimension"),
        pytest.param(lambda: CartLine(weight_g=1, quantity=1.0), id="cart-quantity"),
        pytest.param(lambda: Rate(first_price_minor=4.5), id="rate-price"),
        pytest.param(lambda: Rate(handling_fee_minor=True), id="rate-bool"),
        pytest.param(lambda: Band(500, 4.5), id="band-price"),
        pytest.param(lambda: LineSpec(max_weight_g=1.5), id="line-limit"),
        pytest.param(lambda: price_for(FIRST_ADDITIONAL, 500.0), id="chargeable"),
        pytest.param(lambda: volumetric_weight_g([line()], 5000.0), id="divisor"),
    ],
)
def test_floats_refused(make):
    with pytest.raises(TypeError, match="must be an int"):
        make()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: CartLine(weight_g=-1), id="negative-weight"),
        pytest.param(lambda: CartLine(weight_g=1, quantity=0), id="zero-quantity"),
        pytest.param(lambda: volumetric_weight_g([line()], 0), id="zero-divisor"),
        pytest.param(lambda: Rate(pricing_mode="per_item"), id="unknown-mode"),
    ],
)
def test_invalid_values_refused(make):
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        make()
