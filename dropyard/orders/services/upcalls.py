"""Orders' calls into the apps above it: the ORDER webhook (``webhooks``), the wallet payment of
``createOrderV2`` payType 2 and the refund of a cancelled paid order (``wallet``).

Those apps import ``orders.services`` at module load, so their functions are imported inside the
functions here, and kept together in this one module on purpose: a payment pipeline above orders
and wallet is to take these calls over, and then orders imports neither.
"""

from typing import Any

from dropyard.core.errors import DomainError
from dropyard.core.money import Money
from dropyard.fulfillment.choices import ParcelStatus
from dropyard.fulfillment.models import Parcel

from ..models import Order, ParentOrder


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
    if parcel is not None and parcel.carrier_id and parcel.carrier.tracking_url_template:
        tracking_url = parcel.carrier.tracking_url_template.replace(
            "{number}", parcel.tracking_number
        )

    def stamp(value: Any) -> str | None:
        return value.strftime("%Y-%m-%d %H:%M:%S") if value else None

    line_name = order.line.name if order.line_id else order.requested_logistic_name
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
    # Imported here: webhooks may import order selectors, and orders must not depend on the
    # webhooks app being importable at module load.
    from dropyard.webhooks.services import webhook_publish

    fresh = Order.objects.select_related("merchant", "line").get(pk=order.pk)
    webhook_publish(
        merchant=fresh.merchant,
        type="ORDER",
        message_type="UPDATE",
        params=order_webhook_params(fresh),
    )


def _pay_from_wallet(*, merchant: Any, parent: ParentOrder, actor: Any) -> DomainError | None:
    """Pay ``parent`` from the merchant's wallet, with the wallet discount
    (``wallet.payments.pay_from_wallet``). An insufficient balance (``InsufficientBalance``,
    1604000) is returned, not raised: then nothing was paid. None when paid."""
    # Imported here: the wallet's payment service calls back into orders.services.
    from dropyard.wallet.exceptions import InsufficientBalance
    from dropyard.wallet.payments import pay_from_wallet

    try:
        pay_from_wallet(merchant=merchant, parent=parent, actor=actor)
    except InsufficientBalance as exc:
        return exc
    return None


def _refund_cancelled_order(*, order: Order, actor: Any, actor_label: str) -> None:
    """Refund a paid order that is being cancelled, in full and in the caller's transaction
    (``wallet.refunds.refund_for_cancelled_order``)."""
    # Imported here: the wallet app depends on orders.services.
    from dropyard.wallet.refunds import refund_for_cancelled_order

    refund_for_cancelled_order(order=order, actor=actor, actor_label=actor_label)
