"""Errors raised by accounts services."""

from dropyard.core.errors import (
    DomainError,
    ErrorCode,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)


class AccountsError(DomainError):
    """A rule about accounts, members, keys or suppliers refused the change."""


class InvitationInvalid(AccountsError):
    """The invitation token is unknown, used, revoked or expired."""

    http_status = 404


class OwnerProtected(AccountsError):
    """The owner cannot be removed or demoted."""

    http_status = 409


class InvalidCredentials(DomainError):
    """API key, email/password or token did not authenticate."""

    default_code = ErrorCode.INVALID_TOKEN
    http_status = 401


class InvalidRefreshToken(DomainError):
    default_code = ErrorCode.INVALID_REFRESH_TOKEN
    http_status = 401


class NotificationNotFound(NotFound):
    """Not one of the person's own notices (another person's id answers the same)."""


class RateLimited(TooManyRequests):
    """getAccessToken / refreshAccessToken called more often than their rolling windows allow."""


__all__ = [
    "AccountsError",
    "InvalidCredentials",
    "InvalidRefreshToken",
    "InvitationInvalid",
    "NotFound",
    "NotificationNotFound",
    "OwnerProtected",
    "PermissionDenied",
    "RateLimited",
]
