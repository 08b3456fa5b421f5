"""Order services: every write to orders goes through here.

``order_transition`` is the one function that changes ``Order.status`` / ``sub_status``; it
writes the ``OrderEvent`` row for the change in the same transaction. The lifecycle services
below call it and own the side effects (stock reservations, parcels, audit, webhooks):

- creation: ``order_create`` (one order), ``orders_create_batch`` (CSV import, benchmark),
  ``order_create_v2`` (creation plus the contract's payType flow);
- routing: ``order_route`` / ``order_reroute`` (plan parcels, price, cost breakdown);
- cart and payment: ``cart_add``, ``cart_confirm``, ``order_confirm``,
  ``parent_order_generate``, ``order_paid`` (THE "order paid" service), ``sandbox_pay``;
- changes before payment: ``order_update_logistics``, ``order_change_warehouse``,
  ``order_update_address``; ``order_cancel``, ``order_delete``;
- warehouse feedback: ``order_sync_from_parcels``.

Stock invariant kept here: an order's parcel lines are reserved (``inventory.stock_reserve``)
exactly while the order is UNPAID or UNSHIPPED, under the parcel's ``reservation_reference``
(``order:<public_id>:<parcel code>``); cancel releases what the ledger says is still open under
those references; shipment (warehouse side) consumes it with ``stock_ship``.

Webhooks: ORDER messages are published by the lifecycle services (on commit), not by
``order_transition``, which stays a pure record of the change.
"""

import contextvars
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Q, Sum
from django.utils import timezone
from django_countries import countries

from dropyard.catalog.models import Variant
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.errors import DomainError, ErrorCode
from dropyard.core.ids import new_public_id
from dropyard.core.money import Money
from dropyard.fulfillment import planning
from dropyard.fulfillment.choices import ParcelStatus
from dropyard.fulfillment.models import Parcel
from dropyard.inventory import services as inventory_services
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.exceptions import INVENTORY_DEDUCTION_FAILED
from dropyard.inventory.models import Stock, StockMovement, Warehouse
from dropyard.logistics.exceptions import (
    PRODUCT_OFF_SHELF,
    LogisticInvalid,
    LogisticNotFound,
    VariantNotFound,
    VariantOffSale,
)
from dropyard.logistics.models import DefaultShippingLine, RateCard, ShippingLine

from . import routing
from .address import ADDRESS_FIELDS, address_clean, address_errors
from .bulk import fast_insert, new_public_ids
from .choices import (
    IossType,
    OrderSource,
    OrderStatus,
    OrderSubStatus,
    OrderType,
    ParentOrderStatus,
    PayType,
    ShopLogisticsType,
)
from .exceptions import (
    ConfirmRefused,
    DeleteRefused,
    DuplicateOrder,
    InvalidTransition,
    MergeRefused,
    OrderInvalid,
    OrderNotFound,
    PaymentFailed,
    StateChanged,
)
from .models import Order, OrderEvent, OrderLine, OrderMerge, ParentOrder

S = OrderStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.IN_CART, S.UNPAID, S.CANCELLED}),
    S.IN_CART: frozenset({S.CREATED, S.UNPAID, S.CANCELLED}),
    S.UNPAID: frozenset({S.UNSHIPPED, S.CANCELLED}),
    S.UNSHIPPED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Sub-status moves allowed while UNSHIPPED (PENDING on payment, PROCESSING when work starts).
SUB_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderSubStatus.PENDING: frozenset({OrderSubStatus.PROCESSING}),
    OrderSubStatus.PROCESSING: frozenset(),
}
# Timestamps stamped when an order enters a status.
_STAMP = {
    S.UNPAID: "confirmed_at",
    S.UNSHIPPED: "paid_at",
    S.SHIPPED: "shipped_at",
    S.DELIVERED: "delivered_at",
    S.CANCELLED: "cancelled_at",
}


def _actor_label(actor: Any, actor_label: str) -> tuple[Any, str]:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor, actor_label or actor.email
    return None, actor_label or "system"


@transaction.atomic
def order_transition(
    order: Order,
    *,
    to: str,
    actor: Any = None,
    actor_label: str = "",
    note: str = "",
    sub_status: str | None = None,
) -> Order:
    """Move ``order`` to status ``to`` (and sub-status), writing one ``OrderEvent``.

    - A change of status must be allowed by ``TRANSITIONS``; entering UNSHIPPED sets the
      sub-status PENDING unless ``sub_status`` is given; leaving UNSHIPPED clears it.
    - ``to`` equal to the current status with a new ``sub_status`` changes only the sub-status
      (allowed by ``SUB_TRANSITIONS``, only while UNSHIPPED).
    - Anything else raises ``InvalidTransition`` with nothing changed.

    The row is locked (``select_for_update``) and re-read, so two concurrent transitions
    serialise and the second sees the first's result. Side effects (stock, webhooks) are the
    caller's: this function only records the change.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    current, current_sub = locked.status, locked.sub_status
    if to == current:
        if current != S.UNSHIPPED or not sub_status or sub_status == current_sub:
            raise InvalidTransition(f"order {locked.code} is already {current}")
        if sub_status not in SUB_TRANSITIONS.get(current_sub, frozenset()):
            raise InvalidTransition(
                f"order {locked.code} cannot go from {current_sub or '—'} to {sub_status}"
            )
        new_sub = sub_status
    else:
        if to not in TRANSITIONS.get(current, frozenset()):
            raise InvalidTransition(f"order {locked.code} cannot go from {current} to {to}")
        if to == S.UNSHIPPED:
            new_sub = sub_status or OrderSubStatus.PENDING
        elif sub_status:
            raise InvalidTransition("a sub-status exists only under UNSHIPPED")
        else:
            new_sub = OrderSubStatus.NONE
    actor, label = _actor_label(actor, actor_label)
    fields = ["status", "sub_status", "updated_at"]
    locked.status, locked.sub_status = to, new_sub
    stamp = _STAMP.get(to) if to != current else None
    if stamp:
        setattr(locked, stamp, timezone.now())
        fields.append(stamp)
    locked.save(update_fields=fields)
    OrderEvent.objects.create(
        order=locked,
        from_status=current,
        to_status=to,
        from_sub_status=current_sub,
        to_sub_status=new_sub,
        kind="status",
        note=note[:500],
        actor=actor,
        actor_label=label[:254],
    )
    # Keep the caller's instance in step with the database.
    order.status, order.sub_status = locked.status, locked.sub_status
    if stamp:
        setattr(order, stamp, getattr(locked, stamp))
    order.updated_at = locked.updated_at
    return order


def order_note(
    order: Order, *, kind: str, note: str, actor: Any = None, actor_label: str = ""
) -> OrderEvent:
    """Record a history row that is not a status change (re-routed, merged, address changed…)."""
    actor, label = _actor_label(actor, actor_label)
    return OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        from_sub_status=order.sub_status,
        to_sub_status=order.sub_status,
        kind=kind[:30],
        note=note[:500],
        actor=actor,
        actor_label=label[:254],
    )


# --- Sandbox money -------------------------------------------------------------------------------


class SandboxRefused(DomainError):
    """Sandbox money (``isSandbox`` orders, the sandbox payment provider, ``shopping/sandbox``)
    is not allowed for this merchant on this installation (1600300). Nothing was changed."""

    default_code = ErrorCode.PARAM_ERROR


SANDBOX_REFUSED_MESSAGE = (
    "sandbox payments are disabled on this installation (DROPYARD_SANDBOX_PAYMENTS) and this "
    "account is not a sandbox account"
)


_SANDBOX_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "dropyard_sandbox_trusted", default=False
)


@contextmanager
def sandbox_trusted() -> Iterator[None]:
    """Allow sandbox money inside this block whatever the setting.

    For the demo loaders only (``dropyard demo`` builds sandbox orders and pays them with the
    sandbox provider on any installation); never around code that handles a request.
    """
    token = _SANDBOX_TRUSTED.set(True)
    try:
        yield
    finally:
        _SANDBOX_TRUSTED.reset(token)


def sandbox_allowed(merchant: Any) -> bool:
    """May ``merchant`` use sandbox money (free)? Only when the installation turns it on
    (``settings.DROPYARD_SANDBOX_PAYMENTS``), the account is a sandbox account
    (``MerchantAccount.is_sandbox``) or a demo loader runs (``sandbox_trusted``): a live
    installation must not let merchants pay with it."""
    if getattr(settings, "DROPYARD_SANDBOX_PAYMENTS", False) or _SANDBOX_TRUSTED.get():
        return True
    return bool(merchant is not None and getattr(merchant, "is_sandbox", False))


def sandbox_check(merchant: Any) -> None:
    """Raise ``SandboxRefused`` (1600300) unless ``sandbox_allowed(merchant)``."""
    if not sandbox_allowed(merchant):
        raise SandboxRefused(SANDBOX_REFUSED_MESSAGE)


# --- Constants -----------------------------------------------------------------------------------

PRE_PAYMENT = frozenset({S.CREATED, S.IN_CART, S.UNPAID})
MAX_LINES = 100
MAX_QUANTITY = 10_000
PAY_EXPIRY = timedelta(hours=24)
PLATFORM_IOSS = "CJ-IOSS"
# The order fields a creation item may carry (order_create's keyword arguments).
ORDER_CREATE_FIELDS = frozenset(
    {
        *ADDRESS_FIELDS,
        "order_number",
        "lines",
        "order_type",
        "source",
        "platform",
        "pay_type",
        "remark",
        "ioss_type",
        "ioss_number",
        "shop_logistics_type",
        "requested_logistic_name",
        "from_country_code",
        "requested_warehouse",
        "original_order",
        "store_name",
        "store_order_id",
        "store_created_at",
        "shop_amount_minor",
        "is_sandbox",
    }
)
LINE_FIELDS = frozenset(
    {"vid", "sku", "quantity", "unit_price_minor", "store_line_item_id", "pod_properties"}
)


def new_order_code(order_type: str = OrderType.DROPSHIPPING, public_id: str = "") -> str:
    """ "DY" (or "ZF" for bulk purchases) + the order's numeric public id: unique whenever the
    public id is (its own unique constraint), and time-ordered like it."""
    prefix = "ZF" if order_type == OrderType.BULK else "DY"
    return f"{prefix}{public_id or new_public_id()}"


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- Webhooks ------------------------------------------------------------------------------------


def order_webhook_params(order: Order) -> dict[str, Any]:
    """The contract's ORDER message params (§4) for ``order`` as it is now."""
    parcel = (
        Parcel.objects.filter(orders=order)
        .exclude(status=ParcelStatus.CANCELLED)
        .exclude(tracking_number="")
        .select_related("carrier", "line")
        .order_by("pk")
        .first()
    )
    tracking_url = ""
    if parcel is not None and parcel.carrier_id and parcel.carrier.tracking_url_template:
        tracking_url = parcel.carrier.tracking_url_template.replace(
            "{number}", parcel.tracking_number
        )

    def stamp(value: Any) -> str | None:
        return value.strftime("%Y-%m-%d %H:%M:%S") if value else None

    line_name = order.line.name if order.line_id else order.requested_logistic_name
    return {
        "cjOrderId": order.public_id,
        "orderNum": order.order_number,
        "orderNumber": order.order_number,
        "orderStatus": order.status,
        "logisticName": line_name or None,
        "trackNumber": parcel.tracking_number if parcel else None,
        "trackingUrl": tracking_url or None,
        "createDate": stamp(order.created_at),
        "updateDate": stamp(order.updated_at),
        "payDate": stamp(order.paid_at),
        "deliveryDate": stamp(order.shipped_at),
        "completeDate": stamp(order.delivered_at),
        "orderItems": [
            {
                "vid": line.variant.public_id,
                "quantity": line.quantity,
                "sellPrice": Money(line.unit_price_minor, order.currency).wire(),
                "lineItemId": line.line_item_id,
                "storeLineItemId": line.store_line_item_id or None,
            }
            for line in order.lines.select_related("variant")
        ],
    }


def _order_changed(order: Order) -> None:
    """Publish an ORDER webhook message (contract §4) for ``order`` as it is now.

    Called by the lifecycle services after a status change, inside their transaction:
    ``webhook_publish`` stores the message in the same transaction and enqueues its delivery
    on commit, so a rolled-back change sends nothing. ``order_transition`` itself does not
    publish (it stays a pure record of the change). Nothing is stored when the merchant has
    no enabled order endpoint.
    """
    # Imported here: webhooks may import order selectors, and orders must not depend on the
    # webhooks app being importable at module load.
    from dropyard.webhooks.services import webhook_publish

    fresh = Order.objects.select_related("merchant", "line").get(pk=order.pk)
    webhook_publish(
        merchant=fresh.merchant,
        type="ORDER",
        message_type="UPDATE",
        params=order_webhook_params(fresh),
    )


# --- Creation: validation ------------------------------------------------------------------------


@dataclass
class _LineDraft:
    variant: Variant
    quantity: int
    unit_price_minor: int
    store_line_item_id: str = ""
    pod_properties: Any = None


@dataclass
class _OrderDraft:
    """A validated order, not yet saved: Order field values and its lines."""

    fields: dict[str, Any]
    lines: list[_LineDraft]


@dataclass
class _Lookups:
    """What validating a batch needs, loaded once: variants, taken order numbers."""

    by_vid: dict[str, Variant]
    by_sku: dict[str, Variant]
    taken: set[str]


def _lookups(merchant: Any, items: Sequence[Mapping[str, Any]]) -> _Lookups:
    vids, skus, numbers = set(), set(), set()
    for item in items:
        if not isinstance(item, Mapping):
            continue
        numbers.add(str(item.get("order_number") or "").strip())
        for line in item.get("lines") or ():
            if isinstance(line, Mapping):
                if line.get("vid"):
                    vids.add(str(line["vid"]).strip())
                elif line.get("sku"):
                    skus.add(str(line["sku"]).strip())
    variants = Variant.objects.select_related("product")
    by_vid = {v.public_id: v for v in variants.filter(public_id__in=vids)} if vids else {}
    by_sku = {v.sku: v for v in variants.filter(sku__in=skus)} if skus else {}
    # .order_by(): the model's default ordering would make SQLite scan the merchant's orders in
    # created order instead of probing the unique (merchant, order_number) index (150-350 ms at
    # 300,000 orders instead of 0.2 ms).
    taken = set(
        Order.objects.filter(merchant=merchant, order_number__in=numbers)
        .order_by()
        .values_list("order_number", flat=True)
    )
    return _Lookups(by_vid=by_vid, by_sku=by_sku, taken=taken)


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise OrderInvalid(f"{name} must be an integer", extra={"errors": {name: "not an integer"}})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise OrderInvalid(
            f"{name} must be an integer", extra={"errors": {name: "not an integer"}}
        ) from None
    if isinstance(value, float) and number != value:
        raise OrderInvalid(f"{name} must be an integer", extra={"errors": {name: "not an integer"}})
    return number


def _line_draft(raw: Any, index: int, lookups: _Lookups) -> _LineDraft:
    where = f"products[{index}]"
    if not isinstance(raw, Mapping):
        raise OrderInvalid(f"{where} must be an object")
    unknown = set(raw) - LINE_FIELDS
    if unknown:
        raise OrderInvalid(f"{where}: unknown fields {', '.join(sorted(unknown))}")
    vid = str(raw.get("vid") or "").strip()
    sku = str(raw.get("sku") or "").strip()
    if not vid and not sku:
        raise OrderInvalid(f"{where}: vid or sku is required")
    variant = lookups.by_vid.get(vid) if vid else lookups.by_sku.get(sku)
    key = vid or sku
    if variant is None:
        raise VariantNotFound(f"Variant {key} not found")
    if not variant.product.is_on_sale:
        raise VariantOffSale(f"Product of {key} is off sale", code=PRODUCT_OFF_SHELF)
    if not variant.is_on_sale:
        raise VariantOffSale(f"Variant {key} is off sale")
    quantity = _int(raw.get("quantity"), f"{where}.quantity")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OrderInvalid(f"{where}: quantity must be between 1 and {MAX_QUANTITY}")
    price = raw.get("unit_price_minor")
    price = variant.price_minor if price is None else _int(price, f"{where}.unit_price_minor")
    if price < 0:
        raise OrderInvalid(f"{where}: unit price may not be negative")
    store_line = str(raw.get("store_line_item_id") or "").strip()
    if len(store_line) > 100:
        raise OrderInvalid(f"{where}: storeLineItemId is at most 100 characters")
    pod = raw.get("pod_properties")
    if pod is not None and not isinstance(pod, (dict, list)):
        raise OrderInvalid(f"{where}: podProperties must be an object or a list")
    return _LineDraft(variant, quantity, price, store_line, pod)


def _choice(value: Any, choices: Any, name: str, default: Any) -> Any:
    if value is None or value == "":
        return default
    if isinstance(default, int):
        value = _int(value, name)
    if value not in choices.values:
        allowed = ", ".join(str(v) for v in choices.values)
        raise OrderInvalid(f"{name} must be one of {allowed}")
    return value


def _text_field(item: Mapping[str, Any], name: str, limit: int) -> str:
    value = "" if item.get(name) is None else str(item.get(name)).strip()
    if len(value) > limit:
        raise OrderInvalid(
            f"{name} is at most {limit} characters", extra={"errors": {name: "too long"}}
        )
    return value


def _draft(
    *, merchant: Any, item: Mapping[str, Any], lookups: _Lookups, source: str
) -> _OrderDraft:
    """Validate one creation item into a draft. Raises a ``DomainError`` with the contract code
    (1603000 invalid, 1603003 duplicate, 1602000/1602002/1602003 variants)."""
    unknown = set(item) - ORDER_CREATE_FIELDS
    if unknown:
        raise OrderInvalid(f"unknown order fields: {', '.join(sorted(unknown))}")
    number = _text_field(item, "order_number", 50)
    if not number:
        raise OrderInvalid(
            "orderNumber is required", extra={"errors": {"order_number": "required"}}
        )
    if number in lookups.taken:
        raise DuplicateOrder(f"order number {number} already exists")
    order_type = _choice(item.get("order_type"), OrderType, "order_type", OrderType.DROPSHIPPING)
    warehouse = item.get("requested_warehouse")
    if warehouse is not None and not isinstance(warehouse, Warehouse):
        raise OrderInvalid("requested_warehouse must be a warehouse")
    original = item.get("original_order")
    address = {name: item.get(name) for name in ADDRESS_FIELDS}
    if order_type == OrderType.BULK:
        if warehouse is None or warehouse.kind != WarehouseKind.PLATFORM or not warehouse.is_active:
            raise OrderInvalid("a bulk purchase needs an active platform warehouse (storageId)")
        # The goods travel to the warehouse, where they become the merchant's private stock.
        if not address.get("shipping_address"):
            address.update(
                shipping_country_code=warehouse.country,
                shipping_province=warehouse.region,
                shipping_city=warehouse.city,
                shipping_zip=warehouse.postcode,
                shipping_address=warehouse.address1 or warehouse.name,
                shipping_address2=warehouse.address2,
                shipping_customer_name=(warehouse.contact_name or warehouse.name)[:100],
                shipping_phone=warehouse.contact_phone,
            )
    if order_type == OrderType.RESEND:
        if not isinstance(original, Order) or original.merchant_id != merchant.pk:
            raise OrderInvalid("a resend needs the original order of this merchant")
    elif original is not None:
        raise OrderInvalid("only a resend refers to an original order")
    if warehouse is not None and not warehouse.is_active:
        raise OrderInvalid(f"warehouse {warehouse.code} is inactive")
    errors = address_errors(address)
    if errors:
        detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
        raise OrderInvalid(f"invalid shipping address: {detail}", extra={"errors": errors})
    clean = address_clean(address)
    raw_lines = item.get("lines")
    if not isinstance(raw_lines, (list, tuple)) or not raw_lines:
        raise OrderInvalid("products is empty", extra={"errors": {"lines": "required"}})
    if len(raw_lines) > MAX_LINES:
        raise OrderInvalid(f"at most {MAX_LINES} products per order")
    lines = [_line_draft(raw, i, lookups) for i, raw in enumerate(raw_lines)]
    ioss_type = _choice(item.get("ioss_type"), IossType, "ioss_type", IossType.NONE)
    ioss_number = _text_field(item, "ioss_number", 20)
    if ioss_type == IossType.OWN and not ioss_number:
        raise OrderInvalid(
            "iossType 2 needs an iossNumber", extra={"errors": {"ioss_number": "required"}}
        )
    if ioss_type == IossType.PLATFORM:
        ioss_number = PLATFORM_IOSS
    if ioss_type == IossType.NONE:
        ioss_number = ""
    from_country = _text_field(item, "from_country_code", 2).upper()
    if from_country and from_country not in countries:
        raise OrderInvalid(f"fromCountryCode {from_country!r} is not a country code")
    shop_amount = item.get("shop_amount_minor")
    if shop_amount is not None:
        shop_amount = _int(shop_amount, "shop_amount_minor")
    is_sandbox = item.get("is_sandbox")
    if is_sandbox:
        sandbox_check(merchant)  # isSandbox asks for free money: refused unless allowed
    fields = {
        **clean,
        "order_number": number,
        "order_type": order_type,
        "source": _choice(item.get("source"), OrderSource, "source", source),
        "platform": _text_field(item, "platform", 40) or "api",
        "pay_type": _choice(item.get("pay_type"), PayType, "pay_type", PayType.NONE),
        "remark": _text_field(item, "remark", 500),
        "ioss_type": ioss_type,
        "ioss_number": ioss_number,
        "shop_logistics_type": _choice(
            item.get("shop_logistics_type"),
            ShopLogisticsType,
            "shop_logistics_type",
            ShopLogisticsType.SELLER,
        ),
        "requested_logistic_name": _text_field(item, "requested_logistic_name", 120),
        "from_country_code": from_country,
        "requested_warehouse": warehouse,
        "original_order": original,
        "store_name": _text_field(item, "store_name", 120),
        "store_order_id": _text_field(item, "store_order_id", 100),
        "store_created_at": item.get("store_created_at"),
        "shop_amount_minor": shop_amount,
        "is_sandbox": bool(merchant.is_sandbox if is_sandbox is None else is_sandbox),
    }
    return _OrderDraft(fields=fields, lines=lines)


# --- Routing: loading and applying ---------------------------------------------------------------


@dataclass
class _RoutingContext:
    """Everything routing needs for a set of orders of one merchant, in four queries."""

    book: routing.RateBook
    defaults: dict[str, DefaultShippingLine]
    stock: dict[
        int, list[tuple[int, str, str, bool, int]]
    ]  # variant → (wh, code, country, private, avail)


def _routing_context(
    merchant: Any, variant_ids: Iterable[int], dests: Iterable[str]
) -> _RoutingContext:
    variant_ids, dests = set(variant_ids), set(dests)
    stock: dict[int, list[tuple[int, str, str, bool, int]]] = defaultdict(list)
    rows = (
        Stock.objects.filter(
            variant_id__in=variant_ids, warehouse__is_active=True, on_hand__gt=F("reserved")
        )
        .filter(Q(merchant__isnull=True) | Q(merchant=merchant))
        .values_list(
            "variant_id",
            "warehouse_id",
            "warehouse__code",
            "warehouse__country",
            "merchant_id",
            "on_hand",
            "reserved",
        )
    )
    for variant_id, wh, code, country, owner, on_hand, reserved in rows:
        stock[variant_id].append((wh, code, country, owner is not None, on_hand - reserved))
    book = routing.RateBook.build(
        RateCard.objects.filter(dest_country__in=dests), ShippingLine.objects.all()
    )
    defaults = {
        d.dest_country: d
        for d in DefaultShippingLine.objects.filter(merchant=merchant, dest_country__in=dests)
    }
    return _RoutingContext(book=book, defaults=defaults, stock=stock)


def _plan_items(lines: Sequence[Any]) -> list[routing.PlanItem]:
    return [
        routing.PlanItem(
            key=index,
            variant_id=line.variant.pk,
            sku=line.variant.sku,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            weight_g=line.variant.weight_g,
            length_mm=line.variant.length_mm,
            width_mm=line.variant.width_mm,
            height_mm=line.variant.height_mm,
            properties=frozenset(line.variant.product.properties or ()),
        )
        for index, line in enumerate(lines)
    ]


def _sources(
    ctx: _RoutingContext, items: Sequence[routing.PlanItem], *, warehouse_id: int | None, bulk: bool
) -> list[routing.Source]:
    grouped: dict[tuple[int, bool], dict[str, Any]] = {}
    for item in items:
        for wh, code, country, private, available in ctx.stock.get(item.variant_id, ()):
            if warehouse_id is not None and wh != warehouse_id:
                continue
            if bulk and private:  # a bulk purchase buys platform stock
                continue
            entry = grouped.setdefault(
                (wh, private), {"code": code, "country": country, "available": {}}
            )
            entry["available"][item.variant_id] = available
    return [
        routing.Source(
            warehouse_id=wh,
            warehouse_code=e["code"],
            country=e["country"],
            private=private,
            available=e["available"],
        )
        for (wh, private), e in sorted(
            grouped.items(), key=lambda kv: (not kv[0][1], kv[1]["code"])
        )
    ]


def _route(
    ctx: _RoutingContext,
    *,
    lines: Sequence[Any],
    dest: str,
    postcode: str,
    requested_name: str,
    warehouse_id: int | None,
    order_type: str,
) -> tuple[routing.RoutePlan, list[routing.PlanItem]]:
    items = _plan_items(lines)
    bulk = order_type == OrderType.BULK
    # A bulk order's warehouse is its destination, not its source.
    only = None if bulk else warehouse_id
    sources = _sources(ctx, items, warehouse_id=only, bulk=bulk)
    requested = ctx.book.line_named(requested_name) if requested_name else None
    default = ctx.defaults.get(dest)
    policy = routing.LinePolicy(
        requested_line_id=requested.pk if requested is not None else None,
        requested_name=requested_name,
        default_line_id=default.line_id if default is not None else None,
        fallback=default.fallback if default is not None else routing.FallbackPolicy.CHEAPEST,
    )
    plan = routing.plan_route(
        items=items, sources=sources, book=ctx.book, dest=dest, postcode=postcode, policy=policy
    )
    if not plan.ok and only is not None and not sources:
        plan.reasons = [
            {"code": routing.REASON_WAREHOUSE, "message": "the requested warehouse has no stock"}
        ] + plan.reasons
    return plan, items


def _priced_fields(
    plan: routing.RoutePlan, items: Sequence[routing.PlanItem], currency: str = "USD"
) -> dict[str, Any]:
    """Order amounts, line, miss flag and the cost breakdown snapshot for a plan."""
    full = sum(i.unit_price_minor * i.quantity for i in items)
    product = plan.product_minor if plan.ok else full
    postage = plan.postage_minor if plan.ok else 0
    fee, discount = 0, 0
    breakdown = {
        "currency": currency,
        "products": {
            "total_minor": product,
            "lines": [
                {
                    "sku": i.sku,
                    "quantity": i.quantity,
                    "unit_price_minor": i.unit_price_minor,
                    "private_quantity": plan.private_units.get(i.key, 0),
                    "amount_minor": i.unit_price_minor
                    * (i.quantity - plan.private_units.get(i.key, 0)),
                }
                for i in items
            ],
        },
        "freight": {
            "total_minor": postage,
            "parcels": [
                {
                    "warehouse": p.source.warehouse_code,
                    "private_stock": p.source.private,
                    "line": p.option.line_name,
                    "line_id": p.option.line_id,
                    "price_minor": p.option.price_minor,
                    "chargeable_weight_g": p.option.chargeable_weight_g,
                    "days": f"{p.option.min_days}-{p.option.max_days}",
                    "why": p.why,
                }
                for p in plan.parcels
            ],
        },
        "fees": {"total_minor": fee, "items": []},
        "discounts": {"total_minor": discount, "items": []},
        "total_minor": product + postage + fee - discount,
        "line": plan.parcels[0].option.line_name if plan.parcels else None,
        "warehouses": sorted({p.source.warehouse_code for p in plan.parcels}),
        "promise_days": plan.promise_days,
        "why": plan.why if plan.ok else "; ".join(r["message"] for r in plan.reasons),
        "logistics_miss": not plan.ok,
    }
    return {
        "line_id": plan.line_id,
        "logistics_miss": not plan.ok,
        "intercept_reasons": list(plan.reasons),
        "currency": currency,
        "product_amount_minor": product,
        "postage_amount_minor": postage,
        "fee_amount_minor": fee,
        "discount_amount_minor": discount,
        "total_amount_minor": product + postage + fee - discount,
        "cost_breakdown": breakdown,
    }


def _parcel_specs(
    plan: routing.RoutePlan, *, merchant_id: int, order_id: int, line_ids: Sequence[int]
) -> list[planning.ParcelSpec]:
    return [
        planning.ParcelSpec(
            merchant_id=merchant_id,
            warehouse_id=p.source.warehouse_id,
            uses_private_stock=p.source.private,
            line_id=p.option.line_id,
            postage_minor=p.option.price_minor,
            chargeable_weight_g=p.option.chargeable_weight_g,
            actual_weight_g=p.option.actual_weight_g,
            min_days=p.option.min_days,
            max_days=p.option.max_days,
            currency=p.option.currency,
            lines=[(line_ids[key], qty) for key, qty in p.allocations],
            order_ids=[order_id],
        )
        for p in plan.parcels
        if plan.ok
    ]


# --- Creation ------------------------------------------------------------------------------------


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
    *, merchant: Any, actor: Any, drafts: Sequence[tuple[_OrderDraft, routing.RoutePlan, list]]
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
                **_priced_fields(plan, items),
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
        line_ids = [line_pks.get(r["line_item_id"]) for r in line_rows[at : at + count]]
        at += count
        specs += _parcel_specs(
            plan, merchant_id=merchant.pk, order_id=pks[row["code"]], line_ids=line_ids
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
    merchant: Any, items: Sequence[Mapping[str, Any]], source: str
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


def _duplicate_or_raise(merchant: Any, number: str, exc: IntegrityError) -> DuplicateOrder:
    if Order.objects.filter(merchant=merchant, order_number=number).exists():
        return DuplicateOrder(f"order number {number} already exists")
    raise exc


@transaction.atomic
def order_create(
    *,
    merchant: Any,
    actor: Any,
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
    merchant: Any,
    actor: Any,
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
    *, merchant: Any, actor: Any, items: Sequence[Mapping[str, Any]], offset: int, source: str
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


# --- Routing services ----------------------------------------------------------------------------


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("merchant").get(pk=order.pk)


def _sync_instance(target: Order, source: Order) -> Order:
    """Copy the database state read into ``source`` onto the caller's ``target``."""
    if target is not source:
        for f in Order._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))
    return target


def _reservation_reference(order: Order, parcel: Parcel) -> str:
    return f"order:{order.public_id}:{parcel.code}"


def _reserve(order: Order, actor: Any, *, prefix: str = "") -> None:
    """Reserve every PLANNED parcel's lines (one movement per variant per parcel), private
    stock for private parcels, under ``<prefix>:<parcel code>`` (default prefix
    ``order:<public_id>``; merges use ``merge:<public_id>``). A parcel whose reference already
    holds an open reservation (a merged parcel reserved with a sibling order) is skipped.
    Raises ``InsufficientStock`` (1603102); the caller's transaction rolls back."""
    parcels = planning.parcels_of(order, statuses=[ParcelStatus.PLANNED])
    already = {ref for _stock, ref in open_reservations(p.reservation_reference for p in parcels)}
    for parcel in parcels:
        if parcel.reservation_reference in already:
            continue
        reference = parcel.reservation_reference or (
            f"{prefix}:{parcel.code}" if prefix else _reservation_reference(order, parcel)
        )
        wanted: dict[int, tuple[Variant, int]] = {}
        for pline in parcel.lines.all():
            variant = pline.order_line.variant
            _v, qty = wanted.get(variant.pk, (variant, 0))
            wanted[variant.pk] = (variant, qty + pline.quantity)
        for variant, quantity in wanted.values():
            inventory_services.stock_reserve(
                variant=variant,
                warehouse=parcel.warehouse,
                quantity=quantity,
                reference=reference,
                actor=_user(actor),
                merchant=order.merchant if parcel.uses_private_stock else None,
                reason=f"order {order.code}",
            )
        planning.parcels_set_reservation(parcel=parcel, reference=reference)


def open_reservations(references: Iterable[str]) -> dict[tuple[int, str], int]:
    """Units still reserved per (stock row, reference), from the StockMovement ledger: the sum
    of ``reserved_delta`` of RESERVATION, RELEASE and SHIPMENT movements with the reference."""
    references = [r for r in set(references) if r]
    if not references:
        return {}
    rows = (
        StockMovement.objects.filter(reference__in=references)
        .values("stock_id", "reference")
        .annotate(open=Sum("reserved_delta"))
    )
    return {(r["stock_id"], r["reference"]): r["open"] for r in rows if r["open"] > 0}


def _order_references(order: Order) -> list[str]:
    return list(
        Parcel.objects.filter(orders=order)
        .exclude(reservation_reference="")
        .values_list("reservation_reference", flat=True)
    )


def _release(order: Order, actor: Any, reason: str) -> int:
    """Release every unit still reserved for the order's parcels (per the ledger); the number
    of units released."""
    opened = open_reservations(_order_references(order))
    stocks = Stock.objects.select_related("variant", "warehouse", "merchant").in_bulk(
        [stock_id for stock_id, _ref in opened]
    )
    released = 0
    for (stock_id, reference), quantity in sorted(opened.items()):
        stock = stocks[stock_id]
        inventory_services.stock_release(
            variant=stock.variant,
            warehouse=stock.warehouse,
            quantity=quantity,
            reference=reference,
            actor=_user(actor),
            merchant=stock.merchant,
            reason=reason[:300],
        )
        released += quantity
    return released


def _reroute_locked(locked: Order, *, actor: Any) -> routing.RoutePlan:
    """Re-plan a locked pre-payment order in place (parcels, amounts, breakdown); keeps an
    UNPAID order's reservations in step (release, re-plan, reserve)."""
    if locked.status not in PRE_PAYMENT:
        raise InvalidTransition(f"order {locked.code} is {locked.status}: routing is frozen")
    if locked.merge_id is not None:
        raise InvalidTransition(f"order {locked.code} is merged: undo the merge first")
    reserved = locked.status == S.UNPAID
    if reserved:
        _release(locked, actor, reason=f"re-route order {locked.code}")
    lines = list(locked.lines.select_related("variant__product").order_by("pk"))
    ctx = _routing_context(
        locked.merchant, {line.variant_id for line in lines}, {locked.shipping_country_code}
    )
    plan, items = _route(
        ctx,
        lines=lines,
        dest=locked.shipping_country_code,
        postcode=locked.shipping_zip,
        requested_name=locked.requested_logistic_name,
        warehouse_id=locked.requested_warehouse_id,
        order_type=locked.order_type,
    )
    if reserved and not plan.ok:
        raise ConfirmRefused(
            "the order can no longer be routed: " + "; ".join(r["message"] for r in plan.reasons),
            extra={"reasons": plan.reasons},
        )
    priced = _priced_fields(plan, items, locked.currency)
    specs = _parcel_specs(
        plan,
        merchant_id=locked.merchant_id,
        order_id=locked.pk,
        line_ids=[line.pk for line in lines],
    )
    planning.parcels_replace_planned(order=locked, specs=specs)
    priced["updated_at"] = timezone.now()
    Order.objects.filter(pk=locked.pk).update(**priced)
    for name, value in priced.items():
        setattr(locked, name, value)
    if reserved:
        _reserve(locked, actor)
    return plan


@transaction.atomic
def order_route(*, order: Order, actor: Any = None, actor_label: str = "") -> Order:
    """Route and price an unpaid order again (CREATED / IN_CART / UNPAID).

    Replaces its PLANNED parcels, sets ``line``, the amounts, ``cost_breakdown``,
    ``logistics_miss`` and ``intercept_reasons``, and notes a "routed" history row. For an
    UNPAID order the reservations follow the new parcels; if it can no longer be routed (or
    stock is short) the call is refused (``ConfirmRefused`` / ``InsufficientStock``) and nothing
    changes. Refused for paid orders (routing is frozen at payment) and merged orders.
    """
    locked = _lock(order)
    plan = _reroute_locked(locked, actor=actor)
    note = (
        plan.why if plan.ok else "logistics miss: " + "; ".join(r["message"] for r in plan.reasons)
    )
    order_note(locked, kind="routed", note=note, actor=actor, actor_label=actor_label)
    return _sync_instance(order, locked)


def order_reroute(*, order: Order, actor: Any = None, actor_label: str = "") -> Order:
    """Re-route after stock or the line changed before payment (same as ``order_route``)."""
    return order_route(order=order, actor=actor, actor_label=actor_label)


# --- Cart, confirmation, parent order, payment ---------------------------------------------------


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


def _error_reasons(exc: DomainError, order: Order | None = None) -> list[dict[str, Any]]:
    reasons = exc.extra.get("reasons") if exc.extra else None
    return list(reasons) if reasons else [{"code": exc.code, "message": exc.message}]


def _not_mine(merchant: Any, order: Order) -> Intercept | None:
    if order.merchant_id != merchant.pk:
        return Intercept(None, order.public_id, [{"code": 1603100, "message": "order not found"}])
    return None


def cart_add(*, merchant: Any, orders: Sequence[Order], actor: Any = None) -> CartResult:
    """Move CREATED orders into the cart (IN_CART). Per order, independently:

    already IN_CART counts as added (idempotent); a logistics-miss order is re-routed first and
    intercepted with its reasons if it still misses; another merchant's order or any other
    status is intercepted. An intercepted order is left exactly as it was.
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
                if locked.status == S.IN_CART:
                    pass
                elif locked.status != S.CREATED:
                    raise InvalidTransition(f"order {locked.code} is {locked.status}")
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


def _confirm_locked(locked: Order, *, actor: Any, actor_label: str = "") -> list[Order]:
    """CREATED/IN_CART → UNPAID: re-route, refuse a miss, reserve every parcel line. A merged
    order is confirmed together with every order of its merge (their parcels are shared and
    reserved once, under ``merge:<public_id>:<parcel code>``). Returns the orders confirmed."""
    if locked.status not in (S.CREATED, S.IN_CART):
        raise InvalidTransition(
            f"order {locked.code} is {locked.status}, not awaiting confirmation"
        )
    if locked.merge_id is not None:
        siblings = list(
            Order.objects.select_for_update()
            .select_related("merchant")
            .filter(merge_id=locked.merge_id)
            .order_by("pk")
        )
        if any(o.status not in (S.CREATED, S.IN_CART) for o in siblings):
            raise InvalidTransition(f"the orders merged with {locked.code} are not all unconfirmed")
        _reserve(locked, actor, prefix=f"merge:{locked.merge.public_id}")
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
            f"order {locked.code} cannot be shipped: "
            + "; ".join(r["message"] for r in locked.intercept_reasons),
            code=INVENTORY_DEDUCTION_FAILED if short else None,
            extra={"reasons": locked.intercept_reasons},
        )
    _reserve(locked, actor)
    order_transition(
        locked, to=S.UNPAID, actor=actor, actor_label=actor_label, note="confirmed, stock reserved"
    )
    return [locked]


def cart_confirm(*, merchant: Any, orders: Sequence[Order], actor: Any = None) -> CartResult:
    """Confirm cart orders (IN_CART, or CREATED) → UNPAID, one ``ParentOrder`` for them all.

    Per order, atomically: re-route, refuse a logistics miss, reserve stock for every parcel
    line (``order:<public_id>:<parcel code>``), move to UNPAID. An order that fails any step
    is intercepted with its reasons and left unchanged. ``shipments_id`` is the new parent's
    (empty when nothing was confirmed).
    """
    result = CartResult()
    confirmed: list[Order] = []
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
                done.update(o.pk for o in _confirm_locked(locked, actor=actor))
            confirmed.append(_sync_instance(order, locked))
        except DomainError as exc:
            result.intercepted.append(Intercept(order, order.public_id, _error_reasons(exc)))
    if confirmed:
        with transaction.atomic():
            parent = ParentOrder.objects.create(merchant=merchant)
            Order.objects.filter(pk__in=done).update(parent=parent)
            for order in confirmed:
                order.parent = parent
            for order in Order.objects.filter(pk__in=done):
                _order_changed(order)
        result.parent, result.shipments_id = parent, parent.shipments_id
    result.orders = confirmed
    result.success_count = len(confirmed)
    return result


@transaction.atomic
def order_confirm(*, order: Order, actor: Any = None, actor_label: str = "") -> Order:
    """Legacy ``confirmOrder``: CREATED / IN_CART → UNPAID with the same routing and reservation
    as ``cart_confirm``, in a parent order of its own. Refused (nothing changed) with
    ``ConfirmRefused`` (1603001: logistics miss), ``InsufficientStock`` (1603102) or
    ``InvalidTransition`` (1603001: wrong status)."""
    locked = _lock(order)
    confirmed = _confirm_locked(locked, actor=actor, actor_label=actor_label)
    parent = ParentOrder.objects.create(merchant=locked.merchant)
    Order.objects.filter(pk__in=[o.pk for o in confirmed]).update(parent=parent)
    locked.parent = parent
    for each in confirmed:
        _order_changed(each)
    return _sync_instance(order, locked)


@transaction.atomic
def parent_order_generate(*, merchant: Any, shipments_id: str, actor: Any = None) -> ParentOrder:
    """``saveGenerateParentOrder``: give the confirmed cart a payment (``pay_id``, amount =
    sum of its UNPAID orders' totals, expiry ``PAY_EXPIRY`` from now).

    Calling it again before payment refreshes amount and expiry and keeps the pay_id; on a
    PAID parent it returns it unchanged. ``OrderNotFound`` for an unknown / other merchant's
    shipments id; ``PaymentFailed`` (1603101) when nothing in it is payable.
    """
    parent = (
        ParentOrder.objects.select_for_update()
        .filter(merchant=merchant, shipments_id=str(shipments_id or "").strip())
        .first()
    )
    if parent is None:
        raise OrderNotFound(f"shipment order {shipments_id} not found")
    if parent.status == ParentOrderStatus.PAID:
        return parent
    unpaid = list(parent.orders.filter(status=S.UNPAID))
    if not unpaid:
        raise PaymentFailed("this shipment order has no unpaid orders")
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


@transaction.atomic
def order_paid(
    *,
    orders: Sequence[Order] | None = None,
    parent: ParentOrder | None = None,
    actor: Any = None,
    actor_label: str = "",
    payment_reference: str = "",
) -> list[Order]:
    """THE "order paid" service (sandbox provider now, the wallet later).

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
        parent = ParentOrder.objects.select_for_update().get(pk=parent.pk)
        if parent.status == ParentOrderStatus.PAID:
            return []
        targets = list(parent.orders.filter(status=S.UNPAID).order_by("pk"))
        if not targets:
            raise PaymentFailed("this shipment order has no unpaid orders")
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
                "only sandbox orders can be paid by the sandbox provider: "
                + ", ".join(live)
                + " is a live order"
            )
    paid: list[Order] = []
    parents: set[int] = {parent.pk} if parent is not None else set()
    for order in targets:
        locked = _lock(order)
        if locked.status in (S.UNSHIPPED, S.SHIPPED, S.DELIVERED):
            continue
        if locked.status != S.UNPAID:
            raise PaymentFailed(f"order {locked.code} is {locked.status}: it cannot be paid")
        if locked.logistics_miss:
            # E.g. a sibling left without a route when its merge was undone by a cancel.
            raise PaymentFailed(
                f"order {locked.code} cannot be shipped as planned: re-route it (shipping line "
                "or warehouse) before paying"
            )
        if locked.merchant_id != targets[0].merchant_id:
            raise PaymentFailed("orders of several merchants cannot be paid together")
        breakdown = dict(locked.cost_breakdown or {})
        breakdown.update(frozen=True, paid_at=now.isoformat(), payment_reference=payment_reference)
        Order.objects.filter(pk=locked.pk).update(cost_breakdown=breakdown)
        locked.cost_breakdown = breakdown
        order_transition(
            locked,
            to=S.UNSHIPPED,
            actor=actor,
            actor_label=actor_label,
            note=f"paid {payment_reference}".strip(),
        )
        planning.parcels_mark_ready(order=locked, when=now)
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


def _is_sandbox(order: Order) -> bool:
    return order.in_sandbox


@transaction.atomic
def sandbox_pay(
    *, merchant: Any, actor: Any = None, order_id: str = "", shipments_id: str = ""
) -> list[Order]:
    """``shopping/sandbox/simulatePay``: the sandbox payment provider pays an order (confirming
    it first when CREATED / IN_CART) or a shipment (parent) order, through ``order_paid``.

    Refused with ``SandboxRefused`` (1600300) unless ``sandbox_allowed(merchant)``. Only sandbox
    orders (``Order.is_sandbox`` or a sandbox merchant), and only when every order merged with
    it is one too: others are refused with ``PaymentFailed`` (1603101). Unknown / other
    merchant's ids → ``OrderNotFound`` (1603100).
    Paying again returns ``[]`` and changes nothing.
    """
    from .selectors import order_get

    sandbox_check(merchant)
    if shipments_id:
        parent = ParentOrder.objects.filter(merchant=merchant, shipments_id=shipments_id).first()
        if parent is None:
            raise OrderNotFound(f"shipment order {shipments_id} not found")
        if parent.status == ParentOrderStatus.PAID:
            return []
        members = list(parent.orders.select_related("merchant"))
        if not members or not all(_is_sandbox(o) for o in members):
            raise PaymentFailed("only sandbox orders can be paid by the sandbox provider")
        parent = parent_order_generate(merchant=merchant, shipments_id=shipments_id, actor=actor)
        return order_paid(
            parent=parent,
            actor=actor,
            actor_label="sandbox payment",
            payment_reference=f"sandbox:{parent.pay_id}",
        )
    order = order_get(merchant=merchant, key=order_id)
    if not _is_sandbox(order):
        raise PaymentFailed("only sandbox orders can be paid by the sandbox provider")
    if order.merge_id is not None:
        siblings = Order.objects.select_related("merchant").filter(merge_id=order.merge_id)
        if not all(_is_sandbox(o) for o in siblings):
            raise PaymentFailed(
                "this order is merged with a live order: the sandbox provider cannot pay it"
            )
    if order.status in (S.CREATED, S.IN_CART):
        order_confirm(order=order, actor=actor, actor_label="sandbox payment")
    return order_paid(
        orders=[order],
        actor=actor,
        actor_label="sandbox payment",
        payment_reference=f"sandbox:order:{order.public_id}",
    )


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


def order_create_v2(
    *, merchant: Any, actor: Any, pay_type: int = PayType.PAGE, **fields: Any
) -> OrderCreateResult:
    """``createOrderV2``: ``order_create(**fields)`` then the payType flow.

    - 3: create only.
    - 1 (page payment): cart → confirm → parent order; ``pay_url`` = ``/orders/pay/<pay_id>/``.
    - 2 (balance): cart → confirm → parent order → pay. A sandbox order is paid through the
      sandbox provider (``order_paid``); any other from the wallet, with the wallet discount
      (``wallet.payments.pay_from_wallet``). An insufficient balance leaves the order UNPAID
      (confirmed, stock reserved, in its parent order) with ``payment_error`` set (1604000).
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
        # Imported here: the wallet's payment service calls back into this module.
        from dropyard.wallet.exceptions import InsufficientBalance
        from dropyard.wallet.payments import pay_from_wallet

        try:
            pay_from_wallet(merchant=merchant, parent=parent, actor=actor)
        except InsufficientBalance as exc:
            result.payment_error = exc
            result.message = (
                f"{exc.message}; order confirmed, awaiting payment "
                f"(shipmentOrderId {parent.shipments_id}, payId {parent.pay_id})"
            )
        else:
            result.paid = True
            result.message = "paid from the wallet balance"
    order.refresh_from_db()
    result.order = order
    return result


# --- Changes before payment, cancel, delete ------------------------------------------------------


@transaction.atomic
def order_cancel(
    *, order: Order, actor: Any = None, reason: str = "", actor_label: str = ""
) -> Order:
    """Cancel an order until the warehouse ships it (CREATED … UNSHIPPED).

    Releases every unit still reserved under the order's parcel references (per the ledger),
    marks its parcels CANCELLED, moves the order to CANCELLED (history row), audits
    ORDER_CANCELLED, publishes the ORDER webhook. Refused (nothing changed) once a parcel has
    shipped or the order is SHIPPED / DELIVERED / CANCELLED (``InvalidTransition``). A merged
    order is taken out of its merge first before payment (``_unmerge_for_cancel``: the others
    are routed alone; one that cannot ship alone stays with ``logistics_miss`` and no
    reservation, so the cancel never fails because of a sibling), and refused after payment
    (the parcels are shared). A paid order (UNSHIPPED) is
    refunded in full to the wallet in the same transaction
    (``wallet.refunds.refund_for_cancelled_order``).
    """
    locked = _lock(order)
    if S.CANCELLED not in TRANSITIONS.get(locked.status, frozenset()):
        raise InvalidTransition(f"order {locked.code} is {locked.status}: it cannot be cancelled")
    if locked.merge_id is not None:
        if locked.status not in PRE_PAYMENT:
            # Its parcels are shared with the other merged orders, which were paid with it.
            raise InvalidTransition(
                f"order {locked.code} was paid as part of a merge: cancel is not possible per order"
            )
        _unmerge_for_cancel(merge=locked.merge, cancelled=locked, actor=actor)
        locked = _lock(order)
    released = _release(locked, actor, reason=f"order {locked.code} cancelled")
    try:
        parcels = planning.parcels_cancel(order=locked)
    except ValueError:
        raise InvalidTransition(
            f"order {locked.code} has shipped: it cannot be cancelled"
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
    if previous == S.UNSHIPPED:
        # Imported here: the wallet app depends on this module.
        from dropyard.wallet.refunds import refund_for_cancelled_order

        refund_for_cancelled_order(order=locked, actor=actor, actor_label=actor_label)
    _order_changed(locked)
    return _sync_instance(order, locked)


def _merge_lock_unpaid(merge: OrderMerge) -> tuple[OrderMerge, list[Order]]:
    """Lock a merge and its orders (pk order); ``MergeRefused`` when it was undone already or
    a member is paid (nothing changed)."""
    merge = OrderMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise MergeRefused("this merge was undone already")
    members = list(
        Order.objects.select_for_update()
        .select_related("merchant")
        .filter(merge=merge)
        .order_by("pk")
    )
    if any(o.status not in PRE_PAYMENT for o in members):
        raise MergeRefused("a merged order is paid: the merge can no longer be undone")
    return merge, members


def _unmerge_for_cancel(*, merge: OrderMerge, cancelled: Order, actor: Any) -> list[Order]:
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
        planning.parcels_replace_planned(order=order, specs=[])
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
            with transaction.atomic():  # a savepoint: a refused re-route leaves no trace
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
def order_delete(*, order: Order, actor: Any = None) -> dict[str, Any]:
    """Delete a CREATED / IN_CART order with nothing reserved: its rows (lines, events, planned
    parcels) go; an ORDER_DELETED audit record keeps a snapshot, which is returned. Refused
    with ``DeleteRefused`` (1603002, nothing changed) in any other case (also when a resend
    refers to it)."""
    locked = _lock(order)
    if locked.merge_id is not None:
        raise DeleteRefused(f"order {locked.code} is merged: undo the merge first")
    if locked.status not in (S.CREATED, S.IN_CART):
        raise DeleteRefused(
            f"order {locked.code} is {locked.status}: only created or cart orders can be deleted"
        )
    if open_reservations(_order_references(locked)):
        raise DeleteRefused(f"order {locked.code} has reserved stock")
    snapshot = _snapshot(locked)
    try:
        with transaction.atomic():
            planning.parcels_delete(order=locked)
            Order.objects.filter(pk=locked.pk).delete()
    except (ValueError, ProtectedError):
        raise DeleteRefused(f"order {locked.code} cannot be deleted") from None
    audit_record(
        action=AuditAction.ORDER_DELETED,
        actor=_user(actor),
        merchant=locked.merchant,
        target_label=f"{snapshot['code']} ({snapshot['order_number']})",
        details=snapshot,
    )
    return snapshot


def _changed(locked: Order, actor: Any, *, what: str, details: dict[str, Any]) -> None:
    audit_record(
        action=AuditAction.ORDER_CHANGED,
        actor=_user(actor),
        merchant=locked.merchant,
        target=locked,
        details={"code": locked.code, "what": what, **details},
    )


@transaction.atomic
def order_update_logistics(
    *, order: Order, actor: Any = None, logistic_name: str, expected_status: str | None = None
) -> Order:
    """``updateLogistics``: ship the order on ``logistic_name`` (a line name or code).

    Allowed while CREATED / IN_CART / UNPAID; otherwise (or when the status is no longer
    ``expected_status``) ``StateChanged`` (8002). Unknown line → ``LogisticNotFound`` (1605000);
    a line that cannot carry every parcel → ``LogisticInvalid`` (1605001). Re-routes and
    re-prices (reservations follow for UNPAID); refused calls change nothing.
    """
    locked = _lock(order)
    if expected_status and locked.status != expected_status:
        raise StateChanged(f"order {locked.code} is now {locked.status}")
    if locked.status not in PRE_PAYMENT:
        raise StateChanged(f"order {locked.code} is {locked.status}: the line can no longer change")
    name = (logistic_name or "").strip()
    line = (
        ShippingLine.objects.filter(Q(name__iexact=name) | Q(code__iexact=name)).first()
        if name
        else None
    )
    if line is None or not line.is_active:
        raise LogisticNotFound(f"logistic {logistic_name!r} not found")
    before = locked.requested_logistic_name
    Order.objects.filter(pk=locked.pk).update(requested_logistic_name=line.name)
    locked.requested_logistic_name = line.name
    plan = _reroute_locked(locked, actor=actor)
    if not plan.ok or any(p.option.line_id != line.pk for p in plan.parcels):
        raise LogisticInvalid(f"{line.name} cannot ship this order; use the freight calculation")
    order_note(
        locked,
        kind="logistics",
        note=f"line {before or '—'} → {line.name}: {plan.why}",
        actor=actor,
    )
    _changed(locked, actor, what="logistics", details={"from": before, "to": line.name})
    return _sync_instance(order, locked)


@transaction.atomic
def order_change_warehouse(*, order: Order, actor: Any = None, warehouse: Warehouse) -> Order:
    """``changeWarehouse``: ship from ``warehouse`` only (``requested_warehouse``) and re-route.

    Before payment only (``InvalidTransition`` otherwise); the warehouse must be active
    (``OrderInvalid``). An unpaid-but-confirmed order that the warehouse cannot serve is refused
    (``ConfirmRefused``); a CREATED / IN_CART one may end as a logistics miss. For bulk orders
    this changes the destination warehouse of the goods.
    """
    locked = _lock(order)
    if locked.status not in PRE_PAYMENT:
        raise InvalidTransition(f"order {locked.code} is {locked.status}: the warehouse is fixed")
    if not warehouse.is_active or (
        locked.order_type == OrderType.BULK and warehouse.kind != WarehouseKind.PLATFORM
    ):
        raise OrderInvalid(f"warehouse {warehouse.code} cannot be used")
    before = locked.requested_warehouse.code if locked.requested_warehouse_id else ""
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
def order_update_address(*, order: Order, actor: Any = None, **address: Any) -> Order:
    """Change shipping address fields (``orders.address.ADDRESS_FIELDS``) before payment and
    re-route. The merged address must validate (``OrderInvalid`` with field errors);
    refused after payment (``InvalidTransition``) or when a confirmed order cannot be routed to
    the new address. Refused calls change nothing."""
    unknown = set(address) - set(ADDRESS_FIELDS)
    if unknown:
        raise OrderInvalid(f"unknown address fields: {', '.join(sorted(unknown))}")
    locked = _lock(order)
    if locked.status not in PRE_PAYMENT:
        raise InvalidTransition(f"order {locked.code} is {locked.status}: the address is fixed")
    merged = {name: getattr(locked, name) for name in ADDRESS_FIELDS}
    merged.update(address)
    if "shipping_country_code" in address and "shipping_country" not in address:
        merged["shipping_country"] = ""
    errors = address_errors(merged)
    if errors:
        detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
        raise OrderInvalid(f"invalid shipping address: {detail}", extra={"errors": errors})
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


# --- Warehouse feedback --------------------------------------------------------------------------

_SHIPPED_OR_LATER = frozenset(
    {ParcelStatus.SHIPPED, ParcelStatus.DELIVERED, ParcelStatus.EXCEPTION, ParcelStatus.RETURNED}
)
_WORK_STARTED = frozenset({ParcelStatus.PICKING, ParcelStatus.PACKED}) | _SHIPPED_OR_LATER


def status_from_parcels(parcel_statuses: Iterable[str]) -> tuple[str, str] | None:
    """The (status, sub-status) an order's parcels imply; None without live parcels. Pure.

    Cancelled parcels are ignored. All DELIVERED → DELIVERED; all shipped or later
    (SHIPPED / DELIVERED / EXCEPTION / RETURNED) → SHIPPED; any work started (PICKING, PACKED,
    or some parcels shipped) → UNSHIPPED/PROCESSING; else UNSHIPPED/PENDING.
    """
    live = [s for s in parcel_statuses if s != ParcelStatus.CANCELLED]
    if not live:
        return None
    if all(s == ParcelStatus.DELIVERED for s in live):
        return (S.DELIVERED, OrderSubStatus.NONE)
    if all(s in _SHIPPED_OR_LATER for s in live):
        return (S.SHIPPED, OrderSubStatus.NONE)
    if any(s in _WORK_STARTED for s in live):
        return (S.UNSHIPPED, OrderSubStatus.PROCESSING)
    return (S.UNSHIPPED, OrderSubStatus.PENDING)


_RANK = {S.UNSHIPPED: 0, S.SHIPPED: 1, S.DELIVERED: 2}


@transaction.atomic
def order_sync_from_parcels(*, order: Order, actor: Any = None, actor_label: str = "") -> Order:
    """Derive a paid order's status from its parcels (the warehouse calls this after a parcel
    moves): UNSHIPPED/PENDING → PROCESSING when work starts, → SHIPPED when every live parcel
    has shipped, → DELIVERED when every one is delivered (SHIPPED first if needed, so the
    history shows both steps). Only moves forward; orders before payment or CANCELLED are left
    alone. A bulk order reaching DELIVERED receives its lines into the merchant's private stock
    in its ``requested_warehouse`` (once: reference ``order:<public_id>:bulk``). Publishes the
    ORDER webhook when something changed. Returns the order (the caller's instance, updated).
    """
    locked = _lock(order)
    if locked.status not in _RANK:
        return _sync_instance(order, locked)
    derived = status_from_parcels(
        Parcel.objects.filter(orders=locked).values_list("status", flat=True)
    )
    if derived is None:
        return _sync_instance(order, locked)
    target, sub = derived
    changed = False
    if _RANK[target] > _RANK[locked.status]:
        if locked.status == S.UNSHIPPED:
            order_transition(
                locked,
                to=S.SHIPPED,
                actor=actor,
                actor_label=actor_label or "warehouse",
                note="parcels shipped",
            )
            changed = True
        if target == S.DELIVERED:
            order_transition(
                locked,
                to=S.DELIVERED,
                actor=actor,
                actor_label=actor_label or "carrier",
                note="parcels delivered",
            )
            changed = True
            if locked.order_type == OrderType.BULK and locked.requested_warehouse_id:
                _bulk_receive(locked, actor)
    elif (
        target == S.UNSHIPPED
        and locked.status == S.UNSHIPPED
        and sub == OrderSubStatus.PROCESSING
        and locked.sub_status == OrderSubStatus.PENDING
    ):
        order_transition(
            locked,
            to=S.UNSHIPPED,
            sub_status=sub,
            actor=actor,
            actor_label=actor_label or "warehouse",
            note="warehouse started work",
        )
        changed = True
    if changed:
        _order_changed(locked)
    return _sync_instance(order, locked)


def _bulk_receive(order: Order, actor: Any) -> None:
    reference = f"order:{order.public_id}:bulk"
    if StockMovement.objects.filter(reference=reference).exists():
        return
    for line in order.lines.select_related("variant"):
        inventory_services.stock_receive(
            variant=line.variant,
            warehouse=order.requested_warehouse,
            quantity=line.quantity,
            actor=_user(actor),
            reason=f"bulk purchase {order.code} arrived",
            merchant=order.merchant,
            reference=reference,
        )


# --- Merge ----------------------------------------------------------------------------------------


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


def merge_candidates(*, merchant: Any) -> list[MergeGroup]:
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


def _merge_check(merchant: Any, orders: Sequence[Order]) -> list[Order]:
    pks = sorted({o.pk for o in orders})
    if len(pks) < 2:
        raise MergeRefused("choose at least two orders to merge")
    locked = list(
        Order.objects.select_for_update()
        .select_related("merchant")
        .filter(pk__in=pks, merchant=merchant)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise OrderNotFound("order not found")
    for order in locked:
        if order.status not in PRE_PAYMENT:
            raise MergeRefused(f"order {order.code} is {order.status}: only unpaid orders merge")
        if order.merge_id is not None:
            raise MergeRefused(f"order {order.code} is already merged")
        if order.order_type == OrderType.BULK:
            raise MergeRefused(f"order {order.code} is a bulk purchase")
    if len({o.status == S.UNPAID for o in locked}) > 1:
        raise MergeRefused("confirmed and unconfirmed orders cannot be merged together")
    if len({o.in_sandbox for o in locked}) > 1:
        raise MergeRefused("sandbox and live orders cannot be merged together")
    if len({address_key(o) for o in locked}) > 1:
        raise MergeRefused("the orders do not go to the same recipient and address")
    if len({o.currency for o in locked}) > 1:
        raise MergeRefused("the orders are in different currencies")
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


def merge_preview(*, merchant: Any, orders: Sequence[Order]) -> MergePreview:
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
def orders_merge(*, merchant: Any, orders: Sequence[Order], actor: Any = None) -> OrderMerge:
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
            "the merged orders cannot be shipped together: "
            + "; ".join(r["message"] for r in plan.reasons),
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
        planning.parcels_replace_planned(order=order, specs=[])
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
            why=f"merged with {len(locked) - 1} other order(s): {plan.why}",
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
def merge_undo(*, merge: OrderMerge, actor: Any = None) -> list[Order]:
    """Undo a merge before payment: release its reservations, drop the shared parcels, and
    route (and for UNPAID orders reserve) each order alone again. Refused (``MergeRefused``,
    nothing changed) once a member is paid or when the merge was undone already. Audited
    ORDERS_MERGED (undo); an "unmerged" history row on each order. Returns the orders."""
    merge, members = _merge_lock_unpaid(merge)
    for order in members:
        _release(order, actor, reason="merge undone")
    for order in members:
        planning.parcels_replace_planned(order=order, specs=[])
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
