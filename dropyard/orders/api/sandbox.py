"""The sandbox payment: ``shopping/sandbox/simulatePay``. The other sandbox operations,
``updateStatus`` and ``updateTrackNumber``, drive warehouse work (pick, pack, ship, tracking), so
``fulfillment.api`` serves them, above orders.

Decisions where the contract is open or contradicts itself (§7):

- **Sandbox.** ``simulatePay`` pays a sandbox order (``orderId``) or shipment
  (``shipmentOrderId``) through the sandbox payment provider; a live order → 1603101 and
  nothing changes. Sandbox money is free: unless ``services.sandbox_allowed``
  (``DROPYARD_SANDBOX_PAYMENTS`` on, or a sandbox account) the three sandbox operations, and
  ``isSandbox: 1`` on createOrderV2/V3, answer 1600300 and change nothing.
"""

from django.http import HttpRequest
from ninja import Router

from dropyard.core.api import CamelSchema, ParamError

from .. import services
from .wire import _merchant, _order, _stores

router = Router(tags=["Shopping"])


class SimulatePayIn(CamelSchema):
    order_id: str | None = None
    shipment_order_id: str | None = None


@router.post("shopping/sandbox/simulatePay", response=bool)
def sandbox_simulate_pay(request: HttpRequest, payload: SimulatePayIn) -> bool:
    """Pay a sandbox order or shipment with the sandbox provider (live orders: 1603101)."""
    order_id = (payload.order_id or "").strip()
    shipments_id = (payload.shipment_order_id or "").strip()
    if not order_id and not shipments_id:
        raise ParamError("orderId or shipmentOrderId is required")
    if order_id and _stores(request) is not None:
        _order(request, order_id)  # outside a member token's store scope: not found (1603100)
    services.sandbox_pay(
        merchant=_merchant(request), actor=None, order_id=order_id, shipments_id=shipments_id
    )
    return True
