"""After-sales tickets routes for the route-permission matrix (see route_access): the
merchant's ticket pages (any member) and the operator's desk (admin, support, agent, finance;
an agent only their merchants': merchant A's agent in the matrix world)."""

from typing import Any

from dropyard.aftersales import tickets_services
from dropyard.core.access import Access

_MERCHANT = Access("merchant")
_DESK = Access("operator", roles=frozenset({"admin", "support", "agent", "finance"}))

EXPECTED_ACCESS: dict[str, Any] = {
    **{
        f"aftersales:{name}": _MERCHANT
        for name in (
            "tickets",
            "ticket_new",
            "ticket",
            "ticket_reply",
            "ticket_complete",
            "ticket_remind",
            "ticket_rate",
        )
    },
    **{
        f"aftersales_ops:{name}": _DESK
        for name in (
            "tickets",
            "ticket",
            "ticket_reply",
            "ticket_assign",
            "ticket_hold",
            "ticket_complete",
        )
    },
}


def _ticket(w) -> dict[str, str]:
    return {"public_id": w.objects["ticket"].public_id}


OBJECT_ROUTES: dict[str, Any] = {
    **{
        f"aftersales:{name}": _ticket
        for name in ("ticket", "ticket_reply", "ticket_complete", "ticket_remind", "ticket_rate")
    },
    **{
        f"aftersales_ops:{name}": _ticket
        for name in ("ticket", "ticket_reply", "ticket_assign", "ticket_hold", "ticket_complete")
    },
}


def build_objects(world) -> dict[str, Any]:
    """An open ticket of merchant A."""
    ticket = tickets_services.ticket_create(
        merchant=world.merchant_a,
        actor=world.owner_a,
        category="account",
        subject="Matrix question",
        message="How do I change my email?",
    )
    return {"ticket": ticket}
