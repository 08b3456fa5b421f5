"""Errors raised by ticket services, with the contract's ticket codes (§3: 1609000–1609016;
the contract lists the range only, so the meaning of each code is ours and documented in
docs/api-tickets.md). Nothing was changed when one is raised."""

from dropyard.core.errors import DomainError, NotFound


class TicketNotFound(NotFound):
    """No such ticket (or attachment, order, dispute) for this merchant or operator."""

    default_code = 1609000


class TicketClosed(DomainError):
    """The ticket's status does not allow the change (a reply to a completed ticket, …)."""

    default_code = 1609001
    http_status = 409


class TicketInvalid(DomainError):
    """A field of the request is missing or malformed (the message names it)."""

    default_code = 1609002


class TicketOrderNotFound(NotFound):
    default_code = 1609003


class TicketDisputeNotFound(NotFound):
    default_code = 1609004


class AttachmentRefused(DomainError):
    """An attachment is not an accepted photo, video or PDF, or is too large."""

    default_code = 1609005


class AttachmentNotFound(NotFound):
    """An attachment id that is unknown, another merchant's, or already used."""

    default_code = 1609006


class RemindTooSoon(DomainError):
    """A reminder was already sent in the last 24 hours."""

    default_code = 1609007
    http_status = 409


class EvaluateRefused(DomainError):
    """Only a completed ticket can be rated, once."""

    default_code = 1609008
    http_status = 409
