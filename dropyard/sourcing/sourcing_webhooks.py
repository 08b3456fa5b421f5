"""The SOURCINGCREATE webhook message (contract §4): params and the publish.

Params as the contract lists them: ``cjProductId, cjVariantId, cjVariantSku, cjSourcingId,
status, failReason, createDate`` (ids are strings; ``status`` is our ``SourcingStatus``
value; an UPDATE adds ``fields``, the contract's list of what changed: ``status``, plus
``failReason`` for a failed request and the three catalog ids for a published one). Sent to
the merchant's **product** callback (``webhooks.choices.TOPIC_FOR_TYPE``) as
INSERT when a request is created and UPDATE when it ends (published, failed, cancelled).
``webhook_publish`` stores the message inside the caller's transaction and delivers it on
commit, so a rolled-back change sends nothing.
"""

from datetime import UTC, datetime
from typing import Any

from dropyard.webhooks.choices import WebhookType
from dropyard.webhooks.services import webhook_publish

from .choices import SourcingStatus
from .models import SourcingRequest

# What an UPDATE says changed, by the status the request ended in (contract §4: ``fields``).
_CHANGED: dict[str, list[str]] = {
    SourcingStatus.PUBLISHED: ["status", "cjProductId", "cjVariantId", "cjVariantSku"],
    SourcingStatus.FAILED: ["status", "failReason"],
}


def _stamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def sourcing_webhook_params(request: SourcingRequest) -> dict[str, Any]:
    """The SOURCINGCREATE params for ``request`` as it is now."""
    product = request.product
    variant = request.variant
    return {
        "cjSourcingId": request.public_id,
        "cjProductId": product.public_id if product is not None else None,
        "cjVariantId": variant.public_id if variant is not None else None,
        "cjVariantSku": variant.sku if variant is not None else None,
        "status": request.status,
        "failReason": request.fail_reason or None,
        "createDate": _stamp(request.created_at),
    }


def _params(request: SourcingRequest, message_type: str) -> dict[str, Any]:
    fresh = SourcingRequest.objects.select_related("product", "variant").get(pk=request.pk)
    params = sourcing_webhook_params(fresh)
    if message_type == "UPDATE":
        params["fields"] = _CHANGED.get(fresh.status, ["status"])
    return params


def sourcing_message_publish(request: SourcingRequest, *, message_type: str) -> None:
    """Publish a SOURCINGCREATE message (INSERT on creation, UPDATE with ``fields`` when it
    ends)."""
    webhook_publish(
        merchant=request.merchant,
        type=WebhookType.SOURCINGCREATE,
        message_type=message_type,
        params=lambda: _params(request, message_type),
    )
