"""My Products over the API: ``product/addToMyProduct`` and ``product/myProduct/query``."""

from django.http import HttpRequest
from ninja import Query, Router

from dropyard.core.api import CamelSchema, ParamError

from ..models import MyProduct
from ..selectors import my_product_list, product_get
from ..services import my_product_add
from ..wire import (
    LISTV2_DEFAULT_SIZE,
    LISTV2_MAX_PAGE,
    OFF_SALE,
    ON_SALE,
    category_param,
    check_range,
    epoch_ms,
    main_image,
    page_count,
    usd,
)

router = Router(tags=["Product"])

MY_PRODUCTS_MAX_SIZE = 100


class AddToMyProductIn(CamelSchema):
    product_id: str


@router.post("product/addToMyProduct", response=bool)
def add_to_my_product(request: HttpRequest, payload: AddToMyProductIn) -> bool:
    """Save an on-sale product to the caller's My Products (again: no change); data = true."""
    if not payload.product_id.strip():
        raise ParamError("productId is required")
    product = product_get(
        pid=payload.product_id.strip(), merchant=request.auth.merchant, for_merchant=True
    )
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
        big_image=main_image(request, product),
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
    check_range("page", page, 1, LISTV2_MAX_PAGE)
    check_range("size", size, 1, MY_PRODUCTS_MAX_SIZE)
    saved = my_product_list(
        merchant=request.auth.merchant, keyword=keyword, category_id=category_param(category_id)
    )
    total = saved.count()
    rows = saved[(page - 1) * size : page * size]
    return MyProductPageOut(
        page_size=size,
        page_number=page,
        total_records=total,
        total_pages=page_count(total, size),
        content=[_my_product_out(request, row) for row in rows],
    )
