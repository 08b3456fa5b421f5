"""Agent desk routes for the route-permission matrix (see route_access): the sourcing queue,
a request's page and actions, its picture, and a merchant's standing (admin, agent, support;
an agent only their merchants': merchant A's agent in the matrix world). Adjusting a standing
is for admin and support."""

import io
from typing import Any

from PIL import Image

from dropyard.core.access import Access
from dropyard.sourcing import services_requests

_DESK = Access("operator", roles=frozenset({"admin", "agent", "support"}))

EXPECTED_ACCESS: dict[str, Any] = {
    **{
        f"sourcing_desk:{name}": _DESK
        for name in ("queue", "detail", "picture", "claim", "quote", "publish", "fail", "standing")
    },
    "sourcing_desk:standing_adjust": Access("operator", roles=frozenset({"admin", "support"})),
}


def _request(w) -> dict[str, str]:
    return {"public_id": w.objects["sourcing_request"].public_id}


def _merchant(w) -> dict[str, int]:
    return {"pk": w.merchant_a.pk}


OBJECT_ROUTES: dict[str, Any] = {
    **{
        f"sourcing_desk:{name}": _request
        for name in ("detail", "picture", "claim", "quote", "publish", "fail")
    },
    "sourcing_desk:standing": _merchant,
    "sourcing_desk:standing_adjust": _merchant,
}


def build_objects(world) -> dict[str, Any]:
    """A submitted sourcing request of merchant A, with an uploaded picture (its route)."""
    picture = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 200)).save(picture, format="PNG")
    created = services_requests.sourcing_request_create(
        merchant=world.merchant_a,
        actor=world.owner_a,
        product_name="Matrix lamp",
        source_url="https://detail.1688.com/offer/77.html",
        image_content=picture.getvalue(),
    )
    return {"sourcing_request": created.request}
