"""After-sales returns routes for the route-permission matrix (see route_access)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from dropyard.aftersales.choices import DisputeReason, ExpectType, ReturnCharge
from dropyard.aftersales.models import Dispute, ReturnAuthorization
from dropyard.core.access import Access
from dropyard.core.ids import new_public_id, prefixed_code

DESK = Access("operator", roles=frozenset({"admin", "support", "warehouse"}))

EXPECTED_ACCESS: dict[str, Any] = {
    "aftersales:return_detail": Access("merchant", area="orders"),
    "aftersales_ops:returns": DESK,
    "aftersales_ops:return": DESK,
    "aftersales_ops:return_receive": DESK,
    "aftersales_ops:return_inspect": DESK,
    "aftersales_ops:return_cancel": Access("operator", roles=frozenset({"admin", "support"})),
}


def _rma(w) -> dict[str, str]:
    return {"public_id": w.objects["return"].public_id}


OBJECT_ROUTES: dict[str, Any] = {
    name: _rma
    for name in (
        "aftersales:return_detail",
        "aftersales_ops:return",
        "aftersales_ops:return_receive",
        "aftersales_ops:return_inspect",
        "aftersales_ops:return_cancel",
    )
}


def build_objects(world) -> dict[str, Any]:
    """A return of merchant A on the orders matrix's order (rows written directly: the
    matrix checks who may open the pages, the services have their own tests)."""
    order = world.objects["order"]
    dispute = Dispute.objects.create(
        merchant=world.merchant_a,
        order=order,
        reason=DisputeReason.DAMAGED,
        expect_type=ExpectType.RETURN,
        message_text="Broken",
        due_at=timezone.now() + timedelta(days=2),
    )
    public_id = new_public_id()
    rma = ReturnAuthorization.objects.create(
        public_id=public_id,
        code=prefixed_code("RMA", public_id),
        dispute=dispute,
        merchant=world.merchant_a,
        order=order,
        warehouse=world.objects["ops_warehouse"],
        quote_source="flat_fee",
        charge=ReturnCharge.DEDUCT,
    )
    return {"return": rma}
