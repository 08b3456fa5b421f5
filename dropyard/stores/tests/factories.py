"""Test data for stores: stores connected through the real service, platform dataclasses."""

import itertools
from datetime import UTC, datetime
from typing import Any

from dropyard.accounts.models import MerchantAccount
from dropyard.accounts.tests.factories import make_merchant
from dropyard.catalog.models import Variant
from dropyard.stores import services
from dropyard.stores.adapters.base import (
    PlatformOrder,
    PlatformOrderLine,
    PlatformVariant,
    ShippingAddress,
)
from dropyard.stores.choices import Platform
from dropyard.stores.models import Store, StoreVariant

_seq = itertools.count(1)


def make_store(
    *, merchant: MerchantAccount | None = None, credentials: dict | None = None, **fields: Any
) -> Store:
    """A Shopify store of ``merchant`` (a new one by default), connected by the service."""
    n = next(_seq)
    merchant = merchant or make_merchant()
    return services.store_connect(
        merchant=merchant,
        actor=merchant.owner if hasattr(merchant, "owner") else None,
        platform=fields.pop("platform", Platform.SHOPIFY),
        name=fields.pop("name", f"Shop {n}"),
        domain=fields.pop("domain", f"shop-{n}.myshopify.com"),
        currency=fields.pop("currency", "USD"),
        credentials={"access_token": f"shpat_{n:08d}"} if credentials is None else credentials,
    )


def platform_variant(variant_id: str, sku: str, **fields: Any) -> PlatformVariant:
    return PlatformVariant(
        platform_product_id=fields.pop("platform_product_id", f"P{variant_id}"),
        platform_variant_id=variant_id,
        sku=sku,
        title=fields.pop("title", f"Tee {sku}"),
        **fields,
    )


def import_variants(store: Store, *pairs: tuple[str, str]) -> list[StoreVariant]:
    """Import ``(platform_variant_id, sku)`` pairs into the store's catalog."""
    services.store_catalog_import(store=store, variants=[platform_variant(v, s) for v, s in pairs])
    return [StoreVariant.objects.get(store=store, platform_variant_id=v) for v, _s in pairs]


def us_address(**overrides: Any) -> ShippingAddress:
    data = {
        "shipping_customer_name": "Jane Doe",
        "shipping_address": "1 Main Street",
        "shipping_city": "Los Angeles",
        "shipping_province": "CA",
        "shipping_zip": "90001",
        "shipping_country_code": "US",
        "shipping_phone": "+1 213 555 0100",
        "email": "jane@example.com",
    }
    data.update(overrides)
    return ShippingAddress(**data)


def platform_order(
    order_id: str, *lines: tuple[str, int], name: str = "", **fields: Any
) -> PlatformOrder:
    """A store order of ``(platform_variant_id, quantity)`` lines, paid, to a US address."""
    return PlatformOrder(
        platform_order_id=order_id,
        name=name or f"#{order_id}",
        currency=fields.pop("currency", "USD"),
        lines=tuple(
            PlatformOrderLine(
                platform_line_id=f"L{order_id}-{i}",
                platform_variant_id=variant_id,
                sku=f"SKU-{variant_id}",
                title=f"Tee {variant_id}",
                quantity=quantity,
                unit_price_minor=1999,
            )
            for i, (variant_id, quantity) in enumerate(lines)
        ),
        address=fields.pop("address", us_address()),
        created_at=fields.pop("created_at", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
        raw=fields.pop("raw", {"id": order_id}),
        **fields,
    )


def connect(store: Store, store_variant: StoreVariant, variant: Variant) -> None:
    services.connection_create(
        merchant=store.merchant, store_variant=store_variant, variant=variant, actor=None
    )
