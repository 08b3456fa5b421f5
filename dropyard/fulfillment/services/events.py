"""What the merchant hears about a parcel: the LOGISTIC webhook message (contract §4) with the
carrier's tracking URL, sent when a parcel ships and when its tracking changes; and the tasks
that follow a store order's parcel (``store_parcel_followers_notify``)."""

import json
from collections.abc import Iterable

from django.conf import settings

from dropyard.core.enqueue import on_commit_enqueue
from dropyard.logistics.carriers import tracking_url
from dropyard.orders.choices import OrderSource
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


def store_parcel_followers_notify(parcels: Iterable[Parcel]) -> None:
    """Enqueue, after the commit, each task of ``DROPYARD_STORE_PARCEL_TASKS`` with the
    ``parcel_id`` of every parcel (of a store order) that just shipped or was delivered.

    Why a setting: the stores app sits above fulfillment and may not be imported here, yet a
    store wants its tracking within seconds. The tasks are dotted paths resolved at commit time
    (``on_commit_enqueue``), so this module never imports them; and they are only a shortcut:
    the stores app's periodic sweep finds every shipped parcel of a store order by itself
    (``ParcelEvent`` and ``Parcel.shipped_at`` are the record), so an empty setting, a lost
    enqueue or a crashed worker delays a push but never loses it. Parcels whose orders did
    not come from a store (``Order.source``) enqueue nothing.
    """
    paths = list(getattr(settings, "DROPYARD_STORE_PARCEL_TASKS", ()))
    if not paths:
        return
    pks = sorted({parcel.pk for parcel in parcels})
    store_parcels = (
        Parcel.objects.filter(pk__in=pks, orders__source=OrderSource.STORE)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    for parcel_id in store_parcels:
        for path in paths:
            on_commit_enqueue(path, parcel_id=parcel_id)
