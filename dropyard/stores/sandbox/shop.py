"""The Sandbox shop's side of things: its catalog, shopper orders, the fulfillments Dropyard
pushes back, the API's token check, the JSON shapes its API and webhooks speak, and webhook
signing.

These are the platform's own writes (what Shopify does on its servers), so they are not audited
in Dropyard's audit log; Dropyard's side of every exchange is (stores services).
"""

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from dropyard.core.enqueue import on_commit_enqueue

from .. import crypto
from .models import (
    SandboxOrderStatus,
    SandboxShop,
    SandboxShopOrder,
    SandboxShopOrderLine,
    SandboxShopProduct,
    SandboxShopVariant,
)

HMAC_HEADER = "X-Sandbox-Hmac-Sha256"
WEBHOOK_ID_HEADER = "X-Sandbox-Webhook-Id"
TOPIC_HEADER = "X-Sandbox-Topic"
SHOP_HEADER = "X-Sandbox-Shop"
TOPIC_ORDER_CREATE = "orders/create"
TOPIC_ORDER_UPDATE = "orders/updated"
PAGE_SIZE = 50


class ShopRefused(Exception):
    """The shop refuses the request (bad input); ``message`` is shown to the caller."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(shop: SandboxShop, presented: str) -> bool:
    """Whether ``presented`` is the shop's access token (constant-time over the hashes)."""
    return bool(presented) and hmac.compare_digest(token_hash(presented), shop.token_hash)


def sign(secret: str, raw_body: bytes) -> str:
    """base64(HMAC-SHA256(secret, raw body)): the webhook signature, as Shopify's."""
    return base64.b64encode(hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()).decode()


@transaction.atomic
def shop_create(*, name: str, currency: str) -> tuple[SandboxShop, str, str]:
    """A new shop with a fresh access token and webhook secret; returns ``(shop, token,
    secret)`` (the plaintexts are given once; the shop keeps a hash and an encrypted secret)."""
    token, secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    base = slugify(name)[:40].strip("-") or "shop"
    shop = SandboxShop.objects.create(
        slug=f"{base}-{secrets.token_hex(4)}",
        name=name[:120],
        currency=currency,
        token_hash=token_hash(token),
        webhook_secret_encrypted=crypto.encrypt({"secret": secret}),
    )
    return shop, token, secret


def webhook_secret(shop: SandboxShop) -> str:
    return str(crypto.decrypt(shop.webhook_secret_encrypted)["secret"])


# --- Catalog ----------------------------------------------------------------------------------


def _text(data: Mapping[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ShopRefused(f"{key} must be text")
    value = value.strip()
    if required and not value:
        raise ShopRefused(f"{key} is required")
    if len(value) > limit:
        raise ShopRefused(f"{key} is longer than {limit} characters")
    return value


def _price(data: Mapping[str, Any]) -> int:
    value = data.get("price_minor")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ShopRefused("price_minor must be a whole number ≥ 0")
    return value


@transaction.atomic
def product_upsert(*, shop: SandboxShop, data: Mapping[str, Any]) -> SandboxShopProduct:
    """Create the product (or update ``data["id"]``) with its variants, matched by SKU.

    ``data``: ``title``, ``description``, ``image_url``, ``variants`` = [{``sku``, ``title``,
    ``price_minor``, ``image_url``}]. A SKU already on another product of the shop is refused
    (``ShopRefused``, nothing written). Variants not in ``data`` stay.
    """
    variants = data.get("variants")
    if not isinstance(variants, list) or not variants:
        raise ShopRefused("variants must be a non-empty list")
    fields = {
        "title": _text(data, "title", 255, required=True),
        "description": _text(data, "description", 20000),
        "image_url": _text(data, "image_url", 500),
    }
    product_id = str(data.get("id") or "")
    if product_id:
        try:
            product = SandboxShopProduct.objects.select_for_update().get(
                shop=shop, pk=int(product_id)
            )
        except (ValueError, SandboxShopProduct.DoesNotExist):
            raise ShopRefused(f"product {product_id} not found") from None
        for key, value in fields.items():
            setattr(product, key, value)
        product.listed = True
        product.save()
    else:
        product = SandboxShopProduct.objects.create(shop=shop, **fields)
    for item in variants:
        if not isinstance(item, dict):
            raise ShopRefused("each variant must be an object")
        sku = _text(item, "sku", 100, required=True)
        values = {
            "title": _text(item, "title", 255),
            "price_minor": _price(item),
            "image_url": _text(item, "image_url", 500),
        }
        existing = SandboxShopVariant.objects.filter(shop=shop, sku=sku).first()
        if existing is not None and existing.product_id != product.pk:
            raise ShopRefused(f"sku {sku} belongs to another product")
        SandboxShopVariant.objects.update_or_create(
            shop=shop, sku=sku, defaults={"product": product, **values}
        )
    return product


@transaction.atomic
def variant_update(
    *, shop: SandboxShop, variant_id: int, price_minor: int | None, available: int | None
) -> SandboxShopVariant:
    """Set a variant's price and/or available quantity (None leaves it)."""
    try:
        variant = SandboxShopVariant.objects.select_for_update().get(shop=shop, pk=variant_id)
    except SandboxShopVariant.DoesNotExist:
        raise ShopRefused(f"variant {variant_id} not found") from None
    if price_minor is not None:
        variant.price_minor = _price({"price_minor": price_minor})
    if available is not None:
        variant.available = available
    variant.save()
    return variant


def listed_products(shop: SandboxShop) -> QuerySet[SandboxShopProduct]:
    return SandboxShopProduct.objects.filter(shop=shop, listed=True).prefetch_related("variants")


def product_data(product: SandboxShopProduct) -> dict[str, Any]:
    return {
        "id": str(product.pk),
        "title": product.title,
        "description": product.description,
        "image_url": product.image_url,
        "variants": [
            {
                "id": str(v.pk),
                "sku": v.sku,
                "title": v.title,
                "price_minor": v.price_minor,
                "image_url": v.image_url,
                "available": v.available,
            }
            for v in product.variants.all()
        ],
    }


# --- Orders -----------------------------------------------------------------------------------


@transaction.atomic
def order_place(
    *, shop: SandboxShop, quantities: Mapping[int, int], customer: Mapping[str, str]
) -> SandboxShopOrder:
    """A paid shopper order of ``quantities`` (variant pk → quantity ≥ 1) of listed products,
    priced now; the shop's webhook ``orders/create`` is sent after the commit.

    ``customer``: email, customer_name, address, address2, city, province, zip, country_code,
    phone (validated by the storefront form). Refused (``ShopRefused``) for an empty cart or a
    variant that is not listed any more."""
    if not quantities or any(q < 1 for q in quantities.values()):
        raise ShopRefused("Your cart is empty.")
    locked = SandboxShop.objects.select_for_update().get(pk=shop.pk)
    variants = {
        v.pk: v
        for v in SandboxShopVariant.objects.select_related("product").filter(
            shop=locked, pk__in=list(quantities), product__listed=True
        )
    }
    if set(variants) != set(quantities):
        raise ShopRefused("An item in your cart is no longer for sale.")
    number = locked.next_order_number
    locked.next_order_number = number + 1
    locked.last_change_seq += 1
    locked.save(update_fields=["next_order_number", "last_change_seq", "updated_at"])
    order = SandboxShopOrder.objects.create(
        shop=locked,
        number=number,
        change_seq=locked.last_change_seq,
        token=secrets.token_urlsafe(24),
        total_minor=sum(variants[pk].price_minor * q for pk, q in quantities.items()),
        **{key: customer.get(key, "") for key in _CUSTOMER_FIELDS},
    )
    SandboxShopOrderLine.objects.bulk_create(
        SandboxShopOrderLine(
            order=order,
            variant=variants[pk],
            sku=variants[pk].sku,
            title=str(variants[pk]),
            quantity=quantity,
            unit_price_minor=variants[pk].price_minor,
        )
        for pk, quantity in sorted(quantities.items())
    )
    webhook_send_on_commit(order=order, topic=TOPIC_ORDER_CREATE)
    return order


_CUSTOMER_FIELDS = (
    "email",
    "customer_name",
    "address",
    "address2",
    "city",
    "province",
    "zip",
    "country_code",
    "phone",
)


def webhook_send_on_commit(*, order: SandboxShopOrder, topic: str) -> None:
    on_commit_enqueue(
        "dropyard.stores.sandbox.tasks.sandbox_webhook_send", order_id=order.pk, topic=topic
    )


def _changed(order: SandboxShopOrder) -> None:
    """Give ``order`` the shop's next change number; the shop row stays locked until commit,
    so changes commit in that order (the orders cursor relies on it)."""
    shop = SandboxShop.objects.select_for_update().get(pk=order.shop_id)
    shop.last_change_seq += 1
    shop.save(update_fields=["last_change_seq", "updated_at"])
    order.change_seq = shop.last_change_seq


@transaction.atomic
def order_cancel(*, shop: SandboxShop, order_id: int) -> SandboxShopOrder:
    """Cancel an unfulfilled order on the shop; ``orders/updated`` goes to Dropyard."""
    order = SandboxShopOrder.objects.select_for_update().get(shop=shop, pk=order_id)
    if order.fulfilled_at is not None:
        raise ShopRefused("the order is already fulfilled")
    if order.status != SandboxOrderStatus.CANCELLED:
        order.status = SandboxOrderStatus.CANCELLED
        _changed(order)
        order.save()
        webhook_send_on_commit(order=order, topic=TOPIC_ORDER_UPDATE)
    return order


@transaction.atomic
def fulfillment_record(
    *, shop: SandboxShop, order_id: int, data: Mapping[str, Any]
) -> SandboxShopOrder:
    """Record the carrier and tracking Dropyard pushes for an order (a later push replaces
    the tracking: the parcel was re-shipped). A cancelled order is refused."""
    try:
        order = SandboxShopOrder.objects.select_for_update().get(shop=shop, pk=order_id)
    except SandboxShopOrder.DoesNotExist:
        raise ShopRefused(f"order {order_id} not found") from None
    if order.status == SandboxOrderStatus.CANCELLED:
        raise ShopRefused("the order is cancelled")
    order.fulfillment_carrier = _text(data, "carrier", 100)
    order.tracking_number = _text(data, "tracking_number", 100, required=True)
    url = _text(data, "tracking_url", 500)
    if url and not url.startswith(("https://", "http://")):
        raise ShopRefused("tracking_url must be an http(s) URL")
    order.tracking_url = url
    order.fulfilled_at = timezone.now()
    order.delivered_at = None
    _changed(order)
    order.save()
    return order


def fulfillment_id(order: SandboxShopOrder) -> str:
    """The id the shop gives an order's fulfillment (one per order: a re-push replaces it)."""
    return f"F{order.pk}"


@transaction.atomic
def fulfillment_deliver(*, shop: SandboxShop, order_id: int, fulfillment: str) -> SandboxShopOrder:
    """Mark the order's fulfillment delivered (Dropyard's ``mark_delivered``); marking it
    again changes nothing. Refused for an unknown order, an order not fulfilled, or another
    fulfillment id."""
    try:
        order = SandboxShopOrder.objects.select_for_update().get(shop=shop, pk=order_id)
    except SandboxShopOrder.DoesNotExist:
        raise ShopRefused(f"order {order_id} not found") from None
    if order.fulfilled_at is None or fulfillment != fulfillment_id(order):
        raise ShopRefused(f"fulfillment {fulfillment[:40]} not found")
    if order.delivered_at is None:
        order.delivered_at = timezone.now()
        _changed(order)
        order.save()
    return order


def orders_since(*, shop: SandboxShop, cursor: str, limit: int = PAGE_SIZE) -> tuple[list, str]:
    """Orders changed after ``cursor`` (a change number; empty: all), oldest change first, and
    the cursor of the last one returned (``cursor`` itself when none). Refused for a malformed
    cursor."""
    try:
        after = int(cursor) if cursor else 0
    except ValueError:
        raise ShopRefused("malformed cursor") from None
    orders = SandboxShopOrder.objects.filter(shop=shop, change_seq__gt=after)
    page = list(orders.prefetch_related("lines").order_by("change_seq")[:limit])
    return [order_data(o) for o in page], (str(page[-1].change_seq) if page else cursor)


def order_data(order: SandboxShopOrder) -> dict[str, Any]:
    """The order as the API and the webhooks show it (REST-shaped, ids as strings)."""
    return {
        "id": str(order.pk),
        "name": f"#{order.number}",
        "currency": order.shop.currency,
        "financial_status": "paid",
        "status": order.status,
        "cancelled": order.status == SandboxOrderStatus.CANCELLED,
        "created_at": order.created_at.isoformat(),
        "updated_at": order.updated_at.isoformat(),
        "email": order.email,
        "total_minor": order.total_minor,
        "shipping_address": {
            "name": order.customer_name,
            "address1": order.address,
            "address2": order.address2,
            "city": order.city,
            "province": order.province,
            "zip": order.zip,
            "country_code": order.country_code,
            "phone": order.phone,
        },
        "line_items": [
            {
                "id": str(line.pk),
                "variant_id": str(line.variant_id),
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "price_minor": line.unit_price_minor,
            }
            for line in order.lines.all()
        ],
        "fulfillment": {
            "id": fulfillment_id(order),
            "delivered": order.delivered_at is not None,
            "carrier": order.fulfillment_carrier,
            "tracking_number": order.tracking_number,
            "tracking_url": order.tracking_url,
        }
        if order.fulfilled_at
        else None,
    }


def webhook_request(*, order: SandboxShopOrder, topic: str) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of a webhook for ``order`` (signed over exactly these bytes).
    The delivery id names the order, topic and change, so a resend is recognised."""
    body = json.dumps(order_data(order), separators=(",", ":")).encode()
    version = order.change_seq
    headers = {
        "Content-Type": "application/json",
        HMAC_HEADER: sign(webhook_secret(order.shop), body),
        WEBHOOK_ID_HEADER: f"{order.shop.slug}:{order.pk}:{topic}:{version}",
        TOPIC_HEADER: topic,
        SHOP_HEADER: order.shop.slug,
    }
    return body, headers


def customer_fields() -> Sequence[str]:
    return _CUSTOMER_FIELDS
