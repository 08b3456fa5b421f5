"""Errors raised by sourcing services."""

from dropyard.core.errors import DomainError, NotFound, PermissionDenied


class SourcingError(DomainError):
    """A rule about sourcing or agent messages refused the change. Nothing was changed."""


class MessageInvalid(SourcingError):
    """The message body is empty or too long."""


__all__ = ["MessageInvalid", "NotFound", "PermissionDenied", "SourcingError"]
