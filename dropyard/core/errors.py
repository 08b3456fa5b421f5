"""Domain errors with the contract's numeric codes.

Services raise ``DomainError``; the API envelope maps it to HTTP 200 with ``result: false`` and the
code, and dashboard views show its message.
"""

from enum import IntEnum
from typing import Any


class ErrorCode(IntEnum):
    """Error codes from the CJ API 2.0 contract (§3); names describe the condition."""

    SYSTEM_BUSY = 1600000
    INVALID_TOKEN = 1600001
    TOKEN_MISSING = 1600002
    INVALID_REFRESH_TOKEN = 1600003
    AUTHORIZATION_FAILED = 1600004
    API_KEY_WRONG = 1600005
    INTERFACE_OFFLINE = 1600100
    INTERFACE_NOT_FOUND = 1600101
    TOO_MANY_REQUESTS = 1600200
    QUOTA_USED_UP = 1600201
    PARAM_ERROR = 1600300
    TOKEN_INVALIDATION_FAILED = 1600030
    USER_NOT_FOUND = 1601000
    METHOD_NOT_SUPPORTED = 16900202
    CONTENT_TYPE_NOT_SUPPORTED = 16900203
    BODY_MISSING = 16900204
    BAD_JSON = 16900205
    REQUIRED_PARAM_EMPTY = 16900403


class DomainError(Exception):
    """A business rule refused the operation. Nothing was changed."""

    default_code: ErrorCode = ErrorCode.PARAM_ERROR
    http_status: int = 400

    def __init__(
        self, message: str, *, code: int | None = None, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.code = int(code if code is not None else self.default_code)
        self.extra = extra or {}


class NotFound(DomainError):
    """The object does not exist for this actor (also used for another merchant's objects)."""

    http_status = 404


class Conflict(DomainError):
    """The object is not in a state that allows the operation (e.g. a task already retried)."""

    http_status = 409


class PermissionDenied(DomainError):
    """The actor is known but not allowed to do this."""

    default_code = ErrorCode.AUTHORIZATION_FAILED
    http_status = 403


class TooManyRequests(DomainError):
    """A rate limit refused the request (1600200); ``decision`` says when to retry.

    ``decision`` is the limiter's ``core.ratelimit.RateDecision``; the API writes it as the
    ``Retry-After`` and ``X-RateLimit-*`` headers of the answer.
    """

    default_code = ErrorCode.TOO_MANY_REQUESTS
    http_status = 429

    def __init__(self, message: str, *, decision: Any = None):
        super().__init__(message)
        self.decision = decision
