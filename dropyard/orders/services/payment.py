"""Paying orders: the parent order's payment (``parent_order_generate``), THE "order paid"
service (``order_paid``, whatever pays: sandbox provider, wallet, card or PayPal) and the
sandbox payment provider (``sandbox_pay``)."""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import new_public_id

from .. import planning
from ..choices import OrderType, ParentOrderStatus
from ..exceptions import OrderNotFound, PaymentFailed
from ..models import Order, ParentOrder
from ..selectors import order_get
from .cart import order_confirm
from .lifecycle import S, _lock, _sync_instance, _user, order_transition
from .sandbox import sandbox_check
from .upcalls import _order_changed

PAY_EXPIRY = timedelta(hours=24)


@transaction.atomic
def parent_order_generate(
    *, merchant: MerchantAccount, shipments_id: str, actor: Actor = None
) -> ParentOrder:
    """``saveGenerateParentOrder``: give the confirmed cart a payment (``pay_id``, amount =
    sum of its UNPAID orders' totals, expiry ``PAY_EXPIRY`` from now).

    Calling it again before payment refreshes amount and expiry and keeps the pay_id; on a
    PAID parent it returns it unchanged. ``OrderNotFound`` for an unknown / other merchant's
    shipments id; ``PaymentFailed`` (1603101) when nothing in it is payable.
    """
    parent = (
        ParentOrder.objects.select_for_update(of=("self",), no_key=True)
        .filter(merchant=merchant, shipments_id=str(shipments_id or "").strip())
        .first()
    )
    if parent is None:
        raise OrderNotFound(_("shipment order %(id)s not found") % {"id": shipments_id})
    if parent.status == ParentOrderStatus.PAID:
        return parent
    unpaid = list(parent.orders.filter(status=S.UNPAID))
    if not unpaid:
        raise PaymentFailed(_("this shipment order has no unpaid orders"))
    parent.amount_minor = sum(o.total_amount_minor for o in unpaid)
    parent.currency = unpaid[0].currency
    parent.pay_id = parent.pay_id or new_public_id()
    parent.pay_expires_at = timezone.now() + PAY_EXPIRY
    parent.status = ParentOrderStatus.AWAITING_PAYMENT
    parent.save(
        update_fields=[
            "amount_minor",
            "currency",
            "pay_id",
            "pay_expires_at",
            "status",
            "updated_at",
        ]
    )
    return parent


def parent_order_pay_url(parent: ParentOrder) -> str:
    """The page-payment path for a generated parent order (``cjPayUrl``)."""
    return f"/orders/pay/{parent.pay_id}/"


# How a payment reference ("<method>:<id>", see ``order_paid``) reads in the order's history:
# the method in words; ids of our own records stay out of the text (the wallet page links them),
# a provider's charge id stays in (support quotes it to the provider).
_PAID_BY = {
    "wallet": "paid from the wallet",
    "sandbox": "paid with the Sandbox provider (no real money)",
    "stripe": "paid by card (Stripe)",
    "paypal": "paid with PayPal",
    "free": "nothing to pay",
}


def paid_note(payment_reference: str) -> str:
    """The history note of a payment: "paid by card (Stripe), ch_123", "paid from the wallet"."""
    method, _sep, ident = (payment_reference or "").partition(":")
    words = _PAID_BY.get(method)
    if words is None:
        return f"paid {payment_reference}".strip()
    return f"{words}, {ident}" if ident and method in ("stripe", "paypal") else words


@transaction.atomic
def order_paid(
    *,
    orders: Sequence[Order] | None = None,
    parent: ParentOrder | None = None,
    actor: Actor = None,
    actor_label: str = "",
    payment_reference: str = "",
    amounts_paid: Mapping[int, Mapping[str, Any]] | None = None,
) -> list[Order]:
    """THE "order paid" service, whatever pays: the sandbox provider, the wallet, card or PayPal.

    ``amounts_paid`` (order pk → ``discount_minor``, ``discount_label``, ``net_minor``,
    ``method``) is what the payment actually charged each order: the wallet's discount is the
    payment's, not the order's (``discount_amount_minor`` stays the order's own), so it is
    frozen into ``cost_breakdown["paid"]`` for the order page to show.

    Pays ``parent`` (all its UNPAID orders) or the given ``orders``: each UNPAID order moves to
    UNSHIPPED (sub-status PENDING), its amounts and ``cost_breakdown`` are frozen (routing
    refuses paid orders), its parcels go PLANNED → READY (``ready_at``) into the warehouse
    queue; audited ORDER_PAID; ORDER webhook. Idempotent: orders already UNSHIPPED or later
    (and a PAID parent) are skipped, so paying twice does nothing the second time. Refused with
    ``PaymentFailed`` (nothing changed) when an order is not confirmed yet or is cancelled, and
    when a sandbox payment (``payment_reference`` "sandbox:…") would pay a live order (also a
    merge sibling), or when an order has a logistics miss (re-route it first). Returns the
    orders paid by this call. A parent whose orders are all paid becomes PAID.
    """
    now = timezone.now()
    if parent is not None:
        parent = ParentOrder.objects.select_for_update(of=("self",), no_key=True).get(pk=parent.pk)
        if parent.status == ParentOrderStatus.PAID:
            return []
        targets = list(parent.orders.filter(status=S.UNPAID).order_by("pk"))
        if not targets:
            raise PaymentFailed(_("this shipment order has no unpaid orders"))
    else:
        targets = list(orders or ())
        # A merged order is paid with its merge: the parcels are shared.
        merges = {o.merge_id for o in targets if o.merge_id}
        if merges:
            known = {o.pk for o in targets}
            targets += list(
                Order.objects.select_related("merchant")
                .filter(merge_id__in=merges, status=S.UNPAID)
                .exclude(pk__in=known)
                .order_by("pk")
            )
    if payment_reference.startswith("sandbox:"):
        # Sandbox money pays sandbox orders only: never a live order, not even a merge sibling
        # pulled in above (merges refuse the mix; this guards older data and other callers).
        live = [o.code for o in targets if not o.in_sandbox]
        if live:
            raise PaymentFailed(
                _(
                    "only sandbox orders can be paid by the sandbox provider: %(orders)s is a "
                    "live order"
                )
                % {"orders": ", ".join(live)}
            )
    paid: list[Order] = []
    parents: set[int] = {parent.pk} if parent is not None else set()
    for order in targets:
        locked = _lock(order)
        if locked.status in (S.UNSHIPPED, S.SHIPPED, S.DELIVERED):
            continue
        if locked.status != S.UNPAID:
            raise PaymentFailed(
                _("order %(code)s is %(status)s: it cannot be paid")
                % {"code": locked.code, "status": locked.status}
            )
        if locked.logistics_miss:
            # E.g. a sibling left without a route when its merge was undone by a cancel.
            raise PaymentFailed(
                _(
                    "order %(code)s cannot be shipped as planned: re-route it (shipping line "
                    "or warehouse) before paying"
                )
                % {"code": locked.code}
            )
        if locked.merchant_id != targets[0].merchant_id:
            raise PaymentFailed(_("orders of several merchants cannot be paid together"))
        breakdown = dict(locked.cost_breakdown or {})
        breakdown.update(frozen=True, paid_at=now.isoformat(), payment_reference=payment_reference)
        if amounts_paid and locked.pk in amounts_paid:
            breakdown["paid"] = dict(amounts_paid[locked.pk])
        order_transition(
            locked,
            to=S.UNSHIPPED,
            actor=actor,
            actor_label=actor_label,
            note=paid_note(payment_reference),
            changes={"cost_breakdown": breakdown},
            row_locked=True,  # read FOR UPDATE by _lock just above
        )
        planning.parcels_mark_ready(order=locked, when=now, actor=actor, actor_label=actor_label)
        audit_record(
            action=AuditAction.ORDER_PAID,
            actor=_user(actor),
            actor_label=actor_label,
            merchant=locked.merchant,
            target=locked,
            details={
                "code": locked.code,
                "total_minor": locked.total_amount_minor,
                "currency": locked.currency,
                "payment_reference": payment_reference,
            },
        )
        _order_changed(locked)
        if locked.parent_id:
            parents.add(locked.parent_id)
        paid.append(_sync_instance(order, locked))
    for parent_pk in parents:
        still_unpaid = Order.objects.filter(
            parent_id=parent_pk, status__in=[S.CREATED, S.IN_CART, S.UNPAID]
        ).exists()
        if not still_unpaid:
            ParentOrder.objects.filter(pk=parent_pk).exclude(status=ParentOrderStatus.PAID).update(
                status=ParentOrderStatus.PAID, paid_at=now, updated_at=now
            )
    return paid


# Orders that may be released to the warehouse with nothing paid (``order_settle_free``).
FREE_ORDER_TYPES = frozenset({OrderType.RESEND})


@transaction.atomic
def order_settle_free(*, order: Order, actor: Actor = None, actor_label: str = "") -> Order:
    """Send a zero-total resend order to the warehouse with no payment: the path a paid order
    takes, without money (a wallet posting of 0 is refused by the ledger, and there is nothing
    to invoice).

    CREATED / IN_CART → ``order_confirm`` (re-routed, stock reserved, a shipment of its own)
    → ``order_paid`` with payment reference "free" (UNSHIPPED, parcels READY in the warehouse
    queue, audited ORDER_PAID, ORDER webhook). No ``wallet.Payment`` is written, so nothing
    can be refunded on it. Refused with ``PaymentFailed`` (nothing changed) for an order type
    not in ``FREE_ORDER_TYPES`` or a total above 0 once routed; ``ConfirmRefused`` /
    ``InsufficientStock`` when it can no longer be routed or reserved. Idempotent: an order
    already paid is returned unchanged.
    """
    locked = _lock(order)
    if locked.order_type not in FREE_ORDER_TYPES:
        raise PaymentFailed(
            _("order %(code)s must be paid: only resends are sent free") % {"code": locked.code}
        )
    if locked.status in (S.UNSHIPPED, S.SHIPPED, S.DELIVERED):
        return _sync_instance(order, locked)
    if locked.status in (S.CREATED, S.IN_CART):
        order_confirm(order=locked, actor=actor, actor_label=actor_label)
    if locked.total_amount_minor != 0:
        raise PaymentFailed(
            _("order %(code)s has %(total)s to pay: it cannot be sent free")
            % {"code": locked.code, "total": locked.total_amount_minor}
        )
    order_paid(orders=[locked], actor=actor, actor_label=actor_label, payment_reference="free")
    locked.refresh_from_db()
    return _sync_instance(order, locked)


def _is_sandbox(order: Order) -> bool:
    return order.in_sandbox


@transaction.atomic
def sandbox_pay(
    *, merchant: MerchantAccount, actor: Actor = None, order_id: str = "", shipments_id: str = ""
) -> list[Order]:
    """``shopping/sandbox/simulatePay``: the sandbox payment provider pays an order (confirming
    it first when CREATED / IN_CART) or a shipment (parent) order, through ``order_paid``.

    Refused with ``SandboxRefused`` (1600300) unless ``sandbox_allowed(merchant)``. Only sandbox
    orders (``Order.is_sandbox`` or a sandbox merchant), and only when every order merged with
    it is one too: others are refused with ``PaymentFailed`` (1603101). Unknown / other
    merchant's ids → ``OrderNotFound`` (1603100).
    Paying again returns ``[]`` and changes nothing.
    """
    sandbox_check(merchant)
    if shipments_id:
        parent = ParentOrder.objects.filter(merchant=merchant, shipments_id=shipments_id).first()
        if parent is None:
            raise OrderNotFound(_("shipment order %(id)s not found") % {"id": shipments_id})
        if parent.status == ParentOrderStatus.PAID:
            return []
        members = list(parent.orders.select_related("merchant"))
        if not members or not all(_is_sandbox(o) for o in members):
            raise PaymentFailed(_("only sandbox orders can be paid by the sandbox provider"))
        parent = parent_order_generate(merchant=merchant, shipments_id=shipments_id, actor=actor)
        return order_paid(
            parent=parent,
            actor=actor,
            actor_label="sandbox payment",
            payment_reference=f"sandbox:{parent.pay_id}",
        )
    order = order_get(merchant=merchant, key=order_id)
    if not _is_sandbox(order):
        raise PaymentFailed(_("only sandbox orders can be paid by the sandbox provider"))
    if order.merge_id is not None:
        siblings = Order.objects.select_related("merchant").filter(merge_id=order.merge_id)
        if not all(_is_sandbox(o) for o in siblings):
            raise PaymentFailed(
                _("this order is merged with a live order: the sandbox provider cannot pay it")
            )
    if order.status in (S.CREATED, S.IN_CART):
        order_confirm(order=order, actor=actor, actor_label="sandbox payment")
    return order_paid(
        orders=[order],
        actor=actor,
        actor_label="sandbox payment",
        payment_reference=f"sandbox:order:{order.public_id}",
    )
