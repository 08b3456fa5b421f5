"""Inventory reads: warehouses, stock per variant/product and country, the movement ledger.

Visibility rule (every selector here): shared stock (platform and factory) is visible to all;
private stock only to its own merchant, never to another merchant.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django_countries import countries

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog import selectors as catalog_selectors
from dropyard.catalog.models import MyProduct, Product, Variant
from dropyard.core.errors import NotFound
from dropyard.logistics import selectors as logistics_selectors

from .choices import MovementKind, WarehouseKind
from .exceptions import ProductNotFound, VariantNotFound, WarehouseNotFound
from .models import Stock, StockMovement, Warehouse

# --- Warehouses ---------------------------------------------------------------------------------


def warehouse_list(
    *,
    active_only: bool = True,
    country: str | None = None,
    is_active: bool | None = None,
    search: str = "",
) -> QuerySet[Warehouse]:
    """Warehouses ordered by country then code, with supplier and carriers loaded.

    ``is_active`` (with ``active_only=False``) picks active or inactive ones; ``search`` matches
    the code, name or city.
    """
    qs = Warehouse.objects.select_related("supplier").prefetch_related("carriers")
    if active_only:
        qs = qs.filter(is_active=True)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if country:
        qs = qs.filter(country=country.upper())
    if search:
        qs = qs.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(city__icontains=search)
        )
    return qs.order_by("country", "code")


def warehouse_countries() -> list[str]:
    """The countries of ``warehouse_list()``'s warehouses, each once, sorted (origin choices)."""
    return sorted({w.country for w in warehouse_list()})


def warehouse_get(*, public_id: str | None = None, code: str | None = None) -> Warehouse:
    """One warehouse by public id or code (active or not); ``WarehouseNotFound`` otherwise."""
    if not public_id and not code:
        raise WarehouseNotFound(_("warehouse id is required"))
    lookup = Q(public_id=public_id) if public_id else Q(code=(code or "").upper())
    warehouse = (
        Warehouse.objects.select_related("supplier").prefetch_related("carriers").filter(lookup)
    ).first()
    if warehouse is None:
        raise WarehouseNotFound(_("warehouse %(id)s not found") % {"id": public_id or code})
    return warehouse


@dataclass(frozen=True)
class WarehouseArea:
    """A warehouse country (the contract's "area"); ``active`` if any warehouse there is."""

    country: str
    active: bool


def warehouse_area_list() -> list[WarehouseArea]:
    """One area per country that has a warehouse, by country code."""
    active: dict[str, bool] = {}
    for country, is_active in Warehouse.objects.values_list("country", "is_active"):
        active[country] = active.get(country, False) or is_active
    return [WarehouseArea(country=c, active=active[c]) for c in sorted(active)]


def area_id(country: str) -> int:
    """The contract's integer ``areaId`` of a warehouse country: its ISO 3166-1 numeric code
    (stable, unique per country; CN → 156, US → 840)."""
    return countries.numeric(country) or 0


def area_name(country: str) -> str:
    """The English country name (``areaEn`` / ``countryNameEn``)."""
    return countries.name(country) or country


# --- Stock --------------------------------------------------------------------------------------


def _visible(merchant: MerchantAccount | None) -> Q:
    if merchant is None:
        return Q(merchant__isnull=True)
    return Q(merchant__isnull=True) | Q(merchant=merchant)


def stock_for_variant(
    *, variant: Variant, merchant: MerchantAccount | None = None
) -> QuerySet[Stock]:
    """Stock rows of a variant in active warehouses: platform and factory stock, plus ONLY
    ``merchant``'s own private stock (none without a merchant)."""
    return (
        Stock.objects.filter(_visible(merchant), variant=variant, warehouse__is_active=True)
        .select_related("warehouse", "merchant")
        .order_by("warehouse__country", "warehouse__code", "merchant_id")
    )


def stock_list(*, warehouse: Warehouse, sku: str = "", owner: str = "") -> QuerySet[Stock]:
    """Every stock row of a warehouse (shared and private) for operators, by variant SKU.

    ``sku`` matches the variant or product SKU; ``owner`` "platform" keeps the shared rows,
    "private" the merchants' own (anything else: both). Variant, product and merchant are
    loaded; ``available_units`` (on hand − reserved) is annotated so that lists sort by it.
    """
    qs = (
        Stock.objects.filter(warehouse=warehouse)
        .select_related("variant__product", "merchant")
        .annotate(available_units=F("on_hand") - F("reserved"))
    )
    if sku:
        qs = qs.filter(Q(variant__sku__icontains=sku) | Q(variant__product__sku__icontains=sku))
    if owner == "platform":
        qs = qs.filter(merchant__isnull=True)
    elif owner == "private":
        qs = qs.filter(merchant__isnull=False)
    return qs.order_by("variant__sku", "merchant_id")


def stock_get(*, pk: int) -> Stock:
    """One stock row with its warehouse, variant, product and merchant; ``NotFound`` otherwise."""
    stock = (
        Stock.objects.select_related("warehouse", "variant__product", "merchant")
        .filter(pk=pk)
        .first()
    )
    if stock is None:
        raise NotFound(_("Stock row not found"))
    return stock


def private_stock_list(
    *, merchant: MerchantAccount, warehouse: Warehouse | None = None
) -> QuerySet[Stock]:
    """A merchant's private stock rows (any warehouse state), with variant and warehouse."""
    qs = Stock.objects.filter(merchant=merchant).select_related("variant__product", "warehouse")
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    return qs.order_by("warehouse__code", "variant__sku")


@dataclass
class WarehouseInventory:
    """Available units of one variant (or product) in one warehouse.

    ``platform`` is the contract's "CJ" inventory (platform warehouses, including the calling
    merchant's own ``private`` units); ``factory`` is supplier-warehouse stock.
    """

    warehouse: Warehouse
    platform: int = 0
    factory: int = 0
    private: int = 0

    @property
    def total(self) -> int:
        return self.platform + self.factory


@dataclass
class CountryInventory:
    """Available units per warehouse country: total = platform ("CJ") + factory.

    ``verified`` holds when every warehouse counted here is verified.
    """

    country: str
    warehouses: list[WarehouseInventory] = field(default_factory=list)

    @property
    def platform(self) -> int:
        return sum(w.platform for w in self.warehouses)

    @property
    def factory(self) -> int:
        return sum(w.factory for w in self.warehouses)

    @property
    def private(self) -> int:
        return sum(w.private for w in self.warehouses)

    @property
    def total(self) -> int:
        return self.platform + self.factory

    @property
    def verified(self) -> bool:
        return all(w.warehouse.is_verified for w in self.warehouses)

    @property
    def area_id(self) -> int:
        return area_id(self.country)

    @property
    def area_en(self) -> str:
        return area_name(self.country)


def _by_country(rows: list[Stock]) -> list[CountryInventory]:
    per_warehouse: dict[int, WarehouseInventory] = {}
    for row in rows:
        entry = per_warehouse.setdefault(row.warehouse_id, WarehouseInventory(row.warehouse))
        if row.warehouse.kind == WarehouseKind.SUPPLIER:
            entry.factory += row.available
        else:
            entry.platform += row.available
            if row.merchant_id:
                entry.private += row.available
    per_country: dict[str, CountryInventory] = {}
    for entry in per_warehouse.values():
        country = entry.warehouse.country
        per_country.setdefault(country, CountryInventory(country)).warehouses.append(entry)
    return [per_country[c] for c in sorted(per_country)]


def inventory_by_country(
    *,
    variant: Variant | None = None,
    product: Product | None = None,
    merchant: MerchantAccount | None = None,
) -> list[CountryInventory]:
    """Available stock of a variant, or of all a product's variants, per warehouse country
    (ordered by country code), with the per-warehouse rows. Active warehouses only; private
    stock counts only for ``merchant`` itself."""
    if (variant is None) == (product is None):
        raise ValueError("pass exactly one of variant or product")
    scope = Q(variant=variant) if variant is not None else Q(variant__product=product)
    rows = list(
        Stock.objects.filter(scope, _visible(merchant), warehouse__is_active=True)
        .select_related("warehouse")
        .order_by("warehouse__country", "warehouse__code")
    )
    return _by_country(rows)


def inventory_by_variant(
    *, product: Product, merchant: MerchantAccount | None = None
) -> list[tuple[Variant, list[CountryInventory]]]:
    """Per variant of ``product`` (in variant order), its ``inventory_by_country``; one query."""
    variants = list(product.variants.all())
    rows = (
        Stock.objects.filter(
            _visible(merchant), variant__product=product, warehouse__is_active=True
        )
        .select_related("warehouse")
        .order_by("warehouse__country", "warehouse__code")
    )
    grouped: dict[int, list[Stock]] = defaultdict(list)
    for row in rows:
        grouped[row.variant_id].append(row)
    return [(v, _by_country(grouped.get(v.pk, []))) for v in variants]


# --- Ledger -------------------------------------------------------------------------------------


def movement_list(
    *,
    stock: Stock | None = None,
    warehouse: Warehouse | None = None,
    variant: Variant | None = None,
    merchant: MerchantAccount | None = None,
    kind: MovementKind | str | None = None,
    reference: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sku: str = "",
) -> QuerySet[StockMovement]:
    """Stock movements, newest first, for the operator history (actor, stock, warehouse and
    variant loaded). Filters combine; ``until`` is exclusive; ``sku`` matches part of the
    variant SKU."""
    qs = StockMovement.objects.select_related(
        "actor", "stock__warehouse", "stock__variant", "stock__merchant"
    )
    if stock is not None:
        qs = qs.filter(stock=stock)
    if warehouse is not None:
        qs = qs.filter(stock__warehouse=warehouse)
    if variant is not None:
        qs = qs.filter(stock__variant=variant)
    if merchant is not None:
        qs = qs.filter(stock__merchant=merchant)
    if kind:
        qs = qs.filter(kind=kind)
    if reference:
        qs = qs.filter(reference=reference)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    if sku:
        qs = qs.filter(stock__variant__sku__icontains=sku)
    return qs.order_by("-created_at", "-pk")


def open_reservations(references: Iterable[str]) -> dict[tuple[int, str], int]:
    """Units still reserved per (stock row, reference), from the StockMovement ledger: the sum
    of ``reserved_delta`` of RESERVATION, RELEASE and SHIPMENT movements with the reference.
    For the services that reserve and release (orders, fulfillment), not for display."""
    references = [r for r in set(references) if r]
    if not references:
        return {}
    rows = (
        StockMovement.objects.filter(reference__in=references)
        .values("stock_id", "reference")
        .annotate(open=Sum("reserved_delta"))
    )
    return {(r["stock_id"], r["reference"]): r["open"] for r in rows if r["open"] > 0}


# --- Catalog lookups for the stock endpoints ----------------------------------------------------


# Each sees only what ``merchant`` may see: a product private to another merchant is not found.


def variant_get_by_vid(*, vid: str, merchant: MerchantAccount | None = None) -> Variant:
    """A variant by its public id (the contract's vid); ``VariantNotFound`` (1602000)."""
    return catalog_selectors.variant_get(vid=vid, merchant=merchant, for_merchant=True)


def product_get_by_pid(*, pid: str, merchant: MerchantAccount | None = None) -> Product:
    """A product by its public id (the contract's pid); ``ProductNotFound`` (1602001)."""
    return catalog_selectors.product_get(pid=pid, merchant=merchant, for_merchant=True)


def stock_lookup_by_sku(*, sku: str, merchant: MerchantAccount | None = None) -> Variant | Product:
    """A variant by SKU or, failing that, a product by SPU; ``VariantNotFound`` (1602000)."""
    try:
        return catalog_selectors.variant_get(sku=sku, merchant=merchant, for_merchant=True)
    except VariantNotFound:
        pass
    try:
        return catalog_selectors.product_get(sku=sku, merchant=merchant, for_merchant=True)
    except ProductNotFound:
        raise VariantNotFound(_("no variant or product with sku %(sku)s") % {"sku": sku}) from None


# --- Stock totals per product (catalog lists) ---------------------------------------------------


@dataclass(frozen=True)
class StockTotals:
    """Available units of a product over shared stock: platform ("CJ"), factory, verified."""

    platform: int = 0
    factory: int = 0
    verified: int = 0
    unverified: int = 0

    @property
    def total(self) -> int:
        return self.platform + self.factory


def _shared_stock() -> QuerySet[Stock]:
    return Stock.objects.filter(merchant__isnull=True, warehouse__is_active=True)


def my_product_rows(
    *,
    merchant: MerchantAccount,
    keyword: str = "",
    category_id: int | None = None,
    on_sale: bool | None = None,
    in_stock: bool | None = None,
) -> QuerySet[MyProduct]:
    """The merchant's saved products (``catalog_selectors.my_product_list``: only theirs, its
    search and category rules), each annotated with ``in_stock``: some active shared warehouse
    has an available unit of it. ``reserved <= on_hand`` on every stock row, so that is the
    same as ``stock_totals_by_product``'s total being positive. ``on_sale`` / ``in_stock``
    keep only the rows with that value."""
    saved = catalog_selectors.my_product_list(
        merchant=merchant, keyword=keyword, category_id=category_id
    ).annotate(
        in_stock=Exists(
            _shared_stock().filter(
                variant__product_id=OuterRef("product_id"), on_hand__gt=F("reserved")
            )
        )
    )
    if on_sale is not None:
        saved = saved.filter(product__is_on_sale=on_sale)
    if in_stock is not None:
        saved = saved.filter(in_stock=in_stock)
    return saved


def stock_totals_by_product(product_ids: list[int]) -> dict[int, StockTotals]:
    """Available (on hand − reserved) shared stock per product, in one grouped query.

    Plain SQL, the ``_shared_stock()`` rows (no merchant, active warehouse) summed per product,
    warehouse kind and verification: a listV2 page asks for it on every answer, and compiling
    the same query through the ORM cost four times the query itself (measured,
    docs/benchmarks.md 2026-12-07)."""
    if not product_ids:
        return {}
    marks = ", ".join(["%s"] * len(product_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.product_id, w.kind = %s, w.is_verified, SUM(s.on_hand - s.reserved) "
            f"FROM {Stock._meta.db_table} s "
            f"JOIN {Variant._meta.db_table} v ON v.id = s.variant_id "
            f"JOIN {Warehouse._meta.db_table} w ON w.id = s.warehouse_id "
            f"WHERE s.merchant_id IS NULL AND w.is_active = %s AND v.product_id IN ({marks}) "
            "GROUP BY 1, 2, 3",
            [WarehouseKind.SUPPLIER.value, True, *product_ids],
        )
        rows = cursor.fetchall()
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for product_id, factory, verified, available in rows:
        bucket = sums[product_id]
        amount = int(available or 0)
        bucket["factory" if factory else "platform"] += amount
        bucket["verified" if verified else "unverified"] += amount
    return {pk: StockTotals(**values) for pk, values in sums.items()}


# --- Where a merchant's default lines cannot ship a product (stock origins + shipping rules) -----


def stock_origin_countries(variants: Sequence[Variant]) -> dict[int, list[str]]:
    """Countries of active warehouses holding stock of each variant; CN (logistics' default
    origin) when none does."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = Stock.objects.filter(
        variant__in=variants, on_hand__gt=0, warehouse__is_active=True
    ).values_list("variant_id", "warehouse__country")
    for variant_id, country in rows:
        found[variant_id].add(country)
    return {
        v.pk: sorted(found.get(v.pk) or {logistics_selectors.DEFAULT_ORIGIN_COUNTRY})
        for v in variants
    }


def countries_where_default_cannot_ship(
    *, merchant: MerchantAccount, product: Product
) -> list[logistics_selectors.CannotShipRow]:
    """For each of the merchant's default lines: the destinations where it cannot ship this
    product (one unit of every on-sale variant, from any warehouse country that stocks it, or
    CN when none does). One row per failing destination, by country; four queries in all.
    """
    defaults = list(logistics_selectors.default_lines_list(merchant))
    if not defaults:
        return []
    variants = list(product.variants.filter(is_on_sale=True).select_related("product"))
    if not variants:
        return []
    return logistics_selectors.default_lines_cannot_ship(
        defaults=defaults, variants=variants, origins=stock_origin_countries(variants)
    )


def available_by_variant(
    variant_ids: Iterable[int], *, merchant: MerchantAccount | None = None
) -> dict[int, int]:
    """Available units (on hand − reserved) per variant in active warehouses: shared stock plus
    ONLY ``merchant``'s own private stock, in one grouped query; variants without stock are 0."""
    ids = list(variant_ids)
    rows = (
        Stock.objects.filter(_visible(merchant), variant_id__in=ids, warehouse__is_active=True)
        .values("variant_id")
        .annotate(units=Sum(F("on_hand") - F("reserved")))
        .order_by()
    )
    totals = dict.fromkeys(ids, 0)
    for row in rows:
        totals[row["variant_id"]] = max(0, row["units"] or 0)
    return totals
