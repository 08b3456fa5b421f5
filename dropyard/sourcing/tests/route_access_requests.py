"""The merchant's sourcing pages for the route-permission matrix (see core's
test_route_matrix): staff need the products area; the objects are merchant A's."""

import io
from typing import Any

from PIL import Image

from dropyard.core.access import Access
from dropyard.sourcing import services_requests

_PRODUCTS = Access("merchant", area="products")

EXPECTED_ACCESS: dict[str, Any] = {
    f"sourcing_requests:{name}": _PRODUCTS
    for name in ("list", "new", "platform", "detail", "cancel", "picture")
}


def _request(w) -> dict[str, str]:
    return {"public_id": w.objects["sourcing_request"].public_id}


OBJECT_ROUTES: dict[str, Any] = {
    f"sourcing_requests:{name}": _request for name in ("detail", "cancel", "picture")
}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def build_objects(world) -> dict[str, Any]:
    """An open request of merchant A with an uploaded picture (so the picture route answers)."""
    created = services_requests.sourcing_request_create(
        merchant=world.merchant_a,
        actor=world.owner_a,
        product_name="Matrix phone stand",
        image_content=_png(),
    )
    return {"sourcing_request": created.request}
