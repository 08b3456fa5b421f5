"""Reads of a merchant's private inventory: stock per product (SPU), per SKU and warehouse, its
inbound batches and its ledger; the purchase cart and purchase orders.

Every selector takes the merchant and reads only that merchant's rows (``Stock.merchant``,
``PurchaseCartLine.merchant``, ``PurchaseOrder.merchant``): another merchant's product, SKU,
warehouse or order simply matches nothing.

Quantities of a private stock row (the contract's ``client*Quantity`` names, mapped in the API):
on hand, reserved (promised to the merchant's unshipped orders), available = on hand − reserved,
and used = units shipped out of it (the sum of its SHIPMENT movements).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog import selectors as catalog_selectors
from dropyard.catalog.models import Product, Variant

from .choices import MovementKind
from .models import PurchaseCartLine, PurchaseOrder, PurchaseOrderLine, Stock, StockMovement

# --- Stock per SPU --------------------------------------------------------------------------------

SPU_SORTS = {
    "availablestock": "sum_available",
    "available": "sum_available",
    "totalstock": "sum_on_hand",
    "onhand": "sum_on_hand",
    "lockstock": "sum_reserved",
    "updatetime": "updated",
    "createtime": "updated",
    "sku": "sku",
}


@dataclass(frozen=True)
class PrivateSpu:
    """One product's private stock totals over its variants and warehouses."""

    product: Product
    variants: int
    warehouses: int
    on_hand: int
    reserved: int
    updated: datetime | None

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def _private_rows(
    merchant: MerchantAccount,
    *,
    keyword: str = "",
    product_pid: str = "",
    sku: str = "",
    vid: str = "",
    storage_ids: Sequence[str] = (),
    skus: Sequence[str] = (),
) -> QuerySet[Stock]:
    qs = Stock.objects.filter(merchant=merchant)
    if keyword:
        qs = qs.filter(
            Q(variant__product__name__icontains=keyword)
            | Q(variant__product__sku__icontains=keyword)
            | Q(variant__sku__icontains=keyword)
        )
    if product_pid:
        qs = qs.filter(variant__product__public_id=product_pid)
    if sku:
        qs = qs.filter(Q(variant__sku=sku) | Q(variant__product__sku=sku))
    if vid:
        qs = qs.filter(variant__public_id=vid)
    if storage_ids:
        qs = qs.filter(warehouse__public_id__in=list(storage_ids))
    if skus:
        qs = qs.filter(variant__sku__in=list(skus))
    return qs


def private_spu_page(
    *,
    merchant: MerchantAccount,
    keyword: str = "",
    product_pid: str = "",
    sku: str = "",
    available_only: bool = False,
    sort: str = "updated",
    descending: bool = True,
    offset: int = 0,
    limit: int = 20,
) -> tuple[int, list[PrivateSpu]]:
    """(total, page) of the merchant's products that have private stock rows, with totals.

    ``sort`` is one of ``SPU_SORTS``' values; ties by product SKU. ``available_only`` keeps
    products with at least one available unit. Two grouped queries and one product load.
    """
    grouped = (
        _private_rows(merchant, keyword=keyword, product_pid=product_pid, sku=sku)
        .values("variant__product_id")
        .annotate(
            sum_on_hand=Sum("on_hand"),
            sum_reserved=Sum("reserved"),
            sum_available=Sum(F("on_hand") - F("reserved")),
            variants=Count("variant", distinct=True),
            warehouses=Count("warehouse", distinct=True),
            updated=Max("updated_at"),
            sku=Max("variant__product__sku"),
        )
    )
    if available_only:
        grouped = grouped.filter(sum_available__gt=0)
    total = grouped.count()
    order = f"-{sort}" if descending else sort
    rows = list(grouped.order_by(order, "sku")[offset : offset + limit])
    products = Product.objects.in_bulk([r["variant__product_id"] for r in rows])
    return total, [
        PrivateSpu(
            product=products[r["variant__product_id"]],
            variants=r["variants"],
            warehouses=r["warehouses"],
            on_hand=r["sum_on_hand"] or 0,
            reserved=r["sum_reserved"] or 0,
            updated=r["updated"],
        )
        for r in rows
    ]


# --- Stock per SKU ----------------------------------------------------------------------------


@dataclass
class PrivateSku:
    """One variant's private stock totals over the merchant's warehouses."""

    variant: Variant
    on_hand: int = 0
    reserved: int = 0
    warehouses: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def private_sku_list(
    *, merchant: MerchantAccount, product: Product, keyword: str = "", vid: str = ""
) -> list[PrivateSku]:
    """The merchant's private stock of ``product`` per variant (variants without a private
    row are left out), in variant order."""
    rows = (
        _private_rows(merchant, vid=vid, keyword=keyword)
        .filter(variant__product=product)
        .values("variant_id")
        .annotate(
            on_hand=Sum("on_hand"),
            reserved=Sum("reserved"),
            warehouses=Count("warehouse", distinct=True),
        )
    )
    sums = {r["variant_id"]: r for r in rows}
    variants = Variant.objects.filter(pk__in=list(sums)).order_by("position", "pk")
    return [
        PrivateSku(
            variant=v,
            on_hand=sums[v.pk]["on_hand"] or 0,
            reserved=sums[v.pk]["reserved"] or 0,
            warehouses=sums[v.pk]["warehouses"],
        )
        for v in variants
    ]


@dataclass(frozen=True)
class PrivateStockRow:
    """One private stock row (a SKU in a warehouse) with the units shipped out of it."""

    stock: Stock
    used: int

    @property
    def available(self) -> int:
        return self.stock.available


def private_stock_queryset(
    *,
    merchant: MerchantAccount,
    sku: str = "",
    product_pid: str = "",
    storage_ids: Sequence[str] = (),
    skus: Sequence[str] = (),
    keyword: str = "",
) -> QuerySet[Stock]:
    """The merchant's private stock rows by SKU then warehouse code, with product, variant
    and warehouse loaded; filters combine."""
    return (
        _private_rows(
            merchant,
            keyword=keyword,
            sku=sku,
            product_pid=product_pid,
            storage_ids=storage_ids,
            skus=skus,
        )
        .select_related("variant__product", "warehouse")
        .order_by("variant__sku", "warehouse__code")
    )


def private_stock_used(rows: Sequence[Stock]) -> list[PrivateStockRow]:
    """``rows`` with the units shipped out of each (one grouped query)."""
    shipped = dict(
        StockMovement.objects.filter(stock__in=list(rows), kind=MovementKind.SHIPMENT)
        .values("stock_id")
        .annotate(units=Sum("on_hand_delta"))
        .values_list("stock_id", "units")
    )
    return [PrivateStockRow(stock=r, used=-(shipped.get(r.pk) or 0)) for r in rows]


def private_stock_list(
    *, merchant: MerchantAccount, keyword: str = "", storage_ids: Sequence[str] = ()
) -> QuerySet[Stock]:
    """``private_stock_queryset`` for the stock page: each row annotated with
    ``available_units`` (on hand − reserved) and ``shipped_units`` (the units of its SHIPMENT
    movements, as ``private_stock_used`` counts them), so that the list sorts and exports them
    without a query per row."""
    shipped = (
        StockMovement.objects.filter(stock=OuterRef("pk"), kind=MovementKind.SHIPMENT)
        .values("stock")
        .annotate(units=Sum("on_hand_delta"))
        .values("units")
    )
    rows = private_stock_queryset(merchant=merchant, keyword=keyword, storage_ids=storage_ids)
    # The list shows each row's picture: the variant's image, else its product's first.
    rows = rows.select_related("variant__image").prefetch_related("variant__product__images")
    return rows.annotate(
        available_units=F("on_hand") - F("reserved"),
        shipped_units=-Coalesce(Subquery(shipped), Value(0)),
    )


def private_stock_rows(
    *,
    merchant: MerchantAccount,
    offset: int = 0,
    limit: int = 20,
    **filters: Any,
) -> tuple[int, list[PrivateStockRow]]:
    """(total, page) of ``private_stock_queryset(**filters)`` with the shipped units."""
    qs = private_stock_queryset(merchant=merchant, **filters)
    return qs.count(), private_stock_used(list(qs[offset : offset + limit]))


# --- Batches ----------------------------------------------------------------------------------


@dataclass
class Batch:
    """One inbound movement into a private stock row (a purchase, receipt, return or positive
    adjustment) and how many of its units are still on hand, first in first out.

    ``unit_price_minor`` is the purchase order's unit price (USD minor units) for PURCHASE
    batches, 0 for inbound movements without a price (receipts of goods delivered by a bulk
    order, returns, adjustments).
    """

    movement: StockMovement
    quantity: int
    remaining: int = 0
    unit_price_minor: int = 0


def fifo_remaining(inbound: Sequence[int], outbound_total: int) -> list[int]:
    """What is left of each inbound quantity (oldest first) after ``outbound_total`` units
    left, oldest first. Pure; Σ result = max(0, Σ inbound − outbound_total)."""
    left = max(0, outbound_total)
    out = []
    for quantity in inbound:
        taken = min(quantity, left)
        left -= taken
        out.append(quantity - taken)
    return out


def private_batches(
    *, merchant: MerchantAccount, sku: str, storage_ids: Sequence[str] = ()
) -> list[tuple[Stock, list[Batch]]]:
    """Per private stock row of ``sku`` (a variant SKU, or a product SKU for all its variants):
    its inbound batches, oldest first, each with the units still on hand (FIFO over the row's
    outbound movements, so Σ remaining = on_hand)."""
    stocks = list(
        _private_rows(merchant, sku=sku, storage_ids=storage_ids)
        .select_related("variant__product", "warehouse")
        .order_by("variant__sku", "warehouse__code")
    )
    if not stocks:
        return []
    movements: dict[int, list[StockMovement]] = defaultdict(list)
    inout = (
        StockMovement.objects.filter(stock__in=stocks)
        .exclude(on_hand_delta=0)
        .order_by("created_at", "pk")
    )
    for m in inout:
        movements[m.stock_id].append(m)
    codes = {
        m.reference
        for ms in movements.values()
        for m in ms
        if m.kind == MovementKind.PURCHASE and m.reference
    }
    prices = {
        (code, variant_id, warehouse_id): price
        for code, variant_id, warehouse_id, price in PurchaseOrderLine.objects.filter(
            order__merchant=merchant, order__code__in=codes
        ).values_list("order__code", "variant_id", "warehouse_id", "unit_price_minor")
    }
    result = []
    for stock in stocks:
        rows = movements.get(stock.pk, [])
        batches = [
            Batch(
                movement=m,
                quantity=m.on_hand_delta,
                unit_price_minor=prices.get((m.reference, stock.variant_id, stock.warehouse_id), 0),
            )
            for m in rows
            if m.on_hand_delta > 0
        ]
        out = -sum(m.on_hand_delta for m in rows if m.on_hand_delta < 0)
        for batch, left in zip(
            batches, fifo_remaining([b.quantity for b in batches], out), strict=True
        ):
            batch.remaining = left
        result.append((stock, batches))
    return result


# --- Ledger -----------------------------------------------------------------------------------


def private_flow(
    *,
    merchant: MerchantAccount,
    sku: str = "",
    reference: str = "",
    storage_id: str = "",
    kind: str = "",
) -> QuerySet[StockMovement]:
    """The merchant's private stock movements, newest first (stock, variant, warehouse and
    actor loaded); ``sku`` matches a variant or product SKU exactly, ``reference`` an order or
    purchase order code, ``storage_id`` a warehouse public id, ``kind`` a ``MovementKind``."""
    qs = StockMovement.objects.filter(stock__merchant=merchant).select_related(
        "actor", "stock__warehouse", "stock__variant__product"
    )
    if sku:
        qs = qs.filter(Q(stock__variant__sku=sku) | Q(stock__variant__product__sku=sku))
    if reference:
        qs = qs.filter(reference=reference)
    if storage_id:
        qs = qs.filter(stock__warehouse__public_id=storage_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk")


# --- Purchase cart and orders -----------------------------------------------------------------


@dataclass
class PurchaseCart:
    """The merchant's purchase cart at today's prices for it (USD minor units): each line
    carries ``unit_price_minor``, the merchant's agreed price or the list price."""

    lines: list[PurchaseCartLine] = field(default_factory=list)
    currency: str = "USD"

    @property
    def total_minor(self) -> int:
        return sum(line.quantity * line.unit_price_minor for line in self.lines)  # type: ignore[attr-defined]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


def purchase_cart_get(*, merchant: MerchantAccount) -> PurchaseCart:
    """The merchant's cart lines, oldest first, with variant, product and warehouse loaded,
    each annotated with ``available`` (platform units available in its warehouse now)."""
    lines = list(
        PurchaseCartLine.objects.filter(merchant=merchant)
        .select_related("variant__product", "warehouse")
        .order_by("created_at", "pk")
    )
    free = {
        (s.variant_id, s.warehouse_id): s.available
        for s in Stock.objects.filter(
            merchant__isnull=True,
            variant__in=[line.variant_id for line in lines],
            warehouse__in=[line.warehouse_id for line in lines],
        )
    }
    prices = catalog_selectors.unit_prices_for(merchant, [line.variant for line in lines])
    for line in lines:
        line.available = free.get((line.variant_id, line.warehouse_id), 0)  # type: ignore[attr-defined]
        line.unit_price_minor = prices[line.variant_id]  # type: ignore[attr-defined]
    return PurchaseCart(lines=lines)


def purchase_order_list(
    *, merchant: MerchantAccount, status: str = "", code: str = "", search: str = ""
) -> QuerySet[PurchaseOrder]:
    """The merchant's purchase orders, newest first, with line counts (``line_count``,
    ``units``); ``search``: part of the order code, or a SKU or product name in its lines."""
    qs = PurchaseOrder.objects.filter(merchant=merchant).annotate(
        line_count=Count("lines"), units=Sum("lines__quantity")
    )
    if status:
        qs = qs.filter(status=status)
    if code:
        qs = qs.filter(code=code)
    if search:
        lines = PurchaseOrderLine.objects.filter(
            Q(variant__sku__icontains=search) | Q(variant__product__name__icontains=search)
        ).values("order_id")
        qs = qs.filter(Q(code__icontains=search) | Q(pk__in=lines))
    return qs.order_by("-created_at", "-pk")


def purchase_order_get(*, merchant: MerchantAccount, code: str) -> PurchaseOrder | None:
    """The merchant's purchase order by code or pay id (lines with variant, product and
    warehouse prefetched); None when unknown or another merchant's."""
    code = (code or "").strip()
    if not code:
        return None
    return (
        PurchaseOrder.objects.filter(Q(code=code) | Q(pay_id=code), merchant=merchant)
        .prefetch_related("lines__variant__product", "lines__warehouse")
        .first()
    )


def cart_variants(*, merchant: MerchantAccount, vids: Sequence[str]) -> list[Variant]:
    """The variants with these vids that are in the merchant's purchase cart."""
    if not vids:
        return []
    return list(
        Variant.objects.filter(
            public_id__in=list(vids),
            pk__in=PurchaseCartLine.objects.filter(merchant=merchant).values("variant_id"),
        )
    )


def purchase_cart_line_get(*, merchant: MerchantAccount, line_id: int) -> PurchaseCartLine | None:
    """The merchant's cart line ``line_id``; None when unknown or another merchant's."""
    return PurchaseCartLine.objects.filter(merchant=merchant, pk=line_id).first()
