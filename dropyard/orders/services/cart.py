"""The cart and confirmation: ``cart_add`` (CREATED → IN_CART), ``cart_confirm`` (→ UNPAID, stock
reserved, one ``ParentOrder`` for the lot) and the legacy one-order ``order_confirm``. Each
order is handled on its own: a refused one is intercepted with its reasons, left unchanged.

An order that is already past the cart — confirmed into a shipment by ``createOrderV2``
payType 1 or 2, by ``confirmOrder`` or by an earlier ``addCartConfirm``, paid or not — is a
success for both (idempotent), never an interception: the staged flow (addCart →
addCartConfirm → saveGenerateParentOrder → payBalanceV2) then works on it whatever payType
created it, and it always leads to the one shipment that holds the order, so the order can
only be paid once."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.errors import DomainError
from dropyard.inventory.exceptions import INVENTORY_DEDUCTION_FAILED

from .. import routing
from ..choices import ParentOrderStatus
from ..exceptions import ConfirmRefused, InvalidTransition
from ..models import Order, ParentOrder
from .lifecycle import S, _lock, _sync_instance, order_note, order_transition
from .plan import _reroute_locked
from .reservations import _reserve
from .upcalls import _order_changed


@dataclass
class Intercept:
    """An order a cart operation refused, and why (``[{code, message}]``)."""

    order: Order | None
    order_id: str
    reasons: list[dict[str, Any]]


@dataclass
class CartResult:
    """``addCart`` / ``addCartConfirm`` answer."""

    success_count: int = 0
    orders: list[Order] = field(default_factory=list)
    intercepted: list[Intercept] = field(default_factory=list)
    shipments_id: str = ""
    parent: ParentOrder | None = None
    # cart_confirm: every shipment the confirmed orders are in, {shipments_id: [public ids]}
    # in request order (several only when some orders were already paid in another one).
    shipments: dict[str, list[str]] = field(default_factory=dict)


# Past the cart: confirmed into a shipment (UNPAID) or paid. addCart/addCartConfirm answer
# these as successes without changing them.
CONFIRMED = frozenset({S.UNPAID, S.UNSHIPPED, S.SHIPPED, S.DELIVERED})


def _already_confirmed(order: Order) -> bool:
    return order.status in CONFIRMED and order.parent_id is not None


def _error_reasons(exc: DomainError, order: Order | None = None) -> list[dict[str, Any]]:
    reasons = exc.extra.get("reasons") if exc.extra else None
    return list(reasons) if reasons else [{"code": exc.code, "message": exc.message}]


def _not_mine(merchant: MerchantAccount, order: Order) -> Intercept | None:
    if order.merchant_id != merchant.pk:
        return Intercept(
            None, order.public_id, [{"code": 1603100, "message": _("order not found")}]
        )
    return None


def cart_add(
    *, merchant: MerchantAccount, orders: Sequence[Order], actor: Actor = None
) -> CartResult:
    """Move CREATED orders into the cart (IN_CART). Per order, independently:

    already IN_CART counts as added (idempotent), and so does an order already confirmed into a
    shipment (UNPAID, or paid: ``CONFIRMED``), left as it is; a logistics-miss order is
    re-routed first and intercepted with its reasons if it still misses; another merchant's
    order or any other status (CANCELLED) is intercepted. An intercepted order is left exactly
    as it was.
    """
    result = CartResult()
    for order in orders:
        refused = _not_mine(merchant, order)
        if refused:
            result.intercepted.append(refused)
            continue
        try:
            with transaction.atomic():
                locked = _lock(order)
                if locked.status == S.IN_CART or _already_confirmed(locked):
                    pass
                elif locked.status != S.CREATED:
                    raise InvalidTransition(
                        _("order %(code)s is %(status)s")
                        % {"code": locked.code, "status": locked.status}
                    )
                else:
                    if locked.logistics_miss:
                        _reroute_locked(locked, actor=actor)
                        if locked.logistics_miss:
                            raise ConfirmRefused(
                                "logistics miss", extra={"reasons": locked.intercept_reasons}
                            )
                    order_transition(locked, to=S.IN_CART, actor=actor)
                    _order_changed(locked)
            _sync_instance(order, locked)
            result.orders.append(order)
        except DomainError as exc:
            result.intercepted.append(Intercept(order, order.public_id, _error_reasons(exc)))
    result.success_count = len(result.orders)
    return result


def _confirm_locked(locked: Order, *, actor: Actor, actor_label: str = "") -> list[Order]:
    """CREATED/IN_CART → UNPAID: re-route, refuse a miss, reserve every parcel line. A merged
    order is confirmed together with every order of its merge (their parcels are shared and
    reserved once, under ``merge:<public_id>:<parcel code>``). Returns the orders confirmed."""
    if locked.status not in (S.CREATED, S.IN_CART):
        raise InvalidTransition(
            _("order %(code)s is %(status)s, not awaiting confirmation")
            % {"code": locked.code, "status": locked.status}
        )
    merge = locked.merge  # None, without a query, when the order is not merged
    if merge is not None:
        siblings = list(
            Order.objects.select_for_update(of=("self",), no_key=True)
            .select_related("merchant")
            .filter(merge_id=merge.pk)
            .order_by("pk")
        )
        if any(o.status not in (S.CREATED, S.IN_CART) for o in siblings):
            raise InvalidTransition(
                _("the orders merged with %(code)s are not all unconfirmed") % {"code": locked.code}
            )
        _reserve(locked, actor, prefix=f"merge:{merge.public_id}")
        for sibling in siblings:
            order_transition(
                sibling,
                to=S.UNPAID,
                actor=actor,
                actor_label=actor_label,
                note="confirmed with its merge, stock reserved",
            )
        locked.status = S.UNPAID
        return siblings
    _reroute_locked(locked, actor=actor)
    if locked.logistics_miss:
        # Short stock alone is the contract's inventory failure (1603102); any other miss
        # (no route, restriction, weight) is a refused confirmation (1603001).
        short = all(r.get("code") == routing.REASON_NO_STOCK for r in locked.intercept_reasons)
        raise ConfirmRefused(
            _("order %(code)s cannot be shipped: %(reasons)s")
            % {
                "code": locked.code,
                "reasons": "; ".join(r["message"] for r in locked.intercept_reasons),
            },
            code=INVENTORY_DEDUCTION_FAILED if short else None,
            extra={"reasons": locked.intercept_reasons},
        )
    _reserve(locked, actor)
    order_transition(
        locked, to=S.UNPAID, actor=actor, actor_label=actor_label, note="confirmed, stock reserved"
    )
    return [locked]


def cart_confirm(
    *, merchant: MerchantAccount, orders: Sequence[Order], actor: Actor = None
) -> CartResult:
    """Confirm cart orders (IN_CART, or CREATED) → UNPAID, all in one ``ParentOrder``.

    Per order, atomically: re-route, refuse a logistics miss, reserve stock for every parcel
    line (``order:<public_id>:<parcel code>``), move to UNPAID. An order that fails any step
    is intercepted with its reasons and left unchanged.

    An order already confirmed (``CONFIRMED``, in a shipment) is a success and is not confirmed
    again. The shipment answered (``shipments_id``, ``parent``) holds every payable (UNPAID)
    order of the call: the new one when orders were confirmed now; the order's own one when
    every unpaid order asked for is already in the same shipment (a replay, or the shipment
    createOrderV2 payType 1 made); otherwise a new one into which the already confirmed unpaid
    orders move (with their merge siblings), and a shipment left empty by the move is
    CANCELLED, so its old payId can pay nothing (``_gather``). Orders already paid stay in
    their shipment; when the call has nothing payable, ``shipments_id`` is the first paid
    order's shipment. ``shipments`` maps every shipment named to its orders of the call.
    Empty ``shipments_id`` when nothing was confirmed.
    """
    result = CartResult()
    confirmed: list[Order] = []
    already: list[Order] = []
    done: set[int] = set()
    for order in orders:
        refused = _not_mine(merchant, order)
        if refused:
            result.intercepted.append(refused)
            continue
        if order.pk in done:  # confirmed already with its merge
            order.refresh_from_db()
            confirmed.append(order)
            continue
        try:
            with transaction.atomic():
                locked = _lock(order)
                if _already_confirmed(locked):
                    already.append(_sync_instance(order, locked))
                    continue
                done.update(o.pk for o in _confirm_locked(locked, actor=actor))
            confirmed.append(_sync_instance(order, locked))
        except DomainError as exc:
            result.intercepted.append(Intercept(order, order.public_id, _error_reasons(exc)))
    unpaid = [o for o in already if o.status == S.UNPAID]
    parents = {o.parent_id for o in unpaid if o.parent_id is not None}
    parent: ParentOrder | None = None
    if confirmed or len(parents) > 1:
        with transaction.atomic():
            parent = ParentOrder.objects.create(merchant=merchant)
            Order.objects.filter(pk__in=done).update(parent=parent)
            for order in Order.objects.filter(pk__in=done):
                _order_changed(order)
            _gather(parent, unpaid, actor)
    elif parents:
        parent = ParentOrder.objects.get(pk=parents.pop())
    for order in confirmed:
        order.parent = parent
    answered = {o.pk for o in [*confirmed, *already]}
    result.orders = [o for o in orders if o.pk in answered]
    for order in result.orders:
        if order.parent is not None:  # always: confirmed orders are in a shipment
            result.shipments.setdefault(order.parent.shipments_id, []).append(order.public_id)
    if parent is None and result.orders:
        parent = result.orders[0].parent
    if parent is not None:
        result.parent, result.shipments_id = parent, parent.shipments_id
    result.success_count = len(result.orders)
    return result


def _gather(parent: ParentOrder, orders: Sequence[Order], actor: Actor) -> None:
    """Move already confirmed UNPAID ``orders`` (and their unpaid merge siblings, whose parcels
    they share) into ``parent``. Under the locks of the orders and of their old shipments it
    moves only what is still UNPAID in the shipment it was read in (a concurrent payment or
    cancellation wins); each moved order's history notes it. An old shipment's amount becomes
    what is left to pay in it; one left with no order is CANCELLED (amount 0), so its payId
    pays nothing."""
    if not orders:
        return
    old = sorted({o.parent_id for o in orders if o.parent_id is not None})
    list(ParentOrder.objects.select_for_update(no_key=True).filter(pk__in=old).order_by("pk"))
    merges = {o.merge_id for o in orders if o.merge_id}
    moving = list(
        Order.objects.select_for_update(of=("self",), no_key=True)
        .filter(status=S.UNPAID)
        .filter(
            models.Q(pk__in=[o.pk for o in orders], parent_id__in=old)
            | models.Q(merge_id__in=merges)
        )
        .order_by("pk")
    )
    old = sorted(set(old) | {o.parent_id for o in moving if o.parent_id is not None})
    Order.objects.filter(pk__in=[o.pk for o in moving]).update(parent=parent)
    for order in moving:
        order_note(
            order,
            kind="shipment",
            note="confirmed again together with other orders: they are now paid together",
            actor=actor,
        )
        order.parent_id = parent.pk
        _order_changed(order)
    for shipment in ParentOrder.objects.filter(pk__in=old).exclude(status=ParentOrderStatus.PAID):
        # What is left to pay in it (the payment page shows it); none left: CANCELLED.
        left = list(shipment.orders.values_list("status", "total_amount_minor"))
        shipment.amount_minor = sum(total for status, total in left if status == S.UNPAID)
        if not left:
            shipment.status = ParentOrderStatus.CANCELLED
        shipment.save(update_fields=["amount_minor", "status", "updated_at"])
    moved = {o.pk for o in moving}
    for order in orders:
        if order.pk in moved:
            order.parent = parent


@transaction.atomic
def order_confirm(*, order: Order, actor: Actor = None, actor_label: str = "") -> Order:
    """Legacy ``confirmOrder``: CREATED / IN_CART → UNPAID with the same routing and reservation
    as ``cart_confirm``, in a parent order of its own. Refused (nothing changed) with
    ``ConfirmRefused`` (1603001: logistics miss), ``InsufficientStock`` (1603102) or
    ``InvalidTransition`` (1603001: wrong status). An order already confirmed into a shipment
    (``createOrderV2`` payType 1 or 2, the cart flow, an earlier call) is answered unchanged, as
    ``cart_confirm`` does: a replayed or redundant confirm is a success, not a refusal."""
    locked = _lock(order)
    if _already_confirmed(locked):
        return _sync_instance(order, locked)
    confirmed = _confirm_locked(locked, actor=actor, actor_label=actor_label)
    parent = ParentOrder.objects.create(merchant=locked.merchant)
    Order.objects.filter(pk__in=[o.pk for o in confirmed]).update(parent=parent)
    locked.parent = parent
    for each in confirmed:
        _order_changed(each)
    return _sync_instance(order, locked)
