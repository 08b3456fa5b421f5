"""Freight quotes, default lines and destinations, over the database."""

import pytest

from dropyard.core.errors import NotFound
from dropyard.core.money import Money
from dropyard.inventory import selectors as inventory_selectors
from dropyard.inventory.tests.factories import WarehouseFactory, make_stock
from dropyard.logistics import selectors, services
from dropyard.logistics.choices import PricingMode, UnavailableReason
from dropyard.logistics.exceptions import (
    CountryNotFound,
    LogisticsError,
    VariantNotFound,
    VariantOffSale,
)
from dropyard.logistics.tests.factories import (
    CarrierFactory,
    RateCardFactory,
    ShippingLineFactory,
    make_cart_variant,
)
from dropyard.logistics.tests.factories import (
    make_cart_product as make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """Five lines CN → US: economy, express (bands), battery (≤ 1 kg), inactive; one to DE only."""
    economy = ShippingLineFactory(name="Economy", code="ECO")
    RateCardFactory(line=economy)  # 500 g $5.00 + $1.50 / 500 g, 7-12 days
    RateCardFactory(
        line=economy, postcode_prefix="90", first_price_minor=400, min_days=5, max_days=9
    )
    express = ShippingLineFactory(name="Express", code="EXP")
    RateCardFactory(
        line=express,
        pricing_mode=PricingMode.BANDS,
        bands=[
            {"max_g": 500, "price_minor": 900},
            {"max_g": 1000, "price_minor": 1200},
            {"max_g": 2000, "price_minor": 1800},
        ],
        handling_fee_minor=100,
        min_days=3,
        max_days=5,
    )
    battery = ShippingLineFactory(
        name="Battery Line", code="BAT", allowed_properties=["battery"], max_weight_g=1000
    )
    RateCardFactory(line=battery, first_price_minor=700, step_price_minor=200)
    inactive = ShippingLineFactory(name="Old Line", code="OLD", is_active=False)
    RateCardFactory(line=inactive, first_price_minor=100)
    europe = ShippingLineFactory(name="Europe Post", code="EUP")
    RateCardFactory(line=europe, dest_country="DE")
    return {
        "economy": economy,
        "express": express,
        "battery": battery,
        "inactive": inactive,
        "europe": europe,
    }


def _unavailable(quote):
    return {u.line.code: u.reason for u in quote.unavailable}


def test_quote_lists_every_line_cheapest_first(lines):
    ordinary = make_cart_variant()

    quote = selectors.freight_quote(items=[(ordinary, 2)], origin_country="CN", dest_country="US")

    assert [(o.line.code, o.price, o.min_days, o.max_days) for o in quote.available] == [
        ("ECO", Money(500), 7, 12),
        ("BAT", Money(700), 7, 12),
        ("EXP", Money(1000), 3, 5),
    ]
    first = quote.available[0]
    assert (first.actual_weight_g, first.volumetric_weight_g, first.chargeable_weight_g) == (
        500,
        160,
        500,
    )
    assert _unavailable(quote) == {
        "OLD": UnavailableReason.INACTIVE,
        "EUP": UnavailableReason.NO_ROUTE,
    }


def test_quote_uses_volumetric_weight_when_larger(lines):
    bulky = make_cart_variant(weight_g=100, length_mm=300, width_mm=200, height_mm=100)

    quote = selectors.freight_quote(items=[(bulky, 1)], origin_country="CN", dest_country="US")

    economy = next(o for o in quote.available if o.line.code == "ECO")
    assert (economy.actual_weight_g, economy.volumetric_weight_g) == (100, 1200)
    assert economy.chargeable_weight_g == 1200
    assert economy.price == Money(500 + 2 * 150)
    assert _unavailable(quote)["BAT"] == UnavailableReason.OVERWEIGHT


def test_quote_refuses_battery_on_lines_that_do_not_allow_it(lines):
    battery = make_cart_variant(properties=["battery"])

    quote = selectors.freight_quote(items=[(battery, 1)], origin_country="CN", dest_country="US")

    assert [o.line.code for o in quote.available] == ["BAT"]
    assert _unavailable(quote) == {
        "ECO": UnavailableReason.PROPERTY,
        "EXP": UnavailableReason.PROPERTY,
        "OLD": UnavailableReason.INACTIVE,
        "EUP": UnavailableReason.NO_ROUTE,
    }
    message = next(u.message for u in quote.unavailable if u.line.code == "ECO")
    assert message == "Economy does not carry products with: battery"


def test_quote_overweight_by_line_limit_and_by_last_band(lines):
    ordinary = make_cart_variant()

    quote = selectors.freight_quote(items=[(ordinary, 9)], origin_country="CN", dest_country="US")

    assert [o.line.code for o in quote.available] == ["ECO"]
    assert quote.available[0].price == Money(500 + 4 * 150)
    assert _unavailable(quote)["BAT"] == UnavailableReason.OVERWEIGHT
    assert _unavailable(quote)["EXP"] == UnavailableReason.OVERWEIGHT
    express = next(u for u in quote.unavailable if u.line.code == "EXP")
    assert "heavier than the last band (2000 g)" in express.message


def test_quote_longest_postcode_prefix_card_wins(lines):
    ordinary = make_cart_variant()

    la = selectors.freight_quote(
        items=[(ordinary, 1)], origin_country="CN", dest_country="US", postcode="90210"
    )
    ny = selectors.freight_quote(
        items=[(ordinary, 1)], origin_country="CN", dest_country="US", postcode="10001"
    )

    assert [(o.line.code, o.price, o.max_days) for o in la.available][0] == ("ECO", Money(400), 9)
    assert [(o.line.code, o.price, o.max_days) for o in ny.available][0] == ("ECO", Money(500), 12)


def test_quote_remote_postcode_adds_surcharge(lines):
    line = ShippingLineFactory(name="UK Post", code="UKP")
    RateCardFactory(
        line=line,
        dest_country="GB",
        remote_surcharge_minor=300,
        remote_postcode_prefixes=["BT", "HS"],
    )
    ordinary = make_cart_variant()

    remote = selectors.freight_quote(
        items=[(ordinary, 1)], origin_country="CN", dest_country="GB", postcode="BT1 5GS"
    )
    city = selectors.freight_quote(
        items=[(ordinary, 1)], origin_country="CN", dest_country="GB", postcode="EC1A 1BB"
    )

    assert remote.available[0].price == Money(800)
    assert remote.available[0].breakdown.remote_minor == 300
    assert city.available[0].price == Money(500)


def test_quote_queries_do_not_grow_with_lines(lines, django_assert_max_num_queries):
    for n in range(10):
        RateCardFactory(line=ShippingLineFactory(name=f"Extra {n}"))
    items = [
        (make_cart_variant(), 1),
        (make_cart_variant(properties=["liquid"]), 2),
        (make_cart_variant(), 3),
    ]

    with django_assert_max_num_queries(2):
        quote = selectors.freight_quote(items=items, origin_country="CN", dest_country="US")

    assert len(quote.available) + len(quote.unavailable) == 15


@pytest.mark.parametrize(("origin", "dest"), [("XX", "US"), ("CN", "USA"), ("", "US"), ("CN", "1")])
def test_quote_refuses_unknown_countries(lines, origin, dest):
    with pytest.raises(CountryNotFound) as raised:
        selectors.freight_quote(
            items=[(make_cart_variant(), 1)], origin_country=origin, dest_country=dest
        )

    assert raised.value.code == 1605002


def test_quote_refuses_empty_cart(lines):
    with pytest.raises(LogisticsError) as raised:
        selectors.freight_quote(items=[], origin_country="CN", dest_country="US")

    assert raised.value.code == 1600300


def test_resolve_variants_by_vid_and_sku():
    first, second = make_cart_variant(), make_cart_variant()

    by_vid = selectors.cart_variants_resolve(items=[(second.public_id, 2), (first.public_id, 1)])
    by_sku = selectors.cart_variants_resolve(items=[(first.sku, 4)], by="sku")

    assert by_vid == [(second, 2), (first, 1)]
    assert by_sku == [(first, 4)]


def test_resolve_refuses_unknown_and_off_sale_variants():
    off_variant = make_cart_variant(is_on_sale=False)
    off_product = make_cart_variant(product_on_sale=False)

    with pytest.raises(VariantNotFound) as unknown:
        selectors.cart_variants_resolve(items=[("nope", 1)])
    with pytest.raises(VariantOffSale) as variant_off:
        selectors.cart_variants_resolve(items=[(off_variant.public_id, 1)])
    with pytest.raises(VariantOffSale) as product_off:
        selectors.cart_variants_resolve(items=[(off_product.public_id, 1)])

    assert (unknown.value.code, variant_off.value.code, product_off.value.code) == (
        1602000,
        1602003,
        1602002,
    )


def test_lines_for_destination_lists_active_lines_with_a_rate(lines):
    assert [line.code for line in selectors.lines_for_destination("US")] == ["BAT", "ECO", "EXP"]
    assert [line.code for line in selectors.lines_for_destination("de")] == ["EUP"]
    assert list(selectors.lines_for_destination("US", origin_country="DE")) == []


def test_default_line_for_returns_the_merchants_choice(lines, merchant, other_merchant):
    services.default_line_set(
        merchant=merchant,
        dest_country="US",
        line=lines["express"],
        fallback="fastest",
        actor=merchant.owner,
    )

    default = selectors.default_line_for(merchant, "us")

    assert (default.line.code, default.fallback) == ("EXP", "fastest")
    assert selectors.default_line_for(merchant, "DE") is None
    assert selectors.default_line_for(other_merchant, "US") is None


def _set_default(merchant, country, line):
    services.default_line_set(
        merchant=merchant, dest_country=country, line=line, actor=merchant.owner
    )


# --- Where the default cannot ship (inventory.selectors: stock origins + these rules) ------------


def test_countries_where_default_cannot_ship(lines, merchant):
    battery_line = lines["battery"]
    RateCardFactory(line=battery_line, dest_country="DE")
    RateCardFactory(line=lines["economy"], origin_country="US", dest_country="FR")
    _set_default(merchant, "US", lines["economy"])  # refuses batteries
    _set_default(merchant, "DE", battery_line)  # carries them
    _set_default(merchant, "FR", lines["economy"])  # only from the US
    product = make_product(variants=2, properties=["battery"])

    rows = inventory_selectors.countries_where_default_cannot_ship(
        merchant=merchant, product=product
    )

    assert [(r.country, r.line.code, r.reason, r.origin_country) for r in rows] == [
        ("FR", "ECO", UnavailableReason.NO_ROUTE, "CN"),
        ("US", "ECO", UnavailableReason.PROPERTY, "CN"),
    ]


def test_countries_where_default_cannot_ship_uses_stocked_warehouse_countries(
    lines, merchant, django_assert_max_num_queries
):
    RateCardFactory(line=lines["economy"], origin_country="US", dest_country="FR")
    _set_default(merchant, "FR", lines["economy"])
    _set_default(merchant, "US", lines["economy"])
    product = make_product(variants=2)
    us_warehouse = WarehouseFactory(country="US")
    for variant in product.variants.all():
        make_stock(variant=variant, warehouse=us_warehouse, on_hand=5)

    with django_assert_max_num_queries(4):
        rows = inventory_selectors.countries_where_default_cannot_ship(
            merchant=merchant, product=product
        )

    assert [(r.country, r.reason, r.origin_country) for r in rows] == [
        ("US", UnavailableReason.NO_ROUTE, "US")
    ]


def test_countries_where_default_cannot_ship_without_defaults(merchant):
    assert (
        inventory_selectors.countries_where_default_cannot_ship(
            merchant=merchant, product=make_product()
        )
        == []
    )


# --- Operator back office -----------------------------------------------------------------------


def test_carrier_list_is_by_name():
    zed, able = CarrierFactory(name="Zed Post"), CarrierFactory(name="Able Express")

    assert list(selectors.carrier_list()) == [able, zed]


def test_shipping_line_list_filters_by_text_and_state():
    economy = ShippingLineFactory(code="ECO", name="Economy")
    express = ShippingLineFactory(code="EXP", name="Express")
    old = ShippingLineFactory(code="OLD", name="Retired economy", is_active=False)

    assert list(selectors.shipping_line_list()) == [economy, express, old]
    assert list(selectors.shipping_line_list(q="econ")) == [economy, old]
    assert list(selectors.shipping_line_list(q="exp")) == [express]
    assert list(selectors.shipping_line_list(is_active=False)) == [old]
    assert list(selectors.shipping_line_list(q="econ", is_active=True)) == [economy]


def test_shipping_line_get():
    line = ShippingLineFactory(is_active=False)

    found = selectors.shipping_line_get(pk=line.pk)

    assert (found, found.carrier) == (line, line.carrier)
    with pytest.raises(NotFound):
        selectors.shipping_line_get(pk=line.pk + 1)


def test_rate_card_list_filters_by_route():
    line = ShippingLineFactory()
    to_us = RateCardFactory(line=line)
    to_de = RateCardFactory(line=line, dest_country="DE")
    from_us = RateCardFactory(line=line, origin_country="US", dest_country="DE")
    RateCardFactory(dest_country="DE")  # another line

    assert list(selectors.rate_card_list(line=line)) == [to_de, to_us, from_us]
    assert list(selectors.rate_card_list(line=line, origin="CN")) == [to_de, to_us]
    assert list(selectors.rate_card_list(line=line, dest="DE")) == [to_de, from_us]
    assert list(selectors.rate_card_list(line=line, origin="US", dest="DE")) == [from_us]
