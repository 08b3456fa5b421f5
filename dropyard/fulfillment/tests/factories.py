"""Test data for warehouse work: paid orders with READY parcels whose stock is reserved.

Built from the models plus the real inventory services (receipt, reservation), so these tests do
not depend on the orders app's create → confirm → pay path.
"""

import itertools
from collections.abc import Sequence

from django.utils import timezone

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import Variant
from dropyard.catalog.tests.factories import CategoryFactory, make_product
from dropyard.inventory import services as inventory_services
from dropyard.inventory.models import Warehouse
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.logistics.models import Carrier, ShippingLine
from dropyard.logistics.tests.factories import CarrierFactory, ShippingLineFactory
from dropyard.orders.choices import OrderStatus, OrderSubStatus, ParcelStatus
from dropyard.orders.models import Order, OrderLine, Parcel, ParcelLine

_seq = itertools.count(1)


def make_variants(count: int = 1, *, weight_g: int = 200) -> list[Variant]:
    """``count`` variants of one new product, each weighing ``weight_g``."""
    product = make_product(variants=count, category=CategoryFactory(parent=None))
    variants = list(product.variants.order_by("position"))
    Variant.objects.filter(pk__in=[v.pk for v in variants]).update(weight_g=weight_g)
    for variant in variants:
        variant.weight_g = weight_g
    return variants


def sandbox_carrier() -> Carrier:
    """The Sandbox carrier row (code SANDBOX), created once."""
    carrier, _ = Carrier.objects.get_or_create(code="SANDBOX", defaults={"name": "Sandbox"})
    return carrier


def make_order(
    *,
    merchant: MerchantAccount,
    country: str = "US",
    is_sandbox: bool = False,
    **fields,
) -> Order:
    """A paid order (UNSHIPPED / PENDING) with an address in ``country`` and no lines yet."""
    n = next(_seq)
    return Order.objects.create(
        code=fields.pop("code", f"DY{n:08d}"),
        merchant=merchant,
        order_number=fields.pop("order_number", f"SHOP-{n}"),
        status=OrderStatus.UNSHIPPED,
        sub_status=OrderSubStatus.PENDING,
        is_sandbox=is_sandbox,
        shipping_country_code=country,
        shipping_country=country,
        shipping_city=fields.pop("shipping_city", "Springfield"),
        shipping_zip="12345",
        shipping_address="1 Main Street",
        shipping_customer_name=fields.pop("shipping_customer_name", "Jane Buyer"),
        shipping_phone="+1 555 0100",
        paid_at=timezone.now(),
        **fields,
    )


def make_parcel(
    *,
    merchant: MerchantAccount,
    items: Sequence[tuple[Variant, int]] | None = None,
    warehouse: Warehouse | None = None,
    line: ShippingLine | None = None,
    order: Order | None = None,
    country: str = "US",
    on_hand: int = 10,
    uses_private_stock: bool = False,
    ready_at=None,
    is_sandbox: bool = False,
) -> Parcel:
    """A READY parcel of a paid order, its stock received (``on_hand`` per variant) and its
    lines reserved under ``order:<order public id>:<parcel code>``."""
    warehouse = warehouse or WarehouseFactory()
    line = line or ShippingLineFactory()
    if items is None:
        items = [(make_variants(1)[0], 2)]
    order = order or make_order(merchant=merchant, country=country, is_sandbox=is_sandbox)
    owner = merchant if uses_private_stock else None
    code = f"P{next(_seq):012d}"
    parcel = Parcel.objects.create(
        code=code,
        merchant=merchant,
        warehouse=warehouse,
        uses_private_stock=uses_private_stock,
        line=line,
        status=ParcelStatus.READY,
        actual_weight_g=sum(v.weight_g * q for v, q in items),
        reservation_reference=f"order:{order.public_id}:{code}",
        ready_at=ready_at or timezone.now(),
    )
    parcel.orders.add(order)
    for variant, quantity in items:
        order_line = OrderLine.objects.create(
            order=order, variant=variant, quantity=quantity, unit_price_minor=variant.price_minor
        )
        ParcelLine.objects.create(parcel=parcel, order_line=order_line, quantity=quantity)
        if on_hand:
            inventory_services.stock_receive(
                variant=variant,
                warehouse=warehouse,
                quantity=on_hand,
                actor=None,
                reason="test receipt",
                merchant=owner,
            )
    for variant, quantity in _per_variant(items):
        inventory_services.stock_reserve(
            variant=variant,
            warehouse=warehouse,
            quantity=quantity,
            reference=parcel.reservation_reference,
            merchant=owner,
        )
    return parcel


def _per_variant(items: Sequence[tuple[Variant, int]]) -> list[tuple[Variant, int]]:
    totals: dict[int, list] = {}
    for variant, quantity in items:
        totals.setdefault(variant.pk, [variant, 0])[1] += quantity
    return [(variant, quantity) for variant, quantity in totals.values()]


def make_carrier_serving(warehouse: Warehouse, **fields) -> Carrier:
    """A manual carrier (no adapter) that serves ``warehouse``."""
    carrier = CarrierFactory(**fields)
    warehouse.carriers.add(carrier)
    return carrier
