"""Read side of logistics: freight quotes, default lines, lines per destination."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Variant
from dropyard.core.errors import NotFound
from dropyard.core.money import Money

from . import rules
from .choices import FINAL_TRACKING_STATUSES, PricingMode, UnavailableReason
from .exceptions import (
    PRODUCT_OFF_SHELF,
    CountryNotFound,
    LogisticsError,
    TrackingNotFound,
    VariantNotFound,
    VariantOffSale,
)
from .models import (
    Carrier,
    DefaultShippingLine,
    RateCard,
    ShippingLine,
    Tracking,
    TrackingEvent,
    TrackingStatusChange,
)
from .tracking import tracking_number_clean

# Origin assumed when no warehouse stocks a variant (most catalog stock ships from China).
DEFAULT_ORIGIN_COUNTRY = "CN"


@dataclass(frozen=True)
class QuoteOption:
    """A line that can carry the cart, with its price and the weights it was priced on."""

    line: ShippingLine
    price: Money
    min_days: int
    max_days: int
    chargeable_weight_g: int
    actual_weight_g: int
    volumetric_weight_g: int
    breakdown: rules.PriceBreakdown
    rate_card: RateCard

    @property
    def aging(self) -> str:
        """Delivery time as the contract writes it: ``"7-12"``."""
        return f"{self.min_days}-{self.max_days}"

    def part(self, minor: int) -> Money:
        return Money(minor, self.price.currency)


@dataclass(frozen=True)
class QuoteUnavailable:
    """A line that cannot carry the cart and why."""

    line: ShippingLine
    reason: UnavailableReason
    message: str


@dataclass(frozen=True)
class Quote:
    """Every line's answer for one cart on one route: available (cheapest first) and not."""

    origin_country: str
    dest_country: str
    postcode: str
    available: list[QuoteOption] = field(default_factory=list)
    unavailable: list[QuoteUnavailable] = field(default_factory=list)


@dataclass(frozen=True)
class CannotShipRow:
    """A destination where the merchant's default line cannot ship a product, and why."""

    country: str
    line: ShippingLine
    reason: UnavailableReason
    message: str
    variant_sku: str
    origin_country: str


def country_code(value: str) -> str:
    """The ISO 3166-1 alpha-2 code (upper case) or ``CountryNotFound`` (1605002)."""
    code = (value or "").strip().upper()
    if len(code) != 2 or code not in countries:
        raise CountryNotFound(_("Country code %(code)r not found") % {"code": value})
    return code


def cart_variants_resolve(
    *, items: Sequence[tuple[str, int]], by: str = "vid"
) -> list[tuple[Variant, int]]:
    """Variants for ``(vid or sku, quantity)`` pairs, in order; one query.

    Raises ``LogisticsError`` (1600300) for an empty cart or a quantity below 1,
    ``VariantNotFound`` (1602000), ``VariantOffSale`` (1602003, or 1602002 when the product is).
    """
    if not items:
        raise LogisticsError(_("products is empty"))
    lookup = "public_id" if by == "vid" else "sku"
    keys = [key for key, _qty in items]
    found = {
        getattr(v, lookup): v
        for v in Variant.objects.select_related("product").filter(**{f"{lookup}__in": keys})
    }
    resolved = []
    for key, quantity in items:
        if quantity < 1:
            raise LogisticsError(_("quantity of %(key)s must be at least 1") % {"key": key})
        variant = found.get(key)
        if variant is None:
            raise VariantNotFound(_("Variant %(key)s not found") % {"key": key})
        if not variant.product.is_on_sale:
            raise VariantOffSale(
                _("Product of %(key)s is off sale") % {"key": key}, code=PRODUCT_OFF_SHELF
            )
        if not variant.is_on_sale:
            raise VariantOffSale(_("Variant %(key)s is off sale") % {"key": key})
        resolved.append((variant, quantity))
    return resolved


def _unavailable_message(
    reason: UnavailableReason,
    *,
    line: ShippingLine,
    spec: rules.LineSpec,
    cart: Sequence[rules.CartLine],
    chargeable_g: int,
    detail: str = "",
) -> str:
    if reason == UnavailableReason.PROPERTY:
        refused = ", ".join(rules.refused_properties(spec, cart))
        return f"{line.name} does not carry products with: {refused}"
    if reason == UnavailableReason.OVERWEIGHT:
        limit = detail or f"the limit is {line.max_weight_g} g"
        return f"{line.name} cannot carry {chargeable_g} g ({limit})"
    if reason == UnavailableReason.INACTIVE:
        return f"{line.name} is not active"
    return f"{line.name} has no rate {detail}".strip()


def _evaluate_line(
    *,
    line: ShippingLine,
    cards: Sequence[RateCard],
    cart: Sequence[rules.CartLine],
    postcode: str,
    route: str,
) -> QuoteOption | QuoteUnavailable:
    """Price ``cart`` on ``line`` with the route's cards of that line (pure after the fetch)."""
    spec = rules.LineSpec.from_line(line)
    actual = rules.actual_weight_g(cart)
    volumetric = rules.volumetric_weight_g(cart, spec.volumetric_divisor)
    chargeable = max(actual, volumetric)
    card = rules.pick_rate(cards, postcode)
    if card is None:
        where = f"for {route}" + (f" postcode {postcode}" if postcode else "")
        reason = UnavailableReason.NO_ROUTE
        message = _unavailable_message(
            reason, line=line, spec=spec, cart=cart, chargeable_g=chargeable, detail=where
        )
        return QuoteUnavailable(line=line, reason=reason, message=message)
    found = rules.restriction(spec, cart, chargeable)
    if found is not None:
        message = _unavailable_message(
            found, line=line, spec=spec, cart=cart, chargeable_g=chargeable
        )
        return QuoteUnavailable(line=line, reason=found, message=message)
    rate = rules.Rate.from_card(card)
    try:
        breakdown = rules.price_breakdown(rate, chargeable, postcode)
    except rules.WeightNotPriced as exc:
        reason = UnavailableReason.OVERWEIGHT
        message = _unavailable_message(
            reason, line=line, spec=spec, cart=cart, chargeable_g=chargeable, detail=str(exc)
        )
        return QuoteUnavailable(line=line, reason=reason, message=message)
    return QuoteOption(
        line=line,
        price=Money(breakdown.total_minor, rate.currency),
        min_days=rate.min_days,
        max_days=rate.max_days,
        chargeable_weight_g=chargeable,
        actual_weight_g=actual,
        volumetric_weight_g=volumetric,
        breakdown=breakdown,
        rate_card=card,
    )


def _cart(items: Iterable[tuple[Variant, int]]) -> list[rules.CartLine]:
    cart = []
    for variant, quantity in items:
        if quantity < 1:
            raise LogisticsError(_("quantity of %(key)s must be at least 1") % {"key": variant.sku})
        cart.append(rules.CartLine.from_variant(variant, quantity))
    return cart


def freight_quote(
    *,
    items: Sequence[tuple[Variant, int]],
    origin_country: str,
    dest_country: str,
    postcode: str = "",
) -> Quote:
    """Every shipping line's answer for a cart from ``origin_country`` to ``dest_country``.

    Lines with a rate card on the route are priced (or refused: inactive, property, overweight);
    active lines without one are reported as NO_ROUTE; inactive lines without one are left out.
    ``available`` is sorted by price, then slowest delivery, then name. Two queries whatever the
    number of lines (the route's cards with their lines, then the lines without a card); variants
    must come with ``product`` loaded (``cart_variants_resolve`` does that).
    """
    origin = country_code(origin_country)
    dest = country_code(dest_country)
    if not items:
        raise LogisticsError(_("products is empty"))
    cart = _cart(items)
    cards_by_line: dict[int, list[RateCard]] = defaultdict(list)
    lines: dict[int, ShippingLine] = {}
    for card in RateCard.objects.filter(origin_country=origin, dest_country=dest).select_related(
        "line", "line__carrier"
    ):
        cards_by_line[card.line_id].append(card)
        lines[card.line_id] = card.line
    available: list[QuoteOption] = []
    unavailable: list[QuoteUnavailable] = []
    route = f"{origin} → {dest}"
    for line in lines.values():
        result = _evaluate_line(
            line=line, cards=cards_by_line[line.pk], cart=cart, postcode=postcode, route=route
        )
        if isinstance(result, QuoteOption):
            available.append(result)
        else:
            unavailable.append(result)
    for line in ShippingLine.objects.filter(is_active=True).exclude(pk__in=list(lines)):
        unavailable.append(
            QuoteUnavailable(
                line=line,
                reason=UnavailableReason.NO_ROUTE,
                message=f"{line.name} has no rate for {route}",
            )
        )
    available.sort(key=lambda o: (o.price.amount_minor, o.max_days, o.line.name))
    unavailable.sort(key=lambda u: u.line.name)
    return Quote(
        origin_country=origin,
        dest_country=dest,
        postcode=postcode,
        available=available,
        unavailable=unavailable,
    )


def freight_quote_by_keys(
    *,
    vids: Sequence[tuple[str, int]] = (),
    skus: Sequence[tuple[str, int]] = (),
    origin_country: str,
    dest_country: str,
    postcode: str = "",
) -> Quote:
    """``freight_quote`` for variants named by vid and/or sku (the API's form).

    Checks in the contract's order: country codes (1605002), an empty cart (1600300), then
    each variant (1602000 unknown, 1602002/1602003 off sale).
    """
    origin = country_code(origin_country)
    dest = country_code(dest_country)
    if not vids and not skus:
        raise LogisticsError(_("products is empty"))
    items: list[tuple[Variant, int]] = []
    if vids:
        items += cart_variants_resolve(items=vids, by="vid")
    if skus:
        items += cart_variants_resolve(items=skus, by="sku")
    return freight_quote(items=items, origin_country=origin, dest_country=dest, postcode=postcode)


def default_line_for(merchant: MerchantAccount, dest_country: str) -> DefaultShippingLine | None:
    """The merchant's default line (with fallback policy) for a destination, or None."""
    return (
        DefaultShippingLine.objects.select_related("line", "line__carrier")
        .filter(merchant=merchant, dest_country=(dest_country or "").upper())
        .first()
    )


def default_lines_list(
    merchant: MerchantAccount, *, dest_country: str = ""
) -> QuerySet[DefaultShippingLine]:
    """The merchant's default lines, by destination country (only ``dest_country``'s when
    given)."""
    lines = DefaultShippingLine.objects.select_related("line", "line__carrier").filter(
        merchant=merchant
    )
    return lines.filter(dest_country=dest_country.upper()) if dest_country else lines


def lines_for_destination(
    dest_country: str, *, origin_country: str | None = None
) -> QuerySet[ShippingLine]:
    """Active lines with at least one rate card to ``dest_country`` (from ``origin_country``)."""
    cards = RateCard.objects.filter(dest_country=(dest_country or "").upper())
    if origin_country:
        cards = cards.filter(origin_country=origin_country.upper())
    return (
        ShippingLine.objects.filter(is_active=True, pk__in=cards.values("line_id"))
        .select_related("carrier")
        .order_by("name")
    )


def carrier_list() -> QuerySet[Carrier]:
    """Every carrier, by name (the model's order)."""
    return Carrier.objects.all()


def shipping_line_list(*, q: str = "", is_active: bool | None = None) -> QuerySet[ShippingLine]:
    """Every shipping line with its carrier, by name.

    ``q`` matches part of the code or name; ``is_active`` None means active and inactive.
    """
    lines = ShippingLine.objects.select_related("carrier")
    if q:
        lines = lines.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if is_active is not None:
        lines = lines.filter(is_active=is_active)
    return lines.order_by("name")


def shipping_line_get(*, pk: int) -> ShippingLine:
    """One shipping line (active or not) with its carrier; ``NotFound`` otherwise."""
    line = ShippingLine.objects.select_related("carrier").filter(pk=pk).first()
    if line is None:
        raise NotFound(_("Shipping line not found"))
    return line


def rate_card_list(
    *, line: ShippingLine | None = None, origin: str = "", dest: str = ""
) -> QuerySet[RateCard]:
    """Rate cards (optionally of one line, from ``origin`` / to ``dest`` country codes) with
    their line, in route order."""
    cards = RateCard.objects.select_related("line")
    if line is not None:
        cards = cards.filter(line=line)
    if origin:
        cards = cards.filter(origin_country=origin)
    if dest:
        cards = cards.filter(dest_country=dest)
    return cards.order_by("line__code", "origin_country", "dest_country", "postcode_prefix")


def default_lines_cannot_ship(
    *,
    defaults: Sequence[DefaultShippingLine],
    variants: Sequence[Variant],
    origins: Mapping[int, Sequence[str]],
) -> list[CannotShipRow]:
    """For each default line: the destinations where it cannot ship one unit of each variant
    from any of that variant's ``origins`` (warehouse countries, by variant pk; inventory's
    ``stock_origin_countries``). One row per failing destination, by country; one query (the
    rate cards). ``inventory.selectors.countries_where_default_cannot_ship`` gathers the inputs.
    """
    cards: dict[tuple[int, str, str], list[RateCard]] = defaultdict(list)
    for card in RateCard.objects.filter(
        line_id__in={d.line_id for d in defaults},
        dest_country__in={d.dest_country for d in defaults},
    ):
        cards[(card.line_id, card.origin_country, card.dest_country)].append(card)
    rows = []
    for default in defaults:
        for variant in variants:
            failure = None
            for origin in origins[variant.pk]:
                result = _evaluate_line(
                    line=default.line,
                    cards=cards[(default.line_id, origin, default.dest_country)],
                    cart=[rules.CartLine.from_variant(variant, 1)],
                    postcode="",
                    route=f"{origin} → {default.dest_country}",
                )
                if isinstance(result, QuoteOption):
                    failure = None
                    break
                failure = failure or (origin, result)
            if failure is not None:
                origin, result = failure
                rows.append(
                    CannotShipRow(
                        country=default.dest_country,
                        line=default.line,
                        reason=result.reason,
                        message=f"{variant.sku}: {result.message}",
                        variant_sku=variant.sku,
                        origin_country=origin,
                    )
                )
                break
    return sorted(rows, key=lambda r: r.country)


# --- Tracking -----------------------------------------------------------------------------------

TRACK_INFO_MAX_NUMBERS = 100  # trackNumber values per logistic/trackInfo call


def tracking_get(*, pk: int) -> Tracking:
    """One tracking (back office) with its carrier and merchant; ``TrackingNotFound`` otherwise."""
    tracking = Tracking.objects.select_related("carrier", "merchant").filter(pk=pk).first()
    if tracking is None:
        raise TrackingNotFound(_("Tracking not found"))
    return tracking


def tracking_get_by_number(*, carrier: Carrier, tracking_number: str) -> Tracking | None:
    """The tracking of ``carrier`` with that number (any merchant), or None."""
    number = tracking_number_clean(tracking_number)
    if not number:
        return None
    return Tracking.objects.filter(carrier=carrier, tracking_number=number).first()


def tracking_list_for_merchant(
    *, merchant: MerchantAccount, numbers: Iterable[str]
) -> list[Tracking]:
    """``merchant``'s trackings with any of ``numbers``, in the order asked (one query).

    Numbers of other merchants and unknown or malformed numbers are simply left out.
    """
    wanted = list(dict.fromkeys(n for n in (tracking_number_clean(x) for x in numbers) if n))
    if not wanted:
        return []
    found = Tracking.objects.select_related("carrier").filter(
        merchant=merchant, tracking_number__in=wanted
    )
    order = {number: i for i, number in enumerate(wanted)}
    return sorted(found, key=lambda t: (order[t.tracking_number], t.pk))


def tracking_first_event_times(trackings: Sequence[Tracking]) -> dict[int, Any]:
    """Tracking id → time of its first event (for ``deliveryDay``); one query."""
    rows = (
        TrackingEvent.objects.filter(tracking__in=trackings)
        .values("tracking_id")
        .annotate(first=Min("event_time"))
    )
    return {row["tracking_id"]: row["first"] for row in rows}


def tracking_public_lookup(*, tracking_number: str) -> list[Tracking]:
    """Every tracking with that number (one per carrier; usually one) for the public page."""
    number = tracking_number_clean(tracking_number)
    if not number:
        return []
    return list(Tracking.objects.select_related("carrier").filter(tracking_number=number))


def tracking_events(*, tracking: Tracking, newest_first: bool = True) -> QuerySet[TrackingEvent]:
    """A tracking's events, newest first by default (event time, then insertion order)."""
    order = ("-event_time", "-pk") if newest_first else ("event_time", "pk")
    return tracking.events.select_related("actor").order_by(*order)


def tracking_list(*, q: str = "", status: int | None = None) -> QuerySet[Tracking]:
    """Every tracking (back office), newest first; ``q`` matches part of the number or the
    reference, or the merchant's account number; ``status`` is a contract code."""
    trackings = Tracking.objects.select_related("carrier", "merchant")
    q = (q or "").strip()
    if q:
        trackings = trackings.filter(
            Q(tracking_number__icontains=q)
            | Q(reference__icontains=q)
            | Q(merchant__account_number__iexact=q)
        )
    if status is not None:
        trackings = trackings.filter(status=status)
    return trackings.order_by("-created_at", "-pk")


def sandbox_trackings_stalled(*, quiet_since: Any) -> list[tuple[Tracking, int]]:
    """Sandbox trackings whose clock stopped: (tracking, step to run), oldest first.

    Stalled = not at a final status, no event since ``quiet_since`` (nor created since then,
    when it has no event yet), and the step handed out last (``sandbox_step``) not recorded:
    its tick was lost (a worker died between the commit and the enqueue, or the queue was
    pruned). Finished journeys, including those ending in an exception, are left out.
    """
    candidates = (
        Tracking.objects.select_related("carrier")
        .filter(carrier__code__iexact="SANDBOX")
        .exclude(status__in=[int(s) for s in FINAL_TRACKING_STATUSES])
        .filter(
            Q(last_event_at__lt=quiet_since)
            | Q(last_event_at__isnull=True, created_at__lt=quiet_since)
        )
        .order_by("created_at", "pk")
    )
    stalled = []
    for tracking in candidates:
        step_id = f"sandbox:{tracking.sandbox_step}"
        if not tracking.events.filter(external_id=step_id).exists():
            stalled.append((tracking, tracking.sandbox_step))
    return stalled


def tracking_changes_pending(
    *, limit: int, tracking_ids: Iterable[int] | None = None
) -> list[tuple[int, int]]:
    """(change id, tracking id) of up to ``limit`` tracking status changes not applied yet,
    oldest first; only those of ``tracking_ids`` when given."""
    pending = TrackingStatusChange.objects.filter(applied_at__isnull=True)
    if tracking_ids is not None:
        pending = pending.filter(tracking_id__in=list(tracking_ids))
    return list(pending.order_by("created_at", "pk").values_list("pk", "tracking_id")[:limit])


# --- Route timeliness (freightCalculateTip without products) ------------------------------------

ROUTE_REFERENCE_WEIGHT_G = 1000  # the reference parcel when the client names no weight
ROUTE_MAX_WEIGHT_G = 1_000_000  # a reference weight above 1 t is a client error, not a parcel


@dataclass(frozen=True)
class RouteOption:
    """What one active line offers on a route, whatever the cart: delivery days and prices.

    ``lightest`` prices a parcel of ``lightest_weight_g`` (the upper bound of the card's first
    price bracket, so every lighter parcel costs the same); ``reference`` a parcel of
    ``reference_weight_g``, None when the line or its card does not carry that weight.
    Neither has a remote-area surcharge (no postcode is known). ``max_weight_g`` is the
    heaviest parcel the line prices on the route (None: no limit). Days span every card of the
    line on the route (postcode-specific cards included); prices come from the country-wide
    card, or the first card when every card is postcode-specific.
    """

    line: ShippingLine
    currency: str
    min_days: int
    max_days: int
    lightest_weight_g: int
    lightest: rules.PriceBreakdown
    reference_weight_g: int
    reference: rules.PriceBreakdown | None
    max_weight_g: int | None

    @property
    def aging(self) -> str:
        return f"{self.min_days}-{self.max_days}"


def _first_bracket_g(rate: rules.Rate) -> int:
    if rate.pricing_mode == PricingMode.BANDS:
        return rate.bands[0].max_g if rate.bands else 0
    return rate.first_weight_g or rate.step_weight_g or 1


def _priced_up_to_g(line: ShippingLine, rate: rules.Rate) -> int | None:
    if rate.pricing_mode == PricingMode.BANDS:
        limit: int | None = rate.bands[-1].max_g if rate.bands else 0
    else:
        limit = rate.first_weight_g if rate.step_weight_g == 0 else None
    if line.max_weight_g:
        limit = line.max_weight_g if limit is None else min(limit, line.max_weight_g)
    return limit


def route_timeliness(
    *,
    origin_country: str,
    dest_country: str,
    reference_weight_g: int = ROUTE_REFERENCE_WEIGHT_G,
) -> list[RouteOption]:
    """Every active line with a rate card from ``origin_country`` to ``dest_country``: its
    delivery days and prices (``RouteOption``), cheapest lightest parcel first, then fastest,
    then name. One query. Bad country codes → ``CountryNotFound`` (1605002); a line whose card
    prices no parcel at all (no bands) is left out."""
    origin = country_code(origin_country)
    dest = country_code(dest_country)
    cards_by_line: dict[int, list[RateCard]] = defaultdict(list)
    lines: dict[int, ShippingLine] = {}
    for card in (
        RateCard.objects.filter(origin_country=origin, dest_country=dest, line__is_active=True)
        .select_related("line")
        .order_by("pk")
    ):
        cards_by_line[card.line_id].append(card)
        lines[card.line_id] = card.line
    options: list[RouteOption] = []
    for line_pk, line in lines.items():
        cards = cards_by_line[line_pk]
        rate = rules.Rate.from_card(rules.pick_rate(cards, "") or cards[0])
        lightest_g = _first_bracket_g(rate)
        limit = _priced_up_to_g(line, rate)
        try:
            lightest = rules.price_breakdown(rate, lightest_g)
        except rules.WeightNotPriced:
            continue
        reference = None
        if limit is None or reference_weight_g <= limit:
            try:
                reference = rules.price_breakdown(rate, reference_weight_g)
            except rules.WeightNotPriced:
                reference = None
        options.append(
            RouteOption(
                line=line,
                currency=rate.currency,
                min_days=min(c.min_days for c in cards),
                max_days=max(c.max_days for c in cards),
                lightest_weight_g=lightest_g,
                lightest=lightest,
                reference_weight_g=reference_weight_g,
                reference=reference,
                max_weight_g=limit,
            )
        )
    options.sort(key=lambda o: (o.lightest.total_minor, o.max_days, o.line.name))
    return options
