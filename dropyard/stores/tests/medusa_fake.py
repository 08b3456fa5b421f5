"""A minimal stand-in for a Medusa v2 admin API (httpx ``MockTransport``) for tests that do not
need the real peer: it checks the secret key like Medusa (HTTP Basic ``base64("sk_…:")``) and
answers the store and stock-location reads that connecting makes. Payload shapes follow what
Medusa 2.21.2 answers (checked against the peer in ``test_medusa_peer_adapter.py``)."""

import base64
import json
from collections.abc import Callable

import httpx

SECRET_KEY = "sk_" + "0123456789abcdef" * 4
STORE = {
    "id": "store_01TEST",
    "name": "Medusa Outlet",
    "default_sales_channel_id": "sc_01TEST",
    "default_location_id": None,
    "supported_currencies": [
        {"currency_code": "eur", "is_default": False},
        {"currency_code": "usd", "is_default": True},
    ],
}
LOCATION = {"id": "sloc_01TEST"}


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def fake_medusa(
    *, key: str = SECRET_KEY, extra: Callable[[httpx.Request], httpx.Response | None] | None = None
) -> httpx.MockTransport:
    """``extra(request)`` answers first when it returns a response (per-test routes)."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != basic(key):
            return httpx.Response(401, json={"type": "unauthorized", "message": "Unauthorized"})
        if extra is not None and (answer := extra(request)) is not None:
            return answer
        if request.url.path == "/admin/stores":
            return httpx.Response(200, json={"stores": [STORE], "count": 1})
        if request.url.path == "/admin/stock-locations":
            return httpx.Response(200, json={"stock_locations": [LOCATION], "count": 1})
        return httpx.Response(404, json={"type": "not_found", "message": "Not found"})

    return httpx.MockTransport(handle)


def body(request: httpx.Request) -> dict:
    return json.loads(request.content)
