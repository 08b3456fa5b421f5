"""logistic/* through the full stack, checked with the conformance client (contract §2.5)."""

import pytest

from dropyard.logistics.choices import PricingMode
from dropyard.logistics.tests.factories import (
    RateCardFactory,
    ShippingLineFactory,
    make_cart_variant,
)

FREIGHT = "logistic/freightCalculate"
TIP = "logistic/freightCalculateTip"
UNAVAILABLE = "logistic/unavailableShippingMethods"
FREIGHT_FIELDS = {
    "logisticName",
    "logisticPrice",
    "logisticPriceCn",
    "logisticAging",
    "taxesFee",
    "clearanceOperationFee",
    "totalPostageFee",
}


@pytest.fixture
def authed(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def lines(db):
    """CN → US: Economy ($5.00 + $1.50/500 g, 7-12 d), Express (bands + $1 handling, 3-5 d),
    a battery line; an inactive line."""
    economy = ShippingLineFactory(name="Economy", code="ECO")
    RateCardFactory(
        line=economy, remote_surcharge_minor=250, remote_postcode_prefixes=["995", "996"]
    )
    express = ShippingLineFactory(name="Express", code="EXP", max_weight_g=2000)
    RateCardFactory(
        line=express,
        pricing_mode=PricingMode.BANDS,
        bands=[{"max_g": 500, "price_minor": 900}, {"max_g": 1000, "price_minor": 1230}],
        handling_fee_minor=100,
        min_days=3,
        max_days=5,
    )
    battery = ShippingLineFactory(name="Battery Air", code="BAT", allowed_properties=["battery"])
    RateCardFactory(line=battery, first_price_minor=1500, step_price_minor=300)
    RateCardFactory(line=ShippingLineFactory(name="Retired", code="OLD", is_active=False))
    return economy, express, battery


@pytest.fixture
def variant(db):
    return make_cart_variant(sku="DY-MUG-1")  # 250 g, 100×80×50 mm


def test_freight_calculate_lists_lines_cheapest_first(authed, lines, variant):
    data = authed.post(
        FREIGHT,
        {
            "startCountryCode": "CN",
            "endCountryCode": "US",
            "products": [{"vid": variant.public_id, "quantity": 2}],
        },
    ).ok()

    assert all(set(option) == FREIGHT_FIELDS for option in data)
    assert data == [
        {
            "logisticName": "Economy",
            "logisticPrice": "5.00",
            "logisticPriceCn": "36.00",
            "logisticAging": "7-12",
            "taxesFee": "0.00",
            "clearanceOperationFee": "0.00",
            "totalPostageFee": "5.00",
        },
        {
            "logisticName": "Express",
            "logisticPrice": "10.00",
            "logisticPriceCn": "72.00",
            "logisticAging": "3-5",
            "taxesFee": "0.00",
            "clearanceOperationFee": "0.00",
            "totalPostageFee": "10.00",
        },
        {
            "logisticName": "Battery Air",
            "logisticPrice": "15.00",
            "logisticPriceCn": "108.00",
            "logisticAging": "7-12",
            "taxesFee": "0.00",
            "clearanceOperationFee": "0.00",
            "totalPostageFee": "15.00",
        },
    ]


def test_freight_calculate_accepts_flat_vid_and_zip(authed, lines, variant, settings):
    settings.DROPYARD_CNY_PER_USD = "7.1"

    data = authed.post(
        FREIGHT,
        {
            "startCountryCode": "cn",
            "endCountryCode": "us",
            "vid": variant.public_id,
            "quantity": 3,
            "zip": "99501",
        },
    ).ok()

    economy = data[0]
    assert (economy["logisticName"], economy["logisticPrice"]) == ("Economy", "9.00")
    assert economy["logisticPriceCn"] == "63.90"
    assert [d["logisticName"] for d in data] == ["Economy", "Express", "Battery Air"]


@pytest.mark.parametrize(
    ("start", "end"), [("XX", "US"), ("CN", "ZZ"), ("CHN", "US"), ("", "US"), ("CN", "U")]
)
def test_freight_calculate_unknown_country_is_1605002(authed, lines, variant, start, end):
    body = {
        "startCountryCode": start,
        "endCountryCode": end,
        "products": [{"vid": variant.public_id, "quantity": 1}],
    }

    message = authed.post(FREIGHT, body).error(1605002)

    assert "not found" in message


@pytest.mark.parametrize(
    ("products", "code"),
    [
        ([{"vid": "does-not-exist", "quantity": 1}], 1602000),
        ([], 1600300),
        ([{"vid": "{vid}", "quantity": 0}], 1600300),
        ([{"quantity": 1}], 1600300),
    ],
)
def test_freight_calculate_product_errors(authed, lines, variant, products, code):
    for product in products:
        if product.get("vid") == "{vid}":
            product["vid"] = variant.public_id
    body = {"startCountryCode": "CN", "endCountryCode": "US", "products": products}

    authed.post(FREIGHT, body).error(code)


def test_freight_calculate_off_sale_variant_is_1602003(authed, lines):
    off = make_cart_variant(is_on_sale=False)
    product_off = make_cart_variant(product_on_sale=False)
    body = {"startCountryCode": "CN", "endCountryCode": "US"}

    authed.post(FREIGHT, {**body, "products": [{"vid": off.public_id, "quantity": 1}]}).error(
        1602003
    )
    authed.post(
        FREIGHT, {**body, "products": [{"vid": product_off.public_id, "quantity": 1}]}
    ).error(1602002)


def test_freight_calculate_requires_token_and_country(cj, authed, lines, variant):
    body = {"endCountryCode": "US", "products": [{"vid": variant.public_id, "quantity": 1}]}

    assert "startCountryCode is required" in authed.post(FREIGHT, body).error(1600300)
    cj.post(FREIGHT, {**body, "startCountryCode": "CN"}, token=None).error(1600002)


def _trial(variant, *, dest="US", zip_code=None, quantity=1, key="vid"):
    trial = {
        "srcAreaCode": "CN",
        "destAreaCode": dest,
        "freightTrialSkuList": [
            {key: variant.public_id if key == "vid" else variant.sku, "skuQuantity": quantity}
        ],
        "weight": 999,  # ignored: we price from the catalog
        "volume": 1,
        "productProp": ["COMMON"],
    }
    if zip_code:
        trial["zip"] = zip_code
    return trial


def test_freight_calculate_tip_details_and_errors(authed, lines, variant):
    data = authed.post(TIP, {"reqDTOS": [_trial(variant, zip_code="99501", key="sku")]}).ok()

    by_id = {item["option"]["id"]: item for item in data}
    assert [item["option"]["id"] for item in data] == ["ECO", "EXP", "BAT", "OLD"]
    assert by_id["ECO"] == {
        "option": {
            "id": "ECO",
            "cnName": "Economy",
            "enName": "Economy",
            "arrivalTime": "7-12",
        },
        "postage": "5.00",
        "discountFee": "0.00",
        "wrapPostage": "0.00",
        "remoteFee": "2.50",
        "taxesFee": "0.00",
        "clearanceOperationFee": "0.00",
        "totalPostageFee": "7.50",
        "arrivalTime": "7-12",
        "error": None,
        "errorEn": None,
    }
    assert (by_id["EXP"]["postage"], by_id["EXP"]["wrapPostage"]) == ("9.00", "1.00")
    assert by_id["EXP"]["totalPostageFee"] == "10.00"
    assert by_id["OLD"]["totalPostageFee"] is None
    assert by_id["OLD"]["errorEn"] == "Retired is not active"


def test_freight_calculate_tip_unknown_country_and_empty(authed, lines, variant):
    authed.post(TIP, {"reqDTOS": [_trial(variant, dest="QQ")]}).error(1605002)
    authed.post(TIP, {"reqDTOS": []}).error(1600300)
    trial = _trial(variant)
    trial["freightTrialSkuList"] = []
    # No products at all is the route form (test_conformance_logistics), priced at its weight.
    [first, *_rest] = authed.post(TIP, {"reqDTOS": [trial]}).ok()
    assert (first["option"]["id"], first["referenceWeight"]) == ("ECO", 999)


def test_unavailable_shipping_methods_codes(authed, lines):
    battery = make_cart_variant(properties=["battery"], weight_g=1200)

    data = authed.post(UNAVAILABLE, {"reqDTOS": [_trial(battery)]}).ok()

    assert data["availableList"] == [
        {
            "optionId": "BAT",
            "optionName": "Battery Air",
            "arrivalTime": "7-12",
            "totalPostageFee": "21.00",
        }
    ]
    assert [(u["optionId"], u["optionName"], u["errorCode"]) for u in data["unavailableList"]] == [
        ("ECO", "Economy", 2002),
        ("EXP", "Express", 2002),
        ("OLD", "Retired", 2004),
    ]
    assert data["unavailableList"][0]["errorEn"] == "Economy does not carry products with: battery"


def test_unavailable_shipping_methods_no_route_and_overweight(authed, lines):
    heavy = make_cart_variant(weight_g=1500)
    ShippingLineFactory(name="Germany Only", code="DEO")

    data = authed.post(UNAVAILABLE, {"reqDTOS": [_trial(heavy)]}).ok()

    assert [a["optionId"] for a in data["availableList"]] == ["ECO", "BAT"]
    assert {u["optionId"]: u["errorCode"] for u in data["unavailableList"]} == {
        "DEO": 2001,
        "EXP": 2003,
        "OLD": 2004,
    }


def test_unavailable_shipping_methods_unknown_vid_and_country(authed, lines, variant):
    trial = _trial(variant)
    trial["freightTrialSkuList"] = [{"vid": "missing", "skuQuantity": 1}]

    authed.post(UNAVAILABLE, {"reqDTOS": [trial]}).error(1602000)
    authed.post(UNAVAILABLE, {"reqDTOS": [_trial(variant, dest="XX")]}).error(1605002)
