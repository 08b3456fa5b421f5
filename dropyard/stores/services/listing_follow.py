"""Listings following the catalog: marking them out of date when a listed variant's cost or
availability changed, and re-pricing (or delisting) them on stores that say so.

The catalog sits below stores and cannot call up into it, so changes are found by comparison
(``selectors_listing.listing_variants_changed``), run by the periodic job
"stores-listings-follow" (``stores.tasks.listings_follow``)."""

from django.db import transaction

from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from .. import selectors_listing
from ..adapters import UnsupportedPlatform, adapter_for
from ..adapters.base import AdapterError, StoreAdapter
from ..choices import ListingStatus, StoreStatus
from ..models import Listing, ListingVariant
from ..pricing import price_compute


@transaction.atomic
def listings_mark_out_of_date() -> int:
    """Mark OUT_OF_DATE every listed listing with a variant whose catalog cost differs from the
    cost it was priced from, or that went off sale; how many were marked. Audited
    STORE_LISTING_CHANGED per listing (system actor) with the variants that changed."""
    changed: dict[int, list[str]] = {}
    for row in selectors_listing.listing_variants_changed().select_related("variant"):
        changed.setdefault(row.listing_id, []).append(row.variant.sku)
    listings = Listing.objects.select_for_update().select_related("store__merchant")
    marked = 0
    for listing in listings.filter(pk__in=list(changed), status=ListingStatus.LISTED):
        listing.status = ListingStatus.OUT_OF_DATE
        listing.save(update_fields=["status", "updated_at"])
        audit_record(
            action=AuditAction.STORE_LISTING_CHANGED,
            actor=None,
            merchant=listing.store.merchant,
            target=listing,
            target_label=f"{listing.title} on {listing.store.name}",
            details={"out_of_date": sorted(changed[listing.pk])[:100]},
        )
        marked += 1
    return marked


_Step = tuple[ListingVariant, int | None, int | None, int]


def _plan(listing: Listing) -> list[_Step]:
    """Per changed variant: (row, new price or None, available or None, new cost)."""
    terms, _rule = selectors_listing.terms_for(
        merchant=listing.store.merchant, store=listing.store, product=listing.product
    )
    plan: list[_Step] = []
    for row in listing.variants.select_related("variant__product"):
        variant = row.variant
        on_sale = variant.is_on_sale and variant.product.is_on_sale
        if not on_sale and not row.delisted:
            plan.append((row, None, 0, variant.price_minor))
        elif on_sale and row.cost_minor != variant.price_minor:
            price = None
            if not row.price_manual and variant.currency == listing.store.currency:
                price = price_compute(variant.price_minor, terms).price_minor
            plan.append((row, price, None, variant.price_minor))
    return plan


def listing_reprice(*, listing_id: int, adapter: StoreAdapter | None = None) -> str:
    """Bring one out-of-date listing of a store with ``reprice_on_change`` up to date: a
    variant whose cost changed gets the rules' new price (``price_inventory_update``; a typed
    price is kept), a variant gone off sale gets available 0 (delisted). The platform is
    called first, outside any transaction, then the rows are recorded; a platform refusal
    marks the listing FAILED with its error. Returns the listing's status afterwards ("" when
    there is nothing to do: not out of date, store setting off or store not authorized).

    A variant back on sale after being delisted stays delisted: the listing stays out of date
    until the merchant re-lists it (its stock on the store is the merchant's decision).
    Idempotent: a second run finds nothing changed."""
    listing = (
        Listing.objects.select_related("store__merchant", "product__category__parent__parent")
        .filter(pk=listing_id, status=ListingStatus.OUT_OF_DATE)
        .first()
    )
    if (
        listing is None
        or not listing.store.reprice_on_change
        or listing.store.status != StoreStatus.AUTHORIZED
    ):
        return ""
    plan = _plan(listing)
    error = ""
    done: list[_Step] = []
    try:
        adapter = adapter or adapter_for(listing.store)
        for row, price, available, cost in plan:
            if row.platform_variant_id and (price is not None or available is not None):
                adapter.price_inventory_update(
                    platform_variant_id=row.platform_variant_id,
                    price_minor=price,
                    available=available,
                )
            done.append((row, price, available, cost))
    except (AdapterError, UnsupportedPlatform) as exc:
        error = str(exc).strip() or "the platform refused"
    return _reprice_record(listing.pk, done, error)


@transaction.atomic
def _reprice_record(listing_id: int, done: list[_Step], error: str) -> str:
    listing = (
        Listing.objects.select_for_update().select_related("store__merchant").get(pk=listing_id)
    )
    changes = {}
    for row, price, available, cost in done:
        row.cost_minor = cost
        if price is not None:
            row.price_minor, row.compare_at_minor = price, 0
        if available == 0:
            row.on_sale, row.delisted = False, True
        row.save(
            update_fields=["cost_minor", "price_minor", "compare_at_minor", "on_sale", "delisted"]
        )
        changes[row.variant.sku] = "delisted" if available == 0 else price
    still_stale = listing.variants.filter(delisted=True, variant__is_on_sale=True).exists() or any(
        r.cost_minor != r.variant.price_minor for r in listing.variants.select_related("variant")
    )
    if error:
        listing.status, listing.error = ListingStatus.FAILED, error
    elif not still_stale:
        listing.status, listing.error = ListingStatus.LISTED, ""
    listing.save(update_fields=["status", "error", "updated_at"])
    if not changes and not error:
        return listing.status
    audit_record(
        action=AuditAction.STORE_LISTING_CHANGED,
        actor=None,
        merchant=listing.store.merchant,
        target=listing,
        target_label=f"{listing.title} on {listing.store.name}",
        details={"repriced": changes, **({"failed": error[:300]} if error else {})},
    )
    return listing.status
