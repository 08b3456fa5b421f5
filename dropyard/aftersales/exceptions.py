"""Errors raised by after-sales services. Nothing was changed when one is raised."""

from dropyard.core.errors import DomainError, NotFound, PermissionDenied


class AftersalesError(DomainError):
    """A rule about disputes, returns or tickets refused the change."""


class DisputeRefused(AftersalesError):
    """The dispute cannot be opened or changed that way (status, lines, amounts, reason)."""

    http_status = 409


class DisputeInvalid(AftersalesError):
    """A field of the request is missing or malformed (``extra["errors"]`` names them)."""


class EvidenceRefused(AftersalesError):
    """An uploaded photo or video is not acceptable (type, size, unreadable)."""


class DisputeNotFound(NotFound):
    """No such dispute (or order) for this merchant."""


class ReturnRefused(AftersalesError):
    """The return (RMA) cannot be authorised or changed that way (warehouse, status, amounts)."""

    http_status = 409


class ReturnInvalid(AftersalesError):
    """A field of a return's form is missing or malformed."""


class ReturnNotFound(NotFound):
    """No such return for this merchant (or operator)."""


__all__ = [
    "AftersalesError",
    "DisputeInvalid",
    "DisputeNotFound",
    "DisputeRefused",
    "EvidenceRefused",
    "NotFound",
    "PermissionDenied",
    "ReturnInvalid",
    "ReturnNotFound",
    "ReturnRefused",
]
