"""The Sandbox shop's JSON API, which Dropyard's ``SandboxStoreAdapter`` calls over HTTP.

Every call presents the store's access token in ``X-Sandbox-Access-Token`` (compared in
constant time with the shop's stored hash): none or a wrong one → 401, an unknown shop → 404,
and nothing is read or written. Bodies are JSON; refusals answer 400 ``{"error": ...}``.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dropyard.core.access import public_view

from . import shop as shop_side
from .models import SandboxShop

TOKEN_HEADER = "X-Sandbox-Access-Token"
MAX_BODY = 1024 * 1024


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _authenticated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the shop from the URL and check the token; the view gets the shop."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        shop = SandboxShop.objects.filter(slug=slug).first()
        if shop is None:
            return _error("shop not found", 404)
        if not shop_side.token_matches(shop, request.headers.get(TOKEN_HEADER, "")):
            return _error("invalid access token", 401)
        try:
            return view(request, shop, **kwargs)
        except shop_side.ShopRefused as exc:
            return _error(exc.message)

    return wrapper


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise shop_side.ShopRefused("body too large")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise shop_side.ShopRefused("body is not JSON") from None
    if not isinstance(data, dict):
        raise shop_side.ShopRefused("body must be a JSON object")
    return data


@public_view
@require_GET
@_authenticated
def shop_info(request: HttpRequest, shop: SandboxShop) -> HttpResponse:
    """The shop's name and currency (the adapter's ``authorize`` check)."""
    return JsonResponse({"slug": shop.slug, "name": shop.name, "currency": shop.currency})


@public_view
@csrf_exempt
@_authenticated
def products(request: HttpRequest, shop: SandboxShop) -> HttpResponse:
    """GET: one page of listed products (``?page=``, 50 a page, ``next_page`` empty on the
    last). POST: create or update a product with its variants (``shop.product_upsert``)."""
    if request.method == "POST":
        product = shop_side.product_upsert(shop=shop, data=_json_body(request))
        product.refresh_from_db()
        return JsonResponse(shop_side.product_data(product), status=201)
    if request.method != "GET":
        return _error("method not allowed", 405)
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return _error("page must be a number")
    paginator = Paginator(shop_side.listed_products(shop), shop_side.PAGE_SIZE)
    if number > paginator.num_pages:
        return JsonResponse({"products": [], "next_page": ""})
    page = paginator.page(number)
    return JsonResponse(
        {
            "products": [shop_side.product_data(p) for p in page.object_list],
            "next_page": str(number + 1) if page.has_next() else "",
        }
    )


@public_view
@csrf_exempt
@require_POST
@_authenticated
def variant_update(request: HttpRequest, shop: SandboxShop, variant_id: int) -> HttpResponse:
    """Set a variant's ``price_minor`` and/or ``available`` (absent or null: unchanged)."""
    data = _json_body(request)
    available = data.get("available")
    if available is not None and (isinstance(available, bool) or not isinstance(available, int)):
        return _error("available must be a whole number")
    variant = shop_side.variant_update(
        shop=shop, variant_id=variant_id, price_minor=data.get("price_minor"), available=available
    )
    return JsonResponse({"id": str(variant.pk), "price_minor": variant.price_minor})


@public_view
@require_GET
@_authenticated
def orders(request: HttpRequest, shop: SandboxShop) -> HttpResponse:
    """Orders changed after ``?since=`` (a cursor from an earlier answer; empty: all), oldest
    change first, ``?limit=`` ≤ 50; ``cursor`` is where the next call resumes."""
    try:
        limit = min(shop_side.PAGE_SIZE, max(1, int(request.GET.get("limit", shop_side.PAGE_SIZE))))
    except ValueError:
        return _error("limit must be a number")
    items, cursor = shop_side.orders_since(
        shop=shop, cursor=request.GET.get("since", ""), limit=limit
    )
    return JsonResponse({"orders": items, "cursor": cursor, "has_more": len(items) == limit})


@public_view
@csrf_exempt
@require_POST
@_authenticated
def fulfillment_create(request: HttpRequest, shop: SandboxShop, order_id: int) -> HttpResponse:
    """Record a shipment of the order: ``carrier``, ``tracking_number``, ``tracking_url``."""
    order = shop_side.fulfillment_record(shop=shop, order_id=order_id, data=_json_body(request))
    return JsonResponse(
        {"id": shop_side.fulfillment_id(order), "tracking_number": order.tracking_number}
    )


@public_view
@csrf_exempt
@require_POST
@_authenticated
def fulfillment_deliver(
    request: HttpRequest, shop: SandboxShop, order_id: int, fulfillment_id: str
) -> HttpResponse:
    """Mark a fulfillment delivered (idempotent); 400 for an unknown or unfulfilled one."""
    order = shop_side.fulfillment_deliver(
        shop=shop, order_id=order_id, fulfillment=fulfillment_id[:40]
    )
    return JsonResponse({"id": shop_side.fulfillment_id(order), "delivered": True})
