"""Developer API for stock and warehouses (CJ API 2.0 paths; mounted at the API root).

Contract §2.2 (``product/stock/*``, ``product/globalWarehouseList``) and §2.3
(``warehouse/detail``). Quantities are *available* units (on hand − reserved) of active
warehouses. "CJ" inventory is platform-warehouse stock, "factory" inventory supplier-warehouse
stock. The calling merchant's own private stock counts in its platform figures; another
merchant's private stock is never visible.
"""

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router
from pydantic import Field

from dropyard.catalog.models import Product, Variant
from dropyard.core.api import (
    CamelSchema,
    ParamError,
    legacy_envelope_openapi,
    legacy_success,
)

from ..selectors import (
    CountryInventory,
    area_id,
    area_name,
    inventory_by_country,
    inventory_by_variant,
    product_get_by_pid,
    stock_lookup_by_sku,
    variant_get_by_vid,
    warehouse_area_list,
    warehouse_get,
)

router = Router(tags=["Stock and warehouses"])

VERIFIED = 1  # contract §5: verifiedWarehouse 1 verified / 2 unverified
UNVERIFIED = 2
# globalWarehouseList carries the area name in these languages (contract §2.2).
AREA_LANGUAGES = {"zh": "zh-hans", "en": "en", "de": "de", "fr": "fr", "th": "th"}


# --- Schemas ------------------------------------------------------------------------------------


class StockItemOut(CamelSchema):
    """One warehouse inside a country row: ``stockId`` is the warehouse id (warehouse/detail)."""

    stock_id: str
    inventory: int
    factory_inventory: int


class VariantStockOut(CamelSchema):
    """A row of ``product/stock/queryByVid`` / ``queryBySku``: one variant in one country."""

    vid: str
    area_id: int
    area_en: str
    country_code: str
    storage_num: int  # deprecated in the contract; = totalInventoryNum
    total_inventory_num: int
    cj_inventory_num: int
    factory_inventory_num: int
    stock: list[StockItemOut]


class SkuStockOut(VariantStockOut):
    country_name_en: str


class ProductCountryInventoryOut(CamelSchema):
    area_en: str
    area_id: int
    country_code: str
    country_name_en: str
    total_inventory_num: int
    cj_inventory_num: int
    factory_inventory_num: int


class VariantCountryInventoryOut(CamelSchema):
    """Inside ``variantInventories[].inventory``: note no "Num" suffix here (contract)."""

    country_code: str
    total_inventory: int
    cj_inventory: int
    factory_inventory: int
    verified_warehouse: int
    stock: list[StockItemOut]


class VariantInventoriesOut(CamelSchema):
    vid: str
    inventory: list[VariantCountryInventoryOut]


class ProductInventoryOut(CamelSchema):
    inventories: list[ProductCountryInventoryOut]
    variant_inventories: list[VariantInventoriesOut]


class WarehouseAreaOut(CamelSchema):
    area_id: int
    id: str
    area_cn: str
    area_en: str
    country_code: str
    name_en: str
    value_en: str
    disabled: bool
    zh: str
    en: str
    de: str
    fr: str
    th: str


class LogisticsBrandOut(CamelSchema):
    id: str
    name: str


class WarehouseDetailOut(CamelSchema):
    id: str
    name: str
    area_id: int
    area_country_code: str
    province: str
    city: str
    address1: str
    address2: str
    contacts: str
    phone: str
    is_self_pickup: int
    zip_code: str
    logistics_brand_list: list[LogisticsBrandOut]


class VidIn(CamelSchema):
    vid: str = Field(default="")


class SkuIn(CamelSchema):
    sku: str = Field(default="")


class PidIn(CamelSchema):
    pid: str = Field(default="")


class IdIn(CamelSchema):
    id: str = Field(default="")


# --- Mapping ------------------------------------------------------------------------------------


def _required(value: str, name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ParamError(f"{name} is required")
    return value


def _stock_items(country: CountryInventory) -> list[StockItemOut]:
    return [
        StockItemOut(
            stock_id=w.warehouse.public_id, inventory=w.platform, factory_inventory=w.factory
        )
        for w in country.warehouses
    ]


def _variant_rows(variant: Variant, request: HttpRequest, *, with_name: bool) -> list:
    schema = SkuStockOut if with_name else VariantStockOut
    extra = {}
    rows = []
    for country in inventory_by_country(variant=variant, merchant=request.auth.merchant):
        if with_name:
            extra = {"country_name_en": country.area_en}
        rows.append(
            schema(
                vid=variant.public_id,
                area_id=country.area_id,
                area_en=country.area_en,
                country_code=country.country,
                storage_num=country.total,
                total_inventory_num=country.total,
                cj_inventory_num=country.platform,
                factory_inventory_num=country.factory,
                stock=_stock_items(country),
                **extra,
            )
        )
    return rows


def _area_names(country: str) -> dict[str, str]:
    names = {}
    for key, language in AREA_LANGUAGES.items():
        with translation.override(language):
            names[key] = str(area_name(country))
    return names


# --- Operations ---------------------------------------------------------------------------------


@router.get("product/stock/queryByVid", response=list[VariantStockOut])
def stock_query_by_vid(request: HttpRequest, params: Query[VidIn]) -> list[VariantStockOut]:
    """Available stock of one variant per warehouse country (1602000 for an unknown vid)."""
    variant = variant_get_by_vid(vid=_required(params.vid, "vid"), merchant=request.auth.merchant)
    return _variant_rows(variant, request, with_name=False)


@router.get("product/stock/queryBySku", response=list[SkuStockOut])
def stock_query_by_sku(request: HttpRequest, params: Query[SkuIn]) -> list[SkuStockOut]:
    """Like queryByVid, by variant SKU or product SPU (then one row per variant and country)."""
    found = stock_lookup_by_sku(sku=_required(params.sku, "sku"), merchant=request.auth.merchant)
    variants = [found] if isinstance(found, Variant) else list(found.variants.all())
    rows: list[SkuStockOut] = []
    for variant in variants:
        rows.extend(_variant_rows(variant, request, with_name=True))
    return rows


@router.get("product/stock/getInventoryByPid", response=ProductInventoryOut)
def stock_get_inventory_by_pid(request: HttpRequest, params: Query[PidIn]) -> ProductInventoryOut:
    """A product's stock per country and per variant (1602001 for an unknown pid)."""
    merchant = request.auth.merchant
    product: Product = product_get_by_pid(pid=_required(params.pid, "pid"), merchant=merchant)
    inventories = [
        ProductCountryInventoryOut(
            area_en=country.area_en,
            area_id=country.area_id,
            country_code=country.country,
            country_name_en=country.area_en,
            total_inventory_num=country.total,
            cj_inventory_num=country.platform,
            factory_inventory_num=country.factory,
        )
        for country in inventory_by_country(product=product, merchant=merchant)
    ]
    variant_inventories = [
        VariantInventoriesOut(
            vid=variant.public_id,
            inventory=[
                VariantCountryInventoryOut(
                    country_code=country.country,
                    total_inventory=country.total,
                    cj_inventory=country.platform,
                    factory_inventory=country.factory,
                    verified_warehouse=VERIFIED if country.verified else UNVERIFIED,
                    stock=_stock_items(country),
                )
                for country in countries
            ],
        )
        for variant, countries in inventory_by_variant(product=product, merchant=merchant)
    ]
    return ProductInventoryOut(inventories=inventories, variant_inventories=variant_inventories)


@router.get(
    "product/globalWarehouseList", openapi_extra=legacy_envelope_openapi(list[WarehouseAreaOut])
)
def global_warehouse_list(request: HttpRequest):
    """Warehouse areas (one per warehouse country); ``disabled`` when none is active there.

    Answers in the contract's alternate ``{success: true, code: 0}`` envelope (§3 quirks).
    """
    areas = []
    for area in warehouse_area_list():
        names = _area_names(area.country)
        label = f"{names['en']} Warehouse"
        out = WarehouseAreaOut(
            area_id=area_id(area.country),
            id=str(area_id(area.country)),
            area_cn=names["zh"],
            area_en=names["en"],
            country_code=area.country,
            name_en=label,
            value_en=label,
            disabled=not area.active,
            **names,
        )
        areas.append(out.model_dump(by_alias=True))
    return legacy_success(areas)


@router.get("warehouse/detail", response=WarehouseDetailOut)
def warehouse_detail(request: HttpRequest, params: Query[IdIn]) -> WarehouseDetailOut:
    """A physical warehouse by id (its public id); 1600300 when unknown."""
    warehouse = warehouse_get(public_id=_required(params.id, "id"))
    return WarehouseDetailOut(
        id=warehouse.public_id,
        name=warehouse.name,
        area_id=area_id(warehouse.country),
        area_country_code=warehouse.country,
        province=warehouse.region,
        city=warehouse.city,
        address1=warehouse.address1,
        address2=warehouse.address2,
        contacts=warehouse.contact_name,
        phone=warehouse.contact_phone,
        is_self_pickup=int(warehouse.is_self_pickup),
        zip_code=warehouse.postcode,
        logistics_brand_list=[
            LogisticsBrandOut(id=carrier.code, name=carrier.name)
            for carrier in warehouse.carriers.all()
        ],
    )
