"""Private stock routes for the route-permission matrix (dropyard/core/tests/test_route_matrix.py).

The pages are the merchant's own (area "orders"); paying a purchase order needs the wallet area.
"""

from typing import Any

from dropyard.core.access import Access
from dropyard.inventory.purchases import purchase_cart_add, purchase_order_create
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock

ORDERS = Access("merchant", area="orders")

EXPECTED_ACCESS: dict[str, Access] = {
    "private_stock:stock": ORDERS,
    "private_stock:ledger": ORDERS,
    "private_stock:cart": ORDERS,
    "private_stock:cart_add": ORDERS,
    "private_stock:cart_line": ORDERS,
    "private_stock:order_create": ORDERS,
    "private_stock:orders": ORDERS,
    "private_stock:order_cancel": ORDERS,
    "private_stock:order_pay": Access("merchant", area="wallet"),
}

OBJECT_ROUTES: dict = {
    "private_stock:cart_line": lambda w: {"line_id": w.objects["purchase_cart_line"].pk},
    "private_stock:order_cancel": lambda w: {"code": w.objects["purchase_order"].code},
    "private_stock:order_pay": lambda w: {"code": w.objects["purchase_order"].code},
}


def build_objects(world) -> dict[str, Any]:
    """A purchase order of merchant A awaiting payment, and a line in A's purchase cart."""
    product = make_inventory_product(variants=2)
    first, second = product.variants.order_by("position")
    warehouse = WarehouseFactory(code="MATRIX-PS")
    make_stock(variant=first, warehouse=warehouse, on_hand=3)
    make_stock(variant=second, warehouse=warehouse, on_hand=3)
    purchase_cart_add(merchant=world.merchant_a, variant=first, quantity=1, warehouse=warehouse)
    order = purchase_order_create(merchant=world.merchant_a)
    line = purchase_cart_add(
        merchant=world.merchant_a, variant=second, quantity=1, warehouse=warehouse
    )
    return {"purchase_order": order, "purchase_cart_line": line}
