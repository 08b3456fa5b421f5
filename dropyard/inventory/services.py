"""Inventory write paths: warehouses and every change to stock.

Stock invariants (held by these services and backed by database checks on ``Stock``):

- 0 ≤ reserved ≤ on_hand, so available = on_hand − reserved is never negative, also under
  concurrent reservations on PostgreSQL.
- Quantities change ONLY through ``_stock_apply``: one conditional
  ``UPDATE stock SET on_hand = on_hand + a, reserved = reserved + b WHERE pk = … AND <guard>``
  (``QuerySet.update`` with ``F()``), whose row count decides success. Never read-modify-save.
  On PostgreSQL the UPDATE takes the row lock and re-checks the guard against the latest
  committed row, so concurrent reservations cannot oversell; on SQLite write transactions are
  serialised (``transaction_mode=IMMEDIATE``).
- Each change writes one ``StockMovement`` (kind, deltas, after-values, actor, reason,
  reference) in the same transaction, so summing a row's movements gives its quantities.
- Two stages (Oscar): ``stock_reserve`` at order time, ``stock_ship`` consumes at shipment,
  ``stock_release`` on cancel.
- Idempotency: reservation, release and shipment carry a ``reference`` (e.g. an order id). A
  second movement of the same kind with the same reference on the same stock row is refused
  with ``DuplicateMovement`` (checked after the UPDATE, while holding its row lock, so it is
  race-safe). Callers (the orders issue) that need several movements of one kind for one
  order on one row use distinct references ("ORD1/parcel-2").
- Ownership: ``merchant`` set means that merchant's private stock, which exists only in
  platform warehouses and is reserved only for that merchant.
- Search aggregates (``aggregates``: available shared stock per product, total and per
  warehouse country) change with the stock in the same transaction: ``_stock_apply`` refreshes
  the product when a shared row's available quantity changes; warehouse activation and a
  country change refresh every product stocked there.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from dropyard.accounts.models import MerchantAccount, Supplier, User
from dropyard.catalog.models import Variant
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.logistics.models import Carrier

from .aggregates import product_stock_refresh, warehouse_products
from .choices import MovementKind, WarehouseKind
from .exceptions import (
    DuplicateMovement,
    InsufficientStock,
    StockRefused,
    WarehouseInactive,
    WarehouseInvalid,
)
from .models import Stock, StockMovement, Warehouse
from .selectors import open_reservations

# --- Warehouses ---------------------------------------------------------------------------------

WAREHOUSE_TEXT_FIELDS = (
    "name",
    "region",
    "city",
    "address1",
    "address2",
    "postcode",
    "contact_name",
    "contact_phone",
)
WAREHOUSE_FLAG_FIELDS = (
    "is_verified",
    "is_self_pickup",
    "parcel_photos_required",
    "accepts_returns",
)


def _clean_country(country: str) -> str:
    code = countries.alpha2((country or "").strip())
    if not code:
        raise WarehouseInvalid(
            _("country %(country)r is not an ISO 3166-1 alpha-2 code") % {"country": country}
        )
    return code


def _clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    max_length = Warehouse._meta.get_field("code").max_length
    if not code or (max_length is not None and len(code) > max_length):
        raise WarehouseInvalid(_("code is required (at most 20 characters)"))
    return code


def _check_kind(kind: str, supplier: Supplier | None) -> None:
    if kind not in WarehouseKind.values:
        raise WarehouseInvalid(
            _("kind must be one of %(kinds)s") % {"kinds": ", ".join(WarehouseKind.values)}
        )
    if kind == WarehouseKind.SUPPLIER and supplier is None:
        raise WarehouseInvalid(_("a supplier warehouse needs a supplier"))
    if kind == WarehouseKind.PLATFORM and supplier is not None:
        raise WarehouseInvalid(_("a platform warehouse has no supplier"))


def _check_returns(kind: str, accepts_returns: bool) -> None:
    # Returned goods are inspected and restocked by the platform's own staff.
    if accepts_returns and kind != WarehouseKind.PLATFORM:
        raise WarehouseInvalid(_("only a platform warehouse can accept returns"))


@transaction.atomic
def warehouse_create(
    *,
    code: str,
    name: str,
    country: str,
    actor: User | None,
    kind: str = WarehouseKind.PLATFORM,
    supplier: Supplier | None = None,
    carriers: Iterable[Carrier] = (),
    **fields: Any,
) -> Warehouse:
    """Create a warehouse.

    Invariants: ``code`` unique (stored upper-case); ``country`` ISO 3166-1 alpha-2; a supplier
    warehouse has a supplier and a platform warehouse has none. ``fields`` may set the address,
    contact and flag fields (``WAREHOUSE_TEXT_FIELDS``, ``WAREHOUSE_FLAG_FIELDS``).
    """
    code = _clean_code(code)
    unknown = set(fields) - set(WAREHOUSE_TEXT_FIELDS) - set(WAREHOUSE_FLAG_FIELDS)
    if unknown:
        raise WarehouseInvalid(
            _("unknown warehouse fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if not (name or "").strip():
        raise WarehouseInvalid(_("name is required"))
    _check_kind(kind, supplier)
    _check_returns(kind, fields.get("accepts_returns", False))
    if Warehouse.objects.filter(code=code).exists():
        raise WarehouseInvalid(_("warehouse code %(code)s is already used") % {"code": code})
    warehouse = Warehouse.objects.create(
        code=code,
        name=name.strip(),
        country=_clean_country(country),
        kind=kind,
        supplier=supplier,
        **fields,
    )
    warehouse.carriers.set(list(carriers))
    audit_record(
        action=AuditAction.WAREHOUSE_CREATED,
        actor=actor,
        target=warehouse,
        details={"code": warehouse.code, "kind": warehouse.kind},
    )
    return warehouse


@transaction.atomic
def warehouse_update(
    *,
    warehouse: Warehouse,
    actor: User | None,
    carriers: Iterable[Carrier] | None = None,
    **fields: Any,
) -> Warehouse:
    """Change a warehouse's descriptive fields, country, kind/supplier or carriers.

    Same invariants as ``warehouse_create``; ``code`` stays unique. Activation has its own
    service (``warehouse_set_active``).
    """
    allowed = {
        *WAREHOUSE_TEXT_FIELDS,
        *WAREHOUSE_FLAG_FIELDS,
        "code",
        "country",
        "kind",
        "supplier",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise WarehouseInvalid(
            _("unknown warehouse fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "code" in fields:
        fields["code"] = _clean_code(fields["code"])
        if Warehouse.objects.filter(code=fields["code"]).exclude(pk=warehouse.pk).exists():
            raise WarehouseInvalid(
                _("warehouse code %(code)s is already used") % {"code": fields["code"]}
            )
    if "country" in fields:
        fields["country"] = _clean_country(fields["country"])
    if "name" in fields and not (fields["name"] or "").strip():
        raise WarehouseInvalid(_("name is required"))
    _check_kind(fields.get("kind", warehouse.kind), fields.get("supplier", warehouse.supplier))
    _check_returns(
        fields.get("kind", warehouse.kind), fields.get("accepts_returns", warehouse.accepts_returns)
    )
    if fields:
        Warehouse.objects.filter(pk=warehouse.pk).update(**fields, updated_at=timezone.now())
        if fields.get("country", warehouse.country) != warehouse.country:
            product_stock_refresh(warehouse_products(warehouse.pk))  # stock changed country
    if carriers is not None:
        warehouse.carriers.set(list(carriers))
    warehouse.refresh_from_db()
    changed = sorted(fields) + (["carriers"] if carriers is not None else [])
    if changed:
        audit_record(
            action=AuditAction.WAREHOUSE_UPDATED,
            actor=actor,
            target=warehouse,
            details={"fields": changed},
        )
    return warehouse


@transaction.atomic
def warehouse_set_active(*, warehouse: Warehouse, is_active: bool, actor: User | None) -> Warehouse:
    """Activate or deactivate a warehouse. An inactive warehouse takes no receipts and no new
    reservations; existing reservations can still be released or shipped."""
    Warehouse.objects.filter(pk=warehouse.pk).update(is_active=is_active, updated_at=timezone.now())
    product_stock_refresh(warehouse_products(warehouse.pk))
    warehouse.refresh_from_db()
    audit_record(
        action=AuditAction.WAREHOUSE_UPDATED,
        actor=actor,
        target=warehouse,
        details={"is_active": is_active},
    )
    return warehouse


# --- Stock --------------------------------------------------------------------------------------


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise StockRefused(_("quantity must be a positive integer"))


def _check_owner(warehouse: Warehouse, merchant: MerchantAccount | None) -> None:
    if merchant is not None and warehouse.kind != WarehouseKind.PLATFORM:
        raise StockRefused(_("private stock is held only in platform warehouses"))


def _stock_row(
    *, variant: Variant, warehouse: Warehouse, merchant: MerchantAccount | None
) -> Stock | None:
    return Stock.objects.filter(variant=variant, warehouse=warehouse, merchant=merchant).first()


def _stock_get_or_create(
    *, variant: Variant, warehouse: Warehouse, merchant: MerchantAccount | None
) -> Stock:
    # get_or_create inserts inside a savepoint and falls back to get() on IntegrityError, so two
    # concurrent first receipts meet at the partial unique constraints and share one row.
    stock, _created = Stock.objects.get_or_create(
        variant=variant, warehouse=warehouse, merchant=merchant
    )
    return stock


def _stock_put_back(
    *,
    kind: MovementKind,
    variant: Variant,
    warehouse: Warehouse,
    merchant: MerchantAccount | None,
    quantity: int,
    actor: User | None,
    reason: str,
    reference: str,
    require_active: bool,
    audit: bool = False,
) -> tuple[Stock, StockMovement]:
    """on_hand += quantity on the row (created if missing), for a receipt, a purchase or a
    return; ``audit`` records STOCK_ADJUSTED.

    Refused for a non-positive quantity, a wrong owner, or (``require_active``) an inactive
    warehouse.
    """
    _check_quantity(quantity)
    _check_owner(warehouse, merchant)
    if require_active and not warehouse.is_active:
        raise WarehouseInactive(_("warehouse %(code)s is inactive") % {"code": warehouse.code})
    stock = _stock_get_or_create(variant=variant, warehouse=warehouse, merchant=merchant)
    movement = _stock_apply(
        stock_pk=stock.pk,
        kind=kind,
        on_hand_delta=quantity,
        actor=actor,
        reason=reason,
        reference=reference,
    )
    if movement is None:  # only if the row vanished, which PROTECT prevents
        raise StockRefused(_("the stock row is gone"))
    if audit:
        _stock_audit(movement, stock=stock, variant=variant, warehouse=warehouse, merchant=merchant)
    return stock, movement


def _stock_row_apply(
    *, variant: Variant, warehouse: Warehouse, merchant: MerchantAccount | None, **change: Any
) -> StockMovement | None:
    """Apply one guarded change to the existing row; None when there is no row or it fails."""
    stock = _stock_row(variant=variant, warehouse=warehouse, merchant=merchant)
    if stock is None:
        return None
    return _stock_apply(stock_pk=stock.pk, **change)


IDEMPOTENT_KINDS = frozenset(
    {MovementKind.RESERVATION, MovementKind.RELEASE, MovementKind.SHIPMENT, MovementKind.PURCHASE}
)


def _movement_exists(stock_pk: int, kind: MovementKind, reference: str) -> bool:
    return StockMovement.objects.filter(stock_id=stock_pk, kind=kind, reference=reference).exists()


def _stock_apply(
    *,
    stock_pk: int,
    kind: MovementKind,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    guard: Q | None = None,
    actor: User | None,
    reason: str = "",
    reference: str = "",
) -> StockMovement | None:
    """The one place quantities change: a conditional UPDATE, then its ledger row.

    Returns None (and changes nothing) when the guard does not hold. Must run inside the
    caller's transaction: the after-values are read while this transaction holds the row lock
    the UPDATE took, so they are exactly this change's result.
    """
    rows = Stock.objects.filter(pk=stock_pk)
    if guard is not None:
        rows = rows.filter(guard)
    updated = rows.update(
        on_hand=F("on_hand") + on_hand_delta,
        reserved=F("reserved") + reserved_delta,
        updated_at=timezone.now(),
    )
    if updated != 1:
        return None
    # Checked after the UPDATE, under its row lock: a concurrent duplicate waits for our commit
    # and then sees our movement. Raising rolls the UPDATE back.
    if reference and kind in IDEMPOTENT_KINDS and _movement_exists(stock_pk, kind, reference):
        raise DuplicateMovement(
            _("%(kind)s %(reference)s was already applied to this stock")
            % {"kind": kind, "reference": reference}
        )
    on_hand_after, reserved_after, merchant_id, product_id = Stock.objects.values_list(
        "on_hand", "reserved", "merchant_id", "variant__product_id"
    ).get(pk=stock_pk)
    if merchant_id is None and on_hand_delta != reserved_delta:
        # Shared stock whose available quantity changed: the search aggregates follow in this
        # transaction (private stock and shipments leave them as they are).
        product_stock_refresh([product_id])
    return StockMovement.objects.create(
        stock_id=stock_pk,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        on_hand_after=on_hand_after,
        reserved_after=reserved_after,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=(reason or "")[:300],
        reference=(reference or "")[:64],
    )


@transaction.atomic
def stock_receive(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    actor: User | None,
    reason: str,
    merchant: MerchantAccount | None = None,
    reference: str = "",
) -> StockMovement:
    """Goods arrived: on_hand += quantity (RECEIPT). Creates the stock row if missing.

    ``merchant`` set receives into that merchant's private stock (platform warehouses only).
    Refused for an inactive warehouse or a non-positive quantity.
    """
    _put_back, movement = _stock_put_back(
        kind=MovementKind.RECEIPT,
        require_active=True,
        audit=True,
        variant=variant,
        warehouse=warehouse,
        merchant=merchant,
        quantity=quantity,
        actor=actor,
        reason=reason,
        reference=reference,
    )
    return movement


def _stock_audit(
    movement: StockMovement,
    *,
    stock: Stock,
    variant: Variant,
    warehouse: Warehouse,
    merchant: MerchantAccount | None,
) -> None:
    """STOCK_ADJUSTED for a receipt or adjustment; private stock is filed under its merchant."""
    audit_record(
        action=AuditAction.STOCK_ADJUSTED,
        actor=movement.actor,
        merchant=merchant,
        target=stock,
        target_label=f"{variant.sku} @ {warehouse.code}",
        details={
            "kind": movement.kind,
            "movement": movement.pk,
            "on_hand_delta": movement.on_hand_delta,
            "on_hand_after": movement.on_hand_after,
            "reason": movement.reason,
        },
    )


@transaction.atomic
def stock_adjust(*, stock: Stock, delta: int, actor: User | None, reason: str) -> StockMovement:
    """Correct on_hand by ``delta`` (a count, damage, loss) (ADJUSTMENT).

    Refused when delta is 0, when no reason is given, or when on_hand would drop below reserved
    (available never goes negative: reserved units stay promised).
    """
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
        raise StockRefused(_("delta must be a non-zero integer"))
    if not (reason or "").strip():
        raise StockRefused(_("an adjustment needs a reason"))
    guard = Q(on_hand__gte=F("reserved") - delta) if delta < 0 else None
    movement = _stock_apply(
        stock_pk=stock.pk,
        kind=MovementKind.ADJUSTMENT,
        on_hand_delta=delta,
        guard=guard,
        actor=actor,
        reason=reason,
    )
    if movement is None:
        raise StockRefused(_("an adjustment may not take on hand below the reserved quantity"))
    _stock_audit(
        movement,
        stock=stock,
        variant=stock.variant,
        warehouse=stock.warehouse,
        merchant=stock.merchant,
    )
    return movement


@transaction.atomic
def stock_reserve(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    reference: str,
    actor: User | None = None,
    merchant: MerchantAccount | None = None,
    reason: str = "",
) -> StockMovement:
    """Promise ``quantity`` units to ``reference`` (RESERVATION): reserved += quantity.

    One conditional UPDATE ``reserved = reserved + q WHERE on_hand - reserved >= q``; raises
    ``InsufficientStock`` (1603102) when fewer are available, with nothing changed. Without
    ``merchant`` it reserves shared (platform or factory) stock; with it, that merchant's
    private stock only.
    """
    _check_quantity(quantity)
    if not (reference or "").strip():
        raise StockRefused(_("a reservation needs a reference"))
    _check_owner(warehouse, merchant)
    if not warehouse.is_active:
        raise WarehouseInactive(_("warehouse %(code)s is inactive") % {"code": warehouse.code})
    movement = _stock_row_apply(
        variant=variant,
        warehouse=warehouse,
        merchant=merchant,
        kind=MovementKind.RESERVATION,
        reserved_delta=quantity,
        guard=Q(on_hand__gte=F("reserved") + quantity),
        actor=actor,
        reason=reason,
        reference=reference,
    )
    if movement is None:
        raise InsufficientStock(
            _(
                "inventory deduction failed: fewer than %(quantity)s of %(sku)s available "
                "in %(warehouse)s"
            )
            % {"quantity": quantity, "sku": variant.sku, "warehouse": warehouse.code}
        )
    return movement


def _reserved_change(
    *,
    kind: MovementKind,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    reference: str,
    actor: User | None,
    merchant: MerchantAccount | None,
    reason: str,
    on_hand_delta: int,
) -> StockMovement:
    _check_quantity(quantity)
    if not (reference or "").strip():
        raise StockRefused(_("a %(kind)s needs a reference") % {"kind": kind.label.lower()})
    movement = _stock_row_apply(
        variant=variant,
        warehouse=warehouse,
        merchant=merchant,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=-quantity,
        guard=Q(reserved__gte=quantity),
        actor=actor,
        reason=reason,
        reference=reference,
    )
    if movement is None:
        raise StockRefused(_("fewer than %(quantity)s units are reserved") % {"quantity": quantity})
    return movement


@transaction.atomic
def stock_release(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    reference: str,
    actor: User | None = None,
    merchant: MerchantAccount | None = None,
    reason: str = "",
) -> StockMovement:
    """Give back reserved units (RELEASE, e.g. order cancelled): reserved -= quantity.

    Refused (nothing changed) when fewer than ``quantity`` units are reserved on the row.
    """
    return _reserved_change(
        kind=MovementKind.RELEASE,
        variant=variant,
        warehouse=warehouse,
        quantity=quantity,
        reference=reference,
        actor=actor,
        merchant=merchant,
        reason=reason,
        on_hand_delta=0,
    )


@transaction.atomic
def reservations_release(*, references: Iterable[str], actor: User | None, reason: str) -> int:
    """Release every unit the ledger says is still reserved under ``references``; the number
    of units released (orders cancelled or re-routed, a shipment's remainder cancelled).

    Invariant: afterwards ``selectors.open_reservations(references)`` is empty; one RELEASE
    movement per (stock row, reference), in that order (a fixed lock order between callers).
    """
    opened = open_reservations(references)
    stocks = Stock.objects.select_related("variant", "warehouse", "merchant").in_bulk(
        [stock_id for stock_id, _ref in opened]
    )
    released = 0
    for (stock_id, reference), quantity in sorted(opened.items()):
        stock = stocks[stock_id]
        stock_release(
            variant=stock.variant,
            warehouse=stock.warehouse,
            quantity=quantity,
            reference=reference,
            actor=actor,
            merchant=stock.merchant,
            reason=reason[:300],
        )
        released += quantity
    return released


@transaction.atomic
def stock_ship(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    reference: str,
    actor: User | None = None,
    merchant: MerchantAccount | None = None,
    reason: str = "",
) -> StockMovement:
    """Consume a reservation at shipment (SHIPMENT): on_hand -= q and reserved -= q.

    Only reserved units can ship; refused (nothing changed) when fewer are reserved.
    Available stock is unchanged by a shipment.
    """
    return _reserved_change(
        kind=MovementKind.SHIPMENT,
        variant=variant,
        warehouse=warehouse,
        quantity=quantity,
        reference=reference,
        actor=actor,
        merchant=merchant,
        reason=reason,
        on_hand_delta=-quantity,
    )


@transaction.atomic
def stock_transfer_to_private(
    *,
    variant: Variant,
    warehouse: Warehouse,
    merchant: MerchantAccount,
    quantity: int,
    reference: str,
    actor: User | None = None,
    reason: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Sell ``quantity`` available platform units of ``variant`` in ``warehouse`` to
    ``merchant``: the shared row's on_hand −q and the merchant's private row's on_hand +q
    (created if missing), two PURCHASE movements with ``reference`` (a purchase order code).

    The shared side is one conditional UPDATE ``… WHERE on_hand - reserved >= q``, so units
    promised to other orders are never sold; fewer available → ``InsufficientStock`` (1603102)
    with nothing changed. The same reference on the same row twice → ``DuplicateMovement``.
    Platform warehouses only, active ones only.
    """
    _check_quantity(quantity)
    if not (reference or "").strip():
        raise StockRefused(_("a purchase needs a reference"))
    if warehouse.kind != WarehouseKind.PLATFORM:
        raise StockRefused(_("private stock is held only in platform warehouses"))
    if not warehouse.is_active:
        raise WarehouseInactive(_("warehouse %(code)s is inactive") % {"code": warehouse.code})
    taken = _stock_row_apply(
        variant=variant,
        warehouse=warehouse,
        merchant=None,
        kind=MovementKind.PURCHASE,
        on_hand_delta=-quantity,
        guard=Q(on_hand__gte=F("reserved") + quantity),
        actor=actor,
        reason=reason,
        reference=reference,
    )
    if taken is None:
        raise InsufficientStock(
            _(
                "inventory deduction failed: fewer than %(quantity)s of %(sku)s available "
                "in %(warehouse)s"
            )
            % {"quantity": quantity, "sku": variant.sku, "warehouse": warehouse.code}
        )
    _put_back, given = _stock_put_back(
        kind=MovementKind.PURCHASE,
        require_active=True,
        audit=True,
        variant=variant,
        warehouse=warehouse,
        merchant=merchant,
        quantity=quantity,
        actor=actor,
        reason=reason,
        reference=reference,
    )
    return taken, given


@transaction.atomic
def stock_return(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    actor: User | None,
    reason: str = "",
    reference: str = "",
    merchant: MerchantAccount | None = None,
) -> StockMovement:
    """Returned goods back on the shelf (RETURN): on_hand += quantity; creates the row if
    missing. Allowed in inactive warehouses (goods physically came back)."""
    _put_back, movement = _stock_put_back(
        kind=MovementKind.RETURN,
        require_active=False,
        variant=variant,
        warehouse=warehouse,
        merchant=merchant,
        quantity=quantity,
        actor=actor,
        reason=reason,
        reference=reference,
    )
    return movement
