"""Operator supplier routes for the route-permission matrix (see test_route_matrix).

Rows are grouped by the helper that owns them; append your own block."""

from typing import Any

from dropyard.core.access import Access

from .factories import make_submitted

# --- Product review queue (sup-portal): catalog staff ------------------------------------------
_REVIEWERS = Access("operator", roles=frozenset({"admin", "support"}))

EXPECTED_ACCESS: dict[str, Any] = {
    f"suppliers_ops:{name}": _REVIEWERS
    for name in ("reviews", "review", "review_approve", "review_reject")
}


def _review(w) -> dict[str, int]:
    return {"pk": w.objects["supplier_submitted"].pk}


OBJECT_ROUTES: dict[str, Any] = {
    f"suppliers_ops:{name}": _review for name in ("review", "review_approve", "review_reject")
}


def build_objects(world) -> dict[str, Any]:
    """A product of the world's supplier awaiting review."""
    return {
        "supplier_submitted": make_submitted(
            supplier=world.supplier.supplier, name="Matrix submitted"
        )
    }
