"""The developer API's rate limits: token buckets per account and per client IP, and the
``X-RateLimit-*`` / ``Retry-After`` headers that report them.

- ``AccountRateThrottle`` (the API's default, run after auth): the account's bucket refills at
  ``DROPYARD_API_QPS_BY_LEVEL[level]`` requests per second (the contract's sustained limit) and
  holds ``api_burst(qps)`` = ``max(DROPYARD_API_BURST, qps)`` requests, so a client that chains
  a few calls 0–300 ms apart (createOrderV2 → addCart → addCartConfirm →
  saveGenerateParentOrder) is not refused, while any longer stretch keeps the sustained rate.
- ``ClientIpRateThrottle`` (public operations): ``DROPYARD_API_PUBLIC_QPS_PER_IP`` per second per
  IP, with a burst of the same size.

Each limiter consulted for a request notes its ``RateDecision`` on the request
(``note_rate_decision``); ``rate_limit_headers`` writes the most restrictive one on the answer:
``X-RateLimit-Limit`` (requests admitted at once), ``X-RateLimit-Remaining`` (requests that would
pass now), ``X-RateLimit-Reset`` (whole seconds until the limiter is full again) and, on a refusal
(1600200), ``Retry-After`` (whole seconds ≥ 1 until a request will pass).

Invariant: every answer under ``/api2.0/`` carries the three ``X-RateLimit-*`` headers. An
answer that no limiter counted reports, without counting it, the bucket that limits the caller:

- a valid token (refused before its throttle ran, e.g. a missing scope): the account's bucket;
- no token, an invalid token, an unknown path, a request refused by the input boundary: the
  client IP's bucket (``ClientIpRateThrottle``, the only limit such a caller meets);
- limits switched off (``DROPYARD_API_RATE_LIMITS_ENABLED`` False): that same bucket shown
  full (``Remaining`` = ``Limit``, ``Reset`` 0), since nothing is counted.
"""

from typing import Protocol, runtime_checkable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja.throttling import BaseThrottle

from dropyard.core.audit import client_ip
from dropyard.core.parties import MerchantRef
from dropyard.core.ratelimit import RateDecision, bucket_give_back, bucket_peek, bucket_take

_REQUEST_ATTR = "dropyard_rate_decision"


@runtime_checkable
class MerchantPrincipal(Protocol):
    """What an authenticated API request carries as ``request.auth``: the merchant it acts for.

    ``accounts.ApiToken`` is the one implementation; core only needs these two attributes.
    """

    merchant_id: int
    merchant: MerchantRef  # its ``level`` decides the QPS limit


def qps_limit_for_level(level: int) -> int:
    """Requests per second allowed for an account level (``DROPYARD_API_QPS_BY_LEVEL``).

    An unknown level gets the smallest configured limit, never an unlimited one.
    """
    limits: dict[int, int] = settings.DROPYARD_API_QPS_BY_LEVEL
    return limits.get(int(level), min(limits.values()))


def api_burst(qps: int) -> int:
    """Requests an account's bucket holds: ``DROPYARD_API_BURST``, never fewer than its QPS."""
    return max(int(settings.DROPYARD_API_BURST), int(qps), 1)


def note_rate_decision(request: HttpRequest, decision: RateDecision) -> None:
    """Keep the most restrictive limiter answer of this request for its headers."""
    current: RateDecision | None = getattr(request, _REQUEST_ATTR, None)
    if current is None or _restrictiveness(decision) > _restrictiveness(current):
        setattr(request, _REQUEST_ATTR, decision)


def _restrictiveness(decision: RateDecision) -> tuple[int, int, int]:
    return (not decision.allowed, decision.retry_after, -decision.remaining)


def note_principal(request: HttpRequest, principal: MerchantPrincipal) -> None:
    """Remember who a request's valid token belongs to, even if the request is then refused
    before its throttle runs (a missing scope), so its answer can report the account's bucket."""
    request.dropyard_principal = principal  # type: ignore[attr-defined]


def _full_bucket(burst: int) -> RateDecision:
    return RateDecision(allowed=True, limit=burst, remaining=burst, reset_seconds=0)


def _uncounted_decision(request: HttpRequest) -> RateDecision:
    """The bucket that limits this request's caller as it stands (see the module docstring)."""
    principal = getattr(request, "auth", None) or getattr(request, "dropyard_principal", None)
    enabled = settings.DROPYARD_API_RATE_LIMITS_ENABLED
    if isinstance(principal, MerchantPrincipal):
        qps = qps_limit_for_level(principal.merchant.level)
        burst, key = api_burst(qps), _account_key(principal)
    else:
        qps = burst = public_qps_per_ip()
        key = _ip_key(request)
    if not enabled:
        return _full_bucket(burst)
    return bucket_peek(key=key, rate=qps, burst=burst)


def _account_key(principal: MerchantPrincipal) -> str:
    return f"api-qps:{principal.merchant_id}"


def _ip_key(request: HttpRequest) -> str:
    return f"api-ip:{client_ip(request) or 'unknown'}"


def public_qps_per_ip() -> int:
    """Requests per second (and at once) per client IP for public operations."""
    return int(settings.DROPYARD_API_PUBLIC_QPS_PER_IP)


def rate_limit_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Write the request's limiter answer on ``response``, or for a request no limiter counted
    the caller's bucket as it stands (see the module docstring)."""
    decision: RateDecision | None = getattr(request, _REQUEST_ATTR, None)
    if decision is None:
        decision = _uncounted_decision(request)
    response["X-RateLimit-Limit"] = str(decision.limit)
    response["X-RateLimit-Remaining"] = str(decision.remaining)
    response["X-RateLimit-Reset"] = str(decision.reset_seconds)
    if decision.retry_after:
        response["Retry-After"] = str(max(1, decision.retry_after))
    return response


class _BucketThrottle(BaseThrottle):
    """A throttle backed by ``bucket_take``; the refusal's Retry-After comes from the request's
    noted decision (``wait`` returns None because one instance serves concurrent requests)."""

    def take(self, request: HttpRequest, *, key: str, rate: int, burst: int) -> bool:
        decision = bucket_take(key=key, rate=rate, burst=burst)
        note_rate_decision(request, decision)
        return decision.allowed

    def wait(self) -> None:
        return None


class AccountRateThrottle(_BucketThrottle):
    """Per-account token bucket by account level (contract §3) → 1600200 when empty.

    Runs after auth (ninja checks throttles after authentication). Requests without
    ``request.auth`` are not counted here; public operations use ``ClientIpRateThrottle``.
    """

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not settings.DROPYARD_API_RATE_LIMITS_ENABLED or not isinstance(
            token, MerchantPrincipal
        ):
            return True
        qps = qps_limit_for_level(token.merchant.level)
        return self.take(request, key=_account_key(token), rate=qps, burst=api_burst(qps))


class ClientIpRateThrottle(_BucketThrottle):
    """Per-client-IP token bucket for public operations (contract §3: 10/s per IP).

    The IP is ``core.audit.client_ip``, as in the audit log (behind a trusted reverse proxy, set
    ``DROPYARD_BEHIND_PROXY`` so it is the client's address rather than the proxy's).
    """

    def allow_request(self, request: HttpRequest) -> bool:
        if not settings.DROPYARD_API_RATE_LIMITS_ENABLED:
            return True
        qps = public_qps_per_ip()
        return self.take(request, key=_ip_key(request), rate=qps, burst=qps)


class AccountOperationThrottle(_BucketThrottle):
    """A per-account limit of one operation *and* the account's own (contract §3 overrides such
    as getOrderDetailBatch 2/s): the operation's bucket holds ``rate`` and refills ``rate`` per
    second. Declare it alone (``throttle=[AccountOperationThrottle(…)]``): it takes the place of
    ``AccountRateThrottle``.

    Invariant: a refused call costs nothing. The operation's bucket is asked first, so its
    refusal never reaches the account's bucket; a call the account's bucket then refuses gets
    its operation token back (``bucket_give_back``). ninja asks every throttle of a list even
    after one refused, which is why the two are not separate throttles.
    """

    def __init__(self, name: str, rate: int):
        self.name = name
        self.rate = rate
        self.account = AccountRateThrottle()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not settings.DROPYARD_API_RATE_LIMITS_ENABLED or not isinstance(
            token, MerchantPrincipal
        ):
            return True
        key = f"api-{self.name}:{token.merchant_id}"
        if not self.take(request, key=key, rate=self.rate, burst=self.rate):
            return False
        if self.account.allow_request(request):
            return True
        bucket_give_back(key=key, rate=self.rate)
        return False


def public_throttles() -> list[BaseThrottle]:
    """The throttles for a public (``auth=None``) operation: ``throttle=public_throttles()``."""
    return [ClientIpRateThrottle()]
