"""Test helpers for listings: a recording fake adapter and a two-variant catalog product."""

from typing import Any

from dropyard.catalog.models import Product, ProductImage
from dropyard.catalog.tests.factories import make_category_path, make_product
from dropyard.stores.adapters.base import (
    AdapterError,
    ListingResult,
    PlatformProduct,
    StoreAdapter,
    StoreContext,
)


class FakeAdapter(StoreAdapter):
    """Records listing and price calls; answers ids ``PV-<sku>``; ``fail`` makes it refuse."""

    platform = "fake"

    def __init__(self, fail: str = ""):
        super().__init__(StoreContext(platform="fake", domain="", currency="USD", credentials={}))
        self.fail = fail
        self.listed: list[tuple[PlatformProduct, str]] = []
        self.updates: list[dict[str, Any]] = []

    def listing_upsert(self, product, *, platform_product_id=""):
        if self.fail:
            raise AdapterError(self.fail)
        self.listed.append((product, platform_product_id))
        return ListingResult(
            platform_product_id=platform_product_id or "PP-1",
            variant_ids_by_sku={v.sku: f"PV-{v.sku}" for v in product.variants},
        )

    def price_inventory_update(self, *, platform_variant_id, price_minor, available):
        if self.fail:
            raise AdapterError(self.fail)
        self.updates.append(
            {"id": platform_variant_id, "price_minor": price_minor, "available": available}
        )

    def authorize(self):  # pragma: no cover - not used by listings
        return {}

    def refresh(self):  # pragma: no cover
        return None

    def products_page(self, cursor=""):  # pragma: no cover
        raise NotImplementedError

    def orders_since(self, cursor=""):  # pragma: no cover
        raise NotImplementedError

    def webhook_verify(self, raw_body, headers):  # pragma: no cover
        return False

    def webhook_parse(self, raw_body, headers):  # pragma: no cover
        raise NotImplementedError

    def fulfillment_push(self, fulfillment):  # pragma: no cover
        raise NotImplementedError

    def mark_delivered(self, *, platform_order_id, platform_fulfillment_id):  # pragma: no cover
        return None


def make_listable_product(*, costs: tuple[int, ...] = (840, 1000), images: int = 2) -> Product:
    """An on-sale product in a three-level category with one variant per cost (USD minor
    units) and ``images`` image rows (files not written: only their URLs are used)."""
    product = make_product(variants=len(costs), category=make_category_path())
    for variant, cost in zip(product.variants.order_by("position"), costs, strict=True):
        variant.price_minor = cost
        variant.save(update_fields=["price_minor"])
    for i in range(images):
        ProductImage.objects.create(
            product=product, image=f"products/p{product.pk}-{i}.png", position=i
        )
    return product
