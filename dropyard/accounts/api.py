"""Developer API: token exchange (``authentication/*``) and account settings (``setting/get``).

Contract: ``contracts/cj-api-2.0.md`` §1 and §2.1. Mounted at the API root by
``dropyard/config/api.py``, so the paths here are the CJ paths.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router

from dropyard.core.api import (
    ApiDateTime,
    CamelSchema,
    ParamError,
    public_throttles,
    qps_limit_for_level,
)
from dropyard.webhooks.selectors import webhook_callbacks

from .services import token_issue, token_refresh, token_revoke

router = Router(tags=["Authentication and settings"])

# Account "root" (contract §5): every merchant account is a general account for now.
ROOT_GENERAL = "GENERAL"
# Webhook topics reported by setting/get; registration (webhook/set) arrives with webhooks.
CALLBACK_TOPICS = ("product", "stock", "order", "logistics")
CALLBACK_DISABLED = "CANCEL"


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


class QuotaLimitOut(CamelSchema):
    quota_url: str
    quota_limit: int
    quota_type: int  # 0 total, 1 year, 2 quarter, 3 month, 4 day, 5 hour


class AccountSettingOut(CamelSchema):
    quota_limits: list[QuotaLimitOut]
    qps_limit: int


class CallbackTopicOut(CamelSchema):
    type: str  # ENABLE or CANCEL
    urls: list[str]


class CallbackOut(CamelSchema):
    product: CallbackTopicOut
    stock: CallbackTopicOut
    order: CallbackTopicOut
    logistics: CallbackTopicOut


class SettingsOut(CamelSchema):
    open_id: int
    open_name: str
    open_email: str
    setting: AccountSettingOut
    callback: CallbackOut
    root: str
    is_sandbox: bool


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


@router.get("setting/get", response=SettingsOut)
def setting_get(request: HttpRequest) -> SettingsOut:
    """The account's profile, API limits, webhook callbacks and sandbox flag."""
    merchant = request.auth.merchant
    callbacks = webhook_callbacks(merchant=merchant)
    return SettingsOut(
        open_id=merchant.open_id,
        open_name=merchant.business_name,
        open_email=merchant.contact_email,
        setting=AccountSettingOut(quota_limits=[], qps_limit=qps_limit_for_level(merchant.level)),
        callback=CallbackOut(**{t: CallbackTopicOut(**callbacks[t]) for t in CALLBACK_TOPICS}),
        root=ROOT_GENERAL,
        is_sandbox=merchant.is_sandbox,
    )
