"""Developer API for webhooks (CJ API 2.0 paths carried in full by the router).

Contract §2.7 and §4. ``webhook/set`` takes ``{product, stock, order, logistics}``, each
``{type: ENABLE|CANCEL, callbackUrls: [one URL]}``; at least one topic. Errors: 1606001 bad
``type``; 1607000 missing/several/malformed URLs; 1607001 localhost or 127.0.0.1 (also any
non-public IP literal, e.g. 10.0.0.5); 1607002 not https.

Decisions where the contract is open: the older example's ``type: "ALL"`` is not accepted
(1606001); CJ's registration-time probe of the URL (1607003) is not made, because a request
must not wait on the merchant's server: a failing endpoint shows in the delivery log and is
auto-paused instead. The settings read is ``setting/get``'s ``callback``: that operation (the
account's profile, API limits, callbacks and sandbox flag, contract §2.1) is served here, the
lowest app that sees both the account and its callbacks; it keeps its tag.
"""

from django.http import HttpRequest
from ninja import Router

from dropyard.core.api import CamelSchema
from dropyard.core.api_throttles import qps_limit_for_level

from .selectors import webhook_callbacks
from .services import CallbackSetting, webhook_set

router = Router(tags=["Webhooks"])

# Account "root" (contract §5): every merchant account is a general account for now.
ROOT_GENERAL = "GENERAL"
# Webhook topics reported by setting/get.
CALLBACK_TOPICS = ("product", "stock", "order", "logistics")
SETTINGS_TAGS = ["Authentication and settings"]


class CallbackIn(CamelSchema):
    type: str
    callback_urls: list[str] = []


class WebhookSetIn(CamelSchema):
    product: CallbackIn | None = None
    stock: CallbackIn | None = None
    order: CallbackIn | None = None
    logistics: CallbackIn | None = None
    makeup: CallbackIn | None = None  # supplementary bills (contract §4, MAKEUP)


@router.post("webhook/set", response=bool)
def webhook_set_endpoint(request: HttpRequest, payload: WebhookSetIn) -> bool:
    """Set or cancel the callback URL of each topic in the body (all or nothing)."""
    settings_by_topic = [
        # The contract's CANCEL ignores callbackUrls: the stored URL is kept, never replaced.
        CallbackSetting(
            topic=topic,
            action=value.type,
            urls=() if (value.type or "").upper() == "CANCEL" else tuple(value.callback_urls),
        )
        for topic in ("product", "stock", "order", "logistics", "makeup")
        if (value := getattr(payload, topic)) is not None
    ]
    webhook_set(
        merchant=request.auth.merchant,
        actor=None,
        settings_by_topic=settings_by_topic,
        request=request,
    )
    return True


# --- setting/get ---------------------------------------------------------------------------------


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


@router.get("setting/get", response=SettingsOut, tags=SETTINGS_TAGS)
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
