"""The DISPUTE webhook message: its params and the publish (``webhooks``, below after-sales).

The contract's §4 lists no dispute message, so this one is ours, shaped like the others:
``{messageId, type: "DISPUTE", messageType, openId, params}``, sent to the merchant's **order**
callback (``webhooks.choices.TOPIC_FOR_TYPE``): disputes are about orders and CJ has no
dispute topic. ``messageType`` is INSERT when a dispute is opened and UPDATE on every status
change (``params.fields`` names what changed). Ids are strings; amounts decimal strings.

``services.dispute_create`` and ``services.dispute_transition`` (the one place a dispute's
status changes) call ``dispute_message_publish`` inside their transaction:
``webhook_publish`` stores the message there and enqueues its delivery on commit, so a
rolled-back change sends nothing, and nothing is stored without an enabled order endpoint.
"""

from datetime import UTC, datetime
from typing import Any

from dropyard.core.money import Money
from dropyard.webhooks.choices import WebhookType
from dropyard.webhooks.services import webhook_publish

from .choices import FINALLY_DEAL, DisputeOutcome, DisputeStatus
from .models import Dispute


def _stamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def dispute_webhook_params(dispute: Dispute, *, fields: list[str]) -> dict[str, Any]:
    """The DISPUTE message params for ``dispute`` as it is now (order loaded)."""
    order = dispute.order
    resend = dispute.resend_order
    resolved = dispute.status == DisputeStatus.RESOLVED
    return {
        "disputeId": dispute.public_id,
        "businessDisputeId": dispute.business_dispute_id or None,
        "orderId": order.public_id,
        "orderNumber": order.order_number,
        "status": dispute.status,
        "finallyDeal": FINALLY_DEAL.get(DisputeOutcome(dispute.outcome)) if resolved else None,
        "expectType": dispute.expect_type,
        "money": Money(dispute.requested_amount_minor, dispute.currency).wire(),
        "refundAmount": Money(dispute.granted_amount_minor, dispute.currency).wire(),
        "resendOrderId": resend.public_id if resend is not None else None,
        "createDate": _stamp(dispute.created_at),
        "updateDate": _stamp(dispute.updated_at),
        "fields": fields,
    }


def dispute_message_publish(dispute: Dispute, *, message_type: str) -> None:
    """Publish a DISPUTE message (INSERT on opening, UPDATE on a status change)."""
    fields = ["status"]
    if dispute.status == DisputeStatus.RESOLVED:
        fields.append("finallyDeal")
    webhook_publish(
        merchant=dispute.merchant,
        type=WebhookType.DISPUTE,
        message_type=message_type,
        params=lambda: dispute_webhook_params(
            Dispute.objects.select_related("order", "resend_order").get(pk=dispute.pk),
            fields=[] if message_type == "INSERT" else fields,
        ),
    )
