"""Who acts in a service call: ``Actor``.

A service takes the acting party as ``actor=`` and writes it into its audit event:

- a ``User`` (a merchant's member, an operator, a supplier) acting through the web pages;
- an ``ApiToken``: the developer API acting for the token's merchant account;
- ``None``: the system itself (a background task, a management command, the demo loader, the
  carrier's tracking feed).

It lives in accounts, the lowest app that holds both the user and the token models. ``core``
sits below accounts and takes the user model abstractly (``AUTH_USER_MODEL``).
"""

from .models import ApiToken, MerchantAccount, User

type Actor = User | ApiToken | None

__all__ = ["Actor", "ApiToken", "MerchantAccount", "User"]
