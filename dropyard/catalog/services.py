"""Catalog writes: categories, products and variants, images, reviews, reports, My Products.

Every write keeps three derived things in step in the same transaction: the product's
``min_price_minor``/``max_price_minor`` (lowest/highest variant price), the full-text index
(``search.search_index_update``) and, for images, the search-by-image hashes
(``image_index.product_image_hashes_store``). Nothing else writes catalog rows.
"""

import io
import secrets
from datetime import date
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount, Supplier, User
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.text import clean_line, clean_text

from .choices import ProductType, ReportReason, ReportStatus, ShippingProperty
from .exceptions import CatalogError, ProductNotFound, ProductOffSale
from .image_index import product_image_hashes_store
from .models import (
    Category,
    ImproperReport,
    MyProduct,
    Product,
    ProductImage,
    Review,
    ReviewPhoto,
    Variant,
)
from .pictures import product_image_renditions_store
from .search import search_index_category_update, search_index_update

MAX_CATEGORY_LEVEL = 3
MAX_IMAGE_BYTES = 5 * 1024 * 1024
THUMBNAIL_SIZE = 300
SKU_PREFIX = "DY"

ALLOWED_TAGS = {
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "div",
    "img",
}
ALLOWED_ATTRIBUTES = {"img": {"src", "alt", "width", "height"}}

_VARIANT_FIELDS = (
    "options",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "price_minor",
    "suggested_price_minor",
    "barcode",
)
_PRODUCT_FIELDS = (
    "name",
    "description_html",
    "hs_code",
    "material",
    "packing",
    "properties",
    "product_type",
    "supplier",
    "video_url",
)


# --- Pure helpers -------------------------------------------------------------------------------


def video_url_clean(value: str | None) -> str:
    """A product video URL: "" (no video) or an http(s) URL; raises CatalogError otherwise."""
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise CatalogError(_("The video URL must be an http(s) URL")) from None
    return value


def description_sanitise(html: str) -> str:
    """Keep basic formatting and ``<img>`` with an http(s) ``src``; drop scripts, styles, events,
    and control and bidi characters (``core.text.clean_text``)."""
    return nh3.clean(
        clean_text(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=None,
    )


def properties_clean(properties: list[str] | None) -> list[str]:
    """ShippingProperty values, de-duplicated in the enumeration's order; unknown → CatalogError."""
    given = set(properties or [])
    unknown = given - set(ShippingProperty.values)
    if unknown:
        raise CatalogError(
            _("Unknown shipping properties: %(properties)s")
            % {"properties": ", ".join(sorted(unknown))}
        )
    return [value for value in ShippingProperty.values if value in given]


def _non_negative_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CatalogError(_("%(name)s must be a whole number ≥ 0") % {"name": name})
    return value


def _variant_values(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validated variant fields from ``data`` (all required ones unless ``partial``)."""
    values: dict[str, Any] = {}
    for name in ("weight_g", "price_minor"):
        if name in data:
            values[name] = _non_negative_int(name, data[name])
        elif not partial:
            raise CatalogError(_("%(name)s is required for every variant") % {"name": name})
    for name in ("length_mm", "width_mm", "height_mm", "suggested_price_minor"):
        if name in data:
            values[name] = _non_negative_int(name, data[name])
    if "options" in data:
        options = data["options"] or {}
        if not isinstance(options, dict):
            raise CatalogError(_("options must map option name to value"))
        # Option names and values print on packing slips: no control or bidi characters.
        values["options"] = {clean_line(k): clean_line(v) for k, v in options.items()}
    if "barcode" in data:
        values["barcode"] = str(data["barcode"] or "")[:40]
    return values


# --- Derived values -----------------------------------------------------------------------------


def product_prices_sync(*, product: Product) -> Product:
    """Set ``min_price_minor``/``max_price_minor`` from the product's on-sale variants.

    Invariant: they equal the lowest/highest price over on-sale variants (over all variants if
    none is on sale; 0 if the product has no variants).
    """
    variants = Variant.objects.filter(product=product)
    prices = variants.filter(is_on_sale=True).aggregate(
        lo=Min("price_minor"), hi=Max("price_minor")
    )
    if prices["lo"] is None:
        prices = variants.aggregate(lo=Min("price_minor"), hi=Max("price_minor"))
    product.min_price_minor = prices["lo"] or 0
    product.max_price_minor = prices["hi"] or 0
    Product.objects.filter(pk=product.pk).update(
        min_price_minor=product.min_price_minor, max_price_minor=product.max_price_minor
    )
    return product


def _sku_generate(*, model: type[Product] | type[Variant], prefix: str = SKU_PREFIX) -> str:
    for _attempt in range(20):
        candidate = f"{prefix}{secrets.randbelow(10**10):010d}"
        if not model.objects.filter(sku=candidate).exists():
            return candidate
    raise CatalogError(_("Could not generate a unique SKU"))  # pragma: no cover


def _sku_check_free(sku: str, *, exclude_variant: Variant | None = None) -> str:
    sku = sku.strip()
    if not sku:
        raise CatalogError(_("SKU must not be empty"))
    taken = Variant.objects.filter(sku=sku)
    if exclude_variant is not None:
        taken = taken.exclude(pk=exclude_variant.pk)
    if taken.exists():
        raise CatalogError(_("SKU %(sku)s is already used") % {"sku": sku})
    return sku


# --- Categories ---------------------------------------------------------------------------------


@transaction.atomic
def category_create(*, name: str, parent: Category | None = None, position: int = 0) -> Category:
    """Create a category under ``parent`` (or at the top).

    Invariant: level = parent level + 1 and never more than 3; names are unique per parent.
    """
    name = name.strip()
    if not name:
        raise CatalogError(_("Category name is required"))
    level = parent.level + 1 if parent else 1
    if level > MAX_CATEGORY_LEVEL:
        raise CatalogError(_("Categories are at most three levels deep"))
    if Category.objects.filter(parent=parent, name=name).exists():
        raise CatalogError(_("Category %(name)s already exists here") % {"name": name})
    return Category.objects.create(name=name, parent=parent, level=level, position=position)


@transaction.atomic
def category_rename(*, category: Category, name: str) -> Category:
    """Rename a category and re-index the products under it (category names are searchable)."""
    name = name.strip()
    if not name:
        raise CatalogError(_("Category name is required"))
    if Category.objects.filter(parent=category.parent, name=name).exclude(pk=category.pk).exists():
        raise CatalogError(_("Category %(name)s already exists here") % {"name": name})
    category.name = name
    category.save(update_fields=["name"])
    search_index_category_update(category)
    return category


# --- Products and variants ----------------------------------------------------------------------


def _check_leaf(category: Category) -> None:
    if category.level != MAX_CATEGORY_LEVEL:
        raise CatalogError(_("Products belong to a third-level category"))


@transaction.atomic
def product_create(
    *,
    actor: Actor,
    name: str,
    category: Category,
    variants: list[dict[str, Any]],
    sku: str | None = None,
    supplier: Supplier | None = None,
    description_html: str = "",
    hs_code: str = "",
    material: str = "",
    packing: str = "",
    properties: list[str] | None = None,
    product_type: str = ProductType.ORDINARY,
    video_url: str = "",
    private_for: MerchantAccount | None = None,
) -> Product:
    """Create an on-sale product with at least one variant.

    Invariants: the category is level 3; SKUs (product and variants) are unique, generated as
    "DY" + 10 digits when not given; the description is sanitised; ``properties`` holds only
    ShippingProperty values; min/max prices and the search index match the new variants.
    ``actor`` is the operator (or supplier user) creating it. ``private_for`` makes it a
    product of that merchant only (sourcing): it gets no search document (``search``).
    """
    name = clean_line(name)  # no control or bidi characters in a name (core.text)
    if not name:
        raise CatalogError(_("Product name is required"))
    _check_leaf(category)
    if not variants:
        raise CatalogError(_("A product needs at least one variant"))
    if product_type not in ProductType.values:
        raise CatalogError(_("Unknown product type %(type)s") % {"type": product_type})
    if sku:
        sku = sku.strip()
        if Product.objects.filter(sku=sku).exists():
            raise CatalogError(_("SKU %(sku)s is already used") % {"sku": sku})
    product = Product.objects.create(
        sku=sku or _sku_generate(model=Product),
        name=name,
        category=category,
        supplier=supplier,
        product_type=product_type,
        description_html=description_sanitise(description_html),
        hs_code=hs_code.strip(),
        material=material.strip(),
        packing=packing.strip(),
        properties=properties_clean(properties),
        video_url=video_url_clean(video_url),
        private_for=private_for,
    )
    for position, data in enumerate(variants):
        _variant_insert(product=product, data=data, position=position)
    product_prices_sync(product=product)
    search_index_update([product.pk])
    audit_record(
        action=AuditAction.PRODUCT_CREATED,
        actor=actor,
        target=product,
        details={
            "sku": product.sku,
            "variants": len(variants),
            **({"private_for": private_for.pk} if private_for is not None else {}),
        },
    )
    return product


def _variant_insert(*, product: Product, data: dict[str, Any], position: int) -> Variant:
    values = _variant_values(data)
    given_sku = data.get("sku")
    sku = _sku_check_free(given_sku) if given_sku else _sku_generate(model=Variant)
    return Variant.objects.create(product=product, sku=sku, position=position, **values)


@transaction.atomic
def product_update(*, product: Product, actor: Actor, **changes: Any) -> Product:
    """Change product fields (name, description_html, hs_code, material, packing, properties,
    product_type, supplier, category). The pid and SKU never change.

    Invariants as for ``product_create``; the search index follows the new values.
    """
    unknown = set(changes) - {*_PRODUCT_FIELDS, "category"}
    if unknown:
        raise CatalogError(_("Cannot change: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "name" in changes:
        changes["name"] = clean_line(changes["name"])
        if not changes["name"]:
            raise CatalogError(_("Product name is required"))
    if "category" in changes:
        _check_leaf(changes["category"])
    if "description_html" in changes:
        changes["description_html"] = description_sanitise(changes["description_html"])
    if "properties" in changes:
        changes["properties"] = properties_clean(changes["properties"])
    if "video_url" in changes:
        changes["video_url"] = video_url_clean(changes["video_url"])
    if "product_type" in changes and changes["product_type"] not in ProductType.values:
        raise CatalogError(_("Unknown product type %(type)s") % {"type": changes["product_type"]})
    for field, value in changes.items():
        setattr(product, field, value)
    if changes:
        product.save(update_fields=[*changes, "updated_at"])
        search_index_update([product.pk])
        audit_record(
            action=AuditAction.PRODUCT_UPDATED,
            actor=actor,
            target=product,
            details={"fields": sorted(changes)},
        )
    return product


@transaction.atomic
def variant_add(*, product: Product, actor: Actor, data: dict[str, Any]) -> Variant:
    """Add a variant (same fields as in ``product_create``); keeps prices and index in step."""
    highest = product.variants.aggregate(m=Max("position"))["m"]
    position = 0 if highest is None else highest + 1
    variant = _variant_insert(product=product, data=data, position=position)
    product_prices_sync(product=product)
    search_index_update([product.pk])
    audit_record(
        action=AuditAction.PRODUCT_UPDATED,
        actor=actor,
        target=product,
        details={"variant_added": variant.sku},
    )
    return variant


@transaction.atomic
def variant_update(*, variant: Variant, actor: Actor, **changes: Any) -> Variant:
    """Change a variant's SKU, options, weight, dimensions, prices or barcode.

    Invariant: its product's min/max prices and search document follow the change.
    """
    unknown = set(changes) - {*_VARIANT_FIELDS, "sku"}
    if unknown:
        raise CatalogError(_("Cannot change: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    values = _variant_values(changes, partial=True)
    if "sku" in changes:
        values["sku"] = _sku_check_free(str(changes["sku"] or ""), exclude_variant=variant)
    for field, value in values.items():
        setattr(variant, field, value)
    if values:
        variant.save(update_fields=[*values, "updated_at"])
        product_prices_sync(product=variant.product)
        search_index_update([variant.product_id])
        audit_record(
            action=AuditAction.PRODUCT_UPDATED,
            actor=actor,
            target=variant.product,
            details={"variant": variant.sku, "fields": sorted(values)},
        )
    return variant


@transaction.atomic
def product_set_on_sale(
    *, product: Product, on_sale: bool, reason: str = "", actor: Actor
) -> Product:
    """Put a product on or off sale. Invariant: ``off_sale_reason`` is set iff it is off sale."""
    if not on_sale and not reason.strip():
        raise CatalogError(_("A reason is required to take a product off sale"))
    product.is_on_sale = on_sale
    product.off_sale_reason = "" if on_sale else reason.strip()[:300]
    product.save(update_fields=["is_on_sale", "off_sale_reason", "updated_at"])
    audit_record(
        action=AuditAction.PRODUCT_SALE_CHANGED,
        actor=actor,
        target=product,
        details={"on_sale": on_sale, "reason": product.off_sale_reason},
    )
    return product


@transaction.atomic
def variant_set_on_sale(*, variant: Variant, on_sale: bool, actor: Actor) -> Variant:
    """Put one variant on or off sale; the product's price range follows its on-sale variants."""
    variant.is_on_sale = on_sale
    variant.save(update_fields=["is_on_sale", "updated_at"])
    product_prices_sync(product=variant.product)
    audit_record(
        action=AuditAction.PRODUCT_SALE_CHANGED,
        actor=actor,
        target=variant,
        details={"on_sale": on_sale, "product": variant.product.sku},
    )
    return variant


# --- Images -------------------------------------------------------------------------------------


def _image_read(upload: UploadedFile) -> tuple[bytes, Image.Image]:
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise CatalogError(_("Images must be at most 5 MB"))
    upload.seek(0)
    content = upload.read()
    if len(content) > MAX_IMAGE_BYTES:
        raise CatalogError(_("Images must be at most 5 MB"))
    try:
        Image.open(io.BytesIO(content)).verify()
        image = Image.open(io.BytesIO(content))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CatalogError(_("The file is not a valid image")) from exc
    return content, image


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()
    thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=85)
    return out.getvalue()


@transaction.atomic
def product_image_add(*, product: Product, upload: UploadedFile, actor: Actor) -> ProductImage:
    """Store an uploaded image (a real image, ≤ 5 MB) with a 300 px JPEG thumbnail and its
    srcset copies (``catalog.pictures``), last in order, and its perceptual hashes (search by
    image) in the same transaction.

    Invariant: position 0 is the main image; the first image added gets it.
    """
    content, image = _image_read(upload)
    position = product.images.aggregate(m=Max("position"))["m"] if product.pk else None
    position = 0 if position is None else position + 1
    stem = f"{secrets.token_hex(8)}"
    extension = (image.format or "png").lower().replace("jpeg", "jpg")
    product_image = ProductImage(product=product, position=position)
    product_image.image.save(f"{stem}.{extension}", ContentFile(content), save=False)
    product_image.thumbnail.save(f"{stem}_thumb.jpg", ContentFile(_thumbnail(image)), save=False)
    # The srcset copies (64–640 px JPEG), made once here rather than on the first page view.
    product_image_renditions_store(product_image=product_image, image=image)
    product_image.save()
    # Searchable by image exactly when the image is committed (same transaction).
    product_image_hashes_store(product_image=product_image, image=image)
    audit_record(
        action=AuditAction.PRODUCT_UPDATED,
        actor=actor,
        target=product,
        details={"image_added": product_image.pk},
    )
    return product_image


@transaction.atomic
def product_image_remove(*, image: ProductImage, actor: Actor) -> None:
    """Delete an image (files removed after commit); the remaining images close up from 0."""
    product = image.product
    files = [f for f in (image.image, image.thumbnail) if f]
    storage_names = [(f.storage, f.name) for f in files if f.name]  # a file is truthy by name
    storage_names += [(image.image.storage, name) for name in image.renditions.values()]
    audit_record(
        action=AuditAction.PRODUCT_UPDATED,
        actor=actor,
        target=product,
        details={"image_removed": image.pk},
    )
    image.delete()
    for position, remaining in enumerate(product.images.order_by("position", "pk")):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])

    def delete_files() -> None:
        for storage, name in storage_names:
            storage.delete(name)

    transaction.on_commit(delete_files)


# --- Reviews ------------------------------------------------------------------------------------


@transaction.atomic
def review_create(
    *,
    product: Product,
    rating: int,
    text: str,
    country: str,
    reviewer_name: str,
    reviewed_on: date,
    photos: list[UploadedFile] | None = None,
) -> Review:
    """Record a buyer review. Invariant: 1 ≤ rating ≤ 5; photos are verified images."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise CatalogError(_("Rating must be 1 to 5"))
    country = (country or "").strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise CatalogError(_("Country must be an ISO 3166-1 alpha-2 code"))
    review = Review.objects.create(
        product=product,
        rating=rating,
        text=text.strip(),
        country=country,
        reviewer_name=reviewer_name.strip()[:120],
        reviewed_on=reviewed_on,
    )
    for upload in photos or []:
        content, image = _image_read(upload)
        extension = (image.format or "png").lower().replace("jpeg", "jpg")
        photo = ReviewPhoto(review=review)
        photo.image.save(f"{secrets.token_hex(8)}.{extension}", ContentFile(content), save=False)
        photo.save()
    return review


# --- Improper-product reports -------------------------------------------------------------------


@transaction.atomic
def report_create(
    *, product: Product, merchant: MerchantAccount, reporter: Any, reason: str, note: str = ""
) -> ImproperReport:
    """A merchant reports a product; it waits (pending) for an operator's decision."""
    if reason not in ReportReason.values:
        raise CatalogError(_("Unknown report reason %(reason)s") % {"reason": reason})
    return ImproperReport.objects.create(
        product=product, merchant=merchant, reporter=reporter, reason=reason, note=note.strip()
    )


def _report_decide(
    report: ImproperReport, *, status: str, actor: User, note: str
) -> ImproperReport:
    locked = ImproperReport.objects.select_for_update(of=("self",), no_key=True).get(pk=report.pk)
    if locked.status != ReportStatus.PENDING:
        raise CatalogError(_("This report has already been decided"))
    locked.status = status
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.outcome_note = note.strip()
    locked.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "outcome_note", "updated_at"]
    )
    audit_record(
        action=AuditAction.REPORT_DECIDED,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        details={"status": status, "product_id": locked.product_id},
    )
    return locked


@transaction.atomic
def report_dismiss(*, report: ImproperReport, actor: User, note: str = "") -> ImproperReport:
    """Dismiss a pending report. Invariant: decided once, with reviewer, time and note."""
    return _report_decide(report, status=ReportStatus.DISMISSED, actor=actor, note=note)


@transaction.atomic
def report_take_off_sale(*, report: ImproperReport, actor: User, reason: str) -> ImproperReport:
    """Act on a pending report: take its product off sale with ``reason`` (also the outcome)."""
    if not reason.strip():
        raise CatalogError(_("A reason is required to take a product off sale"))
    decided = _report_decide(report, status=ReportStatus.ACTIONED, actor=actor, note=reason)
    product_set_on_sale(product=decided.product, on_sale=False, reason=reason, actor=actor)
    return decided


# --- My Products --------------------------------------------------------------------------------


@transaction.atomic
def my_product_add(*, merchant: MerchantAccount, product: Product, actor: Actor) -> MyProduct:
    """Save an on-sale product to the merchant's My Products; adding it again changes nothing.

    Raises ProductOffSale (1602002) for an off-sale product not yet saved, ProductNotFound
    for a product private to another merchant.
    """
    if product.private_for_id is not None and product.private_for_id != merchant.pk:
        raise ProductNotFound(_("Product not found"))
    existing = MyProduct.objects.filter(merchant=merchant, product=product).first()
    if existing is not None:
        return existing
    if not product.is_on_sale:
        raise ProductOffSale(_("The product is off shelf"))
    saved, created = MyProduct.objects.get_or_create(merchant=merchant, product=product)
    if created:
        # listed_count counts MyProduct rows; F() keeps concurrent saves of one product exact.
        Product.objects.filter(pk=product.pk).update(listed_count=F("listed_count") + 1)
    return saved


@transaction.atomic
def my_product_remove(*, merchant: MerchantAccount, product: Product, actor: Actor) -> bool:
    """Remove a product from the merchant's My Products; True if it was there."""
    deleted, _kinds = MyProduct.objects.filter(merchant=merchant, product=product).delete()
    if deleted:
        Product.objects.filter(pk=product.pk, listed_count__gt=0).update(
            listed_count=F("listed_count") - 1
        )
    return bool(deleted)
