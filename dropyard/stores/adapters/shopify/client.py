"""The Admin GraphQL client: one POST per document to
``https://{shop}/admin/api/{version}/graphql.json``, honouring Shopify's cost-based leaky bucket.

Rate limiting (store-platforms contract §1.7): every answer carries
``extensions.cost.throttleStatus {maximumAvailable, currentlyAvailable, restoreRate}``. The client
remembers it, and before a document whose last requested cost exceeds what the bucket holds by
now it waits until enough has leaked back. A ``THROTTLED`` error (HTTP 200 or 429) is retried
after the wait its throttle status implies. Network errors and 5xx are retried with backoff for
reads and idempotent mutations; other mutations only when the request certainly did not run.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ..base import AdapterError, AuthorizationLost
from .documents import DOCUMENTS, IDEMPOTENT_MUTATIONS

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
MAX_ATTEMPTS = 6
BACKOFF_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)
# Used before the first answer tells the real figures (Standard plan: 100 points/s).
DEFAULT_RESTORE_RATE = 100.0
DEFAULT_ESTIMATE = 50.0
WAIT_MARGIN_SECONDS = 0.02

# Test hooks: the transport every Shopify client uses when none is given (the fake), and the
# clock and sleep (the fake's simulated time, so its bucket refills while the client waits).
TRANSPORT: httpx.BaseTransport | None = None
CLOCK: Callable[[], float] = time.monotonic
SLEEP: Callable[[float], None] = time.sleep

_NAMES = {document: name for name, document in DOCUMENTS.items()}


@dataclass
class Bucket:
    """What Shopify last said about this app's bucket on this shop, and when."""

    maximum: float = 1000.0
    available: float = 1000.0
    restore_rate: float = DEFAULT_RESTORE_RATE
    at: float = 0.0

    def available_at(self, now: float) -> float:
        return min(self.maximum, self.available + (now - self.at) * self.restore_rate)

    def wait_for(self, cost: float, now: float) -> float:
        """Seconds until ``cost`` points are available (0 when they are now)."""
        missing = min(cost, self.maximum) - self.available_at(now)
        if missing <= 0 or self.restore_rate <= 0:
            return 0.0
        # A hair more than exact: Shopify reports whole points, and a wait computed to the
        # float would land a query on the very edge of the bucket.
        return missing / self.restore_rate + WAIT_MARGIN_SECONDS


class GraphQLClient:
    """Admin GraphQL calls for one shop with an access token from ``token`` (called per
    request, so a refreshed token is used at once). ``sleep``/``clock`` are injectable so tests
    and the fake share one simulated time."""

    def __init__(
        self,
        *,
        shop: str,
        version: str,
        token: Callable[[], str],
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ):
        self.shop, self.version, self.token = shop, version, token
        self.transport = transport or TRANSPORT
        self.sleep, self.clock = sleep or SLEEP, clock or CLOCK
        self.bucket = Bucket(at=self.clock())
        self.costs: dict[str, float] = {}  # requested cost last seen, by document name
        self.spent = 0.0  # actual cost units used so far (bench and logs)
        self.calls = 0

    @property
    def url(self) -> str:
        return f"https://{self.shop}/admin/api/{self.version}/graphql.json"

    def _http(self) -> httpx.Client:
        return httpx.Client(transport=self.transport, timeout=TIMEOUT)

    def _track(self, body: Mapping[str, Any], name: str) -> None:
        cost = (body.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        if status:
            self.bucket = Bucket(
                maximum=float(status["maximumAvailable"]),
                available=float(status["currentlyAvailable"]),
                restore_rate=float(status["restoreRate"]) or DEFAULT_RESTORE_RATE,
                at=self.clock(),
            )
        if cost.get("requestedQueryCost") is not None:
            self.costs[name] = float(cost["requestedQueryCost"])
        if cost.get("actualQueryCost") is not None:
            self.spent += float(cost["actualQueryCost"])

    def execute(self, document: str, variables: Mapping[str, Any] | None = None) -> dict:
        """The ``data`` of ``document`` (one of ``documents.DOCUMENTS``) with ``variables``.

        ``AuthorizationLost`` on 401/403; ``AdapterError`` (retryable when it may pass later)
        for anything else that is not an answer."""
        name = _NAMES.get(document, "anonymous")
        resend_ambiguous = not document.lstrip().startswith("mutation") or (
            name in IDEMPOTENT_MUTATIONS
        )
        payload = {"query": document, "variables": dict(variables or {})}
        for attempt in range(MAX_ATTEMPTS):
            last = attempt == MAX_ATTEMPTS - 1
            wait = self.bucket.wait_for(self.costs.get(name, DEFAULT_ESTIMATE), self.clock())
            if wait > 0:
                self.sleep(wait)
            try:
                with self._http() as http:
                    response = http.post(
                        self.url,
                        json=payload,
                        headers={"X-Shopify-Access-Token": self.token()},
                    )
            except httpx.ConnectError as exc:  # never reached Shopify: safe to resend
                if last:
                    raise AdapterError(f"Shopify unreachable: {exc}", retryable=True) from None
                self.sleep(BACKOFF_SECONDS[attempt])
                continue
            except httpx.HTTPError as exc:
                if last or not resend_ambiguous:
                    raise AdapterError(f"Shopify call failed: {exc}", retryable=True) from None
                self.sleep(BACKOFF_SECONDS[attempt])
                continue
            self.calls += 1
            status = response.status_code
            answered = response.headers.get("X-Shopify-API-Version", self.version)
            if answered != self.version:  # the pinned version is no longer served
                logger.warning(
                    "Shopify %s answered API version %s, not %s", self.shop, answered, self.version
                )
            if status in (401, 403):
                raise AuthorizationLost(f"Shopify refused the access token ({status})")
            if status >= 500:
                if last or not resend_ambiguous:
                    raise AdapterError(f"Shopify error {status}", retryable=True)
                self.sleep(BACKOFF_SECONDS[attempt])
                continue
            try:
                body = response.json()
            except ValueError:
                raise AdapterError(f"Shopify answered {status} without JSON") from None
            if not isinstance(body, dict):
                raise AdapterError(f"Shopify answered {status} with a non-object")
            self._track(body, name)
            errors = body.get("errors") or []
            throttled = status == 429 or any(
                isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED"
                for e in errors
            )
            if throttled:
                if last:
                    raise AdapterError("Shopify kept throttling", retryable=True)
                wait = self.bucket.wait_for(self.costs.get(name, DEFAULT_ESTIMATE), self.clock())
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.replace(".", "", 1).isdigit():
                    wait = max(wait, float(retry_after))
                logger.info("Shopify %s throttled %s; waiting %.2fs", self.shop, name, wait)
                self.sleep(max(wait, 0.05))
                continue
            if status >= 400 or errors:
                messages = "; ".join(
                    str(e.get("message", e)) if isinstance(e, dict) else str(e)
                    for e in (errors or [body])
                )
                raise AdapterError(f"Shopify {name}: {messages}"[:500])
            data = body.get("data")
            if not isinstance(data, dict):
                raise AdapterError(f"Shopify {name}: no data")
            return data
        raise AdapterError("Shopify: no answer", retryable=True)  # pragma: no cover
