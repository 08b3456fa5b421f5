"""What the merchant hears about a parcel: the LOGISTIC webhook message (contract §4) with the
carrier's tracking URL, sent when a parcel ships and when its tracking changes."""

import json

from dropyard.logistics.carriers import tracking_url
from dropyard.orders.choices import ParcelStatus as PS
from dropyard.orders.models import Parcel
from dropyard.webhooks import services as webhook_services

# Contract §5 logistics trackingStatus values the parcel follows.
TRACKING_OUTBOUND = 1
TRACKING_DELIVERED = 12
TRACKING_EXCEPTION = 13
TRACKING_RETURNED = 14
TRACKING_TO_PARCEL = {
    TRACKING_DELIVERED: PS.DELIVERED,
    TRACKING_EXCEPTION: PS.EXCEPTION,
    TRACKING_RETURNED: PS.RETURNED,
}


def publish_logistic(parcel: Parcel, *, tracking_status: int, events: list[dict]) -> None:
    """One LOGISTIC message (contract §4) per order of the parcel."""
    line = parcel.line if parcel.line_id else None
    for order in parcel.orders.order_by("pk"):
        webhook_services.webhook_publish(
            merchant=parcel.merchant,
            type="LOGISTIC",
            message_type="UPDATE",
            params={
                "orderId": order.public_id,
                "logisticName": line.name if line is not None else "",
                "trackingNumber": parcel.tracking_number,
                "trackingUrl": tracking_url(parcel.carrier, parcel.tracking_number),
                "trackingStatus": tracking_status,
                "logisticsTrackEvents": json.dumps(events, separators=(",", ":")),
            },
        )
