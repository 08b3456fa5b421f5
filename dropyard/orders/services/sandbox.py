"""Sandbox money: who may use it (``isSandbox`` orders, the sandbox payment provider,
``shopping/sandbox``). Sandbox money is free, so a live installation allows it only to sandbox
accounts unless ``DROPYARD_SANDBOX_PAYMENTS`` turns it on; the demo loaders are trusted."""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

from dropyard.core.errors import DomainError, ErrorCode


class SandboxRefused(DomainError):
    """Sandbox money (``isSandbox`` orders, the sandbox payment provider, ``shopping/sandbox``)
    is not allowed for this merchant on this installation (1600300). Nothing was changed."""

    default_code = ErrorCode.PARAM_ERROR


SANDBOX_REFUSED_MESSAGE = (
    "sandbox payments are disabled on this installation (DROPYARD_SANDBOX_PAYMENTS) and this "
    "account is not a sandbox account"
)


_SANDBOX_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "dropyard_sandbox_trusted", default=False
)


@contextmanager
def sandbox_trusted() -> Iterator[None]:
    """Allow sandbox money inside this block whatever the setting.

    For the demo loaders only (``dropyard demo`` builds sandbox orders and pays them with the
    sandbox provider on any installation); never around code that handles a request.
    """
    token = _SANDBOX_TRUSTED.set(True)
    try:
        yield
    finally:
        _SANDBOX_TRUSTED.reset(token)


def sandbox_allowed(merchant: Any) -> bool:
    """May ``merchant`` use sandbox money (free)? Only when the installation turns it on
    (``settings.DROPYARD_SANDBOX_PAYMENTS``), the account is a sandbox account
    (``MerchantAccount.is_sandbox``) or a demo loader runs (``sandbox_trusted``): a live
    installation must not let merchants pay with it."""
    if getattr(settings, "DROPYARD_SANDBOX_PAYMENTS", False) or _SANDBOX_TRUSTED.get():
        return True
    return bool(merchant is not None and getattr(merchant, "is_sandbox", False))


def sandbox_check(merchant: Any) -> None:
    """Raise ``SandboxRefused`` (1600300) unless ``sandbox_allowed(merchant)``."""
    if not sandbox_allowed(merchant):
        raise SandboxRefused(SANDBOX_REFUSED_MESSAGE)
