"""Conformance: the call timings real CJ clients use against the per-account rate limit.

A level-0 account's sustained limit is 1 request/s (contract §3). Clients chain createOrderV2 →
addCart → addCartConfirm → saveGenerateParentOrder 0–300 ms apart and do not retry a coded
answer, so the burst must pass; a client that keeps sending must still be held to 1/s and told
when to come back (``Retry-After``). The bucket holds ``DROPYARD_API_BURST`` = 4 requests (the
default, set explicitly here).
"""

import json
import time

import httpx
import pytest

from dropyard.accounts import services
from dropyard.core.models import RateLimitBucket
from dropyard.core.testing.cj_client import API_PREFIX, CJClient
from dropyard.orders.tests.factories import make_order_world
from dropyard.orders.tests.test_api import body

pytestmark = pytest.mark.conformance

CREATE = "shopping/order/createOrderV2"
ADD = "shopping/order/addCart"
CONFIRM_CART = "shopping/order/addCartConfirm"
PARENT = "shopping/order/saveGenerateParentOrder"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture
def limited(settings, ratelimit_clock):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    settings.DROPYARD_API_BURST = 4
    return ratelimit_clock


@pytest.fixture
def level0(cj, merchant, api_key):
    assert merchant.level == 0
    cj.get_access_token(api_key).ok()
    return cj


def _order_flow(cj, world, clock, gaps):
    """The four calls of a client's order flow, ``gaps`` seconds apart; their answers."""
    answers = []
    clock.now += gaps[0]
    answers.append(cj.post(CREATE, body(world, "BURST-1")))
    order_id = answers[-1].ok()["orderId"]
    clock.now += gaps[1]
    answers.append(cj.post(ADD, {"cjOrderIdList": [order_id]}))
    clock.now += gaps[2]
    answers.append(cj.post(CONFIRM_CART, {"cjOrderIdList": [order_id]}))
    shipments_id = answers[-1].ok()["shipmentsId"]
    clock.now += gaps[3]
    answers.append(cj.post(PARENT, {"shipmentOrderId": shipments_id}))
    return answers


@pytest.mark.django_db
def test_order_flow_four_calls_within_300_ms_all_pass(level0, limited):
    world = make_order_world()

    answers = _order_flow(level0, world, limited, gaps=[0, 0.1, 0.1, 0.1])

    assert [a.code for a in answers] == [200, 200, 200, 200]
    assert [a.headers["X-RateLimit-Limit"] for a in answers] == ["4", "4", "4", "4"]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["3", "2", "1", "0"]
    assert all("Retry-After" not in a.headers for a in answers)


@pytest.mark.django_db
def test_twenty_calls_in_one_second_hold_one_per_second(level0, limited):
    answers = []
    for _ in range(20):  # one call every 50 ms: t = 0.00 … 0.95 s
        answers.append(level0.get("setting/get"))
        limited.now += 0.05

    passed = [a for a in answers if a.code == 200]
    refused = [a for a in answers if a.code != 200]
    # The full bucket (4) passes at once; the next token comes 1 s after the first call,
    # which is after the twentieth call.
    assert len(passed) == 4
    assert answers[:4] == passed
    assert {a.code for a in refused} == {1600200}
    for answer in refused:
        assert int(answer.headers["Retry-After"]) >= 1
        assert answer.headers["X-RateLimit-Remaining"] == "0"
    assert refused[0].headers["Retry-After"] == "1"  # at t = 0.20 s: next token at 1.00 s


@pytest.mark.django_db
def test_a_client_that_keeps_calling_is_held_to_the_sustained_rate(level0, limited):
    # Five calls a second for ten seconds: the burst, then exactly one per second.
    codes = []
    for _ in range(50):
        codes.append(level0.get("setting/get").code)
        limited.now += 0.2

    assert codes.count(200) == 4 + 9  # 4 at once, then at t = 1, 2, … 9 s
    assert set(codes) == {200, 1600200}


@pytest.mark.django_db
def test_waiting_retry_after_is_enough(level0, limited):
    for _ in range(4):
        level0.get("setting/get").ok()
    refused = level0.get("setting/get")
    refused.error(1600200)

    limited.now += int(refused.headers["Retry-After"])

    answer = level0.get("setting/get")
    assert answer.code == 200
    assert answer.headers["X-RateLimit-Remaining"] == "0"


@pytest.mark.django_db
def test_every_answer_reports_the_bucket(level0, limited):
    ok = level0.get("setting/get")
    error = level0.get("shopping/order/getOrderDetail", {"orderId": "nope"})

    assert [ok.headers[name] for name in RATE_HEADERS] == ["4", "3", "1"]
    assert error.code != 200
    assert [error.headers[name] for name in RATE_HEADERS] == ["4", "2", "2"]


@pytest.mark.django_db(transaction=True)
def test_order_flow_over_real_http_with_real_timing(merchant, api_key, live_server, settings):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    settings.DROPYARD_API_BURST = 4
    world = make_order_world()
    base = live_server.url + API_PREFIX
    with httpx.Client(base_url=base, timeout=10) as http:
        token = http.post("authentication/getAccessToken", json={"apiKey": api_key}).json()
        headers = {"CJ-Access-Token": token["data"]["accessToken"]}

        def call(path, payload, pause):
            time.sleep(pause)
            response = http.post(path, json=payload, headers=headers)
            return response, json.loads(response.content)

        created = call(CREATE, body(world, "LIVE-1"), 0)
        order_id = created[1]["data"]["orderId"]
        added = call(ADD, {"cjOrderIdList": [order_id]}, 0.3)
        confirmed = call(CONFIRM_CART, {"cjOrderIdList": [order_id]}, 0)
        shipments_id = confirmed[1]["data"]["shipmentsId"]
        parent = call(PARENT, {"shipmentOrderId": shipments_id}, 0.1)

    answers = [created, added, confirmed, parent]
    assert [body["code"] for _, body in answers] == [200, 200, 200, 200]
    assert all(response.headers["X-RateLimit-Limit"] == "4" for response, _ in answers)


@pytest.mark.django_db
def test_a_refusal_before_the_throttle_reports_the_bucket_without_counting(
    client, merchant, limited
):
    _, key = services.apikey_create(
        merchant=merchant, actor=merchant.owner, name="ro", scopes=["read"]
    )
    cj = CJClient(client)
    cj.get_access_token(key).ok()
    cj.get("setting/get").ok()

    refused = cj.post("webhook/set", {})

    refused.error(1600001)
    assert [refused.headers[name] for name in RATE_HEADERS] == ["4", "3", "1"]
    assert "Retry-After" not in refused.headers
    assert cj.get("setting/get").headers["X-RateLimit-Remaining"] == "2"


# --- Answers no account limiter counted ----------------------------------------------------------
# Every answer carries the X-RateLimit-* headers (``CJClient`` checks it on every call); one
# without a valid token reports the client IP's bucket (the public operations' 10/s) uncounted.


def _ip_bucket_after_one_public_call(cj, limited):
    """Spend one token of the IP's bucket (a public call), then move 50 ms on: 9 left, 1 s
    (rounded up) to full. The frozen clock makes the figures exact."""
    cj.get_access_token("wrong-key").error(1600001)
    limited.now += 0.05


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "token"),
    [
        ("GET", "setting/get", None),
        ("GET", "setting/get", "not-a-token"),
        ("POST", "shopping/order/getOrderDetailBatch", None),
        ("GET", "no/such/interface", None),
        ("POST", "no/such/interface", "not-a-token"),
    ],
)
def test_an_answer_without_a_valid_token_reports_the_ip_bucket_uncounted(
    cj, limited, method, path, token
):
    _ip_bucket_after_one_public_call(cj, limited)

    first = cj.request(method, path, token=token)
    second = cj.request(method, path, token=token)

    assert first.code in {1600001, 1600002, 1600101}
    assert [first.headers[name] for name in RATE_HEADERS] == ["10", "9", "1"]
    assert [second.headers[name] for name in RATE_HEADERS] == ["10", "9", "1"]
    assert "Retry-After" not in first.headers


@pytest.mark.django_db
def test_an_input_boundary_refusal_reports_the_ip_bucket(cj, limited):
    refused = cj.get("setting/get", {"q": "a\x00b"}, token=None)

    refused.error(1600300)
    assert [refused.headers[name] for name in RATE_HEADERS] == ["10", "10", "0"]


@pytest.mark.django_db
def test_a_valid_token_on_an_unknown_path_reports_the_ip_bucket(level0, limited):
    level0.get("setting/get").ok()

    answer = level0.get("no/such/interface")

    answer.error(1600101)
    assert [answer.headers[name] for name in RATE_HEADERS] == ["10", "10", "0"]
    assert level0.get("setting/get").headers["X-RateLimit-Remaining"] == "2"


@pytest.mark.django_db
def test_limits_switched_off_show_a_full_bucket_on_every_answer(level0, settings):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = False
    settings.DROPYARD_API_BURST = 4

    answers = [
        level0.get("setting/get"),
        level0.get("setting/get"),
        level0.get("setting/get", token=None),
        level0.get("setting/get", token="not-a-token"),
        level0.get("no/such/interface"),
    ]

    assert [a.code for a in answers] == [200, 200, 1600002, 1600001, 1600101]
    assert [[a.headers[name] for name in RATE_HEADERS] for a in answers] == [
        ["4", "4", "0"],
        ["4", "4", "0"],
        ["10", "10", "0"],
        ["10", "10", "0"],
        ["10", "10", "0"],
    ]
    assert all("Retry-After" not in a.headers for a in answers)
    assert RateLimitBucket.objects.count() == 0
