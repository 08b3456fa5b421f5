"""Listing Dropyard products on stores (the listing wizard), and following catalog changes.

``listing_start`` records what the merchant chose (one ``Listing`` per store) and starts one
background job per store; the job (``listing_run``) calls the store's adapter outside any
transaction (a remote write cannot be rolled back), then records what the platform answered
atomically: the store's catalog rows, a LISTED connection per variant (which releases held
orders), and the listing's status — or the platform's error. A re-run of the job updates the
same platform product (its id is kept), so running it twice lists once.

Out of date: ``listings_mark_out_of_date`` compares each listed variant's recorded cost and
availability with the catalog (the catalog cannot call up into stores, so this is a periodic
comparison, not a signal); ``listing_reprice`` then pushes the rules' new price (or available 0
for a variant gone off sale) for stores whose ``reprice_on_change`` setting is on.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Product, ProductImage, Variant
from dropyard.core import services as core_services
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.models import Job
from dropyard.core.text import clean_line, clean_text

from .. import selectors_listing
from ..adapters import UnsupportedPlatform, adapter_for
from ..adapters.base import (
    AdapterError,
    ListingResult,
    PlatformProduct,
    PlatformVariant,
    StoreAdapter,
)
from ..choices import ConnectionHow, ListingStatus, StoreStatus
from ..exceptions import StoreInvalid, StoreNotFound
from ..models import Listing, ListingVariant, ProductConnection, Store, StoreVariant
from .catalog import store_catalog_import
from .intake import store_orders_release
from .setup import _user

LISTING_JOB_KIND = "store_listing"
LISTING_TASK = "dropyard.stores.tasks.store_listing_run"
MAX_PRICE_MINOR = 100_000_000  # 1,000,000.00
MAX_IMAGES = 10


@dataclass(frozen=True)
class ListingDraft:
    """What the wizard sends: the product, its chosen variants, the texts, the chosen images
    (catalog image pks, in order) and the prices the merchant typed over the rules' (variant
    pk → minor units; a variant not in it takes the rules' price)."""

    product: Product
    variants: Sequence[Variant]
    title: str
    description_html: str = ""
    image_ids: Sequence[int] = ()
    prices: Mapping[int, int] | None = None


def _invalid(errors: dict[str, str]) -> StoreInvalid:
    message = "; ".join(f"{field}: {error}" for field, error in errors.items())
    return StoreInvalid(message, extra={"errors": errors})


def _check_draft(draft: ListingDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    product = draft.product
    if not product.is_on_sale:
        errors["product"] = _("product %(sku)s is not on sale") % {"sku": product.sku}
    if not draft.variants:
        errors["variants"] = _("choose at least one variant")
    for v in draft.variants:
        if v.product_id != product.pk:
            errors["variants"] = _("variant %(sku)s is not a variant of %(product)s") % {
                "sku": v.sku,
                "product": product.sku,
            }
        elif not v.is_on_sale:
            errors["variants"] = _("variant %(sku)s is not on sale") % {"sku": v.sku}
    title = clean_line(draft.title)
    if not title or len(title) > 255:
        errors["title"] = _("the title is required, at most 255 characters")
    if len(draft.image_ids) > MAX_IMAGES:
        errors["images"] = _("choose at most %(count)s images") % {"count": MAX_IMAGES}
    own = set(ProductImage.objects.filter(product=product).values_list("pk", flat=True))
    if set(draft.image_ids) - own:
        errors["images"] = _("an image is not one of this product's")
    for pk, price in (draft.prices or {}).items():
        if not isinstance(price, int) or not 0 <= price <= MAX_PRICE_MINOR:
            sku = next((v.sku for v in draft.variants if v.pk == pk), str(pk))
            errors["prices"] = _("the price of %(sku)s must be between 0 and 1,000,000") % {
                "sku": sku
            }
    return errors


def _prices(
    merchant: MerchantAccount, store: Store, draft: ListingDraft
) -> dict[int, tuple[int, int, bool]]:
    """Variant pk → (price, compare-at, typed by the merchant) on ``store``."""
    ruled = selectors_listing.prices_for(merchant=merchant, store=store, variants=draft.variants)
    typed = draft.prices or {}
    result = {}
    for v in draft.variants:
        if v.pk in typed:
            result[v.pk] = (typed[v.pk], 0, True)
        elif store.currency != v.currency:
            raise _invalid(
                {
                    "prices": _(
                        "%(store)s sells in %(currency)s and the rules price in "
                        "%(rule_currency)s: type the prices of %(sku)s to list it there"
                    )
                    % {
                        "store": store.name,
                        "currency": store.currency,
                        "rule_currency": v.currency,
                        "sku": v.sku,
                    }
                }
            )
        else:
            result[v.pk] = (ruled[v.pk].price_minor, ruled[v.pk].compare_at_minor, False)
    return result


@transaction.atomic
def listing_start(
    *, merchant: MerchantAccount, actor: Actor, draft: ListingDraft, stores: Sequence[Store]
) -> list[Job]:
    """Record the listing of ``draft`` on each of ``stores`` and start one job per store
    (``listing_run``, enqueued on commit); the jobs in the order of ``stores``.

    A product listed on a store before keeps its ``Listing`` row (and platform product id):
    this is how "re-list" works. Refused with nothing written: another merchant's store
    (``StoreNotFound``), a disconnected store, no store, an off-sale product or variant, an
    image of another product, a price out of range, or a store in another currency without
    typed prices (``StoreInvalid`` with field errors). Audited STORE_LISTING_CHANGED per store
    (and JOB_STARTED per job)."""
    errors = _check_draft(draft)
    if not stores:
        errors["stores"] = _("choose at least one store")
    if errors:
        raise _invalid(errors)
    locked = list(
        Store.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=[s.pk for s in stores], merchant=merchant)
        .order_by("pk")
    )
    if len(locked) != len({s.pk for s in stores}):
        raise StoreNotFound(_("store not found"))
    for store in locked:
        if store.status != StoreStatus.AUTHORIZED:
            raise _invalid(
                {
                    "stores": _("%(store)s is %(status)s")
                    % {"store": store.name, "status": store.get_status_display().lower()}
                }
            )
    by_pk = {s.pk: s for s in locked}
    priced = {s.pk: _prices(merchant, s, draft) for s in locked}
    jobs = []
    for store in (by_pk[s.pk] for s in dict.fromkeys(stores)):
        listing, _created = Listing.objects.select_for_update().get_or_create(
            store=store,
            product=draft.product,
            defaults={"title": clean_line(draft.title)[:255]},
        )
        # Control and bidi characters never reach the store (core.text).
        listing.title = clean_line(draft.title)[:255]
        listing.description_html = clean_text(draft.description_html)
        listing.image_ids = list(draft.image_ids)
        listing.status, listing.error = ListingStatus.LISTING, ""
        listing.listed_by = _user(actor)
        listing.variants.exclude(variant__in=list(draft.variants)).delete()
        for v in draft.variants:
            price, compare_at, manual = priced[store.pk][v.pk]
            ListingVariant.objects.update_or_create(
                listing=listing,
                variant=v,
                defaults={
                    "cost_minor": v.price_minor,
                    "on_sale": True,
                    "price_minor": price,
                    "compare_at_minor": compare_at,
                    "price_manual": manual,
                    "delisted": False,
                },
            )
        job = core_services.job_create(
            kind=LISTING_JOB_KIND,
            title=f"List {listing.title[:120]} on {store.name}",
            merchant=merchant,
            actor=actor,
            params={"listing_id": listing.pk},
            task_path=LISTING_TASK,
        )
        listing.job = job
        listing.save()
        audit_record(
            action=AuditAction.STORE_LISTING_CHANGED,
            actor=_user(actor),
            merchant=merchant,
            target=listing,
            target_label=f"{listing.title} on {store.name}",
            details={
                "listing": draft.product.sku,
                "prices": {v.sku: priced[store.pk][v.pk][0] for v in draft.variants},
                "job": job.pk,
            },
        )
        jobs.append(job)
    return jobs


def listing_relist(*, merchant: MerchantAccount, actor: Actor, listing: Listing) -> Job:
    """List one of the merchant's listings again as recorded, prices from the rules and the
    current costs (typed prices are kept); one new job. Refused like ``listing_start``."""
    listing = selectors_listing.listing_get(
        merchant=merchant, store=listing.store, public_id=listing.public_id
    )
    rows = list(listing.variants.select_related("variant__product"))
    draft = ListingDraft(
        product=listing.product,
        variants=[r.variant for r in rows],
        title=listing.title,
        description_html=listing.description_html,
        image_ids=[i for i in listing.image_ids if isinstance(i, int)],
        prices={r.variant_id: r.price_minor for r in rows if r.price_manual},
    )
    return listing_start(merchant=merchant, actor=actor, draft=draft, stores=[listing.store])[0]


# --- The job --------------------------------------------------------------------------------


def _image_urls(listing: Listing) -> tuple[str, ...]:
    images = {i.pk: i for i in ProductImage.objects.filter(product=listing.product)}
    return tuple(
        f"{settings.SITE_URL}{images[pk].image.url}" for pk in listing.image_ids if pk in images
    )


def _variant_title(variant: Variant) -> str:
    return " / ".join(str(o) for o in (variant.options or {}).values())[:255]


def _platform_product(listing: Listing, rows: Sequence[ListingVariant]) -> PlatformProduct:
    images = _image_urls(listing)
    return PlatformProduct(
        platform_product_id=listing.platform_product_id,
        title=listing.title,
        description_html=listing.description_html,
        image_urls=images,
        variants=tuple(
            PlatformVariant(
                platform_product_id=listing.platform_product_id,
                platform_variant_id=r.platform_variant_id,
                sku=r.variant.sku,
                title=listing.title,
                variant_title=_variant_title(r.variant),
                price_minor=r.price_minor,
                compare_at_minor=r.compare_at_minor,
                image_url=images[0] if images else "",
            )
            for r in rows
        ),
    )


@transaction.atomic
def listed_variants_record(
    *, store: Store, product: PlatformProduct, result: ListingResult, actor: Actor
) -> list[ProductConnection]:
    """Record a product the platform listed: its variants in the store's catalog, each
    connected (how LISTED) to the Dropyard variant of the same SKU unless already connected,
    then the store's held orders released. Audited through ``store_catalog_import`` and
    STORE_CONNECTION_CHANGED (when a connection was made)."""
    listed = [
        PlatformVariant(
            platform_product_id=result.platform_product_id,
            platform_variant_id=result.variant_ids_by_sku[v.sku],
            sku=v.sku,
            title=product.title,
            variant_title=v.variant_title,
            price_minor=v.price_minor,
            currency=store.currency,
            image_url=v.image_url,
        )
        for v in product.variants
        if v.sku in result.variant_ids_by_sku
    ]
    store_catalog_import(store=store, variants=listed, actor=actor)
    by_sku = {v.sku: v for v in Variant.objects.filter(sku__in=[v.sku for v in listed])}
    rows = list(
        StoreVariant.objects.filter(
            store=store, platform_variant_id__in=[v.platform_variant_id for v in listed]
        )
    )
    connected = set(
        ProductConnection.objects.filter(store_variant__in=rows).values_list(
            "store_variant_id", flat=True
        )
    )
    new = [
        ProductConnection(
            store=store,
            store_variant=row,
            variant=by_sku[row.sku],
            how=ConnectionHow.LISTED,
            connected_by=_user(actor),
        )
        for row in rows
        if row.sku in by_sku and row.pk not in connected
    ]
    ProductConnection.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit_record(
            action=AuditAction.STORE_CONNECTION_CHANGED,
            actor=_user(actor),
            merchant=store.merchant,
            target=store,
            details={"listed": sorted(c.store_variant.sku for c in new)[:100]},
        )
        store_orders_release(store=store)
    return list(ProductConnection.objects.filter(store=store, store_variant__in=rows))


@transaction.atomic
def listing_record_pushed(
    *,
    store: Store,
    variants: Sequence[Variant],
    prices: Mapping[int, int],
    rule_priced: Collection[int],
    result: ListingResult,
    actor: Actor,
) -> Listing:
    """Record variants of one product listed directly (``store_listing_push``, the Sandbox
    quick listing) on the product's ``Listing``: created LISTED if new, else brought to LISTED
    with the platform product id; the pushed variants' rows upserted at their prices (others
    kept). Audited STORE_LISTING_CHANGED."""
    product = variants[0].product
    listing, _created = Listing.objects.select_for_update().get_or_create(
        store=store, product=product, defaults={"title": product.name[:255]}
    )
    for v in variants:
        ListingVariant.objects.update_or_create(
            listing=listing,
            variant=v,
            defaults={
                "cost_minor": v.price_minor,
                "on_sale": True,
                "price_minor": prices[v.pk],
                "compare_at_minor": 0,
                "price_manual": v.pk not in rule_priced,
                "platform_variant_id": result.variant_ids_by_sku.get(v.sku, ""),
                "delisted": False,
            },
        )
    if not listing.description_html:
        listing.description_html = product.description_html
    listing.status, listing.error = ListingStatus.LISTED, ""
    listing.platform_product_id = result.platform_product_id[:100]
    listing.last_listed_at = timezone.now()
    listing.listed_by = _user(actor)
    listing.save()
    audit_record(
        action=AuditAction.STORE_LISTING_CHANGED,
        actor=_user(actor),
        merchant=store.merchant,
        target=listing,
        target_label=f"{listing.title} on {store.name}",
        details={
            "listed": result.platform_product_id,
            "prices": {v.sku: prices[v.pk] for v in variants},
        },
    )
    return listing


@transaction.atomic
def _listing_succeeded(
    listing: Listing, product: PlatformProduct, result: ListingResult, actor: Actor
) -> int:
    """Record a successful upsert; how many variants the platform listed."""
    locked = (
        Listing.objects.select_for_update().select_related("store__merchant").get(pk=listing.pk)
    )
    listed_variants_record(store=locked.store, product=product, result=result, actor=actor)
    count = 0
    for row in locked.variants.select_related("variant"):
        platform_id = result.variant_ids_by_sku.get(row.variant.sku, "")
        if platform_id:
            count += 1
            row.platform_variant_id = platform_id
            row.save(update_fields=["platform_variant_id"])
    locked.status, locked.error = ListingStatus.LISTED, ""
    locked.platform_product_id = result.platform_product_id[:100]
    locked.last_listed_at = timezone.now()
    locked.save(update_fields=["status", "error", "platform_product_id", "last_listed_at"])
    audit_record(
        action=AuditAction.STORE_LISTING_CHANGED,
        actor=_user(actor),
        merchant=locked.store.merchant,
        target=locked,
        target_label=f"{locked.title} on {locked.store.name}",
        details={"listed": result.platform_product_id, "variants": count},
    )
    return count


@transaction.atomic
def _listing_failed(listing: Listing, error: str, actor: Actor) -> None:
    locked = (
        Listing.objects.select_for_update().select_related("store__merchant").get(pk=listing.pk)
    )
    locked.status, locked.error = ListingStatus.FAILED, (error.strip() or "the platform refused")
    locked.save(update_fields=["status", "error"])
    audit_record(
        action=AuditAction.STORE_LISTING_CHANGED,
        actor=_user(actor),
        merchant=locked.store.merchant,
        target=locked,
        target_label=f"{locked.title} on {locked.store.name}",
        details={"failed": locked.error[:300]},
    )


def listing_run(*, job_id: int, adapter: StoreAdapter | None = None) -> Job | None:
    """Run the listing job ``job_id``: send its listing to the store through the adapter
    (``listing_upsert``, the platform product id reused), then record the result — LISTED with
    each variant connected, or FAILED with the platform's error. Progress: total = the
    listing's variants, done = how many the platform listed. None when the job is gone.

    Idempotent: a second run updates the same platform product and connects nothing twice."""
    job = core_services.job_start(job_id=job_id)
    if job is None:
        return None
    listing = (
        Listing.objects.select_related("store__merchant", "product")
        .filter(pk=job.params.get("listing_id"))
        .first()
    )
    if listing is None:
        core_services.job_finish(job_id=job_id, succeeded=False, log_line="The listing is gone")
        return job
    rows = list(listing.variants.select_related("variant").order_by("variant__position", "pk"))
    total = len(rows)
    core_services.job_progress(
        job_id=job_id,
        done=0,
        total=total,
        log_line=f"Listing {total} variant{'s' if total != 1 else ''} on {listing.store.name}",
    )
    actor = job.created_by
    product = _platform_product(listing, rows)
    try:
        if listing.store.status != StoreStatus.AUTHORIZED:
            raise AdapterError(f"the store is {listing.store.get_status_display().lower()}")
        adapter = adapter or adapter_for(listing.store)
        result = adapter.listing_upsert(product, platform_product_id=listing.platform_product_id)
    except (AdapterError, UnsupportedPlatform) as exc:
        _listing_failed(listing, str(exc), actor)
        core_services.job_finish(job_id=job_id, succeeded=False, log_line=f"Failed: {exc}")
        return job
    except Exception as exc:
        # A bug or an unexpected failure: the listing must not stay "listing…" forever; the
        # task ends the job and the worker log keeps the traceback (the message may not be
        # fit for the merchant's page).
        _listing_failed(listing, f"unexpected error ({type(exc).__name__})", actor)
        raise
    done = _listing_succeeded(listing, product, result, actor)
    core_services.job_progress(job_id=job_id, done=min(done, total))
    core_services.job_finish(
        job_id=job_id,
        succeeded=True,
        log_line=f"Listed {done} of {total} variants on {listing.store.name}",
    )
    return job
