"""Developer API for stores (contract §2.7): ``shop/getShops``.

Decisions where the contract is open (§7):

- **Envelope.** The alternate ``{success: true, code: 0, …}`` body (§3 quirks; MCP's
  ``isApiSuccess``); errors keep the normal envelope.
- **data** is the list the contract shows (not a page object). ``pageNum`` (≥ 1, default 1)
  and ``pageSize`` (1–``MAX_PAGE_SIZE``, default ``MAX_PAGE_SIZE``) select a slice of it, so a
  client that sends neither gets every store of any realistic account; ``keyword`` matches the
  store's name or domain, case-insensitively.
- **Which stores.** The token's merchant's stores that are not disconnected (authorized or
  waiting for re-authorization), by name; ``status`` is our store status word. Fields we have
  no value for (marketplace, email, country, logo, business type) are null; ``shopUrl`` (the
  shop domain or base URL) is our addition. Credentials are never part of the answer.
"""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router

from dropyard.core.api import ParamError, api_datetime, legacy_success

from . import selectors
from .models import Store

router = Router(tags=["Shop"])

MAX_PAGE_SIZE = 100


def _shop(store: Store) -> dict[str, Any]:
    return {
        "id": store.public_id,
        "name": store.name,
        "type": store.platform,
        "status": store.status,
        "createDate": api_datetime(store.created_at),
        "updateDate": api_datetime(store.updated_at),
        "marketplace": None,
        "aliasName": store.name,
        "shopUrl": store.domain,
        "syncInventory": 1 if store.inventory_sync else 0,
        "syncInventoryRate": None,
        "fulfillmentStatus": 1 if store.tracking_push else 0,
        "trackUrlTemplate": store.tracking_url_template or None,
        "email": None,
        "countryCode": None,
        "storeCountry": None,
        "currencyCode": store.currency,
        "platformLogoUrl": None,
        "businessType": None,
    }


@router.get("shop/getShops")
def get_shops(
    request: HttpRequest,
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(MAX_PAGE_SIZE, alias="pageSize"),
    keyword: str | None = Query(None),
):
    """The caller's authorised stores, by name: a list, in the ``{success, code: 0}`` body."""
    if page_num < 1:
        raise ParamError("pageNum must be at least 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ParamError(f"pageSize must be between 1 and {MAX_PAGE_SIZE}")
    stores = selectors.store_list(merchant=request.auth.merchant)
    if keyword and keyword.strip():
        word = keyword.strip()
        stores = stores.filter(Q(name__icontains=word) | Q(domain__icontains=word))
    page = stores[(page_num - 1) * page_size : page_num * page_size]
    return legacy_success([_shop(store) for store in page])
