"""Developer API for stores (contract §2.7): ``authentication/getAuthorizeUrl`` and
``shop/getShops``; the store products and product connections are in ``api_products``.

Decisions where the contract is open (§7):

- **getAuthorizeUrl** (only in CJ's MCP): ``shopType`` (case-insensitive) is one of our
  platforms; ``data`` is the absolute URL of the Dropyard page where a signed-in merchant
  authorizes a store of that platform: the platform's connect page (``stores:connect_<type>``)
  once it exists, else the stores page, which lists every platform with its connect button.
  An unknown or empty ``shopType`` → 1600300 naming the accepted values.
- **Staff store scope.** A token issued to a member (``getAccessToken`` with an email) sees
  only the stores that member may open (``selectors.store_scope_for_token``); every other
  store answers as if it did not exist. A token of the API key alone acts for the account.

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
from django.urls import NoReverseMatch, reverse
from ninja import Query, Router

from dropyard.core.api import (
    CamelSchema,
    ParamError,
    api_datetime,
    legacy_envelope_openapi,
    legacy_success,
)

from . import selectors
from .choices import Platform
from .models import Store

router = Router(tags=["Shop"])

MAX_PAGE_SIZE = 100


class ShopOut(CamelSchema):
    """A store as getShops lists it (``_shop``; documents the answer, which goes out
    unvalidated in the legacy body): dates ISO-8601 UTC, ``syncInventory`` and
    ``fulfillmentStatus`` 1 or 0, null where we have no value."""

    id: str
    name: str
    type: str
    status: str
    create_date: str
    update_date: str
    marketplace: None
    alias_name: str
    shop_url: str
    sync_inventory: int
    sync_inventory_rate: None
    fulfillment_status: int
    track_url_template: str | None
    email: None
    country_code: None
    store_country: None
    currency_code: str
    platform_logo_url: None
    business_type: None


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


@router.get("shop/getShops", openapi_extra=legacy_envelope_openapi(list[ShopOut]))
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
    stores = selectors.store_list_scoped(
        merchant=request.auth.merchant, scope=selectors.store_scope_for_token(request.auth)
    )
    if keyword and keyword.strip():
        word = keyword.strip()
        stores = stores.filter(Q(name__icontains=word) | Q(domain__icontains=word))
    page = stores[(page_num - 1) * page_size : page_num * page_size]
    return legacy_success([_shop(store) for store in page])


def _connect_page(platform: str) -> str:
    """The path of the platform's connect page, or of the stores page while it has none."""
    try:
        return reverse(f"stores:connect_{platform}")
    except NoReverseMatch:
        return reverse("stores:list")


@router.get("authentication/getAuthorizeUrl", tags=["Authentication"], response=str)
def get_authorize_url(request: HttpRequest, shop_type: str = Query("", alias="shopType")):
    """The URL a merchant opens (signed in to Dropyard) to authorize a store of ``shopType``."""
    platform = (shop_type or "").strip().lower()
    if platform not in Platform.values:
        raise ParamError(f"shopType must be one of {', '.join(Platform.values)}")
    return request.build_absolute_uri(_connect_page(platform))
