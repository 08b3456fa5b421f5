"""Merging unpaid orders to the same recipient and address into one parcel per warehouse
(``merge_candidates``, ``merge_preview``, ``orders_merge``) and undoing it before payment
(``merge_undo``; ``_unmerge_for_cancel`` when a merged order is cancelled)."""

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.errors import DomainError
from dropyard.core.text import counted

from .. import planning, routing
from ..choices import OrderType
from ..exceptions import MergeRefused, OrderNotFound
from ..models import Order, OrderLine, OrderMerge
from .cart import _error_reasons
from .lifecycle import PRE_PAYMENT, S, _user, order_note
from .plan import _parcel_specs, _priced_fields, _reroute_locked, _route, _routing_context
from .reservations import _release, _reserve


def address_key(order: Order) -> str:
    """Hash of the normalised recipient and address (case, spacing and postcode punctuation
    ignored): orders with equal keys go to the same door."""
    parts = [
        order.shipping_customer_name,
        order.shipping_country_code,
        order.shipping_province,
        order.shipping_city,
        "".join(ch for ch in order.shipping_zip if ch.isalnum()),
        order.shipping_address,
        order.shipping_address2,
        order.house_number,
    ]
    text = "|".join(" ".join(str(p or "").casefold().split()) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def split_by_weight(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` minor units over ``weights`` proportionally, in integers, by the largest
    remainder (ties to the earlier index); equal shares when all weights are 0. Pure. The parts
    always sum to ``total``."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    base = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[: total - sum(base)]:
        base[i] += 1
    return base


@dataclass
class MergeGroup:
    """Unpaid orders of one merchant to the same recipient and address."""

    address_key: str
    orders: list[Order]


def merge_candidates(*, merchant: MerchantAccount) -> list[MergeGroup]:
    """Groups (two or more orders) of the merchant's unmerged CREATED / IN_CART / UNPAID
    dropshipping and resend orders sharing recipient and address; confirmed (UNPAID) and
    unconfirmed orders are grouped apart because they merge apart, and so are sandbox and live
    orders (sandbox money must never pay a live order's shared parcel). Oldest group first."""
    groups: dict[tuple[str, bool, bool], list[Order]] = defaultdict(list)
    for order in (
        Order.objects.select_related("merchant")
        .filter(merchant=merchant, status__in=PRE_PAYMENT, merge__isnull=True)
        .exclude(order_type=OrderType.BULK)
        .order_by("created_at", "pk")
    ):
        groups[(address_key(order), order.status == S.UNPAID, order.in_sandbox)].append(order)
    return [
        MergeGroup(address_key=key, orders=members)
        for (key, _confirmed, _sandbox), members in groups.items()
        if len(members) >= 2
    ]


def _merge_check(merchant: MerchantAccount, orders: Sequence[Order]) -> list[Order]:
    pks = sorted({o.pk for o in orders})
    if len(pks) < 2:
        raise MergeRefused(_("choose at least two orders to merge"))
    locked = list(
        Order.objects.select_for_update(of=("self",), no_key=True)
        .select_related("merchant")
        .filter(pk__in=pks, merchant=merchant)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise OrderNotFound(_("order not found"))
    for order in locked:
        if order.status not in PRE_PAYMENT:
            raise MergeRefused(
                _("order %(code)s is %(status)s: only unpaid orders merge")
                % {"code": order.code, "status": order.status}
            )
        if order.merge_id is not None:
            raise MergeRefused(_("order %(code)s is already merged") % {"code": order.code})
        if order.order_type == OrderType.BULK:
            raise MergeRefused(_("order %(code)s is a bulk purchase") % {"code": order.code})
    if len({o.status == S.UNPAID for o in locked}) > 1:
        raise MergeRefused(_("confirmed and unconfirmed orders cannot be merged together"))
    if len({o.in_sandbox for o in locked}) > 1:
        raise MergeRefused(_("sandbox and live orders cannot be merged together"))
    if len({address_key(o) for o in locked}) > 1:
        raise MergeRefused(_("the orders do not go to the same recipient and address"))
    if len({o.currency for o in locked}) > 1:
        raise MergeRefused(_("the orders are in different currencies"))
    return locked


def _merge_route(
    orders: Sequence[Order],
) -> tuple[routing.RoutePlan, list[routing.PlanItem], list[tuple[Order, OrderLine]]]:
    """Route the orders' lines together (one parcel per warehouse where possible)."""
    pairs = [
        (order, line)
        for order in orders
        for line in order.lines.select_related("variant__product").order_by("pk")
    ]
    first = orders[0]
    ctx = _routing_context(
        first.merchant, {line.variant_id for _o, line in pairs}, {first.shipping_country_code}
    )
    names = {o.requested_logistic_name for o in orders}
    warehouses = {o.requested_warehouse_id for o in orders}
    plan, items = _route(
        ctx,
        lines=[line for _o, line in pairs],
        dest=first.shipping_country_code,
        postcode=first.shipping_zip,
        requested_name=names.pop() if len(names) == 1 else "",
        warehouse_id=warehouses.pop() if len(warehouses) == 1 else None,
        order_type=first.order_type,
    )
    return plan, items, pairs


@dataclass
class MergePreview:
    """What merging would do: freight before and after, the saving, each order's share."""

    orders: list[Order]
    ok: bool
    postage_before_minor: int
    postage_after_minor: int
    currency: str
    shares_minor: dict[int, int]  # order pk → freight share after the merge
    parcels: list[dict[str, Any]]
    reasons: list[dict[str, str]]

    @property
    def saved_minor(self) -> int:
        return self.postage_before_minor - self.postage_after_minor if self.ok else 0


def _order_weights(pairs: Sequence[tuple[Order, OrderLine]], orders: Sequence[Order]) -> list[int]:
    weight: dict[int, int] = defaultdict(int)
    for order, line in pairs:
        weight[order.pk] += line.variant.weight_g * line.quantity
    return [weight[o.pk] for o in orders]


class _Rollback(Exception):
    pass


def merge_preview(*, merchant: MerchantAccount, orders: Sequence[Order]) -> MergePreview:
    """Price merging ``orders`` without changing anything: freight before (the sum of their
    postage) and after (one routing of all their lines), the saving, and each order's share
    (by weight, largest remainder). Refused like ``orders_merge`` (``MergeRefused``,
    ``OrderNotFound``); a plan that cannot ship gives ``ok`` False with reasons."""
    outcome: dict[str, Any] = {}
    try:
        with transaction.atomic():
            locked = _merge_check(merchant, orders)
            if locked[0].status == S.UNPAID:  # their own reservations count as available
                for order in locked:
                    _release(order, None, reason="merge preview")
            outcome["plan"], _items, outcome["pairs"] = _merge_route(locked)
            outcome["orders"] = locked
            raise _Rollback
    except _Rollback:
        pass
    plan, pairs, locked = outcome["plan"], outcome["pairs"], outcome["orders"]
    shares = split_by_weight(plan.postage_minor, _order_weights(pairs, locked)) if plan.ok else []
    return MergePreview(
        orders=locked,
        ok=plan.ok,
        postage_before_minor=sum(o.postage_amount_minor for o in locked),
        postage_after_minor=plan.postage_minor if plan.ok else 0,
        currency=locked[0].currency,
        shares_minor={o.pk: s for o, s in zip(locked, shares, strict=False)},
        parcels=[
            {
                "warehouse": p.source.warehouse_code,
                "private_stock": p.source.private,
                "line": p.option.line_name,
                "price_minor": p.option.price_minor,
            }
            for p in plan.parcels
        ],
        reasons=list(plan.reasons),
    )


@transaction.atomic
def orders_merge(
    *, merchant: MerchantAccount, orders: Sequence[Order], actor: Actor = None
) -> OrderMerge:
    """Merge unpaid orders to the same recipient and address into one parcel per warehouse.

    All orders must be the merchant's, unmerged, non-bulk, all sandbox or all live
    (``in_sandbox``), and either all unconfirmed (CREATED / IN_CART) or all UNPAID. Their lines
    are routed together; their old parcels go (reservations released) and the new parcels are
    linked to every order (``Parcel.orders``); each order keeps its product amount and takes a
    share of the merged freight by weight (integer largest remainder, shares sum to the merged
    freight). UNPAID orders are reserved again under ``merge:<public_id>:<parcel code>``.
    Audited ORDERS_MERGED; a "merged" history row on each order. Refused (nothing changed) with
    ``MergeRefused`` / ``OrderNotFound``, or when the merged plan cannot ship or stock is short.
    """
    locked = _merge_check(merchant, orders)
    confirmed = locked[0].status == S.UNPAID
    if confirmed:
        for order in locked:
            _release(order, actor, reason="orders merged")
    plan, items, pairs = _merge_route(locked)
    if not plan.ok:
        raise MergeRefused(
            _("the merged orders cannot be shipped together: %(reasons)s")
            % {"reasons": "; ".join(r["message"] for r in plan.reasons)},
            extra={"reasons": plan.reasons},
        )
    before = sum(o.postage_amount_minor for o in locked)
    merge = OrderMerge.objects.create(
        merchant=merchant,
        address_key=address_key(locked[0])[:64],
        postage_before_minor=before,
        postage_after_minor=plan.postage_minor,
        currency=locked[0].currency,
        created_by=_user(actor),
    )
    for order in locked:
        planning.parcels_replace_planned(order=order, specs=[], actor=actor)
    spec_list = _parcel_specs(
        plan,
        merchant_id=merchant.pk,
        order_id=locked[0].pk,
        line_ids=[line.pk for _o, line in pairs],
    )
    for spec in spec_list:
        spec.order_ids = [o.pk for o in locked]
    planning.parcels_create(spec_list)
    shares = split_by_weight(plan.postage_minor, _order_weights(pairs, locked))
    for order, share in zip(locked, shares, strict=True):
        own = [(i, item) for i, item in enumerate(items) if pairs[i][0].pk == order.pk]
        product = sum(
            item.unit_price_minor * (item.quantity - plan.private_units.get(item.key, 0))
            for _i, item in own
        )
        breakdown = _priced_fields(plan, [item for _i, item in own], order.currency)[
            "cost_breakdown"
        ]
        breakdown["products"]["total_minor"] = product
        breakdown["freight"].update(total_minor=share, merged_total_minor=plan.postage_minor)
        breakdown.update(
            total_minor=product + share,
            merge=merge.public_id,
            why=f"merged with {counted(len(locked) - 1, 'other order')}: {plan.why}",
        )
        fields = {
            "merge": merge,
            "line_id": plan.line_id,
            "logistics_miss": False,
            "intercept_reasons": [],
            "product_amount_minor": product,
            "postage_amount_minor": share,
            "total_amount_minor": product
            + share
            + order.fee_amount_minor
            - order.discount_amount_minor,
            "cost_breakdown": breakdown,
            "updated_at": timezone.now(),
        }
        Order.objects.filter(pk=order.pk).update(**fields)
        for name, value in fields.items():
            setattr(order, name, value)
    if confirmed:
        _reserve(locked[0], actor, prefix=f"merge:{merge.public_id}")
    for order in locked:
        order_note(
            order,
            kind="merged",
            note=f"merged ({merge.public_id}) with "
            + ", ".join(o.code for o in locked if o.pk != order.pk),
            actor=actor,
        )
    audit_record(
        action=AuditAction.ORDERS_MERGED,
        actor=_user(actor),
        merchant=merchant,
        target=merge,
        details={
            "orders": [o.code for o in locked],
            "postage_before_minor": before,
            "postage_after_minor": plan.postage_minor,
        },
    )
    return merge


@transaction.atomic
def merge_undo(*, merge: OrderMerge, actor: Actor = None) -> list[Order]:
    """Undo a merge before payment: release its reservations, drop the shared parcels, and
    route (and for UNPAID orders reserve) each order alone again. Refused (``MergeRefused``,
    nothing changed) once a member is paid or when the merge was undone already. Audited
    ORDERS_MERGED (undo); an "unmerged" history row on each order. Returns the orders."""
    merge, members = _merge_lock_unpaid(merge)
    for order in members:
        _release(order, actor, reason="merge undone")
    for order in members:
        planning.parcels_replace_planned(order=order, specs=[], actor=actor)
    Order.objects.filter(merge=merge).update(merge=None)
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at", "updated_at"])
    for order in members:
        order.merge_id = None
        plan = _reroute_locked(order, actor=actor)
        if order.status == S.UNPAID:
            _reserve(order, actor)
        order_note(
            order,
            kind="unmerged",
            note=f"merge {merge.public_id} undone; {plan.why}"[:500],
            actor=actor,
        )
    audit_record(
        action=AuditAction.ORDERS_MERGED,
        actor=_user(actor),
        merchant=merge.merchant,
        target=merge,
        details={"undo": True, "orders": [o.code for o in members]},
    )
    return members


def _merge_lock_unpaid(merge: OrderMerge) -> tuple[OrderMerge, list[Order]]:
    """Lock a merge and its orders (pk order); ``MergeRefused`` when it was undone already or
    a member is paid (nothing changed)."""
    merge = OrderMerge.objects.select_for_update(of=("self",), no_key=True).get(pk=merge.pk)
    if merge.undone_at is not None:
        raise MergeRefused(_("this merge was undone already"))
    members = list(
        Order.objects.select_for_update(of=("self",), no_key=True)
        .select_related("merchant")
        .filter(merge=merge)
        .order_by("pk")
    )
    if any(o.status not in PRE_PAYMENT for o in members):
        raise MergeRefused(_("a merged order is paid: the merge can no longer be undone"))
    return merge, members


def _unmerge_for_cancel(*, merge: OrderMerge, cancelled: Order, actor: Actor) -> list[Order]:
    """Undo ``merge`` because ``cancelled`` (one of its unpaid orders) is being cancelled.

    Like ``merge_undo`` (shared reservations released, shared parcels dropped, the merge marked
    undone, an "unmerged" history row on each order, audited ORDERS_MERGED undo), except that
    the cancelled order is not routed again and a sibling that can no longer ship alone (no
    shipping line fits, stock short) does not make the cancel fail: it keeps its status
    (CREATED / IN_CART / UNPAID) with ``logistics_miss`` set, its ``intercept_reasons``
    recorded, no parcels and no reservation, and a history row saying to re-route it. Such an
    UNPAID order cannot be paid until it is re-routed (``order_paid`` refuses a logistics
    miss); changing its shipping line or warehouse routes and reserves it again.
    """
    merge, members = _merge_lock_unpaid(merge)
    for order in members:
        _release(order, actor, reason=f"merge undone: order {cancelled.code} cancelled")
    for order in members:
        planning.parcels_replace_planned(order=order, specs=[], actor=actor)
    Order.objects.filter(merge=merge).update(merge=None)
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at", "updated_at"])
    for order in members:
        order.merge_id = None
        if order.pk == cancelled.pk:
            order_note(
                order,
                kind="unmerged",
                note=f"merge {merge.public_id} undone: this order is cancelled",
                actor=actor,
            )
            continue
        try:
            # A refusal is stored (intercept reasons, history note): English whatever the
            # request's language. The savepoint: a refused re-route leaves no trace.
            with translation.override("en"), transaction.atomic():
                plan = _reroute_locked(order, actor=actor)
        except DomainError as exc:
            reasons = _error_reasons(exc, order)
            fields = {
                "logistics_miss": True,
                "intercept_reasons": reasons,
                "updated_at": timezone.now(),
            }
            Order.objects.filter(pk=order.pk).update(**fields)
            for name, value in fields.items():
                setattr(order, name, value)
            note = (
                f"merge {merge.public_id} undone (order {cancelled.code} cancelled); this order "
                "cannot ship alone: "
                + "; ".join(str(r.get("message")) for r in reasons)
                + ". Re-route it (shipping line or warehouse) before paying."
            )
        else:
            note = f"merge {merge.public_id} undone (order {cancelled.code} cancelled); {plan.why}"
        order_note(order, kind="unmerged", note=note[:500], actor=actor)
    audit_record(
        action=AuditAction.ORDERS_MERGED,
        actor=_user(actor),
        merchant=merge.merchant,
        target=merge,
        details={
            "undo": True,
            "cancelled": cancelled.code,
            "orders": [o.code for o in members],
            "unroutable": [o.code for o in members if o.pk != cancelled.pk and o.logistics_miss],
        },
    )
    return members
