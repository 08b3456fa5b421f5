"""Order creation: ``order_create`` (one order), ``orders_create_batch`` (CSV import, benchmark)
and ``order_create_v2`` (creation plus the contract's payType flow).

Every path validates (``validation``), routes (``plan``) and inserts with a fixed number of
statements (``_insert_drafts``): the order CREATED, routed and priced, with PLANNED parcels.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.errors import DomainError
from dropyard.core.ids import prefixed_code
from dropyard.inventory.models import Warehouse

from .. import planning, routing
from ..bulk import fast_insert, new_public_ids
from ..choices import IossType, OrderSource, OrderType, PayType, ShopLogisticsType
from ..exceptions import DuplicateOrder, OrderInvalid
from ..models import Order, OrderEvent, OrderLine, ParentOrder
from .cart import cart_add, cart_confirm
from .lifecycle import S, _actor_label, _user
from .payment import _is_sandbox, order_paid, parent_order_generate, parent_order_pay_url
from .plan import _parcel_specs, _priced_fields, _route, _routing_context
from .validation import _choice, _draft, _lookups, _OrderDraft


def new_order_code(order_type: str = OrderType.DROPSHIPPING, public_id: str = "") -> str:
    """ "DY" (or "ZF" for bulk purchases) + the order's numeric public id: unique whenever the
    public id is (its own unique constraint), and time-ordered like it."""
    return prefixed_code("ZF" if order_type == OrderType.BULK else "DY", public_id)


@dataclass
class BatchItemResult:
    """One item of ``orders_create_batch``: the order, or the error that refused it."""

    index: int
    order_number: str
    created: "CreatedRef | None" = None  # pk, code, public_id of the new order
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.created is not None

    @property
    def order(self) -> Order | None:
        """The created order, loaded on first access (one query each: for bulk reads use
        ``created.pk`` with a selector)."""
        if self.created is None:
            return None
        if not hasattr(self, "_order"):
            self._order = Order.objects.get(pk=self.created.pk)
        return self._order


@dataclass(frozen=True)
class CreatedRef:
    """The identifiers of an order the batch path inserted."""

    pk: int
    code: str
    public_id: str


def _insert_drafts(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    drafts: Sequence[tuple[_OrderDraft, routing.RoutePlan, list]],
) -> list[CreatedRef]:
    """Insert orders, lines, parcels and one "created" event per order with a fixed number of
    statements (``bulk.fast_insert`` + reading pks back by unique codes). Caller holds the
    transaction; IntegrityError propagates."""
    user, label = _actor_label(actor, "")
    rows = []
    public_ids = new_public_ids(len(drafts))
    for (draft, plan, items), public_id in zip(drafts, public_ids, strict=True):
        fields = dict(draft.fields)
        warehouse, original = fields.pop("requested_warehouse"), fields.pop("original_order")
        rows.append(
            {
                **fields,
                **_priced_fields(plan, items, order_type=fields["order_type"]),
                "merchant_id": merchant.pk,
                "public_id": public_id,
                "code": new_order_code(fields["order_type"], public_id),
                "status": S.CREATED,
                "created_by_id": user.pk if user is not None else None,
                "requested_warehouse_id": warehouse.pk if warehouse is not None else None,
                "original_order_id": original.pk if original is not None else None,
            }
        )
    fast_insert(Order, rows)
    pks: dict[str, int] = {}
    codes = [row["code"] for row in rows]
    for start in range(0, len(codes), 500):
        pks.update(
            Order.objects.filter(code__in=codes[start : start + 500]).values_list("code", "pk")
        )
    line_rows = []
    line_ids = iter(new_public_ids(sum(len(draft.lines) for draft, _p, _i in drafts)))
    for row, (draft, _plan, _items) in zip(rows, drafts, strict=True):
        for line in draft.lines:
            line_rows.append(
                {
                    "order_id": pks[row["code"]],
                    "line_item_id": next(line_ids),
                    "variant_id": line.variant.pk,
                    "quantity": line.quantity,
                    "unit_price_minor": line.unit_price_minor,
                    "store_line_item_id": line.store_line_item_id,
                    "pod_properties": line.pod_properties,
                }
            )
    fast_insert(OrderLine, line_rows)
    line_pks: dict[str, int] = {}
    keys = [r["line_item_id"] for r in line_rows]
    if any(plan.ok for _d, plan, _i in drafts):
        for start in range(0, len(keys), 500):
            line_pks.update(
                OrderLine.objects.filter(line_item_id__in=keys[start : start + 500]).values_list(
                    "line_item_id", "pk"
                )
            )
    specs, at = [], 0
    for row, (draft, plan, _items) in zip(rows, drafts, strict=True):
        count = len(draft.lines)
        # A routed order's line rows were inserted and read back above (only parcels of a
        # routed plan need their primary keys).
        order_line_ids = (
            [line_pks[r["line_item_id"]] for r in line_rows[at : at + count]] if plan.ok else []
        )
        at += count
        specs += _parcel_specs(
            plan, merchant_id=merchant.pk, order_id=pks[row["code"]], line_ids=order_line_ids
        )
    planning.parcels_create(specs)
    fast_insert(
        OrderEvent,
        [
            {
                "order_id": pks[row["code"]],
                "to_status": S.CREATED,
                "kind": "created",
                "note": (
                    f"created ({row['source']}); "
                    + ("logistics miss: " if row["logistics_miss"] else "")
                    + str(row["cost_breakdown"].get("why") or "")
                )[:500],
                "actor_id": user.pk if user is not None else None,
                "actor_label": label[:254],
            }
            for row in rows
        ],
    )
    return [CreatedRef(pks[row["code"]], row["code"], row["public_id"]) for row in rows]


def _draft_and_route(
    merchant: MerchantAccount, items: Sequence[Mapping[str, Any]], source: str
) -> list[tuple[int, str, Any]]:
    """Validate and route a batch: per item ``(index, number, (draft, plan, items) | error)``."""
    lookups = _lookups(merchant, items)
    drafted: list[tuple[int, str, Any]] = []
    for index, item in enumerate(items):
        number = str(item.get("order_number") or "").strip() if isinstance(item, Mapping) else ""
        try:
            if not isinstance(item, Mapping):
                raise OrderInvalid("an order must be an object")
            draft = _draft(merchant=merchant, item=item, lookups=lookups, source=source)
        except DomainError as exc:
            drafted.append((index, number, exc))
            continue
        lookups.taken.add(number)  # a second row with this number in the batch is a duplicate
        drafted.append((index, number, draft))
    good = [d for _i, _n, d in drafted if isinstance(d, _OrderDraft)]
    ctx = _routing_context(
        merchant,
        {line.variant.pk for d in good for line in d.lines},
        {d.fields["shipping_country_code"] for d in good},
    )
    out = []
    for index, number, draft in drafted:
        if isinstance(draft, _OrderDraft):
            wh = draft.fields["requested_warehouse"]
            plan, plan_items = _route(
                ctx,
                lines=draft.lines,
                dest=draft.fields["shipping_country_code"],
                postcode=draft.fields["shipping_zip"],
                requested_name=draft.fields["requested_logistic_name"],
                warehouse_id=wh.pk if wh is not None else None,
                order_type=draft.fields["order_type"],
            )
            out.append((index, number, (draft, plan, plan_items)))
        else:
            out.append((index, number, draft))
    return out


def _duplicate_or_raise(
    merchant: MerchantAccount, number: str, exc: IntegrityError
) -> DuplicateOrder:
    if Order.objects.filter(merchant=merchant, order_number=number).exists():
        return DuplicateOrder(f"order number {number} already exists")
    raise exc


@transaction.atomic
def order_create(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    order_number: str,
    lines: Sequence[Mapping[str, Any]],
    shipping_country_code: str = "",
    shipping_city: str = "",
    shipping_address: str = "",
    shipping_customer_name: str = "",
    shipping_country: str = "",
    shipping_province: str = "",
    shipping_county: str = "",
    shipping_zip: str = "",
    shipping_address2: str = "",
    house_number: str = "",
    shipping_phone: str = "",
    email: str = "",
    tax_id: str = "",
    consignee_id: str = "",
    remark: str = "",
    order_type: str = OrderType.DROPSHIPPING,
    source: str = OrderSource.API,
    platform: str = "api",
    pay_type: int = PayType.NONE,
    ioss_type: int = IossType.NONE,
    ioss_number: str = "",
    shop_logistics_type: int = ShopLogisticsType.SELLER,
    requested_logistic_name: str = "",
    from_country_code: str = "",
    requested_warehouse: Warehouse | None = None,
    original_order: Order | None = None,
    store_name: str = "",
    store_order_id: str = "",
    store_created_at: Any = None,
    shop_amount_minor: int | None = None,
    is_sandbox: bool | None = None,
) -> Order:
    """Create one order (status CREATED), routed and priced, with PLANNED parcels.

    ``lines``: ``[{vid | sku, quantity, unit_price_minor?, store_line_item_id?,
    pod_properties?}]``; the unit price defaults to the variant's sell price (a snapshot).
    Refused with nothing written: invalid fields or address (``OrderInvalid`` 1603000, field
    errors in ``extra["errors"]``), unknown variant (1602000), off-sale product/variant
    (1602002/1602003), duplicate ``(merchant, order_number)`` (``DuplicateOrder`` 1603003, also
    when a concurrent request wins the race: the unique constraint decides).
    A bulk order (``order_type="bulk"``, code "ZF…") needs ``requested_warehouse`` (an active
    platform warehouse: the destination, whose address fills blank address fields); a resend
    needs ``original_order``. When routing finds nothing the order is still created with
    ``logistics_miss`` and ``intercept_reasons``. Audited ORDER_CREATED.
    """
    item = {k: v for k, v in locals().items() if k not in ("merchant", "actor")}
    [(_index, number, result)] = _draft_and_route(merchant, [item], source)
    if isinstance(result, DomainError):
        raise result
    try:
        with transaction.atomic():
            [ref] = _insert_drafts(merchant=merchant, actor=actor, drafts=[result])
    except IntegrityError as exc:
        raise _duplicate_or_raise(merchant, number, exc) from None
    order = Order.objects.select_related("line").get(pk=ref.pk)
    audit_record(
        action=AuditAction.ORDER_CREATED,
        actor=_user(actor),
        merchant=merchant,
        target=order,
        details={"code": order.code, "order_number": order.order_number, "source": order.source},
    )
    return order


def orders_create_batch(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    items: Sequence[Mapping[str, Any]],
    source: str = OrderSource.CSV,
    chunk_size: int = 500,
) -> list[BatchItemResult]:
    """Create many orders fast: one result per item, in order (``order`` or ``error``).

    Each item holds ``order_create``'s keyword arguments. Same validation and routing as
    ``order_create``; items are processed in chunks of ``chunk_size``, each chunk in one
    transaction with a fixed number of queries (variants, taken numbers, stock, rate cards,
    lines, defaults, then bulk INSERTs), so there is no per-order N+1. A refused item changes
    nothing; a duplicate number (also within the batch, or raced by a concurrent import) is
    1603003 for that item only. One audit record per chunk (ORDERS_IMPORTED for CSV, else
    ORDER_CREATED) lists the codes created, instead of one per order.
    """
    results: list[BatchItemResult] = []
    for start in range(0, len(items), chunk_size):
        results += _create_chunk(
            merchant=merchant,
            actor=actor,
            items=items[start : start + chunk_size],
            offset=start,
            source=source,
        )
    return results


@transaction.atomic
def _create_chunk(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    items: Sequence[Mapping[str, Any]],
    offset: int,
    source: str,
) -> list[BatchItemResult]:
    routed = _draft_and_route(merchant, items, source)
    results = {
        index: BatchItemResult(index=offset + index, order_number=number)
        for index, number, _r in routed
    }
    good = [(index, number, r) for index, number, r in routed if not isinstance(r, DomainError)]
    for index, _number, r in routed:
        if isinstance(r, DomainError):
            results[index].error = r
    try:
        with transaction.atomic():
            orders = _insert_drafts(merchant=merchant, actor=actor, drafts=[r for *_x, r in good])
        for (index, _number, _r), ref in zip(good, orders, strict=True):
            results[index].created = ref
    except IntegrityError:
        # A concurrent import took some numbers: insert one by one to find them.
        for index, number, r in good:
            try:
                with transaction.atomic():
                    [results[index].created] = _insert_drafts(
                        merchant=merchant, actor=actor, drafts=[r]
                    )
            except IntegrityError as exc:
                results[index].error = _duplicate_or_raise(merchant, number, exc)
    created = [r.created.code for r in results.values() if r.created is not None]
    if created:
        audit_record(
            action=AuditAction.ORDERS_IMPORTED
            if source == OrderSource.CSV
            else AuditAction.ORDER_CREATED,
            actor=_user(actor),
            merchant=merchant,
            details={
                "source": source,
                "created": len(created),
                "refused": len(results) - len(created),
                "codes": created[:50],
            },
        )
    return [results[i] for i in sorted(results)]


@dataclass
class OrderCreateResult:
    """``createOrderV2``'s outcome: the order plus what the payType flow produced."""

    order: Order
    pay_type: int
    shipments_id: str = ""
    pay_id: str = ""
    pay_url: str = ""  # cjPayUrl (payType 1)
    paid: bool = False
    intercepted: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    payment_error: DomainError | None = None  # payType 2: why the wallet did not pay
    # payType 2, not sandbox: the parent order the checkout pays from the wallet (else None).
    awaiting_wallet: ParentOrder | None = None


def order_create_v2(
    *, merchant: MerchantAccount, actor: Actor, pay_type: int = PayType.PAGE, **fields: Any
) -> OrderCreateResult:
    """``createOrderV2``: ``order_create(**fields)`` then the payType flow.

    - 3: create only.
    - 1 (page payment): cart → confirm → parent order; ``pay_url`` = ``/orders/pay/<pay_id>/``.
    - 2 (balance): cart → confirm → parent order → pay. A sandbox order is paid through the
      sandbox provider (``order_paid``). Any other stops at its parent order, UNPAID, returned
      as ``awaiting_wallet``: orders does not know the wallet, so the wallet payment (with the
      wallet discount; an insufficient balance leaves the order UNPAID with ``payment_error``
      1604000) is added by ``checkout.creation.order_create_v2``, the one caller for payType 2.
    The order is created even when a later step is refused (logistics miss, stock short): the
    result then carries ``intercepted`` reasons and the order stays CREATED (contract:
    ``logisticsMiss``, ``interceptOrderReasons``). Creation errors raise as in ``order_create``.
    """
    pay_type = _choice(pay_type, PayType, "pay_type", PayType.PAGE)
    order = order_create(merchant=merchant, actor=actor, pay_type=pay_type, **fields)
    result = OrderCreateResult(order=order, pay_type=pay_type)
    if pay_type == PayType.NONE:
        return result
    if order.logistics_miss:
        result.intercepted = list(order.intercept_reasons)
        result.message = "order created; no shipping line fits (logisticsMiss)"
        return result
    added = cart_add(merchant=merchant, orders=[order], actor=actor)
    confirmed = cart_confirm(merchant=merchant, orders=added.orders, actor=actor)
    if not confirmed.shipments_id:
        refused = added.intercepted + confirmed.intercepted
        result.intercepted = [r for i in refused for r in i.reasons]
        result.message = "order created but not confirmed: " + "; ".join(
            str(r.get("message")) for r in result.intercepted
        )
        return result
    parent = parent_order_generate(merchant=merchant, shipments_id=confirmed.shipments_id)
    result.shipments_id, result.pay_id = parent.shipments_id, parent.pay_id or ""
    if pay_type == PayType.PAGE:
        result.pay_url = parent_order_pay_url(parent)
        result.message = "pay the order on the payment page"
    elif _is_sandbox(order):
        order_paid(
            parent=parent,
            actor=actor,
            actor_label="sandbox payment",
            payment_reference=f"sandbox:{parent.pay_id}",
        )
        result.paid = True
        result.message = "paid by the sandbox payment provider"
    else:
        result.awaiting_wallet = parent
    order.refresh_from_db()
    result.order = order
    return result
