"""Developer API for sourcing requests (contract §2.2 ``product/sourcing/*``; full CJ paths,
mounted at the API root). Every operation acts for the token's merchant; docs/api-sourcing.md
is the reference for clients.

Wire conventions: ``cjSourcingId`` / ``sourceId`` is our request's public id (a string of
digits); ``sourceNumber`` the code people read (``SR`` + the id), accepted wherever an id is;
``price`` a USD decimal string (``"12.50"``); dates ``yyyy-MM-dd HH:mm:ss`` in UTC;
``sourceStatus`` the number of ``choices.SOURCE_STATUS_CODE`` and ``sourceStatusStr`` the
status name (``SUBMITTED`` …).

Decisions where the contract is open:

- **create** needs ``productName`` and a picture address (``productImage``) or a product
  link (``productUrl``): the contract marks ``productImage`` required, we also take a link
  alone. ``price`` is a decimal string or a JSON number, positive, at most two decimals (no
  rounding: ``"12.345"`` is refused), at most ``PRICE_MAX_MINOR`` minor units. Ours besides:
  ``monthlyQuantity``, ``destinationCountries`` (ISO codes), ``description``, ``shopId`` (a
  store of ``shop/getShops``: with ``thirdVariantId`` it links the request to that store
  variant). A request sent with the header ``X-Dropyard-Client: extension`` is recorded as
  coming from the browser extension. A duplicate (same product link or picture address as one
  of the merchant's requests that is not cancelled) creates nothing and costs no quota: the
  answer is a success with the existing ``cjSourcingId`` and ``duplicate: true``. Over the
  daily quota: 1600201, nothing written. Invalid fields: 1600300 naming the field.
- **query** (POST, deprecated) and **queryList** (GET) answer an array, one item per request
  found, in the order asked. Unknown ids, another merchant's and one linked to a store outside
  the token's store scope are simply absent (no error, nothing that tells them apart). At most
  ``QUERY_MAX_IDS`` ids; queryList also takes them comma-separated, and without any id answers
  the merchant's ``LATEST`` newest requests (ours: the extension's popup).
"""

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field, field_validator

from dropyard.accounts.selectors import token_store_scope
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.money import Money
from dropyard.stores.models import StoreVariant

from . import selectors
from .choices import SOURCE_STATUS_CODE, SourcingChannel, SourcingStatus
from .models import SourcingRequest
from .services_requests import (
    COUNTRIES_MAX,
    PRICE_MAX_MINOR,
    QUANTITY_MAX,
    TARGET_CURRENCIES,
    Created,
    sourcing_request_create,
)

router = Router(tags=["Sourcing"])

QUERY_MAX_IDS = 100
ID_MAX_LENGTH = 40  # longer "ids" cannot be ours: refused rather than looked up
LATEST = 20
CLIENT_HEADER = "X-Dropyard-Client"
EXTENSION_CLIENT = "extension"
# A price as it may be written: digits, optionally a point and one or two decimals.
_PRICE_RE = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
_PRICE_HINT = 'a positive USD amount with at most 2 decimals, such as "12.50"'

CREATED = "Sourcing request created"
DUPLICATE = "A sourcing request for this product already exists"


# --- Wire helpers ---------------------------------------------------------------------------------


def _stamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def price_minor(value: Any) -> int | None:
    """``price`` as USD minor units (None when absent); 1600300 unless it is written as a
    positive amount with at most two decimals within ``PRICE_MAX_MINOR``. A JSON number is read
    from its shortest decimal form (``12.5`` → 1250): no binary-float arithmetic, no rounding."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ParamError(f"price must be {_PRICE_HINT}")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if not _PRICE_RE.fullmatch(text):
        raise ParamError(f"price must be {_PRICE_HINT}")
    minor = Money.from_decimal(Decimal(text), "USD").amount_minor
    if not 1 <= minor <= PRICE_MAX_MINOR:
        top = Money(PRICE_MAX_MINOR, "USD").wire()
        raise ParamError(f"price must be between 0.01 and {top}")
    return minor


def _channel(request: HttpRequest) -> str:
    client = request.headers.get(CLIENT_HEADER, "").strip().lower()
    return SourcingChannel.EXTENSION if client == EXTENSION_CLIENT else SourcingChannel.API


def _store_variant_id(
    request: HttpRequest, shop_id: str | None, third_variant_id: str | None
) -> int | None:
    """The merchant's store variant named by ``shopId`` + ``thirdVariantId`` (the platform's
    variant id), None without ``shopId``; 1600300 when there is no such variant in a store the
    token reaches (another merchant's store answers the same)."""
    shop = (shop_id or "").strip()
    if not shop:
        return None
    variant = (third_variant_id or "").strip()
    if not variant:
        raise ParamError("thirdVariantId is required with shopId")
    qs = StoreVariant.objects.filter(
        store__public_id=shop, store__merchant=request.auth.merchant, platform_variant_id=variant
    )
    store_ids = token_store_scope(request.auth)
    if store_ids is not None:
        qs = qs.filter(store_id__in=store_ids)
    pk = qs.values_list("pk", flat=True).first()
    if pk is None:
        raise ParamError(f"shopId, thirdVariantId: store {shop[:40]} has no variant {variant[:40]}")
    return pk


def _ids(values: list[str]) -> list[str]:
    ids = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not ids:
        raise ParamError("sourceIds is required")
    if len(ids) > QUERY_MAX_IDS:
        raise ParamError(f"sourceIds: at most {QUERY_MAX_IDS} ids per call")
    for value in ids:
        if len(value) > ID_MAX_LENGTH:
            raise ParamError(f"sourceIds: {value[:20]}… is longer than {ID_MAX_LENGTH} characters")
    return ids


# --- create ---------------------------------------------------------------------------------------


class SourcingCreateIn(CamelSchema):
    product_name: str
    product_image: str | None = None
    product_url: str | None = None
    third_product_id: str | None = None
    third_variant_id: str | None = None
    third_product_sku: str | None = None
    remark: str | None = None
    price: str | int | float | None = Field(
        None, description=f"USD, {_PRICE_HINT}; a JSON number is read as written"
    )
    # Ours (docs/api-sourcing.md).
    description: str | None = None
    monthly_quantity: int | None = Field(None, ge=1, le=QUANTITY_MAX)
    destination_countries: list[str] | None = Field(None, max_length=COUNTRIES_MAX)
    shop_id: str | None = None
    currency: str | None = Field(
        None, description=f"the currency of price (default USD): {', '.join(TARGET_CURRENCIES)}"
    )

    @field_validator("price", mode="before")
    @classmethod
    def _price_is_not_a_boolean(cls, value: Any) -> Any:
        if isinstance(value, bool):  # a boolean would pass as the integer 0 or 1
            raise ValueError(f"must be {_PRICE_HINT}")
        return value


class SourcingCreateOut(CamelSchema):
    """``cjSourcingId`` the request (the existing one when ``duplicate``); ``result`` says
    which in words (do not parse it: read ``duplicate``)."""

    cj_sourcing_id: str
    result: str
    duplicate: bool
    source_number: str
    source_status: int
    source_status_str: str


def _create_out(done: Created) -> dict[str, Any]:
    sourcing = done.request
    return {
        "cjSourcingId": sourcing.public_id,
        "result": CREATED if done.created else DUPLICATE,
        "duplicate": not done.created,
        "sourceNumber": sourcing.code,
        "sourceStatus": SOURCE_STATUS_CODE[sourcing.status],
        "sourceStatusStr": sourcing.status,
    }


@router.post("product/sourcing/create", response=SourcingCreateOut)
def sourcing_create(request: HttpRequest, payload: SourcingCreateIn) -> dict[str, Any]:
    """Ask the agent to find a product; a duplicate answers the existing request."""
    target = price_minor(payload.price)
    done = sourcing_request_create(
        merchant=request.auth.merchant,
        actor=request.auth,
        product_name=payload.product_name,
        source_url=payload.product_url or "",
        image_url=payload.product_image or "",
        description=payload.description or "",
        target_price_minor=target,
        monthly_quantity=payload.monthly_quantity,
        destination_countries=payload.destination_countries,
        notes=payload.remark or "",
        third_product_id=payload.third_product_id or "",
        third_variant_id=payload.third_variant_id or "",
        third_product_sku=payload.third_product_sku or "",
        store_variant_id=_store_variant_id(request, payload.shop_id, payload.third_variant_id),
        channel=_channel(request),
        currency=payload.currency or "USD",
    )
    return _create_out(done)


# --- query / queryList ----------------------------------------------------------------------------


class SourcingOut(CamelSchema):
    """One request. ``productId`` / ``variantId`` / ``productSku`` are the ids the client sent
    (``thirdProductId`` …); ``cjProductId`` / ``cjVariantId`` / ``cjVariantSku`` the catalog
    product once published; ``shopId`` / ``shopName`` the store of the linked store variant."""

    source_id: str
    source_number: str
    product_id: str | None
    variant_id: str | None
    product_sku: str | None
    shop_id: str | None
    shop_name: str | None
    source_status: int
    source_status_str: str
    source_status_label: str
    cj_product_id: str | None
    cj_variant_id: str | None
    cj_variant_sku: str | None
    fail_reason: str | None
    product_name: str
    product_image: str | None
    product_url: str | None
    price: str | None
    currency: str
    channel: str
    create_date: str | None
    update_date: str | None


def _item(sourcing: SourcingRequest) -> dict[str, Any]:
    link = sourcing.store_variant
    store = link.store if link is not None else None
    product, variant = sourcing.product, sourcing.variant
    price = sourcing.target_price_minor
    return {
        "sourceId": sourcing.public_id,
        "sourceNumber": sourcing.code,
        "productId": sourcing.third_product_id or None,
        "variantId": sourcing.third_variant_id or None,
        "productSku": sourcing.third_product_sku or None,
        "shopId": store.public_id if store is not None else None,
        "shopName": store.name if store is not None else None,
        "sourceStatus": SOURCE_STATUS_CODE[sourcing.status],
        "sourceStatusStr": sourcing.status,
        "sourceStatusLabel": str(SourcingStatus(sourcing.status).label),
        "cjProductId": product.public_id if product is not None else None,
        "cjVariantId": variant.public_id if variant is not None else None,
        "cjVariantSku": variant.sku if variant is not None else None,
        "failReason": sourcing.fail_reason or None,
        "productName": sourcing.product_name,
        "productImage": sourcing.image_url or None,
        "productUrl": sourcing.source_url or None,
        "price": Money(price, sourcing.currency).wire() if price is not None else None,
        "currency": sourcing.currency,
        "channel": sourcing.channel,
        "createDate": _stamp(sourcing.created_at),
        "updateDate": _stamp(sourcing.updated_at),
    }


def _found(request: HttpRequest, keys: list[str] | None) -> list[dict[str, Any]]:
    found = selectors.sourcing_request_list_for_api(
        merchant=request.auth.merchant,
        keys=keys,
        store_ids=token_store_scope(request.auth),
        latest=LATEST,
    )
    return [_item(sourcing) for sourcing in found]


class SourcingQueryIn(CamelSchema):
    source_ids: list[str | int] = Field(..., max_length=QUERY_MAX_IDS)


@router.post("product/sourcing/query", response=list[SourcingOut])
def sourcing_query(request: HttpRequest, payload: SourcingQueryIn) -> list[dict[str, Any]]:
    """Deprecated (use queryList): the caller's requests named by ``sourceIds``."""
    return _found(request, _ids([str(value) for value in payload.source_ids]))


_SOURCE_IDS = Query(None, alias="sourceIds")


@router.get("product/sourcing/queryList", response=list[SourcingOut])
def sourcing_query_list(
    request: HttpRequest, source_ids: list[str] | None = _SOURCE_IDS
) -> list[dict[str, Any]]:
    """The caller's requests named by ``sourceIds`` (repeated or comma-separated, at most
    100); without any, the newest 20."""
    if not source_ids or not any(value.strip(" ,") for value in source_ids):
        return _found(request, None)
    return _found(request, _ids(source_ids))
