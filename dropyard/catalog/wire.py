"""The wire form of catalog objects in the developer API (contract §2.2), shared by catalog's own
API and by the inventory operations that add stock to a product list or a variant.

Ids are strings; prices are USD decimal strings with two decimals (``"12.50"``, from
``Money(...).wire()``); weights in grams, dimensions in mm; ``createTime``-style dates are
``yyyy-MM-dd HH:mm:ss`` in UTC, listV2's ``createAt`` epoch ms. Parameter parsers raise
``ParamError`` (1600300) naming the parameter.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest

from dropyard.accounts.models import MerchantAccount
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.money import Money

from .exceptions import ProductOffSale, VariantOffSale
from .models import Product, ProductImage, Variant
from .selectors import ProductSummary, category_get, product_get

ON_SALE = "3"  # contract §5: status/saleStatus 3 = on sale
OFF_SALE = "2"
VERIFIED = 1  # contract §5: verifiedWarehouse 1 verified / 2 unverified
UNVERIFIED = 2
PRODUCT_UNIT = "unit(s)"
LIST_MAX_PAGE_SIZE = 200
LISTV2_MAX_PAGE = 1000
LISTV2_DEFAULT_SIZE = 10
PAGE_SIZE_DEFAULT = 20
# Stock bounds compare with a 64-bit column (a larger number is refused, not a 500).
MAX_STOCK_BOUND = 2**63 - 1


def usd(amount_minor: int) -> str:
    return Money(int(amount_minor), "USD").wire()


def wire_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def stored_image_url(request: HttpRequest, name: str) -> str:
    """The absolute URL of a product picture by its storage name ("" for none)."""
    storage = ProductImage._meta.get_field("image").storage
    return request.build_absolute_uri(storage.url(name)) if name else ""


def image_url(request: HttpRequest, image) -> str:
    return stored_image_url(request, image.image.name) if image is not None and image.image else ""


def product_images(product: Product) -> list:
    return sorted(product.images.all(), key=lambda i: (i.position, i.pk))


def main_image(request: HttpRequest, product: Product) -> str:
    images = product_images(product)
    return image_url(request, images[0]) if images else ""


def summary_of(product: Product) -> ProductSummary:
    """``ProductSummary`` of a loaded product (its category path, supplier and pictures are
    read through the relations, prefetched or not)."""
    third = product.category
    second = third.parent
    first = second.parent if second else None
    images = product_images(product)
    return ProductSummary(
        pk=product.pk,
        public_id=product.public_id,
        name=product.name,
        sku=product.sku,
        image=(images[0].image.name or "") if images else "",
        min_price_minor=product.min_price_minor,
        listed_count=product.listed_count,
        path=(
            (first.pk, first.public_id, first.name) if first else None,
            (second.pk, second.public_id, second.name) if second else None,
            (third.pk, third.public_id, third.name),
        ),
        has_video=bool(product.video_url),
        product_type=product.product_type,
        supplier_name=product.supplier.company_name if product.supplier else "",
        created_at=product.created_at,
        is_on_sale=product.is_on_sale,
        description_html=product.description_html,
    )


def weight_range(variants: list[Variant]) -> str:
    weights = sorted({v.weight_g for v in variants})
    if not weights:
        return "0"
    return str(weights[0]) if len(weights) == 1 else f"{weights[0]}-{weights[-1]}"


def on_sale_variants(product: Product) -> list[Variant]:
    return [v for v in product.variants.all() if v.is_on_sale]


# No price or amount a client sends reaches a trillion; a larger one ("1e999999") is refused
# before the decimal arithmetic (which cannot round it) and the bigint columns (which cannot hold
# it in minor units).
AMOUNT_LIMIT = Decimal(10) ** 12


def price_param(name: str, value: str | None, currency: str = "USD") -> int | None:
    """A decimal amount ≥ 0 and below ``AMOUNT_LIMIT`` (string) as minor units of ``currency``;
    None when absent."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ParamError(f"{name} must be a decimal amount") from None
    if not amount.is_finite() or amount < 0:
        raise ParamError(f"{name} must be a decimal amount ≥ 0")
    if amount >= AMOUNT_LIMIT:
        raise ParamError(f"{name} must be less than {AMOUNT_LIMIT:,.0f}")
    return Money.from_decimal(amount, currency).amount_minor


def category_param(category_id: str | None) -> int | None:
    if not category_id:
        return None
    category = category_get(public_id=category_id)
    if category is None:
        raise ParamError("categoryId: unknown category")
    return category.pk


def country_param(name: str, value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise ParamError(f"{name} must be an ISO 3166-1 alpha-2 country code")
    return value


def count_param(name: str, value: str | None) -> int | None:
    """A non-negative integer parameter (digits only), or None when absent."""
    if value is None or value == "":
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise ParamError(f"{name} must be a whole number ≥ 0")
    return int(value)


def stock_range_params(low: tuple[str, str | None], high: tuple[str, str | None]) -> dict:
    """``min_available`` / ``max_available`` for the search from a (name, value) pair of stock
    bounds (listV2 start/endWarehouseInventory, product/list start/endInventory)."""
    minimum = count_param(*low)
    maximum = count_param(*high)
    for (name, _), bound in ((low, minimum), (high, maximum)):
        if bound is not None:
            check_range(name, bound, 0, MAX_STOCK_BOUND)
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ParamError(f"{low[0]} must not exceed {high[0]}")
    return {"min_available": minimum, "max_available": maximum}


def check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ParamError(f"{name} must be between {low} and {high}")


def feature_flags(value: str) -> set[str]:
    """The ``features`` flags, sent comma-joined (as CJ's clients do)."""
    return {part.strip() for part in value.split(",") if part.strip()}


def sort_direction(sort: str | None) -> bool:
    """True for descending (the default)."""
    if sort in (None, ""):
        return True
    if sort not in ("asc", "desc"):
        raise ParamError("sort must be asc or desc")
    return sort == "desc"


def visible_product(product: Product) -> Product:
    if not product.is_on_sale:
        raise ProductOffSale("The product is off shelf")
    return product


def product_lookup(
    pid: str | None,
    product_sku: str | None,
    variant_sku: str | None,
    *,
    merchant: MerchantAccount | None,
) -> Product:
    """The product addressed by pid / productSku / variantSku (exactly one), on sale, and not
    private to another merchant than ``merchant``."""
    given = [v for v in (pid, product_sku, variant_sku) if v]
    if len(given) != 1:
        raise ParamError("one of pid, productSku or variantSku is required")
    product = visible_product(
        product_get(
            pid=pid,
            sku=product_sku,
            variant_sku=variant_sku,
            merchant=merchant,
            for_merchant=True,
        )
    )
    if variant_sku:
        variant = next(v for v in product.variants.all() if v.sku == variant_sku)
        if not variant.is_on_sale:
            raise VariantOffSale("The variant is off shelf")
    return product


class ListV2SummaryOut(CamelSchema):
    """The stock-free fields of a listV2 product entry (``listv2_summary``)."""

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
    sale_status: str


def listv2_summary(request: HttpRequest, product: ProductSummary) -> dict:
    """The stock-free fields of a listV2 product entry, keyed by wire names (plain dict: see
    ``catalog.api.products._list_product``); listV2 adds stock, search by image a similarity."""
    first, second, third = product.path
    price = usd(product.min_price_minor)
    return {
        "id": product.public_id,
        "nameEn": product.name,
        "sku": product.sku,
        "spu": product.sku,
        "bigImage": stored_image_url(request, product.image),
        "sellPrice": price,
        "nowPrice": price,
        "discountPrice": price,
        "listedNum": product.listed_count,
        "categoryId": third[1],
        "oneCategoryId": first[1] if first else "",
        "oneCategoryName": first[2] if first else "",
        "twoCategoryId": second[1] if second else "",
        "twoCategoryName": second[2] if second else "",
        "threeCategoryName": third[2],
        "addMarkStatus": 0,
        "isVideo": 1 if product.has_video else 0,
        "productType": product.product_type,
        "supplierName": product.supplier_name,
        "createAt": epoch_ms(product.created_at),
        "saleStatus": ON_SALE if product.is_on_sale else OFF_SALE,
    }


def page_count(total: int, size: int) -> int:
    return (total + size - 1) // size


# --- Variants ----------------------------------------------------------------------------------


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


def variant_out(
    request: HttpRequest, variant: Variant, product: Product, *, unit_price_minor: int | None = None
) -> VariantOut:
    """One variant on the wire; ``unit_price_minor`` (what the calling merchant pays, from
    ``selectors.unit_prices_for``) replaces the list price as ``variantSellPrice``."""
    name = f"{product.name} {' / '.join(str(v) for v in variant.options.values())}".strip()
    return VariantOut(
        vid=variant.public_id,
        pid=product.public_id,
        variant_name=name,
        variant_name_en=name,
        variant_image=image_url(request, variant.image),
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
        variant_sell_price=usd(
            variant.price_minor if unit_price_minor is None else unit_price_minor
        ),
        variant_sug_sell_price=usd(variant.suggested_price_minor),
        variant_standard=(
            f"long={variant.length_mm},width={variant.width_mm},height={variant.height_mm}"
        ),
        barcode=variant.barcode,
        create_time=wire_time(variant.created_at),
    )
