"""Route-permission rows for the fulfillment back office (read by core's route matrix)."""

from dropyard.core.access import Access
from dropyard.fulfillment.tests.factories import make_parcel

WAREHOUSE_OPS = Access("operator", roles=frozenset({"admin", "warehouse"}))

EXPECTED_ACCESS = {
    "fulfillment_ops:warehouses": WAREHOUSE_OPS,
    "fulfillment_ops:queue": WAREHOUSE_OPS,
    "fulfillment_ops:start_picking": WAREHOUSE_OPS,
    "fulfillment_ops:pick_list": WAREHOUSE_OPS,
    "fulfillment_ops:parcel_detail": WAREHOUSE_OPS,
    "fulfillment_ops:packing_slip": WAREHOUSE_OPS,
    "fulfillment_ops:parcel_pack": WAREHOUSE_OPS,
    "fulfillment_ops:parcel_ship": WAREHOUSE_OPS,
    "fulfillment_ops:parcel_photos": WAREHOUSE_OPS,
}


def _warehouse(world):
    return {"public_id": world.objects["fulfillment_parcel"].warehouse.public_id}


def _parcel(world):
    return {"public_id": world.objects["fulfillment_parcel"].public_id}


OBJECT_ROUTES = {
    "fulfillment_ops:queue": _warehouse,
    "fulfillment_ops:start_picking": _warehouse,
    "fulfillment_ops:pick_list": _warehouse,
    "fulfillment_ops:parcel_detail": _parcel,
    "fulfillment_ops:packing_slip": _parcel,
    "fulfillment_ops:parcel_pack": _parcel,
    "fulfillment_ops:parcel_ship": _parcel,
    "fulfillment_ops:parcel_photos": _parcel,
}


def build_objects(world) -> dict:
    """A READY parcel of a paid order of merchant A."""
    return {"fulfillment_parcel": make_parcel(merchant=world.merchant_a)}
