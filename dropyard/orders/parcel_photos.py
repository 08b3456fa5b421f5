"""Reading parcel photos (``ParcelPhoto``, taken by the warehouse at packing): scoped
selectors and the signed, expiring links that are the only way to fetch a photo's file.

A link is ``/orders/parcel-photos/<token>/`` where the token is the photo's public id signed
with the site's secret key (``django.core.signing``, salted) and a timestamp; it is valid for
``DROPYARD_PARCEL_PHOTO_URL_MAX_AGE`` seconds (default 24 h), so an API client or an ``<img>``
can fetch it without a session, and a leaked link stops working. Links are only made after a
scoped lookup: the merchant's own orders (``photos_by_order`` after
``selectors.orders_get_many``) or warehouse staff's parcels.
"""

from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Order, ParcelPhoto

URL_SALT = "dropyard.orders.parcel-photo"
URL_MAX_AGE_DEFAULT = 24 * 3600


def photo_url(photo: ParcelPhoto, *, base: str = "") -> str:
    """A signed link to the photo (``base``: scheme and host for an absolute URL)."""
    token = signing.dumps({"p": photo.public_id}, salt=URL_SALT, compress=True)
    return base + reverse("orders:parcel_photo", kwargs={"token": token})


def photo_from_token(token: str) -> ParcelPhoto | None:
    """The photo a link names, or None when the link is forged, altered or expired."""
    max_age = getattr(settings, "DROPYARD_PARCEL_PHOTO_URL_MAX_AGE", URL_MAX_AGE_DEFAULT)
    try:
        payload = signing.loads(token, salt=URL_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    public_id = payload.get("p") if isinstance(payload, dict) else None
    if not isinstance(public_id, str):
        return None
    return ParcelPhoto.objects.filter(public_id=public_id).first()


def parcel_photos(*, parcel_ids: list[int]) -> list[ParcelPhoto]:
    """The photos of these parcels, oldest first (callers have scoped the parcels)."""
    return list(ParcelPhoto.objects.filter(parcel_id__in=parcel_ids).order_by("created_at", "pk"))


def photos_by_order(*, orders: list[Order]) -> dict[int, list[ParcelPhoto]]:
    """Order pk → photos of its parcels, oldest first, for orders the caller has already
    scoped to the merchant (``selectors.orders_get_many``). Two queries."""
    links = Order.parcels.through.objects.filter(order__in=orders).values_list(
        "order_id", "parcel_id"
    )
    by_parcel: dict[int, list[int]] = defaultdict(list)
    for order_id, parcel_id in links:
        by_parcel[parcel_id].append(order_id)
    answer: dict[int, list[ParcelPhoto]] = {order.pk: [] for order in orders}
    for photo in parcel_photos(parcel_ids=list(by_parcel)):
        for order_id in by_parcel[photo.parcel_id]:
            answer[order_id].append(photo)
    return answer
