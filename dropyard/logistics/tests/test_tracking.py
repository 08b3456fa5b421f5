"""Pure tracking rules: status normalisation, summary texts, delivery days, number cleaning."""

from datetime import UTC, datetime

import pytest

from dropyard.logistics.choices import TrackingStatus
from dropyard.logistics.tracking import (
    delivery_days,
    tracking_number_clean,
    tracking_status_normalize,
    tracking_status_summary,
)

S = TrackingStatus


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, S.NO_INFO),
        (12, S.DELIVERED),
        (14, S.RETURNED),
        ("7", S.CUSTOMS_STARTED),
        (" 10 ", S.OUT_FOR_DELIVERY),
        (15, S.NO_INFO),
        (-1, S.NO_INFO),
        ("99", S.NO_INFO),
        (None, S.NO_INFO),
        (True, S.NO_INFO),
        ("", S.NO_INFO),
        ("InfoReceived", S.NO_INFO),
        ("Pending", S.NO_INFO),
        ("label created", S.NO_INFO),
        ("Shipped", S.WAREHOUSE_OUTBOUND),
        ("picked-up", S.FORWARDER_INBOUND),
        ("Accepted", S.FORWARDER_INBOUND),
        ("InTransit", S.FIRST_LEG),
        ("in transit", S.FIRST_LEG),
        ("IN_TRANSIT", S.FIRST_LEG),
        ("Arrived at destination", S.ARRIVED_DESTINATION),
        ("Customs", S.CUSTOMS_STARTED),
        ("customs cleared", S.CUSTOMS_CLEARED),
        ("Arrived at facility", S.TERMINAL_PICKUP),
        ("OutForDelivery", S.OUT_FOR_DELIVERY),
        ("out-for-delivery", S.OUT_FOR_DELIVERY),
        ("AvailableForPickup", S.AWAITING_PICKUP),
        ("Delivered", S.DELIVERED),
        ("SIGNED", S.DELIVERED),
        ("AttemptFail", S.EXCEPTION),
        ("Exception", S.EXCEPTION),
        ("lost", S.EXCEPTION),
        ("Return to sender", S.RETURNED),
        ("returned", S.RETURNED),
        ("something new", S.NO_INFO),
    ],
)
def test_normalize(raw, expected):
    assert tracking_status_normalize(raw) == expected


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (0, "Not yet tracked"),
        (1, "Shipped"),
        (5, "In transit"),
        (7, "In customs"),
        (10, "Out for delivery"),
        (11, "Ready for pickup"),
        (12, "Delivered"),
        (13, "Exception"),
        (14, "Returned"),
    ],
)
def test_summary_is_the_api_free_text(status, text):
    assert tracking_status_summary(status) == text


def test_every_status_has_a_summary():
    assert all(tracking_status_summary(s) for s in S.values)


@pytest.mark.parametrize(
    ("shipped", "until", "days"),
    [
        (datetime(2026, 1, 1, 8, tzinfo=UTC), datetime(2026, 1, 8, 7, tzinfo=UTC), 6),
        (datetime(2026, 1, 1, 8, tzinfo=UTC), datetime(2026, 1, 8, 9, tzinfo=UTC), 7),
        (datetime(2026, 1, 1, 8, tzinfo=UTC), datetime(2026, 1, 1, 9, tzinfo=UTC), 0),
        (datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), 0),
        (None, datetime(2026, 1, 1, tzinfo=UTC), None),
    ],
)
def test_delivery_days(shipped, until, days):
    assert delivery_days(shipped_at=shipped, until=until) == days


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("SBX1234567897", "SBX1234567897"),
        ("  sbx 1234 5678 97 ", "SBX1234567897"),
        ("1Z-999-AA1", "1Z-999-AA1"),
        ("abc", ""),
        ("SBX<script>", ""),
        ("x" * 65, ""),
        ("", ""),
        (None, ""),
    ],
)
def test_number_clean(raw, clean):
    assert tracking_number_clean(raw) == clean
