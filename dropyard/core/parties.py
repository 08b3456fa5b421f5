"""The parties core's rows point at, as core sees them: a merchant account and an actor.

``AuditEvent`` and ``Job`` reference ``accounts.MerchantAccount`` and the user model by foreign
key (by name, as Django allows), but accounts sits above core, so core code cannot import them.
It takes a merchant through ``MerchantRef`` (what core reads of one) and an actor as any value of
``accounts.actors.Actor`` (a user, an API token, None for the system), recording only a logged-in
user (``isinstance(actor, get_user_model())``: the settings name the user model).
"""

from typing import Any, Protocol


class MerchantRef(Protocol):
    """What core reads of a merchant account (``accounts.MerchantAccount``)."""

    @property
    def pk(self) -> Any: ...

    @property
    def business_name(self) -> str: ...

    @property
    def account_number(self) -> str: ...

    @property
    def level(self) -> int: ...

    @property
    def members(self) -> Any: ...  # its memberships (``accounts.Membership``)
