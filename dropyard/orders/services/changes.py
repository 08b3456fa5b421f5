"""Changes to an order: cancel (until the warehouse ships it), delete (before confirmation), and
before payment the shipping line, the warehouse and the address (each re-routes the order)."""

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Warehouse
from dropyard.inventory.selectors import open_reservations
from dropyard.logistics.exceptions import LogisticInvalid, LogisticNotFound
from dropyard.logistics.models import ShippingLine

from .. import planning
from ..address import ADDRESS_FIELDS, address_clean, address_errors
from ..choices import OrderType
from ..exceptions import DeleteRefused, InvalidTransition, OrderInvalid, StateChanged
from ..models import Order
from .lifecycle import (
    PRE_PAYMENT,
    TRANSITIONS,
    S,
    _lock,
    _sync_instance,
    _user,
    order_note,
    order_transition,
)
from .merge import _unmerge_for_cancel
from .plan import _reroute_locked
from .reservations import _order_references, _release
from .upcalls import _order_changed


@transaction.atomic
def order_cancel(
    *, order: Order, actor: Actor = None, reason: str = "", actor_label: str = ""
) -> Order:
    """Cancel an order until the warehouse ships it (CREATED … UNSHIPPED).

    Releases every unit still reserved under the order's parcel references (per the ledger),
    marks its parcels CANCELLED, moves the order to CANCELLED (history row), audits
    ORDER_CANCELLED, publishes the ORDER webhook. Refused (nothing changed) once a parcel has
    shipped or the order is SHIPPED / DELIVERED / CANCELLED (``InvalidTransition``). A merged
    order is taken out of its merge first before payment (``_unmerge_for_cancel``: the others
    are routed alone; one that cannot ship alone stays with ``logistics_miss`` and no
    reservation, so the cancel never fails because of a sibling), and refused after payment
    (the parcels are shared).

    A paid order (UNSHIPPED) is not refunded here: orders does not know the wallet. Cancel it
    through ``checkout.cancellation.order_cancel``, which refunds it in full in the same
    transaction; only sandbox-paid orders (no wallet payment) may be cancelled here directly.
    """
    locked = _lock(order)
    if S.CANCELLED not in TRANSITIONS.get(locked.status, frozenset()):
        raise InvalidTransition(
            _("order %(code)s is %(status)s: it cannot be cancelled")
            % {"code": locked.code, "status": locked.status}
        )
    merge = locked.merge  # None without a query when the order is not merged
    if merge is not None:
        if locked.status not in PRE_PAYMENT:
            # Its parcels are shared with the other merged orders, which were paid with it.
            raise InvalidTransition(
                _("order %(code)s was paid as part of a merge: cancel is not possible per order")
                % {"code": locked.code}
            )
        _unmerge_for_cancel(merge=merge, cancelled=locked, actor=actor)
        locked = _lock(order)
    released = _release(locked, actor, reason=f"order {locked.code} cancelled")
    try:
        parcels = planning.parcels_cancel(order=locked, actor=actor)
    except ValueError:
        raise InvalidTransition(
            _("order %(code)s has shipped: it cannot be cancelled") % {"code": locked.code}
        ) from None
    previous = locked.status
    order_transition(
        locked, to=S.CANCELLED, actor=actor, actor_label=actor_label, note=reason or "cancelled"
    )
    audit_record(
        action=AuditAction.ORDER_CANCELLED,
        actor=_user(actor),
        actor_label=actor_label,
        merchant=locked.merchant,
        target=locked,
        details={
            "code": locked.code,
            "from": previous,
            "reason": reason[:300],
            "units_released": released,
            "parcels": [p.code for p in parcels],
        },
    )
    _order_changed(locked)
    return _sync_instance(order, locked)


def _snapshot(order: Order) -> dict[str, Any]:
    return {
        "code": order.code,
        "public_id": order.public_id,
        "order_number": order.order_number,
        "status": order.status,
        "country": order.shipping_country_code,
        "customer": order.shipping_customer_name,
        "total_minor": order.total_amount_minor,
        "currency": order.currency,
        "lines": [
            {
                "sku": line.variant.sku,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
            }
            for line in order.lines.select_related("variant")
        ],
    }


@transaction.atomic
def order_delete(*, order: Order, actor: Actor = None) -> dict[str, Any]:
    """Delete a CREATED / IN_CART order with nothing reserved: its rows (lines, events, planned
    parcels) go; an ORDER_DELETED audit record keeps a snapshot, which is returned. Refused
    with ``DeleteRefused`` (1603002, nothing changed) in any other case (also when a resend
    refers to it)."""
    locked = _lock(order)
    if locked.merge_id is not None:
        raise DeleteRefused(
            _("order %(code)s is merged: undo the merge first") % {"code": locked.code}
        )
    if locked.status not in (S.CREATED, S.IN_CART):
        raise DeleteRefused(
            _("order %(code)s is %(status)s: only created or cart orders can be deleted")
            % {"code": locked.code, "status": locked.status}
        )
    if open_reservations(_order_references(locked)):
        raise DeleteRefused(_("order %(code)s has reserved stock") % {"code": locked.code})
    snapshot = _snapshot(locked)
    try:
        with transaction.atomic():
            planning.parcels_delete(order=locked)
            Order.objects.filter(pk=locked.pk).delete()
    except (ValueError, ProtectedError):
        raise DeleteRefused(_("order %(code)s cannot be deleted") % {"code": locked.code}) from None
    audit_record(
        action=AuditAction.ORDER_DELETED,
        actor=_user(actor),
        merchant=locked.merchant,
        target_label=f"{snapshot['code']} ({snapshot['order_number']})",
        details=snapshot,
    )
    return snapshot


def _changed(locked: Order, actor: Actor, *, what: str, details: dict[str, Any]) -> None:
    audit_record(
        action=AuditAction.ORDER_CHANGED,
        actor=_user(actor),
        merchant=locked.merchant,
        target=locked,
        details={"code": locked.code, "what": what, **details},
    )


@transaction.atomic
def order_update_logistics(
    *, order: Order, actor: Actor = None, logistic_name: str, expected_status: str | None = None
) -> Order:
    """``updateLogistics``: ship the order on ``logistic_name`` (a line name or code).

    Allowed while CREATED / IN_CART / UNPAID; otherwise (or when the status is no longer
    ``expected_status``) ``StateChanged`` (8002). Unknown line → ``LogisticNotFound`` (1605000);
    a line that cannot carry every parcel → ``LogisticInvalid`` (1605001). Re-routes and
    re-prices (reservations follow for UNPAID); refused calls change nothing.
    """
    locked = _lock(order)
    if expected_status and locked.status != expected_status:
        raise StateChanged(
            _("order %(code)s is now %(status)s") % {"code": locked.code, "status": locked.status}
        )
    if locked.status not in PRE_PAYMENT:
        raise StateChanged(
            _("order %(code)s is %(status)s: the line can no longer change")
            % {"code": locked.code, "status": locked.status}
        )
    name = (logistic_name or "").strip()
    line = (
        ShippingLine.objects.filter(Q(name__iexact=name) | Q(code__iexact=name)).first()
        if name
        else None
    )
    if line is None or not line.is_active:
        raise LogisticNotFound(_("logistic %(name)r not found") % {"name": logistic_name})
    before = locked.requested_logistic_name
    Order.objects.filter(pk=locked.pk).update(requested_logistic_name=line.name)
    locked.requested_logistic_name = line.name
    plan = _reroute_locked(locked, actor=actor)
    if not plan.ok or any(p.option.line_id != line.pk for p in plan.parcels):
        raise LogisticInvalid(
            _("%(line)s cannot ship this order; use the freight calculation") % {"line": line.name}
        )
    order_note(
        locked,
        kind="logistics",
        note=f"line {before or '—'} → {line.name}: {plan.why}",
        actor=actor,
    )
    _changed(locked, actor, what="logistics", details={"from": before, "to": line.name})
    return _sync_instance(order, locked)


@transaction.atomic
def order_change_warehouse(*, order: Order, actor: Actor = None, warehouse: Warehouse) -> Order:
    """``changeWarehouse``: ship from ``warehouse`` only (``requested_warehouse``) and re-route.

    Before payment only (``InvalidTransition`` otherwise); the warehouse must be active
    (``OrderInvalid``). An unpaid-but-confirmed order that the warehouse cannot serve is refused
    (``ConfirmRefused``); a CREATED / IN_CART one may end as a logistics miss. For bulk orders
    this changes the destination warehouse of the goods.
    """
    locked = _lock(order)
    if locked.status not in PRE_PAYMENT:
        raise InvalidTransition(
            _("order %(code)s is %(status)s: the warehouse is fixed")
            % {"code": locked.code, "status": locked.status}
        )
    if not warehouse.is_active or (
        locked.order_type == OrderType.BULK and warehouse.kind != WarehouseKind.PLATFORM
    ):
        raise OrderInvalid(_("warehouse %(code)s cannot be used") % {"code": warehouse.code})
    previous = locked.requested_warehouse  # None without a query when unset
    before = previous.code if previous is not None else ""
    Order.objects.filter(pk=locked.pk).update(requested_warehouse=warehouse)
    locked.requested_warehouse = warehouse
    plan = _reroute_locked(locked, actor=actor)
    order_note(
        locked,
        kind="warehouse",
        note=f"warehouse {before or '—'} → {warehouse.code}: {plan.why}"[:500],
        actor=actor,
    )
    _changed(locked, actor, what="warehouse", details={"from": before, "to": warehouse.code})
    return _sync_instance(order, locked)


@transaction.atomic
def order_update_address(*, order: Order, actor: Actor = None, **address: Any) -> Order:
    """Change shipping address fields (``orders.address.ADDRESS_FIELDS``) before payment and
    re-route. The merged address must validate (``OrderInvalid`` with field errors);
    refused after payment (``InvalidTransition``) or when a confirmed order cannot be routed to
    the new address. Refused calls change nothing."""
    unknown = set(address) - set(ADDRESS_FIELDS)
    if unknown:
        raise OrderInvalid(
            _("unknown address fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = _lock(order)
    if locked.status not in PRE_PAYMENT:
        raise InvalidTransition(
            _("order %(code)s is %(status)s: the address is fixed")
            % {"code": locked.code, "status": locked.status}
        )
    merged = {name: getattr(locked, name) for name in ADDRESS_FIELDS}
    merged.update(address)
    if "shipping_country_code" in address and "shipping_country" not in address:
        merged["shipping_country"] = ""
    errors = address_errors(merged)
    if errors:
        detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
        raise OrderInvalid(
            _("invalid shipping address: %(detail)s") % {"detail": detail}, extra={"errors": errors}
        )
    clean = address_clean(merged)
    changed = sorted(k for k, v in clean.items() if getattr(locked, k) != v)
    if not changed:
        return _sync_instance(order, locked)
    Order.objects.filter(pk=locked.pk).update(**clean, updated_at=timezone.now())
    for name, value in clean.items():
        setattr(locked, name, value)
    plan = _reroute_locked(locked, actor=actor)
    order_note(
        locked,
        kind="address",
        note=f"address changed ({', '.join(changed)}); {plan.why}"[:500],
        actor=actor,
    )
    _changed(locked, actor, what="address", details={"fields": changed})
    return _sync_instance(order, locked)
