"""Order routes for the route-permission matrix (dropyard/core/tests/test_route_matrix.py)."""

from typing import Any

from dropyard.core import services as core_services
from dropyard.core.access import Access
from dropyard.orders import csv_io, services
from dropyard.orders.tests.factories import make_order_world, order_item

ORDERS = Access("merchant", area="orders")

EXPECTED_ACCESS = {
    f"orders:{name}": ORDERS
    for name in (
        "list",
        "export",
        "bulk_confirm",
        "bulk_cancel",
        "new",
        "variant_picker",
        "import",
        "import_template",
        "import_status",
        "import_errors",
        "merge_list",
        "merge_preview",
        "pay",
        "detail",
        "confirm",
        "cancel",
        "delete",
        "address",
        "generate_payment",
        "unmerge",
        "cancel_remainder",
    )
}
# A parcel photo's signed, expiring link is its own permission (orders.parcel_photos).
EXPECTED_ACCESS["orders:parcel_photo"] = Access("public")
# The back office's order pages (orders.views_ops, checkout.views_ops).
_OPS = Access("operator", roles=frozenset({"admin", "support", "agent"}))
_FINANCE = Access("operator", roles=frozenset({"admin", "finance"}))
EXPECTED_ACCESS.update(
    {
        **{
            f"orders_ops:{name}": _OPS
            for name in ("list", "hold", "release", "note", "replan", "cancel")
        },
        "orders_ops:detail": Access(
            "operator", roles=frozenset({"admin", "support", "agent", "finance"})
        ),
        "orders_ops:refund": _FINANCE,
        "orders_ops:refund_lookup": _FINANCE,
    }
)


def _order(w) -> dict[str, str]:
    return {"key": w.objects["order"].public_id}


OBJECT_ROUTES = {
    "orders:parcel_photo": lambda w: {"token": "not-a-real-token"},
    "orders:import_status": lambda w: {"pk": w.objects["order_import_job"].pk},
    "orders:import_errors": lambda w: {"pk": w.objects["order_import_job"].pk},
    "orders:pay": lambda w: {"pay_id": w.objects["order_parent"].pay_id},
    "orders:detail": _order,
    **{
        f"orders_ops:{name}": _order
        for name in (
            "detail",
            "hold",
            "release",
            "note",
            "replan",
            "cancel",
            "refund",
        )
    },
    "orders:confirm": _order,
    "orders:cancel": _order,
    "orders:delete": _order,
    "orders:address": _order,
    "orders:generate_payment": _order,
    "orders:unmerge": _order,
    "orders:cancel_remainder": lambda w: {
        "key": w.objects["order"].public_id,
        "parcel": w.objects["order_parcel"].public_id,
    },
}


def build_objects(world) -> dict[str, Any]:
    """A CREATED order of merchant A, a confirmed one with a generated payment, an import job."""
    merchant, owner = world.merchant_a, world.owner_a
    shop = make_order_world()
    order = services.order_create(
        merchant=merchant, actor=owner, **order_item((shop.red, 1), number="MATRIX-1")
    )
    confirmed = services.order_create(
        merchant=merchant, actor=owner, **order_item((shop.red, 1), number="MATRIX-2")
    )
    cart = services.cart_confirm(merchant=merchant, orders=[confirmed], actor=owner)
    parent = services.parent_order_generate(
        merchant=merchant, shipments_id=cart.shipments_id, actor=owner
    )
    job = core_services.job_create(
        kind=csv_io.IMPORT_KIND,
        title="Order import",
        merchant=merchant,
        actor=owner,
        params={},
        task_path=csv_io.IMPORT_TASK,
    )
    return {
        "order": order,
        "order_parent": parent,
        "order_import_job": job,
        "order_parcel": order.parcels.order_by("pk").first(),
    }
