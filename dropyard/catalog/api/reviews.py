"""``product/productComments``: a product's reviews, in the alternate envelope (contract §2.2,
§3 quirks)."""

from datetime import UTC, datetime

from django.http import HttpRequest
from ninja import Query, Router

from dropyard.core.api import (
    CamelSchema,
    ParamError,
    api_datetime,
    legacy_envelope_openapi,
    legacy_success,
)

from ..selectors import product_get, review_list
from ..wire import LIST_MAX_PAGE_SIZE, PAGE_SIZE_DEFAULT, check_range

router = Router(tags=["Product"])


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


@router.get("product/productComments", openapi_extra=legacy_envelope_openapi(CommentPageOut))
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
    check_range("pageSize", page_size, 1, LIST_MAX_PAGE_SIZE)
    if score is not None:
        check_range("score", score, 1, 5)
    product = product_get(pid=pid, merchant=request.auth.merchant, for_merchant=True)
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
