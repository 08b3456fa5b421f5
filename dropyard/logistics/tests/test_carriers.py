"""Carrier adapters, Sandbox tracking numbers and the Sandbox journey script."""

import re
from collections import Counter

import pytest

from dropyard.logistics import carriers
from dropyard.logistics.carriers import (
    SandboxCarrier,
    adapter_for,
    luhn_check_digit,
    luhn_valid,
    sandbox_journey,
    sandbox_number_new,
    sandbox_number_valid,
)
from dropyard.logistics.choices import TrackingStatus
from dropyard.logistics.tests.factories import CarrierFactory, make_tracking, sandbox_carrier

S = TrackingStatus
NUMBER_RE = re.compile(r"^SBX\d{10}$")


def _numbers(count: int) -> list[str]:
    """Well-formed Sandbox numbers with spread-out serials (no database)."""
    out = []
    for i in range(count):
        serial = f"{(i * 104729 + 17) % 10**9:09d}"
        out.append(f"SBX{serial}{luhn_check_digit(serial)}")
    return out


@pytest.mark.parametrize(
    ("payload", "check"),
    [("7992739871", "3"), ("000000001", "8"), ("000000000", "0"), ("123456789", "7")],
)
def test_luhn_check_digit(payload, check):
    assert luhn_check_digit(payload) == check
    assert luhn_valid(payload + check)


def test_luhn_rejects_a_changed_digit():
    assert not luhn_valid("79927398710")
    assert not luhn_valid("1234567898")


def test_sandbox_numbers_have_the_prefix_ten_digits_and_a_valid_check_digit(db):
    numbers = [sandbox_number_new() for _ in range(200)]

    assert all(NUMBER_RE.match(n) for n in numbers)
    assert all(sandbox_number_valid(n) for n in numbers)
    assert len(set(numbers)) == 200


@pytest.mark.parametrize(
    "number", ["SBX1234567890", "SBX123456789", "XXX1234567897", "SBX12345678977", "SBXABCDEFGHIJ"]
)
def test_malformed_sandbox_numbers_are_refused(number):
    assert not sandbox_number_valid(number)


def test_sandbox_number_skips_a_number_already_in_use(db, merchant, monkeypatch):
    taken = make_tracking(merchant, number="SBX0000000018")
    serials = iter([1, 2])  # the first draw is the number in use, the second is free
    monkeypatch.setattr(carriers.secrets, "randbelow", lambda _n: next(serials))

    number = sandbox_number_new()

    assert taken.tracking_number == "SBX0000000018"
    assert number == "SBX0000000026"


def test_sandbox_adapter_creates_a_shipment_number(db):
    adapter = adapter_for(sandbox_carrier())

    number = adapter.create_shipment(
        reference="P1",
        line=None,
        origin_country="CN",
        dest_country="US",
        dest_city="Austin",
        weight_g=300,
    )

    assert isinstance(adapter, SandboxCarrier)
    assert (adapter.code, adapter.label, adapter.schedules_events) == ("SANDBOX", "Sandbox", True)
    assert sandbox_number_valid(number)
    assert adapter.poll(None) == []


def test_carriers_without_an_adapter_are_typed_by_hand(db):
    assert adapter_for(CarrierFactory(code="dypost")) is None
    assert adapter_for(None) is None


def test_adapter_lookup_ignores_the_code_case(db):
    assert isinstance(adapter_for(CarrierFactory(code="sandbox")), SandboxCarrier)


# --- Journey ------------------------------------------------------------------------------------


def _journey(number: str, origin: str = "CN", dest: str = "US", city: str = "Austin"):
    return sandbox_journey(
        tracking_number=number, origin_country=origin, dest_country=dest, dest_city=city
    )


def test_journey_is_the_same_for_the_same_number():
    for number in _numbers(50):
        assert _journey(number) == _journey(number)


def test_a_delivered_journey_follows_the_contract_order_with_customs():
    delivered = next(
        j for j in map(_journey, _numbers(200)) if [s.status for s in j][-2] == S.OUT_FOR_DELIVERY
    )

    assert [s.status for s in delivered] == [
        S.WAREHOUSE_OUTBOUND,
        S.FORWARDER_INBOUND,
        S.FORWARDER_OUTBOUND,
        S.FIRST_LEG,
        S.ARRIVED_DESTINATION,
        S.CUSTOMS_STARTED,
        S.CUSTOMS_CLEARED,
        S.TERMINAL_PICKUP,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
    ]
    assert delivered[0].city == "Shenzhen"
    assert (delivered[0].country, delivered[-1].country) == ("CN", "US")
    assert delivered[-1].city == "Austin"
    assert delivered[4].city in carriers.IMPORT_HUBS["US"]


def test_every_journey_ends_delivered_in_exception_or_returned():
    endings = Counter(int(_journey(n)[-1].status) for n in _numbers(2000))

    assert set(endings) == {12, 13, 14}
    exceptions = endings[13] + endings[14]
    assert 100 <= exceptions <= 200  # 5–10 % of 2000
    assert endings[14] > 0


def test_returned_journeys_pass_through_an_exception_first():
    returned = [j for j in map(_journey, _numbers(2000)) if j[-1].status == S.RETURNED]

    assert returned
    assert all(j[-2].status == S.EXCEPTION for j in returned)


def test_statuses_never_go_backwards_before_the_end():
    for journey in map(_journey, _numbers(500)):
        codes = [int(s.status) for s in journey if s.status not in (S.EXCEPTION, S.RETURNED)]
        assert codes == sorted(codes)


def test_domestic_parcels_skip_arrival_and_customs():
    journey = _journey(_numbers(1)[0], origin="US", dest="US", city="Denver")
    statuses = {s.status for s in journey}

    assert statuses.isdisjoint({S.ARRIVED_DESTINATION, S.CUSTOMS_STARTED, S.CUSTOMS_CLEARED})
    assert {s.country for s in journey} == {"US"}


def test_parcels_within_the_eu_arrive_without_customs():
    for number in _numbers(40):
        statuses = {s.status for s in _journey(number, origin="DE", dest="FR", city="Lyon")}
        assert S.CUSTOMS_STARTED not in statuses
        assert S.CUSTOMS_CLEARED not in statuses


def test_some_deliveries_go_through_a_pickup_point():
    journeys = [_journey(n) for n in _numbers(500)]

    pickups = [j for j in journeys if S.AWAITING_PICKUP in {s.status for s in j}]
    assert pickups
    assert all(j[-1].status == S.DELIVERED for j in pickups)


def test_journey_places_are_cities_and_countries_only():
    for journey in map(_journey, _numbers(100)):
        for step in journey:
            assert len(step.country) == 2
            assert step.activity
            assert not any(ch.isdigit() for ch in step.city)
