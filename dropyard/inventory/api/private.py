"""Developer API: the merchant's private inventory (contract §2.3,
``product/stock/privateInventory/*``; all POST with JSON bodies, all scoped to the token's
merchant: another merchant's product, SKU, warehouse or order matches nothing and answers an
empty page / list, never its rows).

Unknown extra body fields (the contract lists ``pack``, ``serviceProd``, ``pod``, ``orderCode``
… that Dropyard has no use for) are accepted and ignored. Paged answers are
``{pageNum, pageSize, total, list}`` (``pageNum`` ≥ 1, ``pageSize`` 1–100, default 20).

Quantities (the contract's ``client*Quantity`` names; units, per SKU and warehouse):

- ``clientAvailableQuantity`` = on hand − reserved (free to ship);
- ``clientLockQuantity`` = reserved (promised to the merchant's unshipped orders);
- ``clientUseQuantity`` = units shipped out of this private stock so far (SHIPMENT movements);
- ``clientTransitQuantity`` = 0: a private-inventory purchase moves units that are already in
  the warehouse on payment, so nothing is in transit (bulk "ZF" orders travelling to a
  warehouse are orders, not stock, until they arrive);
- ``clientDisputeQuantity``, ``clientFreezeQuantity`` = 0: Dropyard has no disputed or frozen
  stock;
- ``totalQuantity`` (beyond the contract) = on hand.

Ids: ``productId`` = pid, ``variantId`` = vid, ``storageId`` = warehouse id (as
``warehouse/detail``), all strings. Batch ``unitPrice`` is an integer in USD **minor units**
(cents), as the contract says only "integer"; ``unitPriceAmount`` gives the same as the
decimal string every other amount uses. Dates are ``yyyy-MM-dd HH:mm:ss`` UTC.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import AfterValidator, Field, create_model

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog import selectors as catalog_selectors
from dropyard.catalog.exceptions import ProductNotFound
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.money import Money

from .. import private_selectors as selectors
from ..models import Stock, StockMovement

router = Router(tags=["Private inventory"])

PAGE_SIZE_MAX = 100
PAGE_NUM_MAX = 1_000_000
TEXT_MAX = 200
IDS_MAX = 100


# NUL bytes and lone surrogates are refused by the API's JSON parser (the input boundary).
Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(str.strip)]


class PageIn(CamelSchema):
    page_num: int = Field(1, ge=1, le=PAGE_NUM_MAX)
    page_size: int = Field(20, ge=1, le=PAGE_SIZE_MAX)


def _page_schema(name: str, item: type[CamelSchema]) -> type[CamelSchema]:
    """The answer schema ``{pageNum, pageSize, total, list: [item]}`` (for openapi.json)."""
    return create_model(
        name,
        __base__=CamelSchema,
        page_num=(int, ...),
        page_size=(int, ...),
        total=(int, ...),
        list=(list[item], ...),  # type: ignore[valid-type]
    )


def _page(params: PageIn, total: int, items: list[Any]) -> dict[str, Any]:
    return {
        "pageNum": params.page_num,
        "pageSize": params.page_size,
        "total": total,
        "list": items,
    }


def _slice(params: PageIn) -> tuple[int, int]:
    return (params.page_num - 1) * params.page_size, params.page_size


def _merchant(request: HttpRequest) -> MerchantAccount:
    return request.auth.merchant  # type: ignore[attr-defined]


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


# --- querySpuPage -------------------------------------------------------------------------------


class SpuPageIn(PageIn):
    keyword: Text = ""
    available_stock: int | bool | None = None
    product_id: Text = ""
    sku: Text = ""
    sort_field: Text = ""
    sort_type: Text = ""


class SpuOut(CamelSchema):
    product_id: str
    product_sku: str
    product_name: str
    variant_count: int
    storage_count: int
    total_quantity: int
    client_available_quantity: int
    client_lock_quantity: int
    update_time: str | None


SpuPageOut = _page_schema("SpuPageOut", SpuOut)


@router.post("product/stock/privateInventory/querySpuPage", response=SpuPageOut)
def private_spu_page(request: HttpRequest, payload: SpuPageIn) -> dict[str, Any]:
    """The merchant's private stock per product (SPU) with totals over variants and
    warehouses. ``availableStock`` 1/true keeps products with available units; ``sortField``
    one of availableStock, totalStock, lockStock, updateTime (default), sku; ``sortType``
    asc / desc (default)."""
    sort = selectors.SPU_SORTS.get(payload.sort_field.lower() or "updatetime")
    if sort is None:
        raise ParamError(
            "sortField must be one of availableStock, totalStock, lockStock, updateTime, sku"
        )
    if payload.sort_type.lower() not in ("", "asc", "desc"):
        raise ParamError("sortType must be asc or desc")
    offset, limit = _slice(payload)
    total, rows = selectors.private_spu_page(
        merchant=_merchant(request),
        keyword=payload.keyword,
        product_pid=payload.product_id,
        sku=payload.sku,
        available_only=bool(payload.available_stock),
        sort=sort,
        descending=payload.sort_type.lower() != "asc",
        offset=offset,
        limit=limit,
    )
    return _page(
        payload,
        total,
        [
            {
                "productId": r.product.public_id,
                "productSku": r.product.sku,
                "productName": r.product.name,
                "variantCount": r.variants,
                "storageCount": r.warehouses,
                "totalQuantity": r.on_hand,
                "clientAvailableQuantity": r.available,
                "clientLockQuantity": r.reserved,
                "updateTime": _time(r.updated),
            }
            for r in rows
        ],
    )


# --- querySkuListByProductId --------------------------------------------------------------------


class SkuListIn(CamelSchema):
    product_id: Text
    keyword: Text = ""
    variant_id: Text = ""


class SkuOut(CamelSchema):
    product_id: str
    variant_id: str
    sku: str
    variant_name: str
    storage_count: int
    total_quantity: int
    client_available_quantity: int
    client_lock_quantity: int


def _variant_name(options: dict[str, Any]) -> str:
    return " / ".join(str(v) for v in (options or {}).values())


@router.post("product/stock/privateInventory/querySkuListByProductId", response=list[SkuOut])
def private_sku_list(request: HttpRequest, payload: SkuListIn) -> list[dict[str, Any]]:
    """The merchant's private SKUs of one product, with totals over its warehouses; an empty
    list when the merchant holds none of it (also for another merchant's stock)."""
    if not payload.product_id:
        raise ParamError("productId is required")
    try:
        product = catalog_selectors.product_get(pid=payload.product_id)
    except ProductNotFound:
        return []
    rows = selectors.private_sku_list(
        merchant=_merchant(request),
        product=product,
        keyword=payload.keyword,
        vid=payload.variant_id,
    )
    return [
        {
            "productId": product.public_id,
            "variantId": r.variant.public_id,
            "sku": r.variant.sku,
            "variantName": _variant_name(r.variant.options),
            "storageCount": r.warehouses,
            "totalQuantity": r.on_hand,
            "clientAvailableQuantity": r.available,
            "clientLockQuantity": r.reserved,
        }
        for r in rows
    ]


# --- querySkuDetailPage -------------------------------------------------------------------------


class SkuDetailPageIn(PageIn):
    sku: Text = ""
    product_id: Text = ""
    storage_ids: list[Text] = Field(default_factory=list, max_length=IDS_MAX)
    sku_list: list[Text] = Field(default_factory=list, max_length=IDS_MAX)
    keyword: Text = ""


class SkuDetailOut(CamelSchema):
    product_id: str
    product_name: str
    variant_id: str
    sku: str
    storage_id: str
    storage_name: str
    country_code: str
    total_quantity: int
    client_transit_quantity: int
    client_available_quantity: int
    client_lock_quantity: int
    client_use_quantity: int
    client_dispute_quantity: int
    client_freeze_quantity: int
    update_time: str | None


SkuDetailPageOut = _page_schema("SkuDetailPageOut", SkuDetailOut)


def _stock_out(stock: Stock, used: int) -> dict[str, Any]:
    variant, warehouse = stock.variant, stock.warehouse
    return {
        "productId": variant.product.public_id,
        "productName": variant.product.name,
        "variantId": variant.public_id,
        "sku": variant.sku,
        "storageId": warehouse.public_id,
        "storageName": warehouse.name,
        "countryCode": warehouse.country,
        "totalQuantity": stock.on_hand,
        "clientTransitQuantity": 0,
        "clientAvailableQuantity": stock.available,
        "clientLockQuantity": stock.reserved,
        "clientUseQuantity": used,
        "clientDisputeQuantity": 0,
        "clientFreezeQuantity": 0,
        "updateTime": _time(stock.updated_at),
    }


@router.post("product/stock/privateInventory/querySkuDetailPage", response=SkuDetailPageOut)
def private_sku_detail_page(request: HttpRequest, payload: SkuDetailPageIn) -> dict[str, Any]:
    """The merchant's private stock per SKU and warehouse (storage), by SKU then warehouse
    code; filters combine (``sku`` exact variant or product SKU, ``skuList`` variant SKUs,
    ``storageIds`` warehouse ids, ``productId`` pid)."""
    offset, limit = _slice(payload)
    total, rows = selectors.private_stock_rows(
        merchant=_merchant(request),
        sku=payload.sku,
        product_pid=payload.product_id,
        storage_ids=[s for s in payload.storage_ids if s],
        skus=[s for s in payload.sku_list if s],
        keyword=payload.keyword,
        offset=offset,
        limit=limit,
    )
    return _page(payload, total, [_stock_out(r.stock, r.used) for r in rows])


# --- querySkuDetailListBySku --------------------------------------------------------------------


class BatchesIn(CamelSchema):
    sku: Text
    storage_ids: list[Text] = Field(default_factory=list, max_length=IDS_MAX)


class BatchOut(CamelSchema):
    batch_id: str
    batch_type: str
    order_code: str
    inbound_time: str | None
    quantity: int
    remaining_quantity: int
    unit_price: int
    unit_price_amount: str
    currency: str


class SkuBatchesOut(CamelSchema):
    variant_id: str
    sku: str
    storage_id: str
    storage_name: str
    total_quantity: int
    client_available_quantity: int
    client_lock_quantity: int
    batches: list[BatchOut]


@router.post("product/stock/privateInventory/querySkuDetailListBySku", response=list[SkuBatchesOut])
def private_batches(request: HttpRequest, payload: BatchesIn) -> list[dict[str, Any]]:
    """Per warehouse holding the merchant's private stock of ``sku`` (a variant SKU, or a
    product SKU for all its variants): its inbound batches oldest first — purchases, receipts,
    returns, positive adjustments — with the units still on hand first in first out
    (Σ remainingQuantity = totalQuantity). ``unitPrice``: USD minor units (0 when the inbound
    carried no price: receipts, returns, adjustments)."""
    if not payload.sku:
        raise ParamError("sku is required")
    rows = selectors.private_batches(
        merchant=_merchant(request),
        sku=payload.sku,
        storage_ids=[s for s in payload.storage_ids if s],
    )
    return [
        {
            "variantId": stock.variant.public_id,
            "sku": stock.variant.sku,
            "storageId": stock.warehouse.public_id,
            "storageName": stock.warehouse.name,
            "totalQuantity": stock.on_hand,
            "clientAvailableQuantity": stock.available,
            "clientLockQuantity": stock.reserved,
            "batches": [
                {
                    "batchId": str(b.movement.pk),
                    "batchType": b.movement.kind,
                    "orderCode": b.movement.reference,
                    "inboundTime": _time(b.movement.created_at),
                    "quantity": b.quantity,
                    "remainingQuantity": b.remaining,
                    "unitPrice": b.unit_price_minor,
                    "unitPriceAmount": Money(b.unit_price_minor, "USD").wire(),
                    "currency": "USD",
                }
                for b in batches
            ],
        }
        for stock, batches in rows
    ]


# --- querySkuFlowByCondition --------------------------------------------------------------------


class FlowIn(PageIn):
    sku: Text = ""
    order_code: Text = ""
    storage_id: Text = ""


class FlowOut(CamelSchema):
    flow_id: str
    flow_type: str
    flow_type_name: str
    order_code: str
    sku: str
    variant_id: str
    storage_id: str
    storage_name: str
    quantity: int
    lock_quantity: int
    after_quantity: int
    after_lock_quantity: int
    remark: str
    create_time: str | None


FlowPageOut = _page_schema("FlowPageOut", FlowOut)


def _flow_out(m: StockMovement) -> dict[str, Any]:
    return {
        "flowId": str(m.pk),
        "flowType": m.kind,
        "flowTypeName": m.get_kind_display(),
        "orderCode": m.reference,
        "sku": m.stock.variant.sku,
        "variantId": m.stock.variant.public_id,
        "storageId": m.stock.warehouse.public_id,
        "storageName": m.stock.warehouse.name,
        "quantity": m.on_hand_delta,
        "lockQuantity": m.reserved_delta,
        "afterQuantity": m.on_hand_after,
        "afterLockQuantity": m.reserved_after,
        "remark": m.reason,
        "createTime": _time(m.created_at),
    }


@router.post("product/stock/privateInventory/querySkuFlowByCondition", response=FlowPageOut)
def private_flow(request: HttpRequest, payload: FlowIn) -> dict[str, Any]:
    """The ledger of the merchant's private stock, newest first: one row per movement with its
    signed on-hand (``quantity``) and reserved (``lockQuantity``) change and the quantities
    after it. ``orderCode`` filters by the order / purchase order code the movement names."""
    offset, limit = _slice(payload)
    qs = selectors.private_flow(
        merchant=_merchant(request),
        sku=payload.sku,
        reference=payload.order_code,
        storage_id=payload.storage_id,
    )
    total = qs.count()
    return _page(payload, total, [_flow_out(m) for m in qs[offset : offset + limit]])
