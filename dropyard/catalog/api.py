"""Developer API for the catalog (CJ API 2.0 paths; mounted at the API root in config/api.py).

Contract §2.2. Wire conventions: ids are strings; prices are USD decimal strings with two
decimals (``"12.50"``, from ``Money(...).wire()``); weights in grams, dimensions in mm;
``createTime``-style dates are ``yyyy-MM-dd HH:mm:ss`` in UTC, listV2's ``createAt`` epoch ms.

Decisions where the contract is open:
- ``sellPrice`` of a product is its lowest on-sale variant price (``min_price_minor``).
- Reads of a product that is off sale answer 1602002; a variant addressed directly (vid or
  ``variantSku``) that is off sale answers 1602003. Product responses therefore always carry
  ``status``/``saleStatus`` "3" (on sale) and list only on-sale variants. My Products still
  lists saved products that went off sale, with ``saleStatus`` "2".
- listV2 counts at most 6000 matches (``totalRecords`` cap per SUM). ``relatedCategoryList``
  (shape ours: ``{categoryId, categoryName, count}``, level-3 categories) holds the top 10
  categories by match count over at most 200 matching products, in database order (exact
  for results up to 200; a sample beyond: one bounded aggregate, about a fifth of the
  search's own time at 200k products). ``product/productComments`` uses the alternate
  ``{success: true, code: 0}`` envelope (§3 quirks).
- ``listedNum`` is the number of merchants who saved the product to My Products (our
  "listings"; no store-listing data exists yet); ``isVideo`` / productType 10–11 /
  productFlag 2 use ``Product.video_url``. The productFlag rules (trending, new, video,
  slow-moving) are ``selectors.product_flag_filters``. Still constants, for want of data:
  ``addMarkStatus`` 0 (no free-shipping mark), ``nowPrice``/``discountPrice`` = ``sellPrice``
  (no discounts), My Products' ``listedShopNum`` 0 (no store connections yet).
"""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from dropyard.core.api import CamelSchema, ParamError, api_datetime, legacy_success
from dropyard.core.money import Money
from dropyard.inventory.selectors import inventory_by_country

from .choices import ProductType
from .exceptions import ProductOffSale, VariantOffSale
from .models import Category, MyProduct, Product, Variant
from .search import product_search
from .selectors import (
    RELATED_CATEGORY_LIMIT,
    RelatedCategory,
    StockTotals,
    category_get,
    category_tree,
    my_product_list,
    product_flag_filters,
    product_get,
    related_categories,
    review_list,
    stock_totals_by_product,
    variant_get,
    variant_list,
)
from .services import my_product_add

router = Router(tags=["Product"])

ON_SALE = "3"  # contract §5: status/saleStatus 3 = on sale
OFF_SALE = "2"
VERIFIED = 1  # contract §5: verifiedWarehouse 1 verified / 2 unverified
UNVERIFIED = 2
PRODUCT_UNIT = "unit(s)"
LIST_MAX_PAGE_SIZE = 200
LISTV2_MAX_PAGE = 1000
LISTV2_MAX_SIZE = 100
LISTV2_DEFAULT_SIZE = 10
LISTV2_TOTAL_CAP = 6000
PAGE_SIZE_DEFAULT = 20
MY_PRODUCTS_MAX_SIZE = 100
# listV2 orderBy (contract §5): 0 best match, 1 listing count, 2 price, 3 create time, 4 inventory
ORDER_BY_SORTS = {
    0: ("relevance", "relevance"),
    1: ("listings_asc", "listings"),
    2: ("price_asc", "price_desc"),
    3: ("oldest", "newest"),
    4: ("inventory_asc", "inventory"),
}
# product/list orderBy names.
LIST_ORDER_BY = {"createAt": ("oldest", "newest"), "listedNum": ("listings_asc", "listings")}


# --- Wire helpers -------------------------------------------------------------------------------


def usd(amount_minor: int) -> str:
    return Money(int(amount_minor), "USD").wire()


def wire_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _image_url(request: HttpRequest, image) -> str:
    return request.build_absolute_uri(image.image.url) if image is not None and image.image else ""


def _images(product: Product) -> list:
    return sorted(product.images.all(), key=lambda i: (i.position, i.pk))


def _main_image(request: HttpRequest, product: Product) -> str:
    images = _images(product)
    return _image_url(request, images[0]) if images else ""


def _category_path(product: Product) -> tuple[Category | None, Category | None, Category]:
    third = product.category
    second = third.parent
    return (second.parent if second else None), second, third


def _weights(variants: list[Variant]) -> str:
    weights = sorted({v.weight_g for v in variants})
    if not weights:
        return "0"
    return str(weights[0]) if len(weights) == 1 else f"{weights[0]}-{weights[-1]}"


def _on_sale_variants(product: Product) -> list[Variant]:
    return [v for v in product.variants.all() if v.is_on_sale]


def _price_param(name: str, value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ParamError(f"{name} must be a decimal amount") from None
    if not amount.is_finite() or amount < 0:
        raise ParamError(f"{name} must be a decimal amount ≥ 0")
    return Money.from_decimal(amount).amount_minor


def _category_param(category_id: str | None) -> int | None:
    if not category_id:
        return None
    category = category_get(public_id=category_id)
    if category is None:
        raise ParamError("categoryId: unknown category")
    return category.pk


def _country_param(name: str, value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise ParamError(f"{name} must be an ISO 3166-1 alpha-2 country code")
    return value


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ParamError(f"{name} must be between {low} and {high}")


def _page_categories(products: list) -> list[RelatedCategory]:
    """The categories of a page of products, most products first (then category pk)."""
    counts = Counter(p.category_id for p in products if p.category_id is not None)
    by_pk = {p.category_id: p.category for p in products if p.category_id is not None}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [RelatedCategory(by_pk[pk], n) for pk, n in ranked[:RELATED_CATEGORY_LIMIT]]


def _features(value: str) -> set[str]:
    """The ``features`` flags, sent comma-joined (as CJ's clients do)."""
    return {part.strip() for part in value.split(",") if part.strip()}


def _sort_direction(sort: str | None) -> bool:
    """True for descending (the default)."""
    if sort in (None, ""):
        return True
    if sort not in ("asc", "desc"):
        raise ParamError("sort must be asc or desc")
    return sort == "desc"


def _visible_product(product: Product) -> Product:
    if not product.is_on_sale:
        raise ProductOffSale("The product is off shelf")
    return product


def _lookup(pid: str | None, product_sku: str | None, variant_sku: str | None) -> Product:
    """The product addressed by pid / productSku / variantSku (exactly one), on sale."""
    given = [v for v in (pid, product_sku, variant_sku) if v]
    if len(given) != 1:
        raise ParamError("one of pid, productSku or variantSku is required")
    product = _visible_product(product_get(pid=pid, sku=product_sku, variant_sku=variant_sku))
    if variant_sku:
        variant = next(v for v in product.variants.all() if v.sku == variant_sku)
        if not variant.is_on_sale:
            raise VariantOffSale("The variant is off shelf")
    return product


# --- product/getCategory ------------------------------------------------------------------------


class CategoryThirdOut(CamelSchema):
    category_id: str
    category_name: str


class CategorySecondOut(CamelSchema):
    category_second_id: str
    category_second_name: str
    category_second_list: list[CategoryThirdOut]


class CategoryFirstOut(CamelSchema):
    category_first_id: str
    category_first_name: str
    category_first_list: list[CategorySecondOut]


@router.get("product/getCategory", response=list[CategoryFirstOut])
def get_category(request: HttpRequest) -> list[CategoryFirstOut]:
    """The three-level category tree (ids are the ``categoryId`` filter values)."""
    return [
        CategoryFirstOut(
            category_first_id=first.category.public_id,
            category_first_name=first.category.name,
            category_first_list=[
                CategorySecondOut(
                    category_second_id=second.category.public_id,
                    category_second_name=second.category.name,
                    category_second_list=[
                        CategoryThirdOut(
                            category_id=third.category.public_id,
                            category_name=third.category.name,
                        )
                        for third in second.children
                    ],
                )
                for second in first.children
            ],
        )
        for first in category_tree()
    ]


# --- product/list (pagination shape a) ----------------------------------------------------------


class ListProductOut(CamelSchema):
    pid: str
    product_name: str  # a JSON-array string, as the contract shows it
    product_name_en: str
    product_sku: str
    product_image: str
    product_weight: str
    product_type: str
    product_unit: str
    category_id: str
    category_name: str
    remark: str
    add_mark_status: int
    is_free_shipping: bool
    listed_num: int
    supplier_name: str
    supplier_id: str
    sell_price: str
    create_time: str
    is_video: int
    sale_status: str
    customization_version: int
    delivery_time: str | None


class ProductListOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[ListProductOut]


def _list_product(request: HttpRequest, product: Product) -> dict:
    """One ``ListProductOut`` as a plain dict keyed by the wire (camelCase) names.

    Plain dicts, not schema instances: ninja validates the response once, and a dict keyed by
    alias is read by key. Nested schema instances would be re-validated through ninja's
    ``DjangoGetter``, whose alias lookup misses on a model and falls back to Django template
    variable resolution for every field (most of the list's time in a profile).
    """
    return {
        "pid": product.public_id,
        "productName": json.dumps([product.name], ensure_ascii=False),
        "productNameEn": product.name,
        "productSku": product.sku,
        "productImage": _main_image(request, product),
        "productWeight": _weights(_on_sale_variants(product)),
        "productType": product.product_type,
        "productUnit": PRODUCT_UNIT,
        "categoryId": product.category.public_id,
        "categoryName": product.category.name,
        "remark": "",
        "addMarkStatus": 0,
        "isFreeShipping": False,
        "listedNum": product.listed_count,
        "supplierName": product.supplier.company_name if product.supplier else "",
        "supplierId": str(product.supplier.pk) if product.supplier else "",
        "sellPrice": usd(product.min_price_minor),
        "createTime": wire_time(product.created_at),
        "isVideo": 1 if product.video_url else 0,
        "saleStatus": ON_SALE if product.is_on_sale else OFF_SALE,
        "customizationVersion": 0,
        "deliveryTime": None,
    }


@router.get("product/list", response=ProductListOut)
def product_list(
    request: HttpRequest,
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(PAGE_SIZE_DEFAULT, alias="pageSize"),
    category_id: str | None = Query(None, alias="categoryId"),
    pid: str | None = Query(None),
    product_sku: str | None = Query(None, alias="productSku"),
    product_name: str | None = Query(None, alias="productName"),
    product_name_en: str | None = Query(None, alias="productNameEn"),
    product_type: str | None = Query(None, alias="productType"),
    country_code: str | None = Query(None, alias="countryCode"),
    min_price: str | None = Query(None, alias="minPrice"),
    max_price: str | None = Query(None, alias="maxPrice"),
    order_by: str | None = Query(None, alias="orderBy"),
    sort: str | None = Query(None),
) -> dict:
    """Older paged product list (pageSize ≤ 200); on-sale products only."""
    if page_num < 1:
        raise ParamError("pageNum must be at least 1")
    _check_range("pageSize", page_size, 1, LIST_MAX_PAGE_SIZE)
    if product_type and product_type not in ProductType.values:
        raise ParamError(f"productType must be one of {', '.join(ProductType.values)}")
    if order_by and order_by not in LIST_ORDER_BY:
        raise ParamError("orderBy must be createAt or listedNum")
    descending = _sort_direction(sort)
    if pid or product_sku:
        lookup = {"public_id": pid} if pid else {"sku": product_sku}
        found = list(
            Product.objects.filter(**lookup, is_on_sale=True).values_list("public_id", flat=True)
        )
        products = [product_get(pid=found[0])] if found and page_num == 1 else []
        return {
            "pageNum": page_num,
            "pageSize": page_size,
            "total": len(found),
            "list": [_list_product(request, p) for p in products],
        }
    sort_key = "newest"
    if order_by:
        sort_key = LIST_ORDER_BY[order_by][1 if descending else 0]
    total, products = product_search(
        keyword=product_name_en or product_name or "",
        category_id=_category_param(category_id),
        warehouse_country=_country_param("countryCode", country_code),
        min_price_minor=_price_param("minPrice", min_price),
        max_price_minor=_price_param("maxPrice", max_price),
        product_type=product_type or None,
        sort=sort_key if order_by or not (product_name_en or product_name) else "relevance",
        offset=(page_num - 1) * page_size,
        limit=page_size,
    )
    return {
        "pageNum": page_num,
        "pageSize": page_size,
        "total": total,
        "list": [_list_product(request, p) for p in products],
    }


# --- product/listV2 (pagination shape b) --------------------------------------------------------


class ListV2ProductOut(CamelSchema):
    id: str
    name_en: str
    sku: str
    spu: str
    big_image: str
    sell_price: str
    now_price: str
    discount_price: str
    listed_num: int
    category_id: str
    one_category_id: str
    one_category_name: str
    two_category_id: str
    two_category_name: str
    three_category_name: str
    add_mark_status: int
    is_video: int
    product_type: str
    supplier_name: str
    create_at: int
    warehouse_inventory_num: int
    total_verified_inventory: int
    total_un_verified_inventory: int
    verified_warehouse: int
    sale_status: str
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


def _listv2_product(
    request: HttpRequest, product: Product, stock: StockTotals, *, description: bool
) -> dict:
    """One ``ListV2ProductOut`` as a plain dict keyed by the wire names (see ``_list_product``)."""
    first, second, third = _category_path(product)
    price = usd(product.min_price_minor)
    return {
        "id": product.public_id,
        "nameEn": product.name,
        "sku": product.sku,
        "spu": product.sku,
        "bigImage": _main_image(request, product),
        "sellPrice": price,
        "nowPrice": price,
        "discountPrice": price,
        "listedNum": product.listed_count,
        "categoryId": third.public_id,
        "oneCategoryId": first.public_id if first else "",
        "oneCategoryName": first.name if first else "",
        "twoCategoryId": second.public_id if second else "",
        "twoCategoryName": second.name if second else "",
        "threeCategoryName": third.name,
        "addMarkStatus": 0,
        "isVideo": 1 if product.video_url else 0,
        "productType": product.product_type,
        "supplierName": product.supplier.company_name if product.supplier else "",
        "createAt": epoch_ms(product.created_at),
        "warehouseInventoryNum": stock.total,
        "totalVerifiedInventory": stock.verified,
        "totalUnVerifiedInventory": stock.unverified,
        "verifiedWarehouse": UNVERIFIED if stock.unverified and not stock.verified else VERIFIED,
        "saleStatus": ON_SALE if product.is_on_sale else OFF_SALE,
        "description": product.description_html if description else None,
    }


def _total_pages(total: int, size: int) -> int:
    return (total + size - 1) // size


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


def _count_param(name: str, value: str | None) -> int | None:
    """A non-negative integer parameter (digits only), or None when absent."""
    if value is None or value == "":
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise ParamError(f"{name} must be a whole number ≥ 0")
    return int(value)


def _epoch_ms_param(name: str, value: str | None) -> datetime | None:
    millis = _count_param(name, value)
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
    _check_range("page", page, 1, LISTV2_MAX_PAGE)
    _check_range("size", size, 1, LISTV2_MAX_SIZE)
    _check_range("orderBy", order_by, 0, 4)
    descending = _sort_direction(sort)
    low = _price_param("startSellPrice", start_sell_price)
    high = _price_param("endSellPrice", end_sell_price)
    if low is not None and high is not None and low > high:
        raise ParamError("startSellPrice must not exceed endSellPrice")
    filters: dict = {
        "category_id": _category_param(category_id),
        "warehouse_country": _country_param("countryCode", country_code),
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
    min_stock = _count_param("startWarehouseInventory", start_inventory)
    max_stock = _count_param("endWarehouseInventory", end_inventory)
    if min_stock is not None and max_stock is not None and min_stock > max_stock:
        raise ParamError("startWarehouseInventory must not exceed endWarehouseInventory")
    filters.update(min_available=min_stock, max_available=max_stock)
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
    total, products = product_search(
        keyword=key_word,
        sort=ORDER_BY_SORTS[order_by][1 if descending else 0],
        offset=offset,
        limit=max(0, min(size, LISTV2_TOTAL_CAP - offset)),
        count_cap=LISTV2_TOTAL_CAP,
        **filters,
    )
    # The sampled aggregate costs a second full-text scan (as much as the count on a common
    # word), so by default the related categories come from the page itself, free; the
    # contract's features=enable_category asks for the sample over the first matches.
    if "enable_category" in _features(features) and total:
        related = related_categories(keyword=key_word, **filters)
    else:
        related = _page_categories(products)
    stock = stock_totals_by_product([p.pk for p in products])
    description = "enable_description" in _features(features)
    return {
        "pageSize": size,
        "pageNumber": page,
        "totalRecords": total,
        "totalPages": _total_pages(total, size),
        "content": [
            {
                "productList": [
                    _listv2_product(
                        request, p, stock.get(p.pk, StockTotals()), description=description
                    )
                    for p in products
                ],
                "relatedCategoryList": [
                    {
                        "categoryId": r.category.public_id,
                        "categoryName": r.category.name,
                        "count": r.count,
                    }
                    for r in related
                ],
                "keyWord": key_word,
                "keyWordOld": key_word,
            }
        ],
    }


# --- Variants -----------------------------------------------------------------------------------


class VariantOut(CamelSchema):
    vid: str
    pid: str
    variant_name: str
    variant_name_en: str
    variant_image: str
    variant_sku: str
    variant_unit: str
    variant_property: str
    variant_key: str
    variant_length: int
    variant_width: int
    variant_height: int
    variant_volume: int
    variant_weight: int
    variant_sell_price: str
    variant_sug_sell_price: str
    variant_standard: str
    barcode: str
    create_time: str


def _variant_out(request: HttpRequest, variant: Variant, product: Product) -> VariantOut:
    name = f"{product.name} {' / '.join(str(v) for v in variant.options.values())}".strip()
    return VariantOut(
        vid=variant.public_id,
        pid=product.public_id,
        variant_name=name,
        variant_name_en=name,
        variant_image=_image_url(request, variant.image),
        variant_sku=variant.sku,
        variant_unit=PRODUCT_UNIT,
        variant_property=json.dumps(
            [{"name": k, "value": v} for k, v in variant.options.items()], ensure_ascii=False
        ),
        variant_key="-".join(str(v) for v in variant.options.values()),
        variant_length=variant.length_mm,
        variant_width=variant.width_mm,
        variant_height=variant.height_mm,
        variant_volume=variant.volume_mm3,
        variant_weight=variant.weight_g,
        variant_sell_price=usd(variant.price_minor),
        variant_sug_sell_price=usd(variant.suggested_price_minor),
        variant_standard=(
            f"long={variant.length_mm},width={variant.width_mm},height={variant.height_mm}"
        ),
        barcode=variant.barcode,
        create_time=wire_time(variant.created_at),
    )


# --- product/query ------------------------------------------------------------------------------


class ProductDetailOut(CamelSchema):
    pid: str
    product_name: str
    product_name_en: str
    product_sku: str
    product_image: str  # a JSON-array string of image URLs
    big_image: str
    product_weight: str
    pack_weight: str
    product_type: str
    product_unit: str
    category_id: str
    category_name: str
    entry_code: str
    entry_name: str
    entry_name_en: str
    material_name: str
    material_name_en: str
    packing_name: str
    packing_name_en: str
    product_key: str
    product_key_en: str
    product_pro_set: list[str]
    product_pro_en_set: list[str]
    add_mark_status: int
    description: str
    sell_price: str
    suggest_sell_price: str
    creater_time: str
    product_video: list[str]
    status: str
    listed_num: int
    supplier_name: str
    supplier_id: str
    customization_version: int
    variants: list[VariantOut]


@router.get("product/query", response=ProductDetailOut)
def product_query(
    request: HttpRequest,
    pid: str | None = Query(None),
    product_sku: str | None = Query(None, alias="productSku"),
    variant_sku: str | None = Query(None, alias="variantSku"),
    features: str = Query(""),
) -> ProductDetailOut:
    """One on-sale product with its on-sale variants (see the module note on off-sale items)."""
    product = _lookup(pid, product_sku, variant_sku)
    variants = _on_sale_variants(product)
    keys = list(dict.fromkeys(k for v in variants for k in v.options))
    images = [_image_url(request, image) for image in _images(product)]
    suggested = [v.suggested_price_minor for v in variants]
    return ProductDetailOut(
        pid=product.public_id,
        product_name=json.dumps([product.name], ensure_ascii=False),
        product_name_en=product.name,
        product_sku=product.sku,
        product_image=json.dumps(images),
        big_image=images[0] if images else "",
        product_weight=_weights(variants),
        pack_weight=_weights(variants),
        product_type=product.product_type,
        product_unit=PRODUCT_UNIT,
        category_id=product.category.public_id,
        category_name=product.category.name,
        entry_code=product.hs_code,
        entry_name=product.hs_code,
        entry_name_en=product.hs_code,
        material_name=product.material,
        material_name_en=product.material,
        packing_name=product.packing,
        packing_name_en=product.packing,
        product_key="-".join(keys),
        product_key_en="-".join(keys),
        product_pro_set=list(product.properties),
        product_pro_en_set=list(product.properties),
        add_mark_status=0,
        description=product.description_html,
        sell_price=usd(product.min_price_minor),
        suggest_sell_price=usd(min(suggested) if suggested else 0),
        creater_time=wire_time(product.created_at),
        product_video=[product.video_url] if product.video_url else [],
        status=ON_SALE,
        listed_num=product.listed_count,
        supplier_name=product.supplier.company_name if product.supplier else "",
        supplier_id=str(product.supplier.pk) if product.supplier else "",
        customization_version=0,
        variants=[_variant_out(request, v, product) for v in variants],
    )


@router.get("product/variant/query", response=list[VariantOut])
def variant_query(
    request: HttpRequest,
    pid: str | None = Query(None),
    product_sku: str | None = Query(None, alias="productSku"),
    variant_sku: str | None = Query(None, alias="variantSku"),
) -> list[VariantOut]:
    """All on-sale variants of an on-sale product."""
    product = _lookup(pid, product_sku, variant_sku)
    return [
        _variant_out(request, v, product) for v in variant_list(product=product, on_sale_only=True)
    ]


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
    variant = variant_get(vid=vid)
    product = _visible_product(variant.product)
    if not variant.is_on_sale:
        raise VariantOffSale("The variant is off shelf")
    out = VariantByVidOut(**_variant_out(request, variant, product).model_dump())
    if "enable_inventory" in _features(features):
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


# --- product/productComments (alternate envelope) -----------------------------------------------


class CommentOut(CamelSchema):
    pid: str
    comment_id: str
    comment: str
    comment_urls: list[str]
    comment_user: str
    score: int
    country_code: str
    comment_date: str
    flag_icon_url: str


class CommentPageOut(CamelSchema):
    page_num: int
    page_size: int
    total: int
    list: list[CommentOut]


@router.get("product/productComments")
def product_comments(
    request: HttpRequest,
    pid: str = Query(...),
    score: int | None = Query(None),
    page_num: int = Query(1, alias="pageNum"),
    page_size: int = Query(PAGE_SIZE_DEFAULT, alias="pageSize"),
):
    """A product's reviews, newest first, paged (shape a), in the ``{success, code: 0}`` body."""
    if page_num < 1:
        raise ParamError("pageNum must be at least 1")
    _check_range("pageSize", page_size, 1, LIST_MAX_PAGE_SIZE)
    if score is not None:
        _check_range("score", score, 1, 5)
    product = product_get(pid=pid)
    reviews = review_list(product=product, score=score)
    total = reviews.count()
    page = reviews[(page_num - 1) * page_size : page_num * page_size]
    return legacy_success(
        CommentPageOut(
            page_num=page_num,
            page_size=page_size,
            total=total,
            list=[
                CommentOut(
                    pid=product.public_id,
                    comment_id=review.public_id,
                    comment=review.text,
                    comment_urls=[
                        request.build_absolute_uri(p.image.url) for p in review.photos.all()
                    ],
                    comment_user=review.reviewer_name,
                    score=review.rating,
                    country_code=review.country,
                    comment_date=api_datetime(
                        datetime.combine(review.reviewed_on, datetime.min.time(), tzinfo=UTC)
                    ),
                    flag_icon_url="",
                )
                for review in page
            ],
        )
    )


# --- My Products --------------------------------------------------------------------------------


class AddToMyProductIn(CamelSchema):
    product_id: str


@router.post("product/addToMyProduct", response=bool)
def add_to_my_product(request: HttpRequest, payload: AddToMyProductIn) -> bool:
    """Save an on-sale product to the caller's My Products (again: no change); data = true."""
    if not payload.product_id.strip():
        raise ParamError("productId is required")
    product = product_get(pid=payload.product_id.strip())
    my_product_add(merchant=request.auth.merchant, product=product, actor=None)
    return True


class MyProductOut(CamelSchema):
    product_id: str
    product_name: str
    name_en: str
    sku: str
    big_image: str
    total_price: str
    product_type: str
    listed_shop_num: int
    create_at: int
    sale_status: str
    trial_freight: str | None


class MyProductPageOut(CamelSchema):
    page_size: int
    page_number: int
    total_records: int
    total_pages: int
    content: list[MyProductOut]


def _my_product_out(request: HttpRequest, saved: MyProduct) -> MyProductOut:
    product = saved.product
    return MyProductOut(
        product_id=product.public_id,
        product_name=product.name,
        name_en=product.name,
        sku=product.sku,
        big_image=_main_image(request, product),
        total_price=usd(product.min_price_minor),
        product_type=product.product_type,
        listed_shop_num=0,
        create_at=epoch_ms(saved.created_at),
        sale_status=ON_SALE if product.is_on_sale else OFF_SALE,
        trial_freight=None,
    )


@router.get("product/myProduct/query", response=MyProductPageOut)
def my_product_query(
    request: HttpRequest,
    keyword: str = Query(""),
    category_id: str | None = Query(None, alias="categoryId"),
    page: int = Query(1),
    size: int = Query(LISTV2_DEFAULT_SIZE),
) -> MyProductPageOut:
    """The caller's saved products, newest saved first (only the caller's account)."""
    _check_range("page", page, 1, LISTV2_MAX_PAGE)
    _check_range("size", size, 1, MY_PRODUCTS_MAX_SIZE)
    saved = my_product_list(
        merchant=request.auth.merchant, keyword=keyword, category_id=_category_param(category_id)
    )
    total = saved.count()
    rows = saved[(page - 1) * size : page * size]
    return MyProductPageOut(
        page_size=size,
        page_number=page,
        total_records=total,
        total_pages=_total_pages(total, size),
        content=[_my_product_out(request, row) for row in rows],
    )
