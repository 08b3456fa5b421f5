"""After-sales disputes routes for the route-permission matrix (see route_access): the AS
service center, a dispute's page and its cancel step, and opening a dispute on an order."""

from typing import Any

from dropyard.aftersales import services
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import Shop, paid_order
from dropyard.core.access import Access
from dropyard.inventory.models import Warehouse
from dropyard.inventory.tests.factories import make_stock
from dropyard.logistics.models import ShippingLine
from dropyard.logistics.tests.factories import make_cart_variant
from dropyard.orders.tests.factories import OrderWorld, make_order_world
from dropyard.wallet.tests.payment_helpers import fund

DISPUTES = Access("merchant", area="orders")

EXPECTED_ACCESS = {
    f"aftersales:{name}": DISPUTES
    for name in ("center", "dispute", "dispute_cancel", "dispute_open")
}


def _dispute(w) -> dict[str, str]:
    return {"public_id": w.objects["dispute"].public_id}


OBJECT_ROUTES = {
    "aftersales:dispute": _dispute,
    "aftersales:dispute_cancel": _dispute,
    "aftersales:dispute_open": lambda w: {"public_id": w.objects["dispute_order"].public_id},
}


def _order_world() -> OrderWorld:
    """The orders rows' shippable world when they built one (its line names are unique), with
    two fresh variants stocked in its CN warehouse; else a new one."""
    lines = {line.code: line for line in ShippingLine.objects.all()}
    cn = Warehouse.objects.filter(country="CN").order_by("pk").first()
    us = Warehouse.objects.filter(country="US").order_by("pk").first()
    if not {"CJPACKET", "DHL", "USPS"} <= set(lines) or cn is None or us is None:
        return make_order_world()
    red = make_cart_variant(price_minor=1000, weight_g=250)
    blue = make_cart_variant(price_minor=2000, weight_g=400)
    for variant in (red, blue):
        make_stock(variant=variant, warehouse=cn, on_hand=100)
    return OrderWorld(
        cn=cn,
        us=us,
        red=red,
        blue=blue,
        cjpacket=lines["CJPACKET"],
        dhl=lines["DHL"],
        usps=lines["USPS"],
    )


def build_objects(world) -> dict[str, Any]:
    """A paid order of merchant A with a refund dispute on one unit of its first line."""
    fund(world.merchant_a, world.owner_a, 100_000)
    shop = Shop(merchant=world.merchant_a, owner=world.owner_a, world=_order_world())
    order = paid_order(shop, number="MATRIX-DISPUTE")
    line = order.lines.order_by("pk").first()
    dispute = services.dispute_create(
        merchant=world.merchant_a,
        actor=world.owner_a,
        order=order,
        reason=3,
        expect_type=1,
        message_text="Broken on arrival",
        lines=[ClaimLine(line.line_item_id, 1)],
    )
    return {"dispute": dispute, "dispute_order": order}
