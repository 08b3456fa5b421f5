"""Webhook errors with the contract's codes (§3 "Webhooks")."""

from dropyard.core.errors import DomainError, NotFound


class WebhookAlreadySet(DomainError):
    """1606000: webhook already set (kept for the contract; an identical URL is accepted)."""

    default_code = 1606000


class CallbackTypeInvalid(DomainError):
    """1606001: the topic's ``type`` is not ENABLE or CANCEL."""

    default_code = 1606001


class CallbackInvalid(DomainError):
    """1607000: the callback does not meet the requirements (missing, several, malformed)."""

    default_code = 1607000


class CallbackLocalhost(DomainError):
    """1607001: localhost / 127.0.0.1 callbacks are not allowed."""

    default_code = 1607001


class CallbackNotHttps(DomainError):
    """1607002: the callback URL must start with https://."""

    default_code = 1607002


class EndpointNotActive(DomainError):
    """A test message or replay needs an enabled, unpaused endpoint with a URL."""


class WebhookMessageNotFound(NotFound):
    """No such message for this merchant (another merchant's message included)."""


class DeliveryNotRetryable(DomainError):
    """Only a FAILED delivery whose message has not been sent again since can be retried."""
