"""Who may use sandbox money (free): the installation, the account, or a demo loader.

Sandbox money is the Sandbox top-up, ``isSandbox`` orders and the sandbox payment provider. A
live installation must not let its merchants pay with it, so it is allowed only when the
installation turns it on (``settings.DROPYARD_SANDBOX_PAYMENTS``), for a sandbox account
(``MerchantAccount.is_sandbox``), or inside ``sandbox_trusted()`` (the demo loaders).

The policy lives with the account it is about, below every app that moves money (wallet,
orders, checkout), so each of them can ask without importing another's services.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

_SANDBOX_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "dropyard_accounts_sandbox_trusted", default=False
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
