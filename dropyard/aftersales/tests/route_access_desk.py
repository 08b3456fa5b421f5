"""After-sales desk routes for the route-permission matrix (see route_access): the operator
dispute desk and the business calendar."""

from datetime import date
from typing import Any

from dropyard.accounts.services import merchant_agent_assign
from dropyard.accounts.tests.factories import make_merchant
from dropyard.aftersales import calendar_services, services
from dropyard.aftersales.choices import DisputeReason, ExpectType
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import Shop, paid_order
from dropyard.core.access import Access
from dropyard.inventory.tests.factories import WarehouseFactory, make_stock
from dropyard.logistics.models import ShippingLine
from dropyard.logistics.tests.factories import make_cart_variant
from dropyard.orders.tests.factories import OrderWorld, make_order_world
from dropyard.wallet.tests.payment_helpers import fund

_VIEW = frozenset({"admin", "support", "agent", "finance"})
_SUPPORT = frozenset({"admin", "support"})

EXPECTED_ACCESS = {
    "aftersales_ops:disputes": Access("operator", roles=_VIEW),
    "aftersales_ops:dispute": Access("operator", roles=_VIEW),
    "aftersales_ops:dispute_review": Access("operator", roles=_VIEW),
    "aftersales_ops:dispute_message": Access("operator", roles=_VIEW),
    "aftersales_ops:dispute_evidence": Access("operator", roles=_VIEW),
    "aftersales_ops:dispute_assign": Access("operator", roles=_SUPPORT),
    "aftersales_ops:dispute_decide": Access(
        "operator", roles=frozenset({"admin", "support", "finance"})
    ),
    "aftersales_ops:calendar": Access("operator", roles=_SUPPORT),
    "aftersales_ops:holiday_delete": Access("operator", roles=_SUPPORT),
}


def _dispute(w) -> dict[str, str]:
    return {"public_id": w.objects["desk_dispute"].public_id}


OBJECT_ROUTES: dict[str, Any] = {
    **{
        f"aftersales_ops:{name}": _dispute
        for name in ("dispute", "dispute_review", "dispute_message", "dispute_evidence")
    },
    "aftersales_ops:dispute_assign": _dispute,
    "aftersales_ops:dispute_decide": _dispute,
    "aftersales_ops:holiday_delete": lambda w: {"pk": w.objects["desk_holiday"].pk},
}


def _shop() -> Shop:
    """A funded merchant with two stocked variants. The orders' matrix rows already built the
    shipping lines (their names are unique), so they are reused when present."""
    lines = {line.code: line for line in ShippingLine.objects.all()}
    if not {"CJPACKET", "DHL", "USPS"} <= lines.keys():
        world = make_order_world()
    else:
        cn = WarehouseFactory(country="CN", code="CNDESK")
        red = make_cart_variant(price_minor=1000, weight_g=250)
        blue = make_cart_variant(price_minor=2000, weight_g=400)
        make_stock(variant=red, warehouse=cn, on_hand=10)
        make_stock(variant=blue, warehouse=cn, on_hand=10)
        world = OrderWorld(
            cn=cn,
            us=WarehouseFactory(country="US", code="USDESK"),
            red=red,
            blue=blue,
            cjpacket=lines["CJPACKET"],
            dhl=lines["DHL"],
            usps=lines["USPS"],
        )
    merchant = make_merchant(business_name="Desk Shop")
    fund(merchant, merchant.owner, 100_000)
    return Shop(merchant=merchant, owner=merchant.owner, world=world)


def build_objects(world) -> dict[str, Any]:
    """A dispute on a paid order of a merchant whose agent is the world's agent, and a holiday."""
    shop = _shop()
    merchant_agent_assign(
        merchant=shop.merchant, agent=world.operators["agent"], actor=world.operators["admin"]
    )
    order = paid_order(shop)
    line = order.lines.order_by("pk").first()
    dispute = services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=DisputeReason.DELAYED,
        expect_type=ExpectType.REFUND,
        message_text="Nothing moves",
        lines=[ClaimLine(line.line_item_id, 1)],
    )
    holiday = calendar_services.holiday_add(
        day=date(2030, 5, 1), name="Labour Day", actor=world.operators["admin"]
    )
    return {"desk_dispute": dispute, "desk_holiday": holiday}
