"""logistic/trackInfo (and the deprecated getTrackInfo) through the full stack (contract §2.5)."""

from datetime import UTC, datetime

import pytest

from dropyard.logistics import services
from dropyard.logistics.services import TrackingEventIn
from dropyard.logistics.tests.factories import CarrierFactory, make_tracking

TRACK_INFO = "logistic/trackInfo"
FIELDS = {
    "trackingNumber",
    "logisticName",
    "trackingFrom",
    "trackingTo",
    "deliveryDay",
    "deliveryTime",
    "trackingStatus",
    "lastMileCarrier",
    "lastTrackNumber",
}


@pytest.fixture
def authed(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


def _events(tracking, *pairs):
    services.tracking_events_record(
        tracking=tracking,
        events=[
            TrackingEventIn(
                status=status,
                activity="event",
                event_time=when,
                external_id=f"e{i}",
                city="Austin",
                country="US",
            )
            for i, (status, when) in enumerate(pairs)
        ],
    )


@pytest.fixture
def delivered(merchant):
    tracking = make_tracking(merchant, number="SBX0000000018", dest="DE", dest_city="Berlin")
    _events(
        tracking,
        (1, datetime(2026, 3, 1, 8, 0, tzinfo=UTC)),
        (12, datetime(2026, 3, 8, 17, 30, 5, tzinfo=UTC)),
    )
    return tracking


def test_a_delivered_parcel(authed, delivered):
    data = authed.get(TRACK_INFO, {"trackNumber": "SBX0000000018"}).ok()

    assert data == [
        {
            "trackingNumber": "SBX0000000018",
            "logisticName": "Sandbox Packet",
            "trackingFrom": "CN",
            "trackingTo": "DE",
            "deliveryDay": "7",
            "deliveryTime": "2026-03-08 17:30:05",
            "trackingStatus": "Delivered",
            "lastMileCarrier": "Sandbox Carrier",
            "lastTrackNumber": "SBX0000000018",
        }
    ]


def test_a_parcel_without_events(authed, merchant):
    tracking = make_tracking(merchant)

    [item] = authed.get(TRACK_INFO, {"trackNumber": tracking.tracking_number}).ok()

    assert set(item) == FIELDS
    assert (item["trackingStatus"], item["deliveryDay"], item["deliveryTime"]) == (
        "Not yet tracked",
        None,
        None,
    )


def test_a_batch_answers_in_the_order_asked_and_leaves_unknown_numbers_out(
    authed, merchant, delivered
):
    other = make_tracking(merchant, carrier=CarrierFactory(name="Dropyard Post"), number="LX99")
    _events(other, ("InTransit", datetime(2026, 3, 2, tzinfo=UTC)))

    data = authed.get(
        TRACK_INFO, {"trackNumber": ["lx99", "NOPE1234", "SBX0000000018", "LX99"]}
    ).ok()

    assert [(d["trackingNumber"], d["trackingStatus"]) for d in data] == [
        ("LX99", "In transit"),
        ("SBX0000000018", "Delivered"),
    ]
    assert data[0]["lastMileCarrier"] == "Dropyard Post"


def test_comma_joined_numbers_are_a_batch_too(authed, merchant, delivered):
    make_tracking(merchant, number="SBX0000000026")

    data = authed.get(TRACK_INFO, {"trackNumber": "SBX0000000026,SBX0000000018"}).ok()

    assert [d["trackingNumber"] for d in data] == ["SBX0000000026", "SBX0000000018"]


def test_another_merchants_parcel_is_not_returned(authed, other_merchant):
    make_tracking(other_merchant, number="SBX0000000034")

    assert authed.get(TRACK_INFO, {"trackNumber": "SBX0000000034"}).ok() == []


@pytest.mark.parametrize("params", [None, {"trackNumber": ""}, {"trackNumber": " , "}])
def test_missing_track_number_is_a_parameter_error(authed, params):
    message = authed.get(TRACK_INFO, params).error(1600300)

    assert message == "trackNumber is required"


def test_too_many_numbers_are_refused(authed):
    numbers = [f"LX{i:04d}" for i in range(101)]

    message = authed.get(TRACK_INFO, {"trackNumber": numbers}).error(1600300)

    assert message == "trackNumber: at most 100 numbers per call"


def test_the_deprecated_path_answers_the_same(authed, delivered):
    old = authed.get("logistic/getTrackInfo", {"trackNumber": "SBX0000000018"}).ok()

    assert old == authed.get(TRACK_INFO, {"trackNumber": "SBX0000000018"}).ok()


def test_a_token_is_required(cj, delivered):
    cj.get(TRACK_INFO, {"trackNumber": "SBX0000000018"}, token=None).error(1600002)
