"""A store's imported catalog and its connections to Dropyard variants.

Connecting is what lets held store orders through: every service that adds connections ends by
releasing the store's held orders (``store_orders_release``).
"""

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Variant
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from ..adapters.base import PlatformVariant
from ..choices import ConnectionHow, StoreStatus
from ..exceptions import ConnectionInvalid, StoreDisconnected, StoreNotFound
from ..models import ProductConnection, Store, StoreVariant
from .intake import store_orders_release
from .setup import _user

_IMPORTED_FIELDS = (
    "platform_product_id",
    "sku",
    "title",
    "variant_title",
    "price_minor",
    "currency",
    "image_url",
)


def _live(store: Store) -> Store:
    """``store`` re-read under lock; refused if disconnected (the caller's copy may be stale)."""
    locked = (
        Store.objects.select_for_update(of=("self",), no_key=True)
        .select_related("merchant")
        .get(pk=store.pk)
    )
    if locked.status == StoreStatus.DISCONNECTED:
        raise StoreDisconnected(_("store %(name)s is disconnected") % {"name": locked.name})
    return locked


@transaction.atomic
def store_catalog_import(
    *, store: Store, variants: Sequence[PlatformVariant], actor: Actor = None
) -> tuple[int, int]:
    """Upsert the store's catalog variants (one ``StoreVariant`` per platform variant id);
    returns ``(created, updated)``. Variants missing from ``variants`` are kept (a paged
    import sends one page at a time). Empty currency means the store's. A disconnected store
    is refused. Audited STORE_CATALOG_IMPORTED with the counts."""
    store = _live(store)
    existing = {
        sv.platform_variant_id: sv
        for sv in StoreVariant.objects.select_for_update(of=("self",), no_key=True).filter(
            store=store, platform_variant_id__in=[v.platform_variant_id for v in variants]
        )
    }
    new, changed = [], []
    for item in {v.platform_variant_id: v for v in variants}.values():
        values = {
            "platform_product_id": item.platform_product_id[:100],
            "sku": item.sku.strip()[:100],
            "title": item.title[:255],
            "variant_title": item.variant_title[:255],
            "price_minor": item.price_minor,
            "currency": (item.currency or store.currency).upper(),
            "image_url": item.image_url[:500],
        }
        row = existing.get(item.platform_variant_id)
        if row is None:
            new.append(
                StoreVariant(store=store, platform_variant_id=item.platform_variant_id, **values)
            )
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    StoreVariant.objects.bulk_create(new)
    StoreVariant.objects.bulk_update(changed, _IMPORTED_FIELDS)
    audit_record(
        action=AuditAction.STORE_CATALOG_IMPORTED,
        actor=_user(actor),
        merchant=store.merchant,
        target=store,
        details={"created": len(new), "updated": len(changed)},
    )
    return len(new), len(changed)


def _on_sale(variants: QuerySet[Variant]) -> QuerySet[Variant]:
    return variants.filter(is_on_sale=True, product__is_on_sale=True)


@transaction.atomic
def connections_auto_by_sku(*, store: Store, actor: Actor = None) -> list[ProductConnection]:
    """Connect every unconnected store variant whose SKU equals an on-sale Dropyard variant's
    SKU (exact match, after trimming), then release the held orders. Returns the new
    connections. Audited STORE_CONNECTION_CHANGED when any was made."""
    store = _live(store)
    unconnected = StoreVariant.objects.filter(store=store, connection__isnull=True).exclude(sku="")
    by_sku = {sv.sku: sv for sv in unconnected}
    catalog = _on_sale(Variant.objects.filter(sku__in=list(by_sku)))
    made = [
        ProductConnection(
            store=store,
            store_variant=by_sku[variant.sku],
            variant=variant,
            how=ConnectionHow.SKU,
            connected_by=_user(actor),
        )
        for variant in catalog
    ]
    if made:
        # A connection made concurrently for the same store variant is skipped, not doubled.
        ProductConnection.objects.bulk_create(made, ignore_conflicts=True)
        audit_record(
            action=AuditAction.STORE_CONNECTION_CHANGED,
            actor=_user(actor),
            merchant=store.merchant,
            target=store,
            details={"connected_by_sku": sorted(c.store_variant.sku for c in made)[:100]},
        )
        store_orders_release(store=store)
    return list(
        ProductConnection.objects.filter(
            store=store, store_variant__in=[c.store_variant for c in made]
        )
    )


@transaction.atomic
def connection_create(
    *,
    merchant: MerchantAccount,
    store_variant: StoreVariant,
    variant: Variant,
    actor: Actor,
    how: str = ConnectionHow.MANUAL,
) -> ProductConnection:
    """Connect one of the merchant's store variants to an on-sale Dropyard variant, then
    release the store's held orders that are now fully connected.

    Refused with nothing written: another merchant's store variant (``StoreNotFound``), a
    disconnected store, an off-sale variant, or a store variant already connected
    (``ConnectionInvalid``; delete the old connection first). Audited
    STORE_CONNECTION_CHANGED."""
    if how not in ConnectionHow.values:
        raise ConnectionInvalid(
            _("how must be one of %(values)s") % {"values": ", ".join(ConnectionHow.values)}
        )
    try:
        sv = StoreVariant.objects.select_related("store").get(
            pk=store_variant.pk, store__merchant=merchant
        )
    except StoreVariant.DoesNotExist:
        raise StoreNotFound(
            _("store variant %(id)s not found") % {"id": store_variant.pk}
        ) from None
    store = _live(sv.store)
    if not _on_sale(Variant.objects.filter(pk=variant.pk)).exists():
        raise ConnectionInvalid(_("variant %(sku)s is not on sale") % {"sku": variant.sku})
    try:
        with transaction.atomic():
            connection = ProductConnection.objects.create(
                store=store, store_variant=sv, variant=variant, how=how, connected_by=_user(actor)
            )
    except IntegrityError:
        raise ConnectionInvalid(
            _("store variant %(variant)s is already connected") % {"variant": sv}
        ) from None
    audit_record(
        action=AuditAction.STORE_CONNECTION_CHANGED,
        actor=_user(actor),
        merchant=merchant,
        target=connection,
        details={"connected": sv.platform_variant_id, "variant": variant.sku, "how": how},
    )
    store_orders_release(store=store)
    return connection


@transaction.atomic
def connection_delete(
    *, merchant: MerchantAccount, connection: ProductConnection, actor: Actor
) -> None:
    """Remove one of the merchant's connections: later orders of that store variant are held.
    Orders already imported keep their lines. Another merchant's connection is not found.
    Audited STORE_CONNECTION_CHANGED."""
    try:
        locked = ProductConnection.objects.select_related("store_variant", "variant").get(
            pk=connection.pk, store__merchant=merchant
        )
    except ProductConnection.DoesNotExist:
        raise StoreNotFound(_("connection %(id)s not found") % {"id": connection.pk}) from None
    details = {
        "disconnected": locked.store_variant.platform_variant_id,
        "variant": locked.variant.sku,
    }
    locked.delete()
    audit_record(
        action=AuditAction.STORE_CONNECTION_CHANGED,
        actor=_user(actor),
        merchant=merchant,
        target_label=str(connection),
        details=details,
    )
