"""Supplier portal reads. Every portal read is scoped by the supplier: another supplier's
products, warehouse and stock are simply not found (404)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from dropyard.accounts.models import Supplier
from dropyard.catalog.models import Variant
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Stock, Warehouse

from .choices import ReviewStatus
from .exceptions import ReviewNotFound, SupplierProductNotFound
from .models import SupplierProductReview


def _reviews() -> QuerySet[SupplierProductReview]:
    return SupplierProductReview.objects.select_related(
        "product", "product__category", "supplier", "reviewer"
    )


def _search(reviews: QuerySet[SupplierProductReview], search: str) -> QuerySet:
    if search:
        reviews = reviews.filter(
            Q(product__name__icontains=search)
            | Q(product__sku__iexact=search)
            | Q(supplier__company_name__icontains=search)
        )
    return reviews


def supplier_product_list(
    *, supplier: Supplier, search: str = ""
) -> QuerySet[SupplierProductReview]:
    """The supplier's own products (with their review), most recently changed first."""
    return _search(_reviews().filter(supplier=supplier), search).order_by("-updated_at", "-pk")


def supplier_product_get(*, supplier: Supplier, pid: str) -> SupplierProductReview:
    """One of the supplier's products by its public id; another supplier's answers 404."""
    review = _reviews().filter(supplier=supplier, product__public_id=pid).first()
    if review is None:
        raise SupplierProductNotFound()
    return review


def review_queue(
    *, status: str | None = ReviewStatus.SUBMITTED, search: str = ""
) -> QuerySet[SupplierProductReview]:
    """The operators' queue: reviews in ``status`` (None: all), oldest submission first."""
    reviews = _search(_reviews(), search)
    if status:
        reviews = reviews.filter(status=status)
    return reviews.order_by("submitted_at", "created_at", "pk")


def review_pending_count() -> int:
    return SupplierProductReview.objects.filter(status=ReviewStatus.SUBMITTED).count()


def review_get(*, pk: int) -> SupplierProductReview:
    review = _reviews().filter(pk=pk).first()
    if review is None:
        raise ReviewNotFound()
    return review


def supplier_warehouse_get(*, supplier: Supplier) -> Warehouse | None:
    """The supplier's own warehouse (the first one, when an operator made several)."""
    return (
        Warehouse.objects.filter(kind=WarehouseKind.SUPPLIER, supplier=supplier)
        .order_by("pk")
        .first()
    )


def supplier_stock_list(*, supplier: Supplier) -> QuerySet[Stock]:
    """Shared stock rows in the supplier's warehouses, by product and variant."""
    return (
        Stock.objects.filter(
            warehouse__kind=WarehouseKind.SUPPLIER,
            warehouse__supplier=supplier,
            merchant__isnull=True,
        )
        .select_related("variant", "variant__product", "warehouse")
        .order_by("variant__product__name", "variant__position", "pk")
    )


def supplier_stockable_variants(*, supplier: Supplier) -> QuerySet[Variant]:
    """Variants of the supplier's approved products: the only ones it may stock."""
    return (
        Variant.objects.filter(
            product__supplier=supplier,
            product__supplier_review__status=ReviewStatus.APPROVED,
        )
        .select_related("product")
        .order_by("product__name", "position", "pk")
    )


def supplier_variant_get(*, supplier: Supplier, vid: str) -> Variant:
    """A variant of one of the supplier's approved products; anything else answers 404."""
    variant = supplier_stockable_variants(supplier=supplier).filter(public_id=vid).first()
    if variant is None:
        raise SupplierProductNotFound()
    return variant


@dataclass
class PortalSummary:
    """What the portal home shows: products by review state, stock units, the warehouse."""

    by_status: dict[str, int] = field(default_factory=dict)
    products: int = 0
    on_hand: int = 0
    available: int = 0
    stocked_variants: int = 0
    warehouse: Warehouse | None = None

    @property
    def approved_unstocked(self) -> bool:
        return self.by_status.get(ReviewStatus.APPROVED, 0) > 0 and self.on_hand == 0


def portal_summary(*, supplier: Supplier) -> PortalSummary:
    counts = {
        row["status"]: row["n"]
        for row in SupplierProductReview.objects.filter(supplier=supplier)
        .values("status")
        .annotate(n=Count("pk"))
    }
    stock = supplier_stock_list(supplier=supplier).aggregate(
        on_hand=Sum("on_hand"), reserved=Sum("reserved"), rows=Count("pk")
    )
    on_hand = stock["on_hand"] or 0
    return PortalSummary(
        by_status={status: counts.get(status, 0) for status in ReviewStatus.values},
        products=sum(counts.values()),
        on_hand=on_hand,
        available=on_hand - (stock["reserved"] or 0),
        stocked_variants=stock["rows"] or 0,
        warehouse=supplier_warehouse_get(supplier=supplier),
    )
