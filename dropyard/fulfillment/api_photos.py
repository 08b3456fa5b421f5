"""``storehouseCenterWeb/syncStorehouseVideoRequests`` (contract §2.3): the photos the warehouse
took of an order's parcels at packing.

Request ``{"orderIdList": ["<orderId>", …]}`` (1–100 ids; an id may also be the order's
``orderNumber`` or ``cjOrderCode``, and numbers are read as their digits). Answer: one entry per
order of the caller's account among them, in request order, ``{orderId, pictureJson: [urls]}``;
ids that are unknown or another merchant's are left out (the answer never says whether such an
order exists). ``pictureJson`` lists signed links to the JPEGs (oldest first), valid 24 hours
(``orders.parcel_photos``): fetch them without a token, and call again for fresh links. An
order whose parcels have no photos yet has ``pictureJson: []``. Bad input (no list, an empty
list, more than 100 ids, an id that is not a string or number, empty, too long, or containing
control characters such as NUL) → 1600300 naming ``orderIdList``.
"""

from django.http import HttpRequest
from ninja import Router
from pydantic import Field, StrictInt, StrictStr

from dropyard.core.api import CamelSchema, ParamError
from dropyard.orders import selectors as order_selectors
from dropyard.orders.api.wire import _merchant, _stores
from dropyard.orders.parcel_photos import photo_url, photos_by_order

router = Router(tags=["Storage"])

MAX_ORDER_IDS = 100
MAX_ID_LENGTH = 64


class VideoRequestsIn(CamelSchema):
    order_id_list: list[StrictStr | StrictInt] | None = Field(default=None)


class OrderPicturesOut(CamelSchema):
    order_id: str
    picture_json: list[str]


def _order_ids(values: list[str | int] | None) -> list[str]:
    if not values:
        raise ParamError("orderIdList is required (a list of order ids)")
    if len(values) > MAX_ORDER_IDS:
        raise ParamError(f"orderIdList holds at most {MAX_ORDER_IDS} order ids")
    ids = []
    for index, value in enumerate(values):
        text = str(value).strip()
        if not text or len(text) > MAX_ID_LENGTH:
            raise ParamError(
                f"orderIdList[{index}] must be an order id of 1–{MAX_ID_LENGTH} characters"
            )
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
            raise ParamError(f"orderIdList[{index}] contains control characters")
        ids.append(text)
    return ids


@router.post("storehouseCenterWeb/syncStorehouseVideoRequests", response=list[OrderPicturesOut])
def sync_storehouse_video_requests(request: HttpRequest, payload: VideoRequestsIn) -> list[dict]:
    """Links to the photos the warehouse took of the caller's orders' parcels at packing:
    ``[{orderId, pictureJson: [url, …]}]`` in request order, for the caller's own orders only
    (other ids are left out). The URLs are signed and expire after 24 hours; fetch them
    without a token. Ids may be orderId, orderNumber or cjOrderCode (1–100 of them)."""
    keys = _order_ids(payload.order_id_list)
    orders, _unknown = order_selectors.orders_get_many(
        merchant=_merchant(request), keys=keys, store_ids=_stores(request)
    )
    photos = photos_by_order(orders=orders)
    base = f"{request.scheme}://{request.get_host()}"
    return [
        {
            "orderId": order.public_id,
            "pictureJson": [photo_url(photo, base=base) for photo in photos[order.pk]],
        }
        for order in orders
    ]
