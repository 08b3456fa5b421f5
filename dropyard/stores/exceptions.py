"""Errors raised by the stores services."""

from dropyard.core.errors import DomainError, NotFound


class StoreError(DomainError):
    """A store operation was refused. Nothing was changed."""


class StoreNotFound(NotFound):
    """No such store, store variant, connection or store order for this merchant (also
    another merchant's)."""


class StoreInvalid(StoreError):
    """Invalid store fields or settings; field errors in ``extra["errors"]``."""


class StoreDisconnected(StoreError):
    """The store is disconnected: it neither syncs nor accepts changes."""


class ConnectionInvalid(StoreError):
    """The connection cannot be made (off-sale variant, already connected)."""


__all__ = [
    "ConnectionInvalid",
    "StoreDisconnected",
    "StoreError",
    "StoreInvalid",
    "StoreNotFound",
]
