"""``product/list``, ``product/query`` and ``product/variant/query`` (contract §2.2).

Prices: a variant's ``variantSellPrice`` is what the calling merchant pays for it — its agreed
price from a price negotiation (``MerchantPrice``), else the list price — so it equals the unit
price its orders get. The product-level ``sellPrice`` (and ``product/list``) stay the public
list prices: they describe the catalog, which every merchant shares.
"""

import json

from django.http import HttpRequest
from ninja import Query, Router

from dropyard.core.api import CamelSchema, ParamError

from ..choices import ProductType
from ..models import Product
from ..search import product_search
from ..selectors import product_get, unit_prices_for, variant_list, visible_to
from ..wire import (
    LIST_MAX_PAGE_SIZE,
    OFF_SALE,
    ON_SALE,
    PAGE_SIZE_DEFAULT,
    PRODUCT_UNIT,
    VariantOut,
    category_param,
    check_range,
    country_param,
    image_url,
    main_image,
    on_sale_variants,
    price_param,
    product_images,
    product_lookup,
    sort_direction,
    stock_range_params,
    usd,
    variant_out,
    weight_range,
    wire_time,
)

router = Router(tags=["Product"])

# product/list orderBy names.
LIST_ORDER_BY = {"createAt": ("oldest", "newest"), "listedNum": ("listings_asc", "listings")}


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
        "productImage": main_image(request, product),
        "productWeight": weight_range(on_sale_variants(product)),
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
    start_inventory: str | None = Query(None, alias="startInventory"),
    end_inventory: str | None = Query(None, alias="endInventory"),
    order_by: str | None = Query(None, alias="orderBy"),
    sort: str | None = Query(None),
) -> dict:
    """Older paged product list (pageSize ≤ 200); on-sale products only.

    ``countryCode``: products with shared stock in an active warehouse of that country;
    ``startInventory`` / ``endInventory``: bounds (inclusive) on the product's available
    shared stock. Both read the stock aggregates, not the stock rows."""
    if page_num < 1:
        raise ParamError("pageNum must be at least 1")
    check_range("pageSize", page_size, 1, LIST_MAX_PAGE_SIZE)
    if product_type and product_type not in ProductType.values:
        raise ParamError(f"productType must be one of {', '.join(ProductType.values)}")
    if order_by and order_by not in LIST_ORDER_BY:
        raise ParamError("orderBy must be createAt or listedNum")
    descending = sort_direction(sort)
    stock_range = stock_range_params(
        ("startInventory", start_inventory), ("endInventory", end_inventory)
    )
    if pid or product_sku:
        lookup = {"public_id": pid} if pid else {"sku": product_sku}
        found = list(
            Product.objects.filter(
                visible_to(request.auth.merchant), **lookup, is_on_sale=True
            ).values_list("public_id", flat=True)
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
        category_id=category_param(category_id),
        warehouse_country=country_param("countryCode", country_code),
        min_price_minor=price_param("minPrice", min_price),
        max_price_minor=price_param("maxPrice", max_price),
        product_type=product_type or None,
        **stock_range,
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
    product = product_lookup(pid, product_sku, variant_sku, merchant=request.auth.merchant)
    variants = on_sale_variants(product)
    keys = list(dict.fromkeys(k for v in variants for k in v.options))
    images = [image_url(request, image) for image in product_images(product)]
    suggested = [v.suggested_price_minor for v in variants]
    return ProductDetailOut(
        pid=product.public_id,
        product_name=json.dumps([product.name], ensure_ascii=False),
        product_name_en=product.name,
        product_sku=product.sku,
        product_image=json.dumps(images),
        big_image=images[0] if images else "",
        product_weight=weight_range(variants),
        pack_weight=weight_range(variants),
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
        variants=_variants_out(request, variants, product),
    )


@router.get("product/variant/query", response=list[VariantOut])
def variant_query(
    request: HttpRequest,
    pid: str | None = Query(None),
    product_sku: str | None = Query(None, alias="productSku"),
    variant_sku: str | None = Query(None, alias="variantSku"),
) -> list[VariantOut]:
    """All on-sale variants of an on-sale product."""
    product = product_lookup(pid, product_sku, variant_sku, merchant=request.auth.merchant)
    return _variants_out(request, variant_list(product=product, on_sale_only=True), product)


def _variants_out(request: HttpRequest, variants: list, product: Product) -> list[VariantOut]:
    """The variants with ``variantSellPrice`` = what the calling merchant pays (its agreed
    price from a price negotiation, else the list price; one query for all)."""
    prices = unit_prices_for(getattr(request.auth, "merchant", None), variants)
    return [variant_out(request, v, product, unit_price_minor=prices[v.pk]) for v in variants]
