"""Developer API for a store's products and their connections (contract §2.7):
``store/product/saveProduct``, ``store/product/saveVariantBatch``, ``shop/product/queryPage``,
``shop/product/queryDetail`` and ``product/conn/connection`` (GET list, POST create, DELETE).

Decisions where the contract is open (§7; these paths are documented only by SUM and MCP):

- **Which shop.** ``shopId`` is a store's ``id`` from ``shop/getShops`` and is required
  everywhere except the connection list. Another merchant's store, a disconnected one, or one
  outside a member token's store scope → 1600013 ("store info does not exist"), the same
  answer as an id that never existed.
- **saveProduct** upserts one store product (``id``, ``title``, ``image`` required; ``priceMin``
  / ``priceMax`` decimal strings in ``priceCurrency``, default the store's) → ``data: true``.
- **saveVariantBatch** upserts up to ``MAX_BATCH`` variants into the store's catalog (the rows
  an adapter import writes, so SKU matching and suggestions see them); ``data`` is one
  ``{id, saveSuccess, message}`` per item in order: a bad item is refused alone, the good
  ones are saved.
- **queryPage / queryDetail** read the store's products (mirrored by ``saveProduct``, or known
  from imported variants), each with its variants and their connection (``cjVariantId``).
  queryPage pages by ``pageNum``/``pageSize`` (≤ 10) in shape (a)
  ``{pageNum, pageSize, total, list}``, by platform product id; ``platformProductIds`` (≤ 10,
  repeated or comma-joined) narrows it. queryDetail needs ``platformProductIds`` and answers
  the list of those found (unknown ids are left out).
- **Connections.** GET lists them in shape (a) (``pageSize`` ≤ 100, default 20), oldest first,
  optionally of one shop, platform product or variant. POST connects the shop's variants to
  Dropyard variants, all or nothing: ``variantList`` of ``{platformVariantId, cjVariantId or
  cjSku}``, or one pair at the top level; ``cjProductId``, when given, must be every chosen
  variant's product; ``defaultArea`` and ``logistics`` are accepted and ignored (routing picks
  the warehouse and line). Connecting releases the held orders it completes, as on the
  connections page. DELETE (query ``shopId`` and ``platformVariantId``) disconnects.
  Both answer ``data: true``.
"""

from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router

from dropyard.catalog.models import Variant
from dropyard.catalog.selectors import variant_get
from dropyard.catalog.wire import price_param
from dropyard.core.api import CamelSchema, ParamError, api_datetime
from dropyard.core.money import Money

from . import selectors, services
from .adapters.base import PlatformVariant
from .choices import ConnectionHow
from .exceptions import ConnectionInvalid, StoreInvalid, StoreNotFound
from .models import ProductConnection, Store, StoreProduct, StoreVariant

router = Router(tags=["Shop"])

SHOP_NOT_FOUND = 1600013  # contract §3: "store info does not exist"
MAX_BATCH = 100
MAX_PRODUCT_PAGE = 10  # contract §2.7: pageSize ≤ 10, platformProductIds ≤ 10
MAX_CONNECTION_PAGE = 100
# Repeated (``?platformProductIds=a&platformProductIds=b``) or comma-joined query parameter.
_PRODUCT_IDS = Query(None, alias="platformProductIds")


# --- Helpers ---------------------------------------------------------------------------------


def _shop(request: HttpRequest, shop_id: str | int | None) -> Store:
    """The caller's store ``shop_id`` within its token's store scope, else 1600013."""
    key = str(shop_id or "").strip()
    if not key:
        raise ParamError("shopId is required")
    try:
        return selectors.store_get_scoped(
            merchant=request.auth.merchant,
            scope=selectors.store_scope_for_token(request.auth),
            public_id=key,
        )
    except StoreNotFound:
        raise StoreNotFound(f"shopId {key} not found", code=SHOP_NOT_FOUND) from None


def _paging(page_num: int, page_size: int, maximum: int) -> tuple[int, int]:
    if page_num < 1:
        raise ParamError("pageNum must be at least 1")
    if not 1 <= page_size <= maximum:
        raise ParamError(f"pageSize must be between 1 and {maximum}")
    return (page_num - 1) * page_size, page_num * page_size


def _ids(values: list[str] | None, name: str, maximum: int) -> list[str]:
    """Repeated or comma-joined ids, trimmed, without duplicates, in order."""
    ids: list[str] = []
    for value in values or []:
        for part in str(value).split(","):
            if part.strip() and part.strip() not in ids:
                ids.append(part.strip())
    if len(ids) > maximum:
        raise ParamError(f"{name} takes at most {maximum} ids")
    return ids


def _text(value: Any) -> str:
    """A wire id or string (JSON numbers allowed: CJ's long ids) as trimmed text."""
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value).strip()


def _amount(name: str, value: Any, currency: str) -> int | None:
    """A decimal amount (string or number) in ``currency``'s minor units; None if absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ParamError(f"{name} must be a decimal amount")
    return price_param(name, str(value), currency)


def _money(amount_minor: int | None, currency: str) -> str | None:
    return None if amount_minor is None else Money(amount_minor, currency).wire()


def _currency(value: str | None, store: Store) -> str:
    currency = (value or store.currency).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ParamError("priceCurrency must be an ISO 4217 code")
    return currency


# --- store/product/saveProduct, saveVariantBatch ---------------------------------------------


class SaveProductIn(CamelSchema):
    id: str | int
    title: str
    image: str
    shop_id: str | int | None = None
    description: str | None = None
    price_min: str | int | float | None = None
    price_max: str | int | float | None = None
    price_currency: str | None = None


@router.post("store/product/saveProduct", response=Literal[True])
def save_product(request: HttpRequest, payload: SaveProductIn) -> bool:
    """Create or update one of the shop's products (its variants come by saveVariantBatch)."""
    store = _shop(request, payload.shop_id)
    currency = _currency(payload.price_currency, store)
    mirror = services.ProductMirror(
        platform_product_id=_text(payload.id),
        title=payload.title,
        image_url=payload.image,
        description=payload.description or "",
        price_min_minor=_amount("priceMin", payload.price_min, currency),
        price_max_minor=_amount("priceMax", payload.price_max, currency),
        currency=currency,
    )
    try:
        services.store_product_save(store=store, product=mirror, actor=request.auth.user)
    except StoreInvalid as exc:
        raise ParamError(exc.message) from None
    return True


class SaveVariantBatchIn(CamelSchema):
    shop_id: str | int | None = None
    variants: list[Any]


def _variant_item(item: Any, currency: str) -> PlatformVariant:
    """One batch item as a catalog variant; ``ValueError`` says what is wrong with it."""
    if not isinstance(item, dict):
        raise ValueError("an item must be an object")
    values = {name: _text(item.get(name)) for name in ("id", "productId", "title")}
    for name, value in values.items():
        if not value:
            raise ValueError(f"{name} is required")
        if len(value) > (255 if name == "title" else 100):
            raise ValueError(f"{name} is too long")
    sku = item.get("sku")
    if sku is not None and not isinstance(sku, str):
        raise ValueError("sku must be a string")
    if sku and len(sku.strip()) > 100:
        raise ValueError("sku is too long")
    image = item.get("image") or ""
    if not isinstance(image, str) or len(image) > 500:
        raise ValueError("image must be a URL of at most 500 characters")
    try:
        price = _amount("price", item.get("price"), currency)
    except ParamError as exc:
        raise ValueError(exc.message) from None
    variant_title = item.get("variantTitle") or ""
    if not isinstance(variant_title, str):
        raise ValueError("variantTitle must be a string")
    return PlatformVariant(
        platform_product_id=values["productId"],
        platform_variant_id=values["id"],
        sku=(sku or "").strip(),
        title=values["title"],
        variant_title=variant_title[:255],
        price_minor=price or 0,
        currency=currency,
        image_url=image,
    )


class VariantSavedOut(CamelSchema):
    """One batch item's outcome, in the request's order: ``id`` null when the item had none,
    ``message`` "Success" or what is wrong with the item."""

    id: str | None
    save_success: bool
    message: str


@router.post("store/product/saveVariantBatch", response=list[VariantSavedOut])
def save_variant_batch(request: HttpRequest, payload: SaveVariantBatchIn) -> list[dict[str, Any]]:
    """Create or update the shop's variants; one ``{id, saveSuccess, message}`` per item."""
    store = _shop(request, payload.shop_id)
    if not payload.variants:
        raise ParamError("variants must not be empty")
    if len(payload.variants) > MAX_BATCH:
        raise ParamError(f"variants takes at most {MAX_BATCH} items")
    results: list[dict[str, Any]] = []
    good: list[PlatformVariant] = []
    for item in payload.variants:
        item_id = _text(item.get("id")) if isinstance(item, dict) else ""
        try:
            good.append(_variant_item(item, store.currency))
        except ValueError as exc:
            results.append({"id": item_id or None, "saveSuccess": False, "message": str(exc)})
        else:
            results.append({"id": item_id, "saveSuccess": True, "message": "Success"})
    if good:
        services.store_variants_save(store=store, variants=good, actor=request.auth.user)
    return results


# --- shop/product/queryPage, queryDetail -----------------------------------------------------


class StoreVariantOut(CamelSchema):
    """A store variant (``_variant_out``); the ``cj*`` ids are its connection's, null when the
    variant is not connected. ``price`` a decimal string in ``priceCurrency``."""

    id: str
    product_id: str
    title: str
    variant_title: str
    sku: str
    image: str | None
    price: str
    price_currency: str
    cj_product_id: str | None
    cj_variant_id: str | None
    cj_sku: str | None


class StoreProductOut(CamelSchema):
    """A store product (``_product_out``): what saveProduct stored, else what its imported
    variants tell; ``priceMin``/``priceMax`` null when unknown."""

    id: str
    shop_id: str
    title: str
    image: str | None
    description: str | None
    price_min: str | None
    price_max: str | None
    price_currency: str
    variants: list[StoreVariantOut]


class StoreProductPageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[StoreProductOut]


def _variant_out(store: Store, row: StoreVariant) -> dict[str, Any]:
    connection: ProductConnection | None = getattr(row, "connection", None)
    return {
        "id": row.platform_variant_id,
        "productId": row.platform_product_id,
        "title": row.title,
        "variantTitle": row.variant_title,
        "sku": row.sku,
        "image": row.image_url or None,
        "price": _money(row.price_minor, row.currency),
        "priceCurrency": row.currency,
        "cjProductId": connection.variant.product.public_id if connection else None,
        "cjVariantId": connection.variant.public_id if connection else None,
        "cjSku": connection.variant.sku if connection else None,
    }


def _product_out(
    store: Store, pid: str, product: StoreProduct | None, variants: list[StoreVariant]
) -> dict[str, Any]:
    first = variants[0] if variants else None
    currency = product.currency if product else (first.currency if first else store.currency)
    prices = [v.price_minor for v in variants]
    return {
        "id": pid,
        "shopId": store.public_id,
        "title": product.title if product else (first.title if first else ""),
        "image": (product.image_url if product else (first.image_url if first else "")) or None,
        "description": product.description if product else None,
        "priceMin": _money(
            product.price_min_minor if product else (min(prices) if prices else None), currency
        ),
        "priceMax": _money(
            product.price_max_minor if product else (max(prices) if prices else None), currency
        ),
        "priceCurrency": currency,
        "variants": [_variant_out(store, v) for v in variants],
    }


def _products(store: Store, pids: list[str]) -> list[dict[str, Any]]:
    return [
        _product_out(store, pid, product, variants)
        for pid, product, variants in selectors.store_products_get(
            store=store, platform_product_ids=pids
        )
    ]


@router.get("shop/product/queryPage", response=StoreProductPageOut)
def query_page(
    request: HttpRequest,
    shop_id: str = Query("", alias="shopId"),
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(MAX_PRODUCT_PAGE, alias="pageSize"),
    platform_product_ids: list[str] | None = _PRODUCT_IDS,
) -> dict[str, Any]:
    """The shop's products with their variants, by platform product id, in pages."""
    store = _shop(request, shop_id)
    start, stop = _paging(page_num, page_size, MAX_PRODUCT_PAGE)
    wanted = _ids(platform_product_ids, "platformProductIds", MAX_PRODUCT_PAGE)
    ids = selectors.store_product_ids(store=store, only=wanted or None)
    return {
        "pageNum": page_num,
        "pageSize": page_size,
        "total": ids.count(),
        "list": _products(store, list(ids[start:stop])),
    }


@router.get("shop/product/queryDetail", response=list[StoreProductOut])
def query_detail(
    request: HttpRequest,
    shop_id: str = Query("", alias="shopId"),
    platform_product_ids: list[str] | None = _PRODUCT_IDS,
) -> list[dict[str, Any]]:
    """The shop's products ``platformProductIds`` with their variants (unknown ids left out)."""
    store = _shop(request, shop_id)
    wanted = _ids(platform_product_ids, "platformProductIds", MAX_PRODUCT_PAGE)
    if not wanted:
        raise ParamError("platformProductIds is required")
    return _products(store, wanted)


# --- product/conn/connection -----------------------------------------------------------------


class ConnectionOut(CamelSchema):
    """A connection of a store variant to a Dropyard variant (``_connection_out``);
    ``connectType`` how it was made, ``createDate`` ISO-8601 UTC."""

    id: str
    shop_id: str
    platform_product_id: str
    platform_variant_id: str
    platform_sku: str
    cj_product_id: str
    cj_variant_id: str
    cj_sku: str
    connect_type: str
    create_date: str


class ConnectionPageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[ConnectionOut]


def _connection_out(connection: ProductConnection) -> dict[str, Any]:
    sv, variant = connection.store_variant, connection.variant
    return {
        "id": str(connection.pk),
        "shopId": connection.store.public_id,
        "platformProductId": sv.platform_product_id,
        "platformVariantId": sv.platform_variant_id,
        "platformSku": sv.sku,
        "cjProductId": variant.product.public_id,
        "cjVariantId": variant.public_id,
        "cjSku": variant.sku,
        "connectType": connection.how,
        "createDate": api_datetime(connection.created_at),
    }


@router.get("product/conn/connection", response=ConnectionPageOut)
def connection_list(
    request: HttpRequest,
    shop_id: str = Query("", alias="shopId"),
    platform_product_id: str = Query("", alias="platformProductId"),
    platform_variant_id: str = Query("", alias="platformVariantId"),
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(20, alias="pageSize"),
) -> dict[str, Any]:
    """The caller's connections (of one shop, platform product or variant), oldest first."""
    start, stop = _paging(page_num, page_size, MAX_CONNECTION_PAGE)
    store = _shop(request, shop_id) if shop_id.strip() else None
    connections = selectors.connection_list_scoped(
        merchant=request.auth.merchant,
        scope=selectors.store_scope_for_token(request.auth),
        store=store,
        platform_product_id=platform_product_id.strip(),
        platform_variant_id=platform_variant_id.strip(),
    )
    return {
        "pageNum": page_num,
        "pageSize": page_size,
        "total": connections.count(),
        "list": [_connection_out(c) for c in connections[start:stop]],
    }


class VariantPairIn(CamelSchema):
    platform_variant_id: str | int
    cj_variant_id: str | None = None
    cj_sku: str | None = None


class ConnectionIn(CamelSchema):
    shop_id: str | int | None = None
    platform_product_id: str | int | None = None
    cj_product_id: str | None = None
    platform_variant_id: str | int | None = None
    cj_variant_id: str | None = None
    cj_sku: str | None = None
    variant_list: list[VariantPairIn] | None = None
    default_area: Any = None
    logistics: Any = None


def _pairs(payload: ConnectionIn) -> list[VariantPairIn]:
    pairs = list(payload.variant_list or [])
    if payload.platform_variant_id is not None:
        pairs.append(
            VariantPairIn(
                platform_variant_id=payload.platform_variant_id,
                cj_variant_id=payload.cj_variant_id,
                cj_sku=payload.cj_sku,
            )
        )
    if not pairs:
        raise ParamError("variantList or platformVariantId is required")
    if len(pairs) > MAX_BATCH:
        raise ParamError(f"variantList takes at most {MAX_BATCH} items")
    return pairs


def _catalog_variant(pair: VariantPairIn, index: int, cj_product_id: str) -> Variant:
    vid, sku = (pair.cj_variant_id or "").strip(), (pair.cj_sku or "").strip()
    if not vid and not sku:
        raise ParamError(f"variantList[{index}].cjVariantId or cjSku is required")
    variant = variant_get(vid=vid) if vid else variant_get(sku=sku)
    if cj_product_id and variant.product.public_id != cj_product_id:
        raise ParamError(f"variantList[{index}]: the variant is not of cjProductId {cj_product_id}")
    return variant


@router.post("product/conn/connection", response=Literal[True])
def connection_create(request: HttpRequest, payload: ConnectionIn) -> bool:
    """Connect the shop's variants to Dropyard variants, all or nothing."""
    store = _shop(request, payload.shop_id)
    product_id = _text(payload.platform_product_id)
    cj_product_id = (payload.cj_product_id or "").strip()
    chosen: list[tuple[StoreVariant, Variant]] = []
    for index, pair in enumerate(_pairs(payload)):
        store_variant = selectors.store_variant_by_platform_id(
            store=store, platform_variant_id=_text(pair.platform_variant_id)
        )
        if product_id and store_variant.platform_product_id != product_id:
            raise ParamError(
                f"variantList[{index}]: the variant is not of platformProductId {product_id}"
            )
        chosen.append((store_variant, _catalog_variant(pair, index, cj_product_id)))
    with transaction.atomic():
        for store_variant, variant in chosen:
            try:
                services.connection_create(
                    merchant=request.auth.merchant,
                    store_variant=store_variant,
                    variant=variant,
                    actor=request.auth.user,
                    how=ConnectionHow.MANUAL,
                )
            except ConnectionInvalid as exc:
                raise ParamError(exc.message) from None
    return True


@router.delete("product/conn/connection", response=Literal[True])
def connection_delete(
    request: HttpRequest,
    shop_id: str = Query("", alias="shopId"),
    platform_variant_id: str = Query("", alias="platformVariantId"),
) -> bool:
    """Disconnect one of the shop's variants (its later orders are held)."""
    store = _shop(request, shop_id)
    if not platform_variant_id.strip():
        raise ParamError("platformVariantId is required")
    store_variant = selectors.store_variant_by_platform_id(
        store=store, platform_variant_id=platform_variant_id.strip()
    )
    connection = getattr(store_variant, "connection", None)
    if connection is None:
        raise ParamError(f"platformVariantId {store_variant.platform_variant_id} is not connected")
    services.connection_delete(
        merchant=request.auth.merchant, connection=connection, actor=request.auth.user
    )
    return True
