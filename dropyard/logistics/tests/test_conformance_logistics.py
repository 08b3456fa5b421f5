"""Conformance: the logistics request forms real CJ clients send (issue 11), exactly as they
send them (POST, JSON body, ``CJ-Access-Token``), and the answer fields they rely on."""
# ruff: noqa: F811
# (fixtures imported from test_api are used as test parameters)

import pytest

from dropyard.logistics.tests.factories import RateCardFactory
from dropyard.logistics.tests.test_api import TIP, authed, lines, variant  # noqa: F401

pytestmark = [pytest.mark.conformance, pytest.mark.django_db]

TIP_FIELDS = {
    "option",
    "postage",
    "discountFee",
    "wrapPostage",
    "remoteFee",
    "taxesFee",
    "clearanceOperationFee",
    "totalPostageFee",
    "arrivalTime",
    "error",
    "errorEn",
}
ROUTE_FIELDS = TIP_FIELDS | {
    "srcAreaCode",
    "destAreaCode",
    "currency",
    "minArrivalDays",
    "maxArrivalDays",
    "lightestWeight",
    "lightestPrice",
    "referenceWeight",
    "referencePrice",
    "maxWeight",
}


def test_freight_tip_route_form_answers_timeliness_and_prices(authed, lines):
    economy, _express, _battery = lines
    RateCardFactory(line=economy, postcode_prefix="99", min_days=10, max_days=20)
    RateCardFactory(line=economy, dest_country="GB")  # another route: not listed

    # CJ's MCP "logistics timeliness": reqDTOS with only the two country codes.
    data = authed.post(TIP, {"reqDTOS": [{"srcAreaCode": "CN", "destAreaCode": "US"}]}).ok()

    assert [item["option"]["id"] for item in data] == ["ECO", "EXP", "BAT"]  # not the retired
    assert all(set(item) == ROUTE_FIELDS for item in data)
    eco, exp, bat = data
    assert eco == {
        "option": {"id": "ECO", "cnName": "Economy", "enName": "Economy", "arrivalTime": "7-20"},
        "postage": "5.00",
        "discountFee": "0.00",
        "wrapPostage": "0.00",
        "remoteFee": "0.00",
        "taxesFee": "0.00",
        "clearanceOperationFee": "0.00",
        "totalPostageFee": "5.00",
        "arrivalTime": "7-20",  # the postcode-specific card's days are part of the span
        "error": None,
        "errorEn": None,
        "srcAreaCode": "CN",
        "destAreaCode": "US",
        "currency": "USD",
        "minArrivalDays": 7,
        "maxArrivalDays": 20,
        "lightestWeight": 500,
        "lightestPrice": "5.00",
        "referenceWeight": 1000,
        "referencePrice": "6.50",  # 5.00 + one started 500 g step of 1.50
        "maxWeight": None,
    }
    # Bands with a $1.00 handling fee, a 2 kg line limit and a last band of 1 kg.
    assert (exp["arrivalTime"], exp["postage"], exp["wrapPostage"]) == ("3-5", "9.00", "1.00")
    assert (exp["lightestPrice"], exp["referencePrice"], exp["maxWeight"]) == (
        "10.00",
        "13.30",
        1000,
    )
    assert (bat["lightestPrice"], bat["referencePrice"]) == ("15.00", "18.00")


def test_freight_tip_route_form_with_a_weight_and_several_routes(authed, lines):
    economy, _express, _battery = lines
    RateCardFactory(line=economy, dest_country="GB", first_price_minor=700)

    data = authed.post(
        TIP,
        {
            "reqDTOS": [
                {"srcAreaCode": "CN", "destAreaCode": "US", "weight": 1500.5},
                {"srcAreaCode": "cn", "destAreaCode": "GB"},
                {"srcAreaCode": "CN", "destAreaCode": "FR"},  # no line: nothing listed
            ]
        },
    ).ok()

    assert [(i["destAreaCode"], i["option"]["id"]) for i in data] == [
        ("US", "ECO"),
        ("US", "EXP"),
        ("US", "BAT"),
        ("GB", "ECO"),
    ]
    by_line = {i["option"]["id"]: i for i in data if i["destAreaCode"] == "US"}
    assert by_line["ECO"]["referenceWeight"] == 1501
    assert by_line["ECO"]["referencePrice"] == "9.50"  # 5.00 + 3 started steps of 1.50
    assert by_line["EXP"]["referencePrice"] is None  # heavier than its last band (1 kg)
    assert data[3]["lightestPrice"] == "7.00"


def test_freight_tip_full_form_keeps_working_next_to_the_route_form(authed, lines, variant):
    data = authed.post(
        TIP,
        {
            "reqDTOS": [
                {
                    "srcAreaCode": "CN",
                    "destAreaCode": "US",
                    "freightTrialSkuList": [{"vid": variant.public_id, "skuQuantity": 1}],
                    "weight": 250,
                },
                {"srcAreaCode": "CN", "destAreaCode": "US", "skuList": [variant.sku]},
            ]
        },
    ).ok()

    full = [i for i in data if set(i) == TIP_FIELDS]
    assert [i["option"]["id"] for i in full] == ["ECO", "EXP", "BAT", "OLD"] * 2
    assert full[0]["totalPostageFee"] == "5.00"
    assert full[3]["errorEn"] == "Retired is not active"


@pytest.mark.parametrize(
    ("trial", "code", "named"),
    [
        ({"srcAreaCode": "CN", "destAreaCode": "QQ"}, 1605002, "QQ"),
        ({"srcAreaCode": "CN"}, 1600300, "destAreaCode"),
        ({"srcAreaCode": "CN", "destAreaCode": 1}, 1600300, "destAreaCode"),
        ({"srcAreaCode": "CN", "destAreaCode": "US", "weight": "heavy"}, 1600300, "weight"),
        ({"srcAreaCode": "CN", "destAreaCode": "US", "weight": 0}, 1600300, "weight"),
        ({"srcAreaCode": "CN", "destAreaCode": "US", "weight": 10**30}, 1600300, "weight"),
        ({"srcAreaCode": "CN", "destAreaCode": "US", "weight": True}, 1600300, "weight"),
        ({"srcAreaCode": "CN", "destAreaCode": "US", "skuList": "DY-1"}, 1600300, "skuList"),
        ({"srcAreaCode": "CN", "destAreaCode": "US", "skuList": ["NOPE"]}, 1602000, "NOPE"),
    ],
)
def test_freight_tip_route_form_bad_input(authed, lines, trial, code, named):
    assert named in authed.post(TIP, {"reqDTOS": [trial]}).error(code)


def test_freight_tip_route_form_without_the_wrapper(authed, lines):
    flat = authed.post(TIP, {"srcAreaCode": "CN", "destAreaCode": "US"}).ok()
    wrapped = authed.post(TIP, {"reqDTOS": [{"srcAreaCode": "CN", "destAreaCode": "US"}]}).ok()

    assert flat == wrapped
    assert [item["option"]["id"] for item in flat] == ["ECO", "EXP", "BAT"]


def test_freight_tip_bad_wrappers_are_1600300(authed, lines):
    assert "reqDTOS" in authed.post(TIP, {"reqDTOS": []}).error(1600300)
    assert "reqDTOS" in authed.post(TIP, {"reqDTOS": {"srcAreaCode": "CN"}}).error(1600300)
    assert "reqDTOS" in authed.post(TIP, {"destAreaCode": "US"}).error(1600300)
    assert "destAreaCode" in authed.post(TIP, {"srcAreaCode": "CN"}).error(1600300)
    authed.post(TIP, raw_body="[1]").error(1600300)
