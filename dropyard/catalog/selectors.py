"""Catalog reads: the category tree, product/variant lookups, reviews, reports, My Products.

Full-text product search is ``dropyard.catalog.search.product_search``. Stock figures for
catalog responses are inventory's (``inventory.selectors.stock_totals_by_product``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.core.errors import NotFound

from .exceptions import ProductNotFound, VariantNotFound
from .models import (
    Category,
    ImproperReport,
    MerchantPrice,
    MyProduct,
    Product,
    ProductImage,
    Review,
    Variant,
)
from .search import _build as _search_build
from .search import category_descendant_ids, product_search_ids, search_tokens


@dataclass
class CategoryNode:
    """One category with its children, as ``category_tree`` returns them."""

    category: Category
    children: list["CategoryNode"] = field(default_factory=list)


def category_tree() -> list[CategoryNode]:
    """The whole three-level tree in display order (level, position, name), in one query."""
    nodes: dict[int, CategoryNode] = {}
    roots: list[CategoryNode] = []
    for category in Category.objects.order_by("level", "position", "name", "pk"):
        node = CategoryNode(category)
        nodes[category.pk] = node
        if category.parent_id is None:
            roots.append(node)
        elif category.parent_id in nodes:
            nodes[category.parent_id].children.append(node)
    return roots


def category_get(*, public_id: str) -> Category | None:
    return Category.objects.filter(public_id=public_id).first()


def category_list(*, leaves_only: bool = False, parents_only: bool = False) -> QuerySet[Category]:
    """Categories in tree order, with their ancestors loaded for full-path labels.

    ``leaves_only``: level-3 categories (the ones products go in); ``parents_only``: levels 1–2
    (the ones that take children).
    """
    qs = Category.objects.select_related("parent__parent")
    if leaves_only:
        qs = qs.filter(level=3)
    if parents_only:
        qs = qs.filter(level__lt=3)
    return qs


def _product_queryset() -> QuerySet[Product]:
    return Product.objects.select_related("category__parent__parent", "supplier").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.order_by("position", "pk")), "images"
    )


def visible_to(merchant: MerchantAccount | None) -> Q:
    """The products a merchant may see: public ones and its own private ones (sourcing)."""
    if merchant is None:
        return Q(private_for__isnull=True)
    return Q(private_for__isnull=True) | Q(private_for=merchant)


def _variant_visible_to(merchant: MerchantAccount | None) -> Q:
    if merchant is None:
        return Q(product__private_for__isnull=True)
    return Q(product__private_for__isnull=True) | Q(product__private_for=merchant)


def is_visible_to(product: Product, merchant: MerchantAccount | None) -> bool:
    """Whether ``merchant`` may see ``product`` (``visible_to`` for one loaded product)."""
    return product.private_for_id is None or (
        merchant is not None and product.private_for_id == merchant.pk
    )


def product_get(
    *,
    pid: str | None = None,
    sku: str | None = None,
    variant_sku: str | None = None,
    merchant: MerchantAccount | None = None,
    for_merchant: bool = False,
) -> Product:
    """The product addressed by exactly one of pid, product SKU or a variant SKU.

    Raises ProductNotFound (1602001); for ``variant_sku``, VariantNotFound (1602000) when no
    variant has that SKU. ``for_merchant`` (merchant pages and the API): a product private to
    another merchant than ``merchant`` is not found either.
    """
    queryset = _product_queryset()
    if pid:
        product = queryset.filter(public_id=pid).first()
    elif sku:
        product = queryset.filter(sku=sku).first()
    elif variant_sku:
        product_id = Variant.objects.filter(sku=variant_sku).values_list("product_id", flat=True)
        found = list(product_id[:1])
        if not found:
            raise VariantNotFound(_("Variant not found"))
        product = queryset.filter(pk=found[0]).first()
    else:
        product = None
    if product is None or (for_merchant and not is_visible_to(product, merchant)):
        raise ProductNotFound(_("Product not found"))
    return product


def product_list(
    *, q: str = "", category: Category | None = None, on_sale: bool | None = None
) -> QuerySet[Product]:
    """Every product for the operator list, on or off sale, newest first, category loaded.

    ``q`` matches the name, the product SKU or any variant SKU; ``on_sale`` None means both.
    """
    products = Product.objects.select_related("category")
    if q:
        products = products.filter(
            Q(name__icontains=q) | Q(sku__icontains=q) | Q(variants__sku__icontains=q)
        ).distinct()
    if category is not None:
        products = products.filter(category=category)
    if on_sale is not None:
        products = products.filter(is_on_sale=on_sale)
    return products.order_by("-created_at", "-pk")


def product_image_get(*, pk: int) -> ProductImage:
    """One product image with its product; ``NotFound`` otherwise."""
    image = ProductImage.objects.select_related("product").filter(pk=pk).first()
    if image is None:
        raise NotFound(_("Image not found"))
    return image


def variant_get(
    *,
    vid: str | None = None,
    sku: str | None = None,
    merchant: MerchantAccount | None = None,
    for_merchant: bool = False,
) -> Variant:
    """The variant with that vid (or SKU), its product and category loaded; else 1602000.
    ``for_merchant``: a variant of a product private to another merchant is not found."""
    queryset = Variant.objects.select_related("product__category", "image")
    variant = (
        queryset.filter(public_id=vid).first()
        if vid
        else queryset.filter(sku=sku).first()
        if sku
        else None
    )
    if variant is None or (for_merchant and not is_visible_to(variant.product, merchant)):
        raise VariantNotFound(_("Variant not found"))
    return variant


def variant_list(*, product: Product, on_sale_only: bool = False) -> list[Variant]:
    """The product's variants in position order (only on-sale ones if asked)."""
    variants = Variant.objects.filter(product=product).select_related("image")
    if on_sale_only:
        variants = variants.filter(is_on_sale=True)
    return list(variants.order_by("position", "pk"))


def review_list(*, product: Product, score: int | None = None) -> QuerySet[Review]:
    """The product's reviews, newest first, optionally only those with this rating."""
    reviews = Review.objects.filter(product=product).prefetch_related("photos")
    if score is not None:
        reviews = reviews.filter(rating=score)
    return reviews.order_by("-reviewed_on", "-pk")


def my_product_list(
    *,
    merchant: MerchantAccount,
    keyword: str = "",
    category_id: int | None = None,
) -> QuerySet[MyProduct]:
    """The merchant's saved products (only theirs), newest saved first.

    ``keyword`` matches every word in the product name or SKU; ``category_id`` includes
    descendant categories.
    """
    saved = MyProduct.objects.filter(merchant=merchant).select_related(
        "product__category__parent__parent"
    )
    for token in search_tokens(keyword):
        saved = saved.filter(Q(product__name__icontains=token) | Q(product__sku__icontains=token))
    if category_id is not None:
        saved = saved.filter(product__category_id__in=category_descendant_ids(category_id))
    return saved.prefetch_related("product__images").order_by("-created_at", "-pk")


def my_product_ids(*, merchant: MerchantAccount) -> set[int]:
    """Pks of the products the merchant has saved (for "saved" marks in lists)."""
    return set(MyProduct.objects.filter(merchant=merchant).values_list("product_id", flat=True))


def report_list(*, status: str | None = None) -> QuerySet[ImproperReport]:
    """Reports for the operator queue, oldest pending first when filtering by status."""
    reports = ImproperReport.objects.select_related(
        "product", "merchant", "reporter", "reviewed_by"
    )
    if status:
        return reports.filter(status=status).order_by("created_at", "pk")
    return reports.order_by("-created_at", "-pk")


def report_get(*, pk: int) -> ImproperReport:
    """One report with its product, merchant, reporter and reviewer; ``NotFound`` otherwise."""
    report = (
        ImproperReport.objects.select_related("product", "merchant", "reporter", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound(_("Report not found"))
    return report


def report_list_for_merchant(*, merchant: MerchantAccount) -> QuerySet[ImproperReport]:
    """The merchant's own reports with their outcomes, newest first."""
    return (
        ImproperReport.objects.filter(merchant=merchant)
        .select_related("product", "reviewed_by")
        .order_by("-created_at", "-pk")
    )


# --- listV2 product flags and related categories ------------------------------------------------

TRENDING_DAYS = 30
TRENDING_MIN_SAVES = 2
NEW_DAYS = 30
SLOW_MOVING_DAYS = 90
FLAG_TRENDING, FLAG_NEW, FLAG_VIDEO, FLAG_SLOW_MOVING = 0, 1, 2, 3  # contract §5 productFlag


def product_flag_filters(flag: int, *, now: datetime) -> dict[str, Any]:
    """The ``product_search`` filters of one listV2 ``productFlag`` (contract §5), as of ``now``.

    - 0 trending: saved to My Products (our "listings") at least ``TRENDING_MIN_SAVES`` times
      in the last ``TRENDING_DAYS`` days.
    - 1 new: created in the last ``NEW_DAYS`` days.
    - 2 video: has a product video (``video_url`` set).
    - 3 slow-moving: has available shared stock, but in the last ``SLOW_MOVING_DAYS`` days
      nobody saved it to My Products and no order line (any merchant) bought one of its variants.
    """
    if flag == FLAG_TRENDING:
        return {"added_since": now - timedelta(days=TRENDING_DAYS), "added_min": TRENDING_MIN_SAVES}
    if flag == FLAG_NEW:
        return {"created_from": now - timedelta(days=NEW_DAYS)}
    if flag == FLAG_VIDEO:
        return {"has_video": True}
    if flag == FLAG_SLOW_MOVING:
        return {"min_available": 1, "idle_since": now - timedelta(days=SLOW_MOVING_DAYS)}
    raise ValueError(f"unknown productFlag {flag}")


RELATED_CATEGORY_SAMPLE = 200
RELATED_CATEGORY_LIMIT = 10


@dataclass(frozen=True)
class RelatedCategory:
    category: Category
    count: int  # matches in the sample, not in the whole result


def related_categories(
    *,
    keyword: str = "",
    sample: int = RELATED_CATEGORY_SAMPLE,
    limit: int = RELATED_CATEGORY_LIMIT,
    **filters: Any,
) -> list[RelatedCategory]:
    """The level-3 categories of a search's matches, most matches first (then category pk).

    Bounded: counts categories over at most ``sample`` matching products, taken in whatever
    order the database finds them (not rank order), in one aggregate over the same
    predicates as ``product_search`` (``filters`` are its filter arguments). For a result of up
    to ``sample`` products the counts are exact; beyond that they describe a sample.
    """
    defaults = {
        "category_id": None,
        "warehouse_country": None,
        "min_price_minor": None,
        "max_price_minor": None,
        "in_stock": None,
        "on_sale_only": True,
        "product_type": None,
        "supplier_id": None,
    }
    sql = _search_build(tokens=search_tokens(keyword), **{**defaults, **filters})
    where = f" WHERE {' AND '.join(sql.where)}" if sql.where else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.category_id, COUNT(*) AS n FROM "
            f"(SELECT p.category_id FROM {sql.from_clause}{where} LIMIT %s) AS m "
            "GROUP BY m.category_id ORDER BY n DESC, m.category_id ASC LIMIT %s",
            [*sql.params, sample, limit],
        )
        counts = cursor.fetchall()
    by_pk = Category.objects.in_bulk([pk for pk, _ in counts])
    return [RelatedCategory(by_pk[pk], n) for pk, n in counts if pk in by_pk]


# --- The manual order's product picker ----------------------------------------------------------

PICKER_PRODUCTS = 8  # products per picker search; each brings its on-sale variants
PICKER_VARIANTS = 24
KEY_MAX_LENGTH = 64  # a SKU (60) or a vid (≤ 40): longer text cannot name a variant


def _orderable_variants() -> QuerySet[Variant]:
    return (
        Variant.objects.filter(is_on_sale=True, product__is_on_sale=True)
        .select_related("product", "image")
        .prefetch_related("product__images")
    )


def variant_picker_search(*, q: str, merchant: MerchantAccount | None = None) -> list[Variant]:
    """The on-sale variants of on-sale products (what any merchant may order) matching ``q``:
    an exact variant SKU first, then the variants of the products the catalog search ranks best
    for ``q`` (words as prefixes of the name, SKUs, category, material), at most
    ``PICKER_VARIANTS``, with what their pictures need loaded. Empty ``q``: nothing. Private
    products (not in the search) come only by exact SKU, and only to their ``merchant``."""
    q = q.strip()
    if not q:
        return []
    visible = _variant_visible_to(merchant)
    exact = list(_orderable_variants().filter(visible, sku__iexact=q)[:1])
    _total, product_ids = _search_product_ids(q)
    rank = {pk: index for index, pk in enumerate(product_ids)}
    ranked = sorted(
        _orderable_variants()
        .filter(product_id__in=product_ids)
        .exclude(pk__in=[v.pk for v in exact]),
        key=lambda v: (rank[v.product_id], v.position, v.pk),
    )
    return (exact + ranked)[:PICKER_VARIANTS]


def _search_product_ids(q: str) -> tuple[int, list[int]]:
    return product_search_ids(keyword=q, limit=PICKER_PRODUCTS, count_cap=PICKER_PRODUCTS)


def variants_by_keys(
    keys: Iterable[str], *, merchant: MerchantAccount | None = None
) -> dict[str, Variant]:
    """Variants by SKU or vid for the given keys (as typed in the manual order's lines), with
    their pictures' data; keys that cannot be a SKU or vid (blank, NUL, too long) are skipped,
    and so are variants of products private to another merchant than ``merchant``."""
    wanted = {
        key.strip()
        for key in keys
        if isinstance(key, str) and key.strip() and "\x00" not in key and len(key) <= KEY_MAX_LENGTH
    }
    if not wanted:
        return {}
    found: dict[str, Variant] = {}
    for variant in (
        Variant.objects.filter(Q(sku__in=wanted) | Q(public_id__in=wanted))
        .filter(_variant_visible_to(merchant))
        .select_related("product", "image")
        .prefetch_related("product__images")
    ):
        for key in (variant.sku, variant.public_id):
            if key in wanted:
                found[key] = variant
    return found


# --- Per-merchant prices ------------------------------------------------------------------------


def merchant_prices_for(
    merchant: MerchantAccount | None, variant_ids: Iterable[int]
) -> dict[int, int]:
    """The merchant's agreed prices (``MerchantPrice``) on these variants, by variant pk, in
    one query; variants without one are absent. No merchant: nothing (no query)."""
    ids = {pk for pk in variant_ids if pk is not None}
    if merchant is None or not ids:
        return {}
    return dict(
        MerchantPrice.objects.filter(merchant=merchant, variant_id__in=ids)
        .order_by()
        .values_list("variant_id", "price_minor")
    )


def unit_prices_for(
    merchant: MerchantAccount | None, variants: Iterable[Variant]
) -> dict[int, int]:
    """What ``merchant`` pays per unit of each variant, by variant pk, in one query: its
    agreed price, or the list price (``Variant.price_minor``) without one.

    Invariant: never more than the list price (a list price lowered below an agreed price
    wins), so an agreement can only help the merchant.
    """
    variants = list(variants)
    agreed = merchant_prices_for(merchant, (v.pk for v in variants))
    return {
        v.pk: min(v.price_minor, agreed[v.pk]) if v.pk in agreed else v.price_minor
        for v in variants
    }


def unit_price_for(merchant: MerchantAccount | None, variant: Variant) -> int:
    """``unit_prices_for`` for one variant."""
    return unit_prices_for(merchant, [variant])[variant.pk]


def variant_get_for_merchant(*, merchant: MerchantAccount, key: str) -> Variant:
    """The variant with this vid or SKU as ``merchant`` sees the catalog: a variant of a
    product private to another merchant is ``VariantNotFound`` like an unknown one. On-sale
    state is not checked here (callers say what an off-sale variant means for them)."""
    key = (key or "").strip()
    if not key or "\x00" in key or len(key) > KEY_MAX_LENGTH:
        raise VariantNotFound(_("Variant not found"))
    variant = (
        Variant.objects.select_related("product", "image")
        .filter(Q(public_id=key) | Q(sku=key))
        .filter(Q(product__private_for__isnull=True) | Q(product__private_for=merchant))
        .first()
    )
    if variant is None:
        raise VariantNotFound(_("Variant not found"))
    return variant


# --- Product summaries (listV2 entries) ---------------------------------------------------------

# (pk, public id, name) of a category; a product's path is (level 1, level 2, level 3).
CategoryRef = tuple[int, str, str]


@dataclass(frozen=True, slots=True)
class ProductSummary:
    """What a listV2 entry shows of one product, without loading the product and its relations
    as models (``product_summaries``) or taken from a loaded product (``wire.summary_of``).
    ``image``: the storage name of its first picture (position, then pk), "" when it has none;
    ``path``: its category's level-1 and level-2 ancestors (None where the tree is shallower)
    and the category itself."""

    pk: int
    public_id: str
    name: str
    sku: str
    image: str
    min_price_minor: int
    listed_count: int
    path: tuple[CategoryRef | None, CategoryRef | None, CategoryRef]
    has_video: bool
    product_type: str
    supplier_name: str
    created_at: datetime
    is_on_sale: bool
    description_html: str | None


def _ref(pk, public_id, name) -> CategoryRef | None:
    return None if pk is None else (pk, public_id, name)


def product_summaries(ids: list[int], *, description: bool = False) -> dict[int, ProductSummary]:
    """The summaries of these products (pks), one query of plain values: building 20 products
    with their category path, supplier and pictures as models was most of an unfiltered listV2
    answer's time on PostgreSQL (docs/benchmarks.md 2026-12-07)."""
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
    rows = (
        Product.objects.filter(pk__in=ids)
        .order_by()
        .annotate(first_image=Subquery(first_image.values("image")[:1]))
        .values_list(
            "pk", "public_id", "name", "sku", "first_image", "min_price_minor", "listed_count",
            "category__parent__parent_id", "category__parent__parent__public_id",
            "category__parent__parent__name", "category__parent_id", "category__parent__public_id",
            "category__parent__name", "category_id", "category__public_id", "category__name",
            "video_url", "product_type", "supplier__company_name", "created_at", "is_on_sale",
            *(["description_html"] if description else []),
        )
    )  # fmt: skip
    found = {}
    for row in rows:
        found[row[0]] = ProductSummary(
            pk=row[0], public_id=row[1], name=row[2], sku=row[3], image=row[4] or "",
            min_price_minor=row[5], listed_count=row[6],
            path=(_ref(*row[7:10]), _ref(*row[10:13]), (row[13], row[14], row[15])),
            has_video=bool(row[16]), product_type=row[17], supplier_name=row[18] or "",
            created_at=row[19], is_on_sale=row[20],
            description_html=row[21] if description else None,
        )  # fmt: skip
    return found
