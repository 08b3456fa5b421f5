"""Price request routes for the route-permission matrix (see core.tests.test_route_matrix):
the merchant's pages (products area) and the operators' (agents and admins; an agent only
their merchants': merchant A's agent in the matrix world)."""

from typing import Any

from dropyard.catalog.tests.factories import make_product
from dropyard.core.access import Access
from dropyard.sourcing import negotiations

_MERCHANT = Access("merchant", area="products")
_OPS = Access("operator", roles=frozenset({"admin", "agent"}))

EXPECTED_ACCESS: dict[str, Any] = {
    "sourcing_prices:list": _MERCHANT,
    "sourcing_prices:new": _MERCHANT,
    "sourcing_prices:withdraw": _MERCHANT,
    "sourcing_prices:ops_list": _OPS,
    "sourcing_prices:ops_detail": _OPS,
    "sourcing_prices:ops_answer": _OPS,
    "sourcing_prices:ops_decline": _OPS,
}


def _negotiation(w) -> dict[str, str]:
    return {"public_id": w.objects["price_negotiation"].public_id}


OBJECT_ROUTES: dict[str, Any] = {
    name: _negotiation
    for name in (
        "sourcing_prices:withdraw",
        "sourcing_prices:ops_detail",
        "sourcing_prices:ops_answer",
        "sourcing_prices:ops_decline",
    )
}


def build_objects(world) -> dict[str, Any]:
    """An open price request of merchant A."""
    variant = make_product(variants=1).variants.get()
    negotiation = negotiations.negotiation_ask(
        merchant=world.merchant_a,
        actor=world.owner_a,
        variant=variant,
        monthly_quantity=500,
        target_price_minor=max(1, variant.price_minor // 2),
        note="Matrix",
    )
    return {"price_negotiation": negotiation}
