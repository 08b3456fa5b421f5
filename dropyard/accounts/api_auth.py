"""The developer API's authentication: the ``CJ-Access-Token`` header (contract §1.6).

Tokens are accounts' rows (issued, refreshed and revoked by ``accounts.services``), so the auth
class lives here and ``config/api.py`` hands it to ``core.api.build_api(auth=…)``.
"""

from django.http import HttpRequest
from ninja.security import APIKeyHeader

from dropyard.core.api import TokenMissing
from dropyard.core.api_scopes import scope_check
from dropyard.core.api_throttles import note_principal

from .models import ApiToken
from .services import token_authenticate


class CJAccessToken(APIKeyHeader):
    """The ``CJ-Access-Token`` header (contract §1.6); the API's default auth.

    Returns the live ``ApiToken`` (ninja sets it as ``request.auth``). Raises ``TokenMissing``
    (1600002) without a header, ``InvalidCredentials`` (1600001) for an unknown, expired or
    revoked token or one whose API key was revoked, and ``ScopeMissing`` (1600001 naming the
    scope) when the token's API key lacks the operation's scope (``core.api_scopes``).
    """

    param_name = "CJ-Access-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiToken:
        if not key or not key.strip():
            raise TokenMissing("CJ-Access-Token header is required")
        token = token_authenticate(access_token=key.strip())
        note_principal(request, token)  # a scope refusal still reports the account's bucket
        scope_check(request, token.api_key.scopes if token.api_key is not None else ())
        return token
