"""Pure freight rules: chargeable weight, rate-card pricing, line restrictions, rate choice.

No database access and no floats: every weight is an ``int`` of grams, every length an ``int`` of
millimetres, every price an ``int`` of minor units. The dataclasses refuse floats (and bools) so a
``0.5`` can never slip into a price. Selectors turn model rows into these dataclasses
(``CartLine.from_variant``, ``Rate.from_card``, ``LineSpec.from_line``) and call the functions.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .choices import PricingMode, UnavailableReason


class WeightNotPriced(ValueError):
    """The rate card has no price for this weight (heavier than its last band or first weight)."""


def _check_int(name: str, value: Any, *, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be ≥ {minimum}, got {value}")


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def normalize_postcode(value: str) -> str:
    """Upper case without spaces or hyphens, so "sw1a 1aa" matches the prefix "SW1"."""
    return "".join(ch for ch in (value or "").upper() if ch not in " -")


@dataclass(frozen=True, slots=True)
class CartLine:
    """One cart line: the unit's weight (g) and dimensions (mm), quantity, shipping properties."""

    weight_g: int
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    quantity: int = 1
    properties: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in ("weight_g", "length_mm", "width_mm", "height_mm"):
            _check_int(name, getattr(self, name))
        _check_int("quantity", self.quantity, minimum=1)
        if not isinstance(self.properties, frozenset):
            object.__setattr__(self, "properties", frozenset(self.properties))

    @property
    def unit_volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm

    @classmethod
    def from_variant(cls, variant: Any, quantity: int) -> "CartLine":
        """A line for a catalog Variant (its product's ``properties`` restrict the lines)."""
        return cls(
            weight_g=variant.weight_g,
            length_mm=variant.length_mm,
            width_mm=variant.width_mm,
            height_mm=variant.height_mm,
            quantity=quantity,
            properties=frozenset(variant.product.properties or ()),
        )


@dataclass(frozen=True, slots=True)
class Band:
    """A weight band: parcels up to ``max_g`` inclusive cost ``price_minor``."""

    max_g: int
    price_minor: int

    def __post_init__(self) -> None:
        _check_int("max_g", self.max_g, minimum=1)
        _check_int("price_minor", self.price_minor)


@dataclass(frozen=True, slots=True)
class Rate:
    """The pricing fields of a RateCard (see ``RateCard``'s docstring for the invariants)."""

    pricing_mode: str = PricingMode.FIRST_ADDITIONAL
    first_weight_g: int = 0
    first_price_minor: int = 0
    step_weight_g: int = 0
    step_price_minor: int = 0
    bands: tuple[Band, ...] = ()
    handling_fee_minor: int = 0
    remote_surcharge_minor: int = 0
    remote_postcode_prefixes: tuple[str, ...] = ()
    postcode_prefix: str = ""
    min_days: int = 0
    max_days: int = 0
    currency: str = "USD"

    def __post_init__(self) -> None:
        if self.pricing_mode not in PricingMode.values:
            raise ValueError(f"unknown pricing mode {self.pricing_mode!r}")
        for name in (
            "first_weight_g",
            "first_price_minor",
            "step_weight_g",
            "step_price_minor",
            "handling_fee_minor",
            "remote_surcharge_minor",
            "min_days",
            "max_days",
        ):
            _check_int(name, getattr(self, name))
        bands = tuple(b if isinstance(b, Band) else Band(**b) for b in self.bands)
        if any(a.max_g >= b.max_g for a, b in zip(bands, bands[1:], strict=False)):
            raise ValueError("bands must be in strictly ascending max_g order")
        object.__setattr__(self, "bands", bands)
        object.__setattr__(self, "remote_postcode_prefixes", tuple(self.remote_postcode_prefixes))

    @classmethod
    def from_card(cls, card: Any) -> "Rate":
        """The rate of a RateCard row (or anything with the same attributes)."""
        return cls(
            pricing_mode=card.pricing_mode,
            first_weight_g=card.first_weight_g,
            first_price_minor=card.first_price_minor,
            step_weight_g=card.step_weight_g,
            step_price_minor=card.step_price_minor,
            bands=tuple(Band(int(b["max_g"]), int(b["price_minor"])) for b in card.bands or ()),
            handling_fee_minor=card.handling_fee_minor,
            remote_surcharge_minor=card.remote_surcharge_minor,
            remote_postcode_prefixes=tuple(card.remote_postcode_prefixes or ()),
            postcode_prefix=card.postcode_prefix,
            min_days=card.min_days,
            max_days=card.max_days,
            currency=card.currency,
        )


@dataclass(frozen=True, slots=True)
class LineSpec:
    """What a shipping line accepts: allowed properties, weight limit (0 = none), active."""

    allowed_properties: frozenset[str] = field(default_factory=frozenset)
    max_weight_g: int = 0
    is_active: bool = True
    volumetric_divisor: int = 5000

    def __post_init__(self) -> None:
        _check_int("max_weight_g", self.max_weight_g)
        _check_int("volumetric_divisor", self.volumetric_divisor, minimum=1)
        if not isinstance(self.allowed_properties, frozenset):
            object.__setattr__(self, "allowed_properties", frozenset(self.allowed_properties))

    @classmethod
    def from_line(cls, line: Any) -> "LineSpec":
        return cls(
            allowed_properties=frozenset(line.allowed_properties or ()),
            max_weight_g=line.max_weight_g,
            is_active=line.is_active,
            volumetric_divisor=line.volumetric_divisor,
        )


@dataclass(frozen=True, slots=True)
class PriceBreakdown:
    """A priced parcel: weight postage + handling fee + remote surcharge = total (minor units)."""

    postage_minor: int
    handling_minor: int
    remote_minor: int

    @property
    def total_minor(self) -> int:
        return self.postage_minor + self.handling_minor + self.remote_minor


# --- Weight ------------------------------------------------------------------------------------


def actual_weight_g(lines: Iterable[CartLine]) -> int:
    """Sum of unit weight × quantity."""
    return sum(line.weight_g * line.quantity for line in lines)


def volumetric_weight_g(lines: Iterable[CartLine], divisor: int) -> int:
    """Σ(L×W×H × quantity) mm³ / ``divisor``, rounded up to a whole gram (rounded once)."""
    _check_int("divisor", divisor, minimum=1)
    total_mm3 = sum(line.unit_volume_mm3 * line.quantity for line in lines)
    return _ceil_div(total_mm3, divisor)


def chargeable_weight_g(lines: Sequence[CartLine], divisor: int) -> int:
    """The weight carriers charge: the larger of actual and volumetric weight."""
    return max(actual_weight_g(lines), volumetric_weight_g(lines, divisor))


# --- Pricing -----------------------------------------------------------------------------------


def postage_for(rate: Rate, chargeable_g: int) -> int:
    """The weight-dependent postage (minor units); raises ``WeightNotPriced``.

    FIRST_ADDITIONAL: first price covers up to ``first_weight_g``; each *started* step of
    ``step_weight_g`` above it adds ``step_price_minor`` (a card with step 0 prices only up to
    the first weight). BANDS: the first band with ``max_g ≥ weight``; heavier than the last band
    is refused.
    """
    _check_int("chargeable_g", chargeable_g)
    if rate.pricing_mode == PricingMode.BANDS:
        for band in rate.bands:
            if chargeable_g <= band.max_g:
                return band.price_minor
        last = rate.bands[-1].max_g if rate.bands else 0
        raise WeightNotPriced(f"{chargeable_g} g is heavier than the last band ({last} g)")
    extra_g = chargeable_g - rate.first_weight_g
    if extra_g <= 0:
        return rate.first_price_minor
    if rate.step_weight_g == 0:
        raise WeightNotPriced(f"{chargeable_g} g is heavier than {rate.first_weight_g} g")
    return rate.first_price_minor + _ceil_div(extra_g, rate.step_weight_g) * rate.step_price_minor


def is_remote(rate: Rate, postcode: str) -> bool:
    """Whether the postcode starts with one of the card's remote-area prefixes."""
    code = normalize_postcode(postcode)
    if not code:
        return False
    return any(
        (p := normalize_postcode(prefix)) and code.startswith(p)
        for prefix in rate.remote_postcode_prefixes
    )


def price_breakdown(rate: Rate, chargeable_g: int, postcode: str = "") -> PriceBreakdown:
    """Postage, handling fee and remote surcharge of a parcel; raises ``WeightNotPriced``."""
    return PriceBreakdown(
        postage_minor=postage_for(rate, chargeable_g),
        handling_minor=rate.handling_fee_minor,
        remote_minor=rate.remote_surcharge_minor if is_remote(rate, postcode) else 0,
    )


def price_for(rate: Rate, chargeable_g: int, postcode: str = "") -> int:
    """The total price in minor units (postage + handling + remote surcharge)."""
    return price_breakdown(rate, chargeable_g, postcode).total_minor


# --- Restrictions and rate choice --------------------------------------------------------------


def restriction(
    line: LineSpec, lines: Sequence[CartLine], chargeable_g: int
) -> UnavailableReason | None:
    """Why ``line`` cannot carry the cart, or None. Checked in order: inactive, property,
    overweight (chargeable weight above a non-zero ``max_weight_g``)."""
    if not line.is_active:
        return UnavailableReason.INACTIVE
    if any(not cart_line.properties <= line.allowed_properties for cart_line in lines):
        return UnavailableReason.PROPERTY
    if line.max_weight_g and chargeable_g > line.max_weight_g:
        return UnavailableReason.OVERWEIGHT
    return None


def refused_properties(line: LineSpec, lines: Iterable[CartLine]) -> list[str]:
    """The cart's properties the line does not allow, sorted."""
    found: set[str] = set()
    for cart_line in lines:
        found |= cart_line.properties - line.allowed_properties
    return sorted(found)


class HasPostcodePrefix(Protocol):
    postcode_prefix: str


def pick_rate[C: HasPostcodePrefix](cards: Iterable[C], postcode: str = "") -> C | None:
    """The card whose ``postcode_prefix`` is the longest prefix of ``postcode`` ("" matches all).

    Cards of one line on one route only; None when no card matches.
    """
    code = normalize_postcode(postcode)
    best: C | None = None
    best_len = -1
    for card in cards:
        prefix = normalize_postcode(card.postcode_prefix)
        if code.startswith(prefix) and len(prefix) > best_len:
            best, best_len = card, len(prefix)
    return best
