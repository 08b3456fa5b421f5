"""``product/listV2`` and ``product/variant/queryByVid``: catalog reads that report stock
(contract §2.2). They live in inventory, the lowest app that sees both products and stock.

Decisions where the contract is open (see also ``catalog.api``):
- listV2 counts at most 6000 matches (``totalRecords`` cap per SUM). ``relatedCategoryList``
  (shape ours: ``{categoryId, categoryName, count}``, level-3 categories) holds the top 10
  categories by match count over at most 200 matching products, in database order (exact
  for results up to 200; a sample beyond: one bounded aggregate, about a fifth of the
  search's own time at 200k products).
- The productFlag rules (trending, new, video, slow-moving) are
  ``catalog.selectors.product_flag_filters``. Stock figures are available shared stock
  (``inventory.selectors.stock_totals_by_product``).
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from dropyard.catalog.choices import ProductType
from dropyard.catalog.exceptions import VariantOffSale
from dropyard.catalog.models import Category
from dropyard.catalog.search import product_search_pending
from dropyard.catalog.selectors import (
    RELATED_CATEGORY_LIMIT,
    ProductSummary,
    product_flag_filters,
    product_summaries,
    related_categories,
    variant_get,
)
from dropyard.catalog.wire import (
    LISTV2_DEFAULT_SIZE,
    LISTV2_MAX_PAGE,
    UNVERIFIED,
    VERIFIED,
    ListV2SummaryOut,
    VariantOut,
    category_param,
    check_range,
    count_param,
    country_param,
    feature_flags,
    listv2_summary,
    page_count,
    price_param,
    sort_direction,
    stock_range_params,
    variant_out,
    visible_product,
)
from dropyard.core.api import CamelSchema, ParamError

from ..selectors import StockTotals, inventory_by_country, stock_totals_by_product

router = Router(tags=["Product"])

LISTV2_MAX_SIZE = 100
LISTV2_TOTAL_CAP = 6000
# listV2 orderBy (contract §5): 0 best match, 1 listing count, 2 price, 3 create time, 4 inventory
ORDER_BY_SORTS = {
    0: ("relevance", "relevance"),
    1: ("listings_asc", "listings"),
    2: ("price_asc", "price_desc"),
    3: ("oldest", "newest"),
    4: ("inventory_asc", "inventory"),
}


# --- product/listV2 (pagination shape b) --------------------------------------------------------


def _page_categories(products: list[ProductSummary]) -> list[dict]:
    """The categories of a page of products, most products first (then category pk)."""
    counts = Counter(p.path[2] for p in products)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return [
        {"categoryId": public_id, "categoryName": name, "count": n}
        for (_, public_id, name), n in ranked[:RELATED_CATEGORY_LIMIT]
    ]


class ListV2ProductOut(ListV2SummaryOut):
    """A listV2 product: the catalog's summary plus available stock."""

    warehouse_inventory_num: int
    total_verified_inventory: int
    total_un_verified_inventory: int
    verified_warehouse: int
    description: str | None = None


class RelatedCategoryOut(CamelSchema):
    category_id: str
    category_name: str
    count: int


class ListV2ContentOut(CamelSchema):
    product_list: list[ListV2ProductOut]
    related_category_list: list[RelatedCategoryOut]
    key_word: str
    key_word_old: str


class ListV2Out(CamelSchema):
    page_size: int
    page_number: int
    total_records: int
    total_pages: int
    content: list[ListV2ContentOut]


def _listv2_product(request: HttpRequest, product: ProductSummary, stock: StockTotals) -> dict:
    """One ``ListV2ProductOut`` as a plain dict keyed by the wire names (see ``_list_product``):
    the catalog's summary (``catalog.wire.listv2_summary``) plus the stock figures."""
    return {
        **listv2_summary(request, product),
        "warehouseInventoryNum": stock.total,
        "totalVerifiedInventory": stock.verified,
        "totalUnVerifiedInventory": stock.unverified,
        "verifiedWarehouse": UNVERIFIED if stock.unverified and not stock.verified else VERIFIED,
        "description": product.description_html,
    }


# listV2 productType (contract §5): 4 supplier, 10 video, 11 non-video.
LISTV2_SUPPLIER_TYPES = [ProductType.SUPPLIER, ProductType.SUPPLIER_SHIPPED]
LISTV2_PRODUCT_TYPES = {
    "4": {"product_types": LISTV2_SUPPLIER_TYPES},
    "10": {"has_video": True},
    "11": {"has_video": False},
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LISTV2_FLAGS = ("0", "1", "2", "3")  # contract §5 productFlag, rules in selectors
# Repeated (and/or comma-joined) list parameters; module-level because list defaults are mutable.
_LV2_CATEGORY_LIST = Query(None, alias="lv2categoryList")
_LV3_CATEGORY_LIST = Query(None, alias="lv3categoryList")


def _choice_param(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    value = value.strip()
    if value not in allowed:
        raise ParamError(f"{name} must be one of {', '.join(allowed)}")
    return value


def _epoch_ms_param(name: str, value: str | None) -> datetime | None:
    millis = count_param(name, value)
    if millis is None:
        return None
    try:
        return _EPOCH + timedelta(milliseconds=millis)  # exact: no float rounding
    except OverflowError:
        raise ParamError(f"{name} must be epoch milliseconds") from None


def _category_list_param(name: str, values: list[str] | None, level: int) -> list[int]:
    """Category ids of one level, repeated and/or comma-joined; unknown or wrong level → 1600300."""
    wanted = list(dict.fromkeys(p.strip() for v in values or [] for p in v.split(",") if p.strip()))
    if not wanted:
        return []
    found = {c.public_id: c for c in Category.objects.filter(public_id__in=wanted, level=level)}
    missing = [v for v in wanted if v not in found]
    if missing:
        raise ParamError(f"{name}: unknown level-{level} category {missing[0]}")
    return [found[v].pk for v in wanted]


def _supplier_param(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise ParamError("supplierId must be a supplier id (digits)")
    return int(value)


@router.get("product/listV2", response=ListV2Out)
def product_list_v2(
    request: HttpRequest,
    key_word: str = Query("", alias="keyWord"),
    page: int = Query(1),
    size: int = Query(LISTV2_DEFAULT_SIZE),
    category_id: str | None = Query(None, alias="categoryId"),
    lv2_category_list: list[str] | None = _LV2_CATEGORY_LIST,
    lv3_category_list: list[str] | None = _LV3_CATEGORY_LIST,
    country_code: str | None = Query(None, alias="countryCode"),
    start_sell_price: str | None = Query(None, alias="startSellPrice"),
    end_sell_price: str | None = Query(None, alias="endSellPrice"),
    product_type: str | None = Query(None, alias="productType"),
    product_flag: str | None = Query(None, alias="productFlag"),
    start_inventory: str | None = Query(None, alias="startWarehouseInventory"),
    end_inventory: str | None = Query(None, alias="endWarehouseInventory"),
    verified_warehouse: str | None = Query(None, alias="verifiedWarehouse"),
    time_start: str | None = Query(None, alias="timeStart"),
    time_end: str | None = Query(None, alias="timeEnd"),
    supplier_id: str | None = Query(None, alias="supplierId"),
    is_self_pickup: str | None = Query(None, alias="isSelfPickup"),
    order_by: int = Query(0, alias="orderBy"),
    sort: str | None = Query(None),
    features: str = Query(""),
) -> dict:
    """Product search: keyword, categories, warehouse country, price, type, flag, stock range,
    verified warehouse, creation time, supplier, self pickup; ordered by ``orderBy``/``sort``.

    ``totalRecords`` counts at most 6000 matches; pages beyond it are empty. Filters combine
    with AND; ``lv2categoryList`` and ``lv3categoryList`` together form one OR-ed category
    set. ``relatedCategoryList``: the level-3 categories of this page's products, most
    frequent first; with ``features=enable_category``, of a sample of the first matches
    (``selectors.related_categories``).
    """
    check_range("page", page, 1, LISTV2_MAX_PAGE)
    check_range("size", size, 1, LISTV2_MAX_SIZE)
    check_range("orderBy", order_by, 0, 4)
    descending = sort_direction(sort)
    low = price_param("startSellPrice", start_sell_price)
    high = price_param("endSellPrice", end_sell_price)
    if low is not None and high is not None and low > high:
        raise ParamError("startSellPrice must not exceed endSellPrice")
    filters: dict = {
        "category_id": category_param(category_id),
        "warehouse_country": country_param("countryCode", country_code),
        "min_price_minor": low,
        "max_price_minor": high,
    }
    kind = _choice_param("productType", product_type, tuple(LISTV2_PRODUCT_TYPES))
    if kind is not None:
        filters.update(LISTV2_PRODUCT_TYPES[kind])
    categories = _category_list_param("lv2categoryList", lv2_category_list, 2)
    categories += _category_list_param("lv3categoryList", lv3_category_list, 3)
    if categories:
        filters["category_any_of"] = categories
    filters.update(
        stock_range_params(
            ("startWarehouseInventory", start_inventory), ("endWarehouseInventory", end_inventory)
        )
    )
    created_from = _epoch_ms_param("timeStart", time_start)
    created_to = _epoch_ms_param("timeEnd", time_end)
    if created_from is not None and created_to is not None and created_from > created_to:
        raise ParamError("timeStart must not exceed timeEnd")
    if created_to is not None:
        # Inclusive to the millisecond: createAt is truncated to ms, created_at keeps µs.
        created_to += timedelta(microseconds=999)
    filters.update(created_from=created_from, created_to=created_to)
    verified = _choice_param("verifiedWarehouse", verified_warehouse, ("1", "2"))
    if verified is not None:
        filters["verified_warehouse"] = verified == str(VERIFIED)
    filters["supplier_id"] = _supplier_param(supplier_id)
    filters["self_pickup"] = _choice_param("isSelfPickup", is_self_pickup, ("0", "1")) == "1"
    flag = _choice_param("productFlag", product_flag, LISTV2_FLAGS)
    if flag is not None:
        for key, value in product_flag_filters(int(flag), now=timezone.now()).items():
            if key == "created_from" and filters.get(key) is not None:
                value = max(value, filters[key])  # "new" narrows timeStart, never widens it
            elif key == "min_available" and filters.get(key) is not None:
                value = max(value, filters[key])
            filters[key] = value
    offset = (page - 1) * size
    pending = product_search_pending(
        keyword=key_word,
        sort=ORDER_BY_SORTS[order_by][1 if descending else 0],
        offset=offset,
        limit=max(0, min(size, LISTV2_TOTAL_CAP - offset)),
        count_cap=LISTV2_TOTAL_CAP,
        **filters,
    )
    # The page's products and stock are read while a keyword search's count may still run
    # beside them (catalog.search_aside); the answer waits for it only after.
    description = "enable_description" in feature_flags(features)
    by_pk = product_summaries(pending.page_ids, description=description)
    stock = stock_totals_by_product(pending.page_ids)
    total, ids = pending.result()
    products = [by_pk[pk] for pk in ids if pk in by_pk]
    # The sampled aggregate costs a second full-text scan (as much as the count on a common
    # word), so by default the related categories come from the page itself, free; the
    # contract's features=enable_category asks for the sample over the first matches.
    if "enable_category" in feature_flags(features) and total:
        related = [
            {"categoryId": r.category.public_id, "categoryName": r.category.name, "count": r.count}
            for r in related_categories(keyword=key_word, **filters)
        ]
    else:
        related = _page_categories(products)
    return {
        "pageSize": size,
        "pageNumber": page,
        "totalRecords": total,
        "totalPages": page_count(total, size),
        "content": [
            {
                "productList": [
                    _listv2_product(request, p, stock.get(p.pk, StockTotals())) for p in products
                ],
                "relatedCategoryList": related,
                "keyWord": key_word,
                "keyWordOld": key_word,
            }
        ],
    }


# --- product/variant/queryByVid --------------------------------------------------------------


class InventoryStockOut(CamelSchema):
    stock_id: str
    inventory: int
    factory_inventory: int


class VariantInventoryOut(CamelSchema):
    country_code: str
    total_inventory: int
    cj_inventory: int
    factory_inventory: int
    verified_warehouse: int
    stock: list[InventoryStockOut]


class VariantByVidOut(VariantOut):
    inventories: list[VariantInventoryOut] | None = None


@router.get("product/variant/queryByVid", response=VariantByVidOut, exclude_none=True)
def variant_query_by_vid(
    request: HttpRequest, vid: str = Query(...), features: str = Query("")
) -> VariantByVidOut:
    """One on-sale variant; ``features=enable_inventory`` adds stock per warehouse country
    (the caller's own private stock counts in its platform figures)."""
    variant = variant_get(vid=vid, merchant=request.auth.merchant, for_merchant=True)
    product = visible_product(variant.product)
    if not variant.is_on_sale:
        raise VariantOffSale("The variant is off shelf")
    out = VariantByVidOut(**variant_out(request, variant, product).model_dump())
    if "enable_inventory" in feature_flags(features):
        out.inventories = [
            VariantInventoryOut(
                country_code=country.country,
                total_inventory=country.total,
                cj_inventory=country.platform,
                factory_inventory=country.factory,
                verified_warehouse=VERIFIED if country.verified else UNVERIFIED,
                stock=[
                    InventoryStockOut(
                        stock_id=entry.warehouse.public_id,
                        inventory=entry.platform,
                        factory_inventory=entry.factory,
                    )
                    for entry in country.warehouses
                ],
            )
            for country in inventory_by_country(variant=variant, merchant=request.auth.merchant)
        ]
    return out
