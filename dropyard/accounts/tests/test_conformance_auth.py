"""Conformance: the token calls' limits as rolling windows (contract §1: getAccessToken once per
5 minutes, refreshAccessToken 5 per minute), with ``Retry-After`` saying when the next call
passes, and the ``openId`` a JavaScript client reads exactly."""

import json

import pytest

pytestmark = [pytest.mark.conformance, pytest.mark.django_db]


@pytest.fixture
def limited(settings, ratelimit_clock):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    return ratelimit_clock


def test_get_access_token_100_s_after_the_last_is_refused(cj, merchant, api_key, limited):
    limited.now = 1_800_000_250.0  # late in a clock-aligned 5-minute window
    cj.get_access_token(api_key).ok()
    limited.now += 100  # a new clock window, but only 100 s later

    refused = cj.get_access_token(api_key)

    refused.error(1600200)
    assert refused.headers["Retry-After"] == "200"
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_get_access_token_300_s_after_the_last_passes(cj, merchant, api_key, limited):
    cj.get_access_token(api_key).ok()
    limited.now += 299
    assert cj.get_access_token(api_key).headers["Retry-After"] == "1"

    limited.now += 1

    assert set(cj.get_access_token(api_key).ok()) >= {"accessToken", "openId"}


def test_refused_get_access_token_does_not_push_the_window(cj, merchant, api_key, limited):
    cj.get_access_token(api_key).ok()
    for _ in range(3):
        limited.now += 60
        cj.get_access_token(api_key).error(1600200)

    limited.now += 120

    cj.get_access_token(api_key).ok()


def test_refresh_access_token_five_in_any_minute(cj, merchant, api_key, limited):
    cj.get_access_token(api_key).ok()
    for _ in range(5):
        cj.refresh_access_token().ok()
        limited.now += 10  # refreshes at t = 0, 10, 20, 30, 40

    limited.now = limited.now - 50 + 59  # t = 59
    sixth = cj.refresh_access_token()
    sixth.error(1600200)
    assert sixth.headers["Retry-After"] == "1"

    limited.now += 1  # t = 60: the refresh of t = 0 left the window
    cj.refresh_access_token().ok()
    limited.now += 1  # t = 61: five in (1, 61]
    assert cj.refresh_access_token().headers["Retry-After"] == "9"


def test_open_id_is_exact_as_an_ieee_double(cj, merchant, api_key):
    response = cj.client.post(
        "/api2.0/v1/authentication/getAccessToken",
        {"apiKey": api_key},
        content_type="application/json",
    )

    as_javascript = json.loads(response.content, parse_int=float)["data"]["openId"]
    assert int(as_javascript) == merchant.open_id
    assert merchant.open_id < 2**53
