"""Developer API: token exchange (``authentication/*``).

Contract: ``contracts/cj-api-2.0.md`` §1. Mounted at the API root by ``dropyard/config/api.py``,
so the paths here are the CJ paths. ``setting/get`` reports the webhook callbacks too, so it is
served by ``webhooks.api`` (webhooks sits above accounts).
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router

from dropyard.core.api import (
    ApiDateTime,
    CamelSchema,
    ParamError,
)
from dropyard.core.api_throttles import public_throttles

from .services import token_issue, token_refresh, token_revoke

router = Router(tags=["Authentication and settings"])


# --- Schemas ------------------------------------------------------------------------------------


class AccessTokenIn(CamelSchema):
    """`{apiKey}`, or the legacy `{email, password}` (password = API key) or `{email, apiKey}`."""

    api_key: str | None = None
    email: str | None = None
    password: str | None = None


class AccessTokenOut(CamelSchema):
    open_id: int
    access_token: str
    access_token_expiry_date: ApiDateTime
    refresh_token: str
    refresh_token_expiry_date: ApiDateTime
    create_date: ApiDateTime


class RefreshTokenIn(CamelSchema):
    refresh_token: str


class RefreshedTokenOut(CamelSchema):
    access_token: str
    access_token_expiry_date: ApiDateTime
    refresh_token: str
    refresh_token_expiry_date: ApiDateTime
    create_date: ApiDateTime


# --- Operations ---------------------------------------------------------------------------------


def _credentials(payload: AccessTokenIn) -> tuple[str | None, str | None, str | None]:
    """The one credential form the body carries, or ParamError naming what is missing."""
    api_key = (payload.api_key or "").strip() or None
    email = (payload.email or "").strip() or None
    password = payload.password or None
    if api_key:
        return api_key, email, None
    if email and password:
        return None, email, password
    if password:
        raise ParamError("email is required")
    raise ParamError("apiKey is required")


@router.post(
    "authentication/getAccessToken",
    auth=None,
    throttle=public_throttles(),
    response=AccessTokenOut,
)
def get_access_token(request: HttpRequest, payload: AccessTokenIn) -> AccessTokenOut:
    """Exchange an API key for an access/refresh token pair (once every 5 minutes per account).

    Also accepts the legacy bodies `{email, password}` (password carrying the API key) and
    `{email, apiKey}`.
    """
    api_key, email, password = _credentials(payload)
    token, access, refresh = token_issue(
        api_key=api_key, email=email, password=password, request=request
    )
    return AccessTokenOut(
        open_id=token.merchant.open_id,
        access_token=access,
        access_token_expiry_date=token.access_expires_at,
        refresh_token=refresh,
        refresh_token_expiry_date=token.refresh_expires_at,
        create_date=token.created_at,
    )


@router.post(
    "authentication/refreshAccessToken",
    auth=None,
    throttle=public_throttles(),
    response=RefreshedTokenOut,
)
def refresh_access_token(request: HttpRequest, payload: RefreshTokenIn) -> RefreshedTokenOut:
    """Issue a new access token for a refresh token (5 per minute per account).

    The previous access token stops working; the refresh token and its expiry stay.
    """
    token, access = token_refresh(refresh_token=payload.refresh_token, request=request)
    refreshed_at: datetime = token.last_refreshed_at or token.created_at
    return RefreshedTokenOut(
        access_token=access,
        access_token_expiry_date=token.access_expires_at,
        refresh_token=payload.refresh_token,
        refresh_token_expiry_date=token.refresh_expires_at,
        create_date=refreshed_at,
    )


@router.post("authentication/logout", response=bool)
def logout(request: HttpRequest) -> bool:
    """Revoke the calling access token and its refresh token."""
    token_revoke(token=request.auth, request=request)
    return True
