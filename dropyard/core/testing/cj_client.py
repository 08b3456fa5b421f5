"""A small CJ API 2.0 client for tests, written from ``contracts/cj-api-2.0.md``, not our code.

It drives the full Django stack through ``django.test.Client`` the way CJ's clients do: JSON
bodies with ``Content-Type: application/json``, query parameters on GET, the access token in the
``CJ-Access-Token`` header. Every response is checked against the contract's envelope (§3)
before a test sees it, so a test that only looks at ``data`` still fails on a malformed
envelope or on missing ``X-RateLimit-*`` headers.

    cj = CJClient(client)
    data = cj.get_access_token(api_key).ok()     # remembers the token pair
    settings = cj.get("setting/get").ok()
    cj.get("setting/get", token=None).error(1600002)
"""

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.test import Client

API_PREFIX = "/api2.0/v1/"
ENVELOPE_KEYS = frozenset({"code", "result", "message", "data", "requestId"})
SUCCESS_CODE = 200
TOO_MANY_REQUESTS_CODE = 1600200  # §3: the rate limit refused the call
MESSAGE_MAX_LENGTH = 200  # §3: message string ≤ 200
REQUEST_ID_MAX_LENGTH = 48  # §3: requestId string ≤ 48
# §1.2: auth dates are ISO-8601 with an offset, e.g. 2021-08-18T09:16:33+08:00.
API_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")

_DEFAULT = object()  # "use the client's current access token"
_NO_BODY = object()


def parse_api_datetime(value: Any) -> datetime:
    """Parse an auth date as the contract writes it; fail unless it has an explicit offset."""
    assert isinstance(value, str), f"date must be a string, got {value!r}"
    assert API_DATETIME_RE.match(value), f"date is not ISO-8601 with an offset: {value!r}"
    return datetime.fromisoformat(value)


def check_envelope(body: Any, *, headers: Mapping[str, str]) -> None:
    """Assert the contract's response envelope (§3) and our X-Request-Id echo of it."""
    assert isinstance(body, dict), f"body is not a JSON object: {body!r}"
    assert set(body) == ENVELOPE_KEYS, f"envelope keys are {sorted(body)}"
    code, result, message = body["code"], body["result"], body["message"]
    assert type(code) is int, f"code is {code!r}"
    assert isinstance(result, bool), f"result is {result!r}"
    assert isinstance(message, str), f"message is {message!r}"
    assert len(message) <= MESSAGE_MAX_LENGTH, message
    assert result is (code == SUCCESS_CODE), f"result {result} does not match code {code}"
    if not result:
        assert body["data"] is None, f"an error carries data: {body['data']!r}"
    request_id = body["requestId"]
    assert isinstance(request_id, str), f"requestId is {request_id!r}"
    assert len(request_id) <= REQUEST_ID_MAX_LENGTH, request_id
    assert uuid.UUID(request_id).version == 4, f"requestId is not a uuid4: {request_id!r}"
    assert headers.get("X-Request-Id") == request_id


RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def check_rate_limit_headers(headers: Mapping[str, str], *, code: int) -> None:
    """Assert what every API answer says of its rate limit: the three ``X-RateLimit-*`` headers
    as whole numbers (remaining ≤ limit), and ``Retry-After`` ≥ 1 on a refusal (1600200)."""
    values = {}
    for name in RATE_LIMIT_HEADERS:
        value = headers.get(name, "")
        assert value.isdigit(), f"{name} is {value!r}"
        values[name] = int(value)
    assert values["X-RateLimit-Remaining"] <= values["X-RateLimit-Limit"], values
    if code == TOO_MANY_REQUESTS_CODE:
        retry_after = headers.get("Retry-After", "")
        assert retry_after.isdigit(), f"Retry-After is {retry_after!r}"
        assert int(retry_after) >= 1, f"Retry-After is {retry_after!r}"


@dataclass(frozen=True)
class CJResponse:
    """One checked API answer: the HTTP status and the envelope's fields."""

    status_code: int
    body: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)  # the HTTP headers (Retry-After…)

    @property
    def code(self) -> int:
        return self.body["code"]

    @property
    def result(self) -> bool:
        return self.body["result"]

    @property
    def message(self) -> str:
        return self.body["message"]

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def request_id(self) -> str:
        return self.body["requestId"]

    @property
    def is_success(self) -> bool:
        """The contract's success rule: HTTP 200 and code 200."""
        return self.status_code == 200 and self.code == SUCCESS_CODE

    def ok(self) -> Any:
        """Assert success and return ``data``."""
        assert self.is_success, f"expected success, got HTTP {self.status_code} {self.body}"
        assert self.message == "Success"
        return self.data

    def error(self, code: int, *, status_code: int = 200) -> str:
        """Assert a failure with ``code`` (HTTP 200 unless told) and return the message."""
        assert (self.status_code, self.code) == (status_code, code), (
            f"expected HTTP {status_code} code {code}, got HTTP {self.status_code} {self.body}"
        )
        assert self.result is False
        assert self.data is None
        return self.message


class CJClient:
    """Calls ``/api2.0/v1/<path>`` and returns checked ``CJResponse`` objects.

    ``token`` on a call: omitted → the client's current access token (if any); ``None`` → no
    header; a string → that header value.
    """

    def __init__(self, client: Client | None = None, *, prefix: str = API_PREFIX):
        self.client = client or Client()
        self.prefix = prefix
        self.access_token: str | None = None
        self.refresh_token: str | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = _NO_BODY,
        raw_body: str | bytes | None = None,
        params: Mapping[str, Any] | None = None,
        token: Any = _DEFAULT,
        headers: Mapping[str, str] | None = None,
    ) -> CJResponse:
        """Send one request; ``body`` is sent as JSON, ``raw_body`` as given (bad JSON tests)."""
        all_headers = dict(headers or {})
        token = self.access_token if token is _DEFAULT else token
        if token is not None:
            all_headers["CJ-Access-Token"] = token
        url = self.prefix + path
        if params is not None:
            url += "?" + urlencode(params, doseq=True)
        data: str | bytes = ""
        if raw_body is not None:
            data = raw_body
        elif body is not _NO_BODY:
            data = json.dumps(body)
        response = self.client.generic(
            method, url, data=data, content_type="application/json", headers=all_headers
        )
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        parsed = json.loads(response.content)
        check_envelope(parsed, headers=response.headers)
        check_rate_limit_headers(response.headers, code=parsed["code"])
        return CJResponse(
            status_code=response.status_code, body=parsed, headers=dict(response.headers)
        )

    def get(self, path: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> CJResponse:
        return self.request("GET", path, params=params, **kwargs)

    def post(self, path: str, body: Any = _NO_BODY, **kwargs: Any) -> CJResponse:
        return self.request("POST", path, body=body, **kwargs)

    def patch(self, path: str, body: Any = _NO_BODY, **kwargs: Any) -> CJResponse:
        return self.request("PATCH", path, body=body, **kwargs)

    def delete(
        self, path: str, params: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> CJResponse:
        return self.request("DELETE", path, params=params, **kwargs)

    # --- §1 auth flow -----------------------------------------------------------------------

    def get_access_token(
        self,
        api_key: str | None = None,
        *,
        email: str | None = None,
        password: str | None = None,
    ) -> CJResponse:
        """``authentication/getAccessToken`` sending only the given fields; keeps the pair."""
        fields = {"apiKey": api_key, "email": email, "password": password}
        response = self.post(
            "authentication/getAccessToken",
            {name: value for name, value in fields.items() if value is not None},
            token=None,
        )
        if response.is_success:
            self.access_token = response.data["accessToken"]
            self.refresh_token = response.data["refreshToken"]
        return response

    def refresh_access_token(self, refresh_token: str | None = None) -> CJResponse:
        """``authentication/refreshAccessToken``; keeps the new access token on success."""
        response = self.post(
            "authentication/refreshAccessToken",
            {"refreshToken": refresh_token or self.refresh_token},
            token=None,
        )
        if response.is_success:
            self.access_token = response.data["accessToken"]
        return response

    def logout(self, **kwargs: Any) -> CJResponse:
        return self.post("authentication/logout", **kwargs)
