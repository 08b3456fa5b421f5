"""Sandbox money for orders (``isSandbox`` orders, the sandbox payment provider,
``shopping/sandbox``): the refusal the order services raise. Who may use sandbox money is
decided once, in ``accounts.sandbox`` (re-exported here for the orders' callers)."""

from django.utils.translation import gettext, gettext_noop

from dropyard.accounts.models import MerchantAccount
from dropyard.accounts.sandbox import sandbox_allowed, sandbox_trusted
from dropyard.core.errors import DomainError, ErrorCode

__all__ = [
    "SANDBOX_REFUSED_MESSAGE",
    "SandboxRefused",
    "sandbox_allowed",
    "sandbox_check",
    "sandbox_trusted",
]


class SandboxRefused(DomainError):
    """Sandbox money (``isSandbox`` orders, the sandbox payment provider, ``shopping/sandbox``)
    is not allowed for this merchant on this installation (1600300). Nothing was changed."""

    default_code = ErrorCode.PARAM_ERROR


SANDBOX_REFUSED_MESSAGE = gettext_noop(
    "sandbox payments are disabled on this installation (DROPYARD_SANDBOX_PAYMENTS) and this "
    "account is not a sandbox account"
)


def sandbox_check(merchant: MerchantAccount) -> None:
    """Raise ``SandboxRefused`` (1600300) unless ``sandbox_allowed(merchant)``."""
    if not sandbox_allowed(merchant):
        raise SandboxRefused(gettext(SANDBOX_REFUSED_MESSAGE))
