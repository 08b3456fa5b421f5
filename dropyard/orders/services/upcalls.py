"""Orders' ORDER webhook (``webhooks``, below orders): the message params and the publish.

The wallet payment of ``createOrderV2`` payType 2 and the refund of a cancelled paid order
moved up into the checkout (``checkout.creation``, ``checkout.cancellation``), which calls
orders' services and then the wallet's: orders imports no app above it.
"""

from typing import Any

from dropyard.core.money import Money
from dropyard.webhooks.services import webhook_publish

from ..choices import ParcelStatus
from ..models import Order, Parcel


def order_webhook_params(order: Order) -> dict[str, Any]:
    """The contract's ORDER message params (§4) for ``order`` as it is now."""
    parcel = (
        Parcel.objects.filter(orders=order)
        .exclude(status=ParcelStatus.CANCELLED)
        .exclude(tracking_number="")
        .select_related("carrier", "line")
        .order_by("pk")
        .first()
    )
    tracking_url = ""
    carrier = parcel.carrier if parcel is not None else None  # select_related: no query
    if parcel is not None and carrier is not None and carrier.tracking_url_template:
        tracking_url = carrier.tracking_url_template.replace("{number}", parcel.tracking_number)

    def stamp(value: Any) -> str | None:
        return value.strftime("%Y-%m-%d %H:%M:%S") if value else None

    line = order.line  # select_related by the caller; None without a query when unset
    line_name = line.name if line is not None else order.requested_logistic_name
    return {
        "cjOrderId": order.public_id,
        "orderNum": order.order_number,
        "orderNumber": order.order_number,
        "orderStatus": order.status,
        "logisticName": line_name or None,
        "trackNumber": parcel.tracking_number if parcel else None,
        "trackingUrl": tracking_url or None,
        "createDate": stamp(order.created_at),
        "updateDate": stamp(order.updated_at),
        "payDate": stamp(order.paid_at),
        "deliveryDate": stamp(order.shipped_at),
        "completeDate": stamp(order.delivered_at),
        "orderItems": [
            {
                "vid": line.variant.public_id,
                "quantity": line.quantity,
                "sellPrice": Money(line.unit_price_minor, order.currency).wire(),
                "lineItemId": line.line_item_id,
                "storeLineItemId": line.store_line_item_id or None,
            }
            for line in order.lines.select_related("variant")
        ],
    }


def _order_changed(order: Order) -> None:
    """Publish an ORDER webhook message (contract §4) for ``order`` as it is now.

    Called by the lifecycle services after a status change, inside their transaction:
    ``webhook_publish`` stores the message in the same transaction and enqueues its delivery
    on commit, so a rolled-back change sends nothing. ``order_transition`` itself does not
    publish (it stays a pure record of the change). Nothing is stored when the merchant has
    no enabled order endpoint.
    """
    order_message_publish(order, message_type="UPDATE")


def order_message_publish(order: Order, *, message_type: str) -> None:
    """Publish an ORDER webhook message of ``message_type`` (UPDATE, or ORDER_CONNNECTED when
    a held store order became this order) with the order's params as they are at publish."""
    webhook_publish(
        merchant=order.merchant,
        type="ORDER",
        message_type=message_type,
        # Read the order afresh only when a message is stored (the caller's instance may lag
        # behind fields other services wrote).
        params=lambda: order_webhook_params(
            Order.objects.select_related("merchant", "line").get(pk=order.pk)
        ),
    )
