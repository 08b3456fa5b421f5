"""Route-permission rows for the tracking pages (merged into core's route matrix)."""

from typing import Any

from dropyard.core.access import Access
from dropyard.logistics.carriers import SANDBOX_CODE
from dropyard.logistics.models import Carrier
from dropyard.logistics.services import tracking_register

TRACKING_OPS = Access("operator", roles=frozenset({"admin", "warehouse", "support"}))

EXPECTED_ACCESS: dict[str, Access] = {
    "tracking:track_form": Access("public"),
    "tracking:track_detail": Access("public"),
    "logistics_ops:tracking_list": TRACKING_OPS,
    "logistics_ops:tracking_detail": TRACKING_OPS,
    "logistics_ops:tracking_event_add": TRACKING_OPS,
    "logistics_ops:tracking_sandbox_complete": TRACKING_OPS,
}

OBJECT_ROUTES = {
    "tracking:track_detail": lambda w: {"number": w.objects["tracking"].tracking_number},
    "logistics_ops:tracking_detail": lambda w: {"pk": w.objects["tracking"].pk},
    "logistics_ops:tracking_event_add": lambda w: {"pk": w.objects["tracking"].pk},
    "logistics_ops:tracking_sandbox_complete": lambda w: {"pk": w.objects["tracking"].pk},
}


def build_objects(world: Any) -> dict[str, Any]:
    carrier, _ = Carrier.objects.get_or_create(
        code=SANDBOX_CODE, defaults={"name": "Sandbox Carrier"}
    )
    tracking = tracking_register(
        merchant=world.merchant_a,
        carrier=carrier,
        tracking_number="SBX0000000018",
        logistic_name="Sandbox Packet",
        reference="PMATRIX1",
        origin_country="CN",
        dest_country="US",
        dest_city="Austin",
    )
    return {"tracking": tracking}
