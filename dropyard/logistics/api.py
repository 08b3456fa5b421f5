"""Developer API for logistics: freight quotes (contract §2.5; full CJ paths, mounted at root).

- ``logistic/freightCalculate``: ``{startCountryCode, endCountryCode, products: [{vid,
  quantity}], zip?}``; the flat ``{vid, quantity}`` form of the official table (contract §7) is
  accepted too. Amounts are USD decimal strings; ``logisticPriceCn`` is an *estimate* in CNY at
  the fixed rate ``DROPYARD_CNY_PER_USD`` (a Decimal string, default "7.2"), not a live rate.
- ``logistic/freightCalculateTip`` and ``logistic/unavailableShippingMethods``:
  ``{reqDTOS: [{srcAreaCode, destAreaCode, freightTrialSkuList: [{vid | sku, skuQuantity}],
  zip?, …}]}``, or one request's fields without the wrapper (the official table lists only
  them; beyond SUM's form); ``skuList`` (SKUs, one of each) is used when ``freightTrialSkuList`` is
  empty; the other documented inner fields (weight, volume, productProp…) are accepted and
  ignored: we price from the catalog's own weights and dimensions.
- ``freightCalculateTip`` **route form** (beyond the contract, which requires the SKU list;
  CJ's own MCP client sends it for "logistics timeliness"): a ``reqDTOS`` item with only
  ``srcAreaCode`` / ``destAreaCode`` (no ``freightTrialSkuList``, no ``skuList``) answers, per
  active line with a rate card on the route, its delivery days and prices
  (``selectors.route_timeliness``), cheapest first; lines without a rate on the route are not
  listed. Each item has the Tip answer's fields — ``postage``/``wrapPostage``/
  ``totalPostageFee`` price the lightest parcel, ``remoteFee`` 0 (no postcode) — plus, beyond
  the contract: ``srcAreaCode``, ``destAreaCode``, ``currency``, ``minArrivalDays``,
  ``maxArrivalDays``, ``lightestWeight`` (g, the first price bracket's upper bound) and
  ``lightestPrice``, ``referenceWeight`` (g: the item's ``weight`` when it sends one, a positive
  number ≤ 1,000,000, else 1000) and ``referencePrice`` (null when the line does not carry that
  weight), ``maxWeight`` (g, null = no limit). ``unavailableShippingMethods`` still needs
  products (1600300).

- ``logistic/trackInfo`` (and the deprecated ``logistic/getTrackInfo``): ``GET`` with
  ``trackNumber`` repeated for a batch (comma-joined values are split too), at most
  ``TRACK_INFO_MAX_NUMBERS``. Only the caller's own trackings answer; unknown numbers and other
  merchants' numbers are simply absent from ``data``. ``trackingStatus`` is free text ("In
  transit", "Delivered"); ``deliveryDay`` is the whole days from the first carrier event to
  delivery (or to now while in transit) as a string, null before any event; ``deliveryTime`` is
  the delivery time ``yyyy-MM-dd HH:mm:ss`` in UTC, null until delivered. ``lastMileCarrier`` is
  the carrier's name and ``lastTrackNumber`` the same tracking number (our carriers do not hand
  parcels over to another carrier with a new number). No trackNumber → 1600300.

Errors: bad or unknown country code 1605002; unknown vid/sku 1602000; product off sale
1602002; variant off sale 1602003; empty products or a quantity below 1 → 1600300.

``unavailableList[].errorCode`` (the contract only says "2001–2018"; our mapping):
2001 no rate on this route (or postcode); 2002 a product property the line does not carry;
2003 parcel heavier than the line or its rate card allows; 2004 line not active.
"""

import math
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from pydantic import Field, model_validator

from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.money import Money

from .choices import UnavailableReason
from .models import Tracking
from .selectors import (
    ROUTE_MAX_WEIGHT_G,
    ROUTE_REFERENCE_WEIGHT_G,
    TRACK_INFO_MAX_NUMBERS,
    Quote,
    QuoteOption,
    QuoteUnavailable,
    RouteOption,
    country_code,
    freight_quote_by_keys,
    route_timeliness,
    tracking_first_event_times,
    tracking_list_for_merchant,
)
from .tracking import delivery_days, tracking_status_summary

router = Router(tags=["Logistic"])

UNAVAILABLE_ERROR_CODES: dict[str, int] = {
    UnavailableReason.NO_ROUTE: 2001,
    UnavailableReason.PROPERTY: 2002,
    UnavailableReason.OVERWEIGHT: 2003,
    UnavailableReason.INACTIVE: 2004,
}
ZERO_FEE = "0.00"


def cny_estimate(price: Money) -> str:
    """USD → CNY at the fixed ``DROPYARD_CNY_PER_USD`` rate, 2 decimals half up (an estimate)."""
    rate = Decimal(settings.DROPYARD_CNY_PER_USD)
    return str((price.to_decimal() * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- Schemas ------------------------------------------------------------------------------------


class FreightProductIn(CamelSchema):
    vid: str
    quantity: int


class FreightCalculateIn(CamelSchema):
    start_country_code: str
    end_country_code: str
    products: list[FreightProductIn] | None = None
    vid: str | None = None  # the official table's flat form
    quantity: int | None = None
    zip: str | None = None
    tax_id: str | None = None
    house_number: str | None = None
    ioss_number: str | None = None


class FreightOptionOut(CamelSchema):
    logistic_name: str
    logistic_price: str
    logistic_price_cn: str
    logistic_aging: str
    taxes_fee: str
    clearance_operation_fee: str
    total_postage_fee: str


class TrialSkuIn(CamelSchema):
    vid: str | None = None
    sku: str | None = None
    sku_quantity: int = 1


class FreightTrialIn(CamelSchema):
    src_area_code: str
    dest_area_code: str
    freight_trial_sku_list: list[TrialSkuIn] = []
    sku_list: list[str] | None = None
    zip: str | None = None
    # Ignored when products are given (the catalog's weights price them); the route form's
    # reference weight otherwise. Any JSON value: checked only where it is used.
    weight: Any = None


class FreightTrialsIn(CamelSchema):
    req_dtos: list[FreightTrialIn] = Field(alias="reqDTOS")

    @model_validator(mode="before")
    @classmethod
    def _one_flat_request(cls, value: Any) -> Any:
        # Beyond the contract: one request's fields without the reqDTOS wrapper (the official
        # table lists only the inner fields) is read as a list of that one request.
        raw = getattr(value, "_obj", value)  # ninja wraps the body in a DjangoGetter
        if isinstance(raw, dict) and "reqDTOS" not in raw and "srcAreaCode" in raw:
            return {"reqDTOS": [raw]}
        return value


class TipOptionOut(CamelSchema):
    id: str
    cn_name: str
    en_name: str
    arrival_time: str


class TipOut(CamelSchema):
    option: TipOptionOut
    postage: str | None
    discount_fee: str | None
    wrap_postage: str | None
    remote_fee: str | None
    taxes_fee: str | None
    clearance_operation_fee: str | None
    total_postage_fee: str | None
    arrival_time: str
    error: str | None
    error_en: str | None


class TipRouteOut(TipOut):
    """A Tip item of the route form (no products): the Tip fields plus the route's figures."""

    src_area_code: str
    dest_area_code: str
    currency: str
    min_arrival_days: int
    max_arrival_days: int
    lightest_weight: int
    lightest_price: str
    reference_weight: int
    reference_price: str | None
    max_weight: int | None


class AvailableMethodOut(CamelSchema):
    option_id: str
    option_name: str
    arrival_time: str
    total_postage_fee: str


class UnavailableMethodOut(CamelSchema):
    option_id: str
    option_name: str
    error_code: int
    error_en: str


class UnavailableMethodsOut(CamelSchema):
    available_list: list[AvailableMethodOut]
    unavailable_list: list[UnavailableMethodOut]


# --- Helpers ------------------------------------------------------------------------------------


def _products(payload: FreightCalculateIn) -> list[tuple[str, int]]:
    if payload.products:
        return [(p.vid.strip(), p.quantity) for p in payload.products]
    if payload.vid:
        return [(payload.vid.strip(), 1 if payload.quantity is None else payload.quantity)]
    return []


def _trials(payload: FreightTrialsIn) -> list[FreightTrialIn]:
    if not payload.req_dtos:
        raise ParamError("reqDTOS is empty")
    return payload.req_dtos


def _trial_keys(trial: FreightTrialIn) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The trial's (vid, quantity) and (sku, quantity) pairs; ``skuList`` (one of each SKU)
    when ``freightTrialSkuList`` is empty."""
    vids = [(s.vid.strip(), s.sku_quantity) for s in trial.freight_trial_sku_list if s.vid]
    skus = [
        (s.sku.strip(), s.sku_quantity) for s in trial.freight_trial_sku_list if not s.vid and s.sku
    ]
    if not trial.freight_trial_sku_list and trial.sku_list:
        skus = [(sku.strip(), 1) for sku in trial.sku_list if sku.strip()]
    return vids, skus


def _route_only(trial: FreightTrialIn) -> bool:
    return not trial.freight_trial_sku_list and not trial.sku_list


def _reference_weight(trial: FreightTrialIn) -> int:
    value = trial.weight
    if value is None:
        return ROUTE_REFERENCE_WEIGHT_G
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParamError("reqDTOS[].weight must be a number of grams")
    if not 0 < value <= ROUTE_MAX_WEIGHT_G:
        raise ParamError(f"reqDTOS[].weight must be between 1 and {ROUTE_MAX_WEIGHT_G} g")
    return math.ceil(value)


def _tip_route(option: RouteOption, src: str, dest: str) -> TipRouteOut:
    line, money = option.line, (lambda minor: Money(minor, option.currency).wire())
    lightest, reference = option.lightest, option.reference
    return TipRouteOut(
        option=TipOptionOut(
            id=line.code, cn_name=line.name, en_name=line.name, arrival_time=option.aging
        ),
        postage=money(lightest.postage_minor),
        discount_fee=ZERO_FEE,
        wrap_postage=money(lightest.handling_minor),
        remote_fee=ZERO_FEE,
        taxes_fee=ZERO_FEE,
        clearance_operation_fee=ZERO_FEE,
        total_postage_fee=money(lightest.total_minor),
        arrival_time=option.aging,
        error=None,
        error_en=None,
        src_area_code=src,
        dest_area_code=dest,
        currency=option.currency,
        min_arrival_days=option.min_days,
        max_arrival_days=option.max_days,
        lightest_weight=option.lightest_weight_g,
        lightest_price=money(lightest.total_minor),
        reference_weight=option.reference_weight_g,
        reference_price=money(reference.total_minor) if reference is not None else None,
        max_weight=option.max_weight_g,
    )


def _route_tips(trial: FreightTrialIn) -> list[TipRouteOut]:
    weight = _reference_weight(trial)
    src, dest = country_code(trial.src_area_code), country_code(trial.dest_area_code)
    options = route_timeliness(origin_country=src, dest_country=dest, reference_weight_g=weight)
    return [_tip_route(option, src, dest) for option in options]


def _trial_quote(trial: FreightTrialIn) -> Quote:
    vids, skus = _trial_keys(trial)
    return freight_quote_by_keys(
        vids=vids,
        skus=skus,
        origin_country=trial.src_area_code,
        dest_country=trial.dest_area_code,
        postcode=trial.zip or "",
    )


def _tip_available(option: QuoteOption) -> TipOut:
    line = option.line
    return TipOut(
        option=TipOptionOut(
            id=line.code, cn_name=line.name, en_name=line.name, arrival_time=option.aging
        ),
        postage=option.part(option.breakdown.postage_minor).wire(),
        discount_fee=ZERO_FEE,
        wrap_postage=option.part(option.breakdown.handling_minor).wire(),
        remote_fee=option.part(option.breakdown.remote_minor).wire(),
        taxes_fee=ZERO_FEE,
        clearance_operation_fee=ZERO_FEE,
        total_postage_fee=option.price.wire(),
        arrival_time=option.aging,
        error=None,
        error_en=None,
    )


def _tip_unavailable(item: QuoteUnavailable) -> TipOut:
    line = item.line
    return TipOut(
        option=TipOptionOut(id=line.code, cn_name=line.name, en_name=line.name, arrival_time=""),
        postage=None,
        discount_fee=None,
        wrap_postage=None,
        remote_fee=None,
        taxes_fee=None,
        clearance_operation_fee=None,
        total_postage_fee=None,
        arrival_time="",
        error=item.message,
        error_en=item.message,
    )


# --- Operations ---------------------------------------------------------------------------------


@router.post("logistic/freightCalculate", response=list[FreightOptionOut])
def freight_calculate(request: HttpRequest, payload: FreightCalculateIn) -> list[FreightOptionOut]:
    """Every shipping line that can carry the products on the route, cheapest first."""
    quote = freight_quote_by_keys(
        vids=_products(payload),
        origin_country=payload.start_country_code,
        dest_country=payload.end_country_code,
        postcode=payload.zip or "",
    )
    return [
        FreightOptionOut(
            logistic_name=option.line.name,
            logistic_price=option.price.wire(),
            logistic_price_cn=cny_estimate(option.price),
            logistic_aging=option.aging,
            taxes_fee=ZERO_FEE,
            clearance_operation_fee=ZERO_FEE,
            total_postage_fee=option.price.wire(),
        )
        for option in quote.available
    ]


@router.post("logistic/freightCalculateTip", response=list[TipRouteOut | TipOut])
def freight_calculate_tip(
    request: HttpRequest, payload: FreightTrialsIn
) -> list[TipRouteOut | TipOut]:
    """Detailed quote per request: available lines (cheapest first), then the unavailable ones
    with ``error``/``errorEn``.

    Beyond the contract: a request with only ``srcAreaCode``/``destAreaCode`` (no
    ``freightTrialSkuList``/``skuList``; optional ``weight`` in g as the reference weight,
    1000 by default) answers each active line on the route, cheapest first, with the Tip
    fields priced for the lightest parcel plus ``srcAreaCode``, ``destAreaCode``,
    ``currency``, ``minArrivalDays``, ``maxArrivalDays``, ``lightestWeight``,
    ``lightestPrice``, ``referenceWeight``, ``referencePrice`` (null: not carried) and
    ``maxWeight`` (null: no limit). One request may also be sent without the ``reqDTOS``
    wrapper."""
    out: list[TipRouteOut | TipOut] = []
    for trial in _trials(payload):
        if _route_only(trial):
            out += _route_tips(trial)
            continue
        quote = _trial_quote(trial)
        out += [_tip_available(option) for option in quote.available]
        out += [_tip_unavailable(item) for item in quote.unavailable]
    return out


@router.post("logistic/unavailableShippingMethods", response=UnavailableMethodsOut)
def unavailable_shipping_methods(
    request: HttpRequest, payload: FreightTrialsIn
) -> UnavailableMethodsOut:
    """Which lines can and cannot carry each request, with a diagnostic code (2001–2004)."""
    available: list[AvailableMethodOut] = []
    unavailable: list[UnavailableMethodOut] = []
    for trial in _trials(payload):
        quote = _trial_quote(trial)
        available += [
            AvailableMethodOut(
                option_id=o.line.code,
                option_name=o.line.name,
                arrival_time=o.aging,
                total_postage_fee=o.price.wire(),
            )
            for o in quote.available
        ]
        unavailable += [
            UnavailableMethodOut(
                option_id=u.line.code,
                option_name=u.line.name,
                error_code=UNAVAILABLE_ERROR_CODES[u.reason],
                error_en=u.message,
            )
            for u in quote.unavailable
        ]
    return UnavailableMethodsOut(available_list=available, unavailable_list=unavailable)


# --- Tracking -----------------------------------------------------------------------------------


class TrackInfoOut(CamelSchema):
    tracking_number: str
    logistic_name: str
    tracking_from: str
    tracking_to: str
    delivery_day: str | None
    delivery_time: str | None
    tracking_status: str
    last_mile_carrier: str
    last_track_number: str


_TRACK_NUMBERS = Query(None, alias="trackNumber")


def _wire_time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def _track_info(tracking: Tracking, first_event_at: datetime | None) -> TrackInfoOut:
    days = delivery_days(shipped_at=first_event_at, until=tracking.delivered_at or timezone.now())
    return TrackInfoOut(
        tracking_number=tracking.tracking_number,
        logistic_name=tracking.logistic_name,
        tracking_from=tracking.origin_country,
        tracking_to=tracking.dest_country,
        delivery_day=None if days is None else str(days),
        delivery_time=_wire_time(tracking.delivered_at),
        tracking_status=tracking_status_summary(tracking.status),
        last_mile_carrier=tracking.carrier.name,
        last_track_number=tracking.tracking_number,
    )


def _track_numbers(values: list[str] | None) -> list[str]:
    numbers = [n.strip() for value in values or [] for n in value.split(",") if n.strip()]
    if not numbers:
        raise ParamError("trackNumber is required")
    if len(numbers) > TRACK_INFO_MAX_NUMBERS:
        raise ParamError(f"trackNumber: at most {TRACK_INFO_MAX_NUMBERS} numbers per call")
    return numbers


def _track_info_list(request: HttpRequest, values: list[str] | None) -> list[TrackInfoOut]:
    trackings = tracking_list_for_merchant(
        merchant=request.auth.merchant, numbers=_track_numbers(values)
    )
    first_events = tracking_first_event_times(trackings)
    return [_track_info(t, first_events.get(t.pk)) for t in trackings]


@router.get("logistic/trackInfo", response=list[TrackInfoOut])
def track_info(
    request: HttpRequest, track_number: list[str] | None = _TRACK_NUMBERS
) -> list[TrackInfoOut]:
    """Tracking of the caller's parcels by tracking number (repeat ``trackNumber`` for a batch)."""
    return _track_info_list(request, track_number)


@router.get("logistic/getTrackInfo", response=list[TrackInfoOut], deprecated=True)
def get_track_info(
    request: HttpRequest, track_number: list[str] | None = _TRACK_NUMBERS
) -> list[TrackInfoOut]:
    """Deprecated (2024-06-01) alias of ``logistic/trackInfo``, same parameters and answer."""
    return _track_info_list(request, track_number)
