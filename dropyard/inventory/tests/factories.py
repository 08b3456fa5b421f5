"""Test data for warehouses and stock."""

import itertools

import factory

from dropyard.accounts.models import MerchantAccount, Supplier
from dropyard.accounts.tests.factories import SupplierApplicationFactory
from dropyard.catalog.models import Product, Variant
from dropyard.catalog.tests.factories import CategoryFactory, make_product
from dropyard.inventory import services
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Stock, Warehouse

_seq = itertools.count(1)


class WarehouseFactory(factory.django.DjangoModelFactory):
    """An active, verified platform warehouse (default in Shenzhen, CN)."""

    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n:03d}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    country = "CN"
    region = "Guangdong"
    city = "Shenzhen"
    kind = WarehouseKind.PLATFORM


def make_supplier(*, company_name: str = "Yiwu Factory Co") -> Supplier:
    """An approved supplier (row written directly; approval has its own tests in accounts)."""
    application = SupplierApplicationFactory(company_name=company_name)
    return Supplier.objects.create(
        user=application.applicant,
        application=application,
        company_name=company_name,
        country="CN",
    )


def make_supplier_warehouse(**fields) -> Warehouse:
    """A supplier warehouse (factory stock) with its own supplier unless one is given."""
    fields.setdefault("supplier", make_supplier())
    return WarehouseFactory(kind=WarehouseKind.SUPPLIER, **fields)


def make_stock(
    *,
    variant: Variant,
    warehouse: Warehouse,
    on_hand: int,
    reserved: int = 0,
    merchant: MerchantAccount | None = None,
) -> Stock:
    """A stock row built through the real services (a receipt, then a reservation)."""
    services.stock_receive(
        variant=variant,
        warehouse=warehouse,
        quantity=on_hand,
        actor=None,
        reason="test receipt",
        merchant=merchant,
    )
    if reserved:
        services.stock_reserve(
            variant=variant,
            warehouse=warehouse,
            quantity=reserved,
            reference=f"test-{next(_seq)}",
            merchant=merchant,
        )
    return Stock.objects.get(variant=variant, warehouse=warehouse, merchant=merchant)


def make_inventory_product(*, variants: int = 1, **fields) -> Product:
    """A catalog product for stock tests (explicit level-1 category, so no category tree)."""
    fields.setdefault("category", CategoryFactory(parent=None))
    return make_product(variants=variants, **fields)
