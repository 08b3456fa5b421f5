"""Developer API: the sandbox operations that drive warehouse work,
``shopping/sandbox/updateStatus`` and ``updateTrackNumber`` (full CJ paths, mounted at the API
root by ``config.api`` right after the orders' ``shopping/sandbox/simulatePay``). They pick, pack
and ship a sandbox order's parcels and play its tracking through ``fulfillment.services``, so
they live here, above orders. Their operation ids, tag and URL names are the ones they had when
the orders' router served them, so the OpenAPI document is unchanged.

Decisions where the contract is open or contradicts itself (§7):

- **Sandbox.** ``updateStatus`` moves a sandbox order one step at a time, each
  ``targetStatus`` exactly 100 above the order's current code (else 1600300 naming the expected
  one): before payment = 200; 300 = paid (UNSHIPPED/PENDING, by the sandbox payment);
  400 = the warehouse starts picking (UNSHIPPED/PROCESSING); 500 = picked, packed and shipped
  with a Sandbox tracking number (SHIPPED, ``fulfillment.sandbox_ship``); 600 = the carrier
  delivers: the Sandbox tracking journey is played to the end (a scripted exception is skipped
  and replaced by the delivery), so the parcel and then the order become DELIVERED when that
  change commits; 700 = completed/closed: DELIVERED is final in our lifecycle, so 700 writes a
  "completed" history row and nothing else. ``updateTrackNumber`` ships an UNSHIPPED sandbox
  order with the given number, always under the Sandbox carrier (numbers are unique per
  carrier, so no real carrier's number can be claimed); a shipped order's number cannot be
  changed (1600300). Live orders → 1600300 for both. Sandbox money is free: unless
  ``orders.services.sandbox_allowed`` (``DROPYARD_SANDBOX_PAYMENTS`` on, or a sandbox account)
  both answer 1600300 and change nothing, as ``simulatePay`` does (``orders.api.sandbox``).
"""

from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from dropyard.core.api import CamelSchema, ParamError
from dropyard.logistics import services as logistics_services
from dropyard.logistics.selectors import tracking_get_by_number
from dropyard.logistics.tracking import tracking_number_clean
from dropyard.orders import selectors as order_selectors
from dropyard.orders import services as order_services
from dropyard.orders.api.wire import _merchant, _order
from dropyard.orders.choices import OrderStatus, OrderSubStatus, ParcelStatus
from dropyard.orders.models import Order, Parcel
from dropyard.orders.services.lifecycle import PRE_PAYMENT

from . import services

router = Router(tags=["Shopping"])

TRACK_NUMBER_MAX = 64

# Sandbox updateStatus codes (see the module docstring).
SANDBOX_BEFORE_PAYMENT = 200
SANDBOX_PAID, SANDBOX_PROCESSING, SANDBOX_SHIPPED = 300, 400, 500
SANDBOX_DELIVERED, SANDBOX_COMPLETED = 600, 700
SANDBOX_COMPLETED_KIND = "completed"


def _sandbox_order(request: HttpRequest, key: str | None) -> Order:
    # Sandbox money is off on a live installation except for sandbox accounts (1600300).
    order_services.sandbox_check(_merchant(request))
    order = _order(request, key)
    if not order.in_sandbox:
        raise ParamError("orderId: only sandbox orders can be changed through shopping/sandbox")
    return order


def sandbox_status_code(order: Order) -> int:
    """The order's sandbox status code (module docstring): 0 for a cancelled order."""
    if order.status in PRE_PAYMENT:
        return SANDBOX_BEFORE_PAYMENT
    if order.status == OrderStatus.UNSHIPPED:
        pending = order.sub_status == OrderSubStatus.PENDING
        return SANDBOX_PAID if pending else SANDBOX_PROCESSING
    if order.status == OrderStatus.SHIPPED:
        return SANDBOX_SHIPPED
    if order.status == OrderStatus.DELIVERED:
        completed = order_selectors.order_events(order=order).filter(kind=SANDBOX_COMPLETED_KIND)
        return SANDBOX_COMPLETED if completed.exists() else SANDBOX_DELIVERED
    return 0


def _deliver_tracking(parcel: Parcel) -> int | None:
    """Play the parcel's tracking to delivery (600); its id, or None when there was nothing
    to play (no tracking, or delivered already)."""
    tracking = tracking_get_by_number(
        carrier=parcel.carrier, tracking_number=parcel.tracking_number
    )
    if tracking is None:
        return None
    first = parcel.orders.order_by("pk").first()
    played = logistics_services.tracking_play_to_delivery(
        tracking=tracking, city=first.shipping_city if first is not None else ""
    )
    return tracking.pk if played else None


class UpdateStatusIn(CamelSchema):
    order_id: str
    target_status: int


@router.post(
    "shopping/sandbox/updateStatus",
    response=bool,
    operation_id="dropyard_orders_api_sandbox_update_status",
)
def sandbox_update_status(request: HttpRequest, payload: UpdateStatusIn) -> bool:
    """Move a sandbox order to the next status code (300 → 400 → 500 → 600 → 700)."""
    order = _sandbox_order(request, payload.order_id)
    current = sandbox_status_code(order)
    if not current:
        raise ParamError(f"orderId: the order is {order.status}; its status cannot move on")
    if current == SANDBOX_COMPLETED:
        raise ParamError("targetStatus: the order is completed (700) already")
    expected = current + 100
    if payload.target_status != expected:
        raise ParamError(
            f"targetStatus must be {expected}: statuses move one step at a time "
            f"(the order is at {current})"
        )
    merchant = _merchant(request)
    if expected == SANDBOX_PAID:
        order_services.sandbox_pay(merchant=merchant, actor=None, order_id=order.public_id)
    elif expected == SANDBOX_PROCESSING:
        ready = [
            p for p in order_selectors.order_parcels(order=order) if p.status == ParcelStatus.READY
        ]
        services.parcel_start_picking(parcels=ready, actor=None)
    elif expected == SANDBOX_SHIPPED:
        services.sandbox_ship(order=order)
    elif expected == SANDBOX_DELIVERED:
        played: list[int] = []
        with transaction.atomic():
            for parcel in order_selectors.order_parcels(order=order):
                if parcel.tracking_number and parcel.carrier_id:
                    tracking_id = _deliver_tracking(parcel)
                    if tracking_id is not None:
                        played.append(tracking_id)
            # Should applying fail below, the follow task retries it after this commit.
            services.tracking_changes_follow_soon()
        # The parcels and the order follow the delivery before the answer, as a client
        # reading the order right after 600 expects.
        services.tracking_changes_follow_now(tracking_ids=played)
    else:
        order_services.order_note(
            order,
            kind=SANDBOX_COMPLETED_KIND,
            note="completed (sandbox updateStatus 700)",
            actor_label="sandbox",
        )
    return True


class UpdateTrackNumberIn(CamelSchema):
    order_id: str
    track_number: str


@router.post(
    "shopping/sandbox/updateTrackNumber",
    response=bool,
    operation_id="dropyard_orders_api_sandbox_update_track_number",
)
def sandbox_update_track_number(request: HttpRequest, payload: UpdateTrackNumberIn) -> bool:
    """Ship an unshipped sandbox order with ``trackNumber`` (≤ 64 characters)."""
    raw = payload.track_number.strip()
    if not raw:
        raise ParamError("trackNumber is required")
    if len(raw) > TRACK_NUMBER_MAX or not tracking_number_clean(raw):
        raise ParamError(f"trackNumber must be 4 to {TRACK_NUMBER_MAX} letters, digits or dashes")
    order = _sandbox_order(request, payload.order_id)
    if order.status != OrderStatus.UNSHIPPED:
        raise ParamError(
            f"orderId: the order is {order.status}; a tracking number is set when it ships"
        )
    services.sandbox_ship(order=order, tracking_number=raw)
    return True
