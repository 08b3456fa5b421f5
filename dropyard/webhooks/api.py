"""Developer API for webhooks (CJ API 2.0 paths carried in full by the router).

Contract §2.7 and §4. ``webhook/set`` takes ``{product, stock, order, logistics}``, each
``{type: ENABLE|CANCEL, callbackUrls: [one URL]}``; at least one topic. Errors: 1606001 bad
``type``; 1607000 missing/several/malformed URLs; 1607001 localhost or 127.0.0.1 (also any
non-public IP literal, e.g. 10.0.0.5); 1607002 not https.

Decisions where the contract is open: the older example's ``type: "ALL"`` is not accepted
(1606001); CJ's registration-time probe of the URL (1607003) is not made, because a request
must not wait on the merchant's server: a failing endpoint shows in the delivery log and is
auto-paused instead. The settings read is ``setting/get``'s ``callback`` (accounts).
"""

from django.http import HttpRequest
from ninja import Router

from dropyard.core.api import CamelSchema

from .services import CallbackSetting, webhook_set

router = Router(tags=["Webhooks"])


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
        CallbackSetting(topic=topic, action=value.type, urls=tuple(value.callback_urls))
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
