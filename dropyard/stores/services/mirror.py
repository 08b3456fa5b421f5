"""A store's catalog as a developer-API client mirrors it into Dropyard (contract §2.7
``store/product/saveProduct`` and ``store/product/saveVariantBatch``): the client reads its own
store and pushes products and variants, instead of an adapter importing them.

Variants land in the same ``StoreVariant`` rows an adapter import writes (through
``store_catalog_import``), so connecting, SKU matching, suggestions and held-order release work
on them unchanged.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from dropyard.accounts.actors import Actor
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.text import clean_line, clean_text

from ..adapters.base import PlatformVariant
from ..exceptions import StoreInvalid
from ..models import Store, StoreProduct
from .catalog import _live, store_catalog_import
from .setup import _user


@dataclass(frozen=True)
class ProductMirror:
    """A store product as the client sent it (prices in the store currency's minor units)."""

    platform_product_id: str
    title: str
    image_url: str
    description: str = ""
    price_min_minor: int | None = None
    price_max_minor: int | None = None
    currency: str = ""


@transaction.atomic
def store_product_save(
    *, store: Store, product: ProductMirror, actor: Actor = None
) -> StoreProduct:
    """Create or update the store's product ``platform_product_id`` (one row per id).

    Refused with nothing written (``StoreInvalid``): an empty id, title or image, a minimum
    price above the maximum; a disconnected store (``StoreDisconnected``). Empty currency means
    the store's. Audited STORE_CATALOG_IMPORTED."""
    errors = {
        name: "required"
        for name, value in (
            ("id", product.platform_product_id),
            ("title", clean_line(product.title)),
            ("image", product.image_url),
        )
        if not value.strip()
    }
    low, high = product.price_min_minor, product.price_max_minor
    if low is not None and high is not None and low > high:
        errors["priceMin"] = "must not be above priceMax"
    if errors:
        first = next(iter(errors))
        raise StoreInvalid(f"{first} {errors[first]}", extra={"errors": errors})
    store = _live(store)
    row, created = StoreProduct.objects.update_or_create(
        store=store,
        platform_product_id=product.platform_product_id.strip()[:100],
        defaults={
            "title": clean_line(product.title)[:255],  # core.text: no control or bidi
            "image_url": product.image_url.strip()[:500],
            "description": clean_text(product.description),
            "price_min_minor": low,
            "price_max_minor": high,
            "currency": (product.currency or store.currency).upper()[:3],
        },
    )
    audit_record(
        action=AuditAction.STORE_CATALOG_IMPORTED,
        actor=_user(actor),
        merchant=store.merchant,
        target=store,
        details={"product": row.platform_product_id, "created": created, "via": "api"},
    )
    return row


@transaction.atomic
def store_variants_save(
    *, store: Store, variants: Sequence[PlatformVariant], actor: Actor = None
) -> tuple[int, int]:
    """Upsert the client's variants into the store's catalog (``store_catalog_import``: one
    ``StoreVariant`` per platform variant id); returns ``(created, updated)``. The caller has
    already refused the invalid items one by one (the batch answers per item)."""
    return store_catalog_import(store=store, variants=variants, actor=actor)
