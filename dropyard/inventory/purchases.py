"""Private-inventory purchases: the merchant's purchase cart and its purchase orders ("SY…").

A merchant buys units that sit in a platform warehouse into its own private stock there:

    cart (``purchase_cart_add`` / ``_set_quantity`` / ``_remove``)
    → ``purchase_order_create`` (prices fixed, cart lines consumed; WAIT_PAY)
    → payment from the wallet (``checkout.purchases.purchase_order_pay``, above the wallet),
      which calls ``purchase_order_complete`` here in the same transaction: WAIT_PAY →
      COMPLETED once (a conditional UPDATE) and every line's units moved from platform stock
      to private stock (``services.stock_transfer_to_private``: guarded UPDATEs, PURCHASE
      movements with the order's code as reference).
    → or ``purchase_order_cancel`` while WAIT_PAY.

The cart reserves nothing: adding checks that the warehouse has the units available, and the
payment checks it again atomically (too few → ``InsufficientStock``, 1603102, nothing
changed, the wallet not debited). Every write here is scoped to the merchant passed in; a
line or order of another merchant is "not found".
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount, User
from dropyard.catalog import selectors as catalog_selectors
from dropyard.catalog.models import Variant
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import new_public_id

from .choices import PurchaseOrderStatus, WarehouseKind
from .exceptions import InsufficientStock, PurchaseOrderNotFound, PurchaseRefused
from .models import PurchaseCartLine, PurchaseOrder, PurchaseOrderLine, Stock, Warehouse
from .selectors import warehouse_get
from .services import stock_transfer_to_private

MAX_LINE_QUANTITY = 100_000  # units of one variant in one warehouse per cart line
MAX_CART_LINES = 200
CODE_PREFIX = "SY"  # contract §4 PRIVATE_ORDER: orderId "SY" + 19 digits


def new_purchase_order_code() -> str:
    """ "SY" + 19 digits (the time-ordered public id, zero-padded): unique and sortable."""
    return f"{CODE_PREFIX}{new_public_id().zfill(19)}"


def _check_line_quantity(quantity: int, *, allow_zero: bool = False) -> None:
    low = 0 if allow_zero else 1
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or not low <= quantity <= MAX_LINE_QUANTITY
    ):
        raise PurchaseRefused(
            _("quantity must be an integer from %(low)s to %(high)s")
            % {"low": low, "high": MAX_LINE_QUANTITY}
        )


def shared_available(*, variant: Variant, warehouse: Warehouse) -> int:
    """Platform units of ``variant`` in ``warehouse`` that can be sold (on hand − reserved)."""
    row = Stock.objects.filter(variant=variant, warehouse=warehouse, merchant__isnull=True).first()
    return row.available if row is not None else 0


def default_purchase_warehouse(*, variant: Variant, quantity: int) -> Warehouse:
    """The active platform warehouse with the most available platform units of ``variant``
    (ties: by code), if it has at least ``quantity``; ``InsufficientStock`` otherwise."""
    best = (
        Stock.objects.filter(
            variant=variant,
            merchant__isnull=True,
            warehouse__kind=WarehouseKind.PLATFORM,
            warehouse__is_active=True,
        )
        .annotate(free=F("on_hand") - F("reserved"))
        .filter(free__gte=quantity)
        .select_related("warehouse")
        .order_by("-free", "warehouse__code")
        .first()
    )
    if best is None:
        raise InsufficientStock(
            _("no platform warehouse has %(quantity)s units of %(sku)s available")
            % {"quantity": quantity, "sku": variant.sku}
        )
    return best.warehouse


def _check_warehouse(warehouse: Warehouse) -> None:
    if warehouse.kind != WarehouseKind.PLATFORM or not warehouse.is_active:
        raise PurchaseRefused(
            _(
                "warehouse %(code)s is not an active platform warehouse: private stock is "
                "bought only in those"
            )
            % {"code": warehouse.code}
        )


@transaction.atomic
def purchase_cart_add(
    *,
    merchant: MerchantAccount,
    variant: Variant,
    quantity: int,
    warehouse: Warehouse | None = None,
    actor: User | None = None,
) -> PurchaseCartLine:
    """Add ``quantity`` units of ``variant`` to the merchant's purchase cart, in ``warehouse``
    or (None) in the warehouse of the variant's line already in the cart, else in
    ``default_purchase_warehouse``; a line for the same variant and warehouse grows by
    ``quantity`` (``F()`` update).

    Refused, nothing changed: quantity outside 1–``MAX_LINE_QUANTITY`` (also the line's new
    total), an off-sale variant, a warehouse that is not an active platform warehouse, fewer
    platform units available there than the line's new total (``InsufficientStock``), more
    than ``MAX_CART_LINES`` lines.
    """
    _check_line_quantity(quantity)
    if not variant.is_on_sale or not variant.product.is_on_sale:
        raise PurchaseRefused(_("%(sku)s is not on sale") % {"sku": variant.sku})
    line = None
    if warehouse is None:
        line = PurchaseCartLine.objects.filter(merchant=merchant, variant=variant).first()
        held = line.quantity if line is not None else 0
        warehouse = (
            line.warehouse
            if line is not None
            else default_purchase_warehouse(variant=variant, quantity=quantity + held)
        )
    _check_warehouse(warehouse)
    line = PurchaseCartLine.objects.filter(
        merchant=merchant, variant=variant, warehouse=warehouse
    ).first()
    total = quantity + (line.quantity if line is not None else 0)
    _check_line_quantity(total)
    available = shared_available(variant=variant, warehouse=warehouse)
    if available < total:
        raise InsufficientStock(
            _("only %(available)s units of %(sku)s are available in %(warehouse)s")
            % {"available": available, "sku": variant.sku, "warehouse": warehouse.code}
        )
    if line is None:
        if PurchaseCartLine.objects.filter(merchant=merchant).count() >= MAX_CART_LINES:
            raise PurchaseRefused(
                _("a purchase cart holds at most %(count)s lines") % {"count": MAX_CART_LINES}
            )
        try:
            with transaction.atomic():
                return PurchaseCartLine.objects.create(
                    merchant=merchant, variant=variant, warehouse=warehouse, quantity=quantity
                )
        except IntegrityError:  # a concurrent first add of the same line: add to it instead
            line = PurchaseCartLine.objects.get(
                merchant=merchant, variant=variant, warehouse=warehouse
            )
    PurchaseCartLine.objects.filter(pk=line.pk).update(
        quantity=F("quantity") + quantity, updated_at=timezone.now()
    )
    line.refresh_from_db()
    return line


def _cart_line(merchant: MerchantAccount, line_id: int) -> PurchaseCartLine:
    line = PurchaseCartLine.objects.filter(merchant=merchant, pk=line_id).first()
    if line is None:
        raise PurchaseOrderNotFound(_("cart line %(id)s not found") % {"id": line_id})
    return line


@transaction.atomic
def purchase_cart_set_quantity(
    *, merchant: MerchantAccount, line_id: int, quantity: int
) -> PurchaseCartLine | None:
    """Set a cart line's quantity; 0 removes the line (returns None). Refused like
    ``purchase_cart_add`` (range, availability); another merchant's line is not found."""
    _check_line_quantity(quantity, allow_zero=True)
    line = _cart_line(merchant, line_id)
    if quantity == 0:
        line.delete()
        return None
    available = shared_available(variant=line.variant, warehouse=line.warehouse)
    if available < quantity:
        raise InsufficientStock(
            _("only %(available)s units of %(sku)s are available in %(warehouse)s")
            % {"available": available, "sku": line.variant.sku, "warehouse": line.warehouse.code}
        )
    PurchaseCartLine.objects.filter(pk=line.pk).update(quantity=quantity, updated_at=timezone.now())
    line.refresh_from_db()
    return line


@transaction.atomic
def purchase_cart_remove(
    *,
    merchant: MerchantAccount,
    line_ids: Sequence[int] = (),
    variants: Sequence[Variant] = (),
) -> int:
    """Remove cart lines by id and/or every line of ``variants``; the number removed. Ids of
    another merchant remove nothing."""
    lookup = Q(pk__in=list(line_ids)) | Q(variant__in=list(variants))
    removed, _kinds = PurchaseCartLine.objects.filter(lookup, merchant=merchant).delete()
    return removed


@transaction.atomic
def purchase_order_create(
    *,
    merchant: MerchantAccount,
    actor: User | None = None,
    warehouse: Warehouse | None = None,
    line_ids: Sequence[int] | None = None,
) -> PurchaseOrder:
    """Confirm the merchant's cart (all lines, those of ``warehouse``, or ``line_ids``) into
    one WAIT_PAY purchase order at today's prices for the merchant (its agreed price on a
    variant, else the list price: ``catalog.selectors.unit_prices_for``); those cart lines are
    removed.

    Invariant: the order's amount = Σ line quantity × unit price. Refused (nothing changed):
    no matching cart line (``PurchaseRefused``). Audit ORDER_CREATED.
    """
    lines = PurchaseCartLine.objects.filter(merchant=merchant).select_related(
        "variant", "warehouse"
    )
    if warehouse is not None:
        lines = lines.filter(warehouse=warehouse)
    if line_ids is not None:
        lines = lines.filter(pk__in=list(line_ids))
    cart = list(lines.select_for_update(of=("self",)).order_by("pk"))
    if not cart:
        raise PurchaseRefused(_("the purchase cart has no lines to order"))
    for line in cart:
        _check_warehouse(line.warehouse)
    prices = catalog_selectors.unit_prices_for(merchant, [line.variant for line in cart])
    total = sum(line.quantity * prices[line.variant_id] for line in cart)
    order = PurchaseOrder.objects.create(
        merchant=merchant, code=new_purchase_order_code(), amount_minor=total, currency="USD"
    )
    PurchaseOrderLine.objects.bulk_create(
        [
            PurchaseOrderLine(
                order=order,
                variant=line.variant,
                warehouse=line.warehouse,
                quantity=line.quantity,
                unit_price_minor=prices[line.variant_id],
                amount_minor=line.quantity * prices[line.variant_id],
            )
            for line in cart
        ]
    )
    PurchaseCartLine.objects.filter(pk__in=[line.pk for line in cart]).delete()
    audit_record(
        action=AuditAction.ORDER_CREATED,
        actor=actor,
        actor_label="" if actor is not None else "api",
        merchant=merchant,
        target=order,
        target_label=order.code,
        details={
            "purchase_order": order.code,
            "lines": len(cart),
            "units": sum(line.quantity for line in cart),
            "amount_minor": total,
            "currency": order.currency,
        },
    )
    return order


def purchase_order_lock(*, merchant: MerchantAccount, code: str) -> PurchaseOrder:
    """The merchant's purchase order ``code`` (or its ``pay_id``), locked for update;
    ``PurchaseOrderNotFound`` (1603100) for unknown codes and other merchants' orders."""
    code = (code or "").strip()
    found = (
        PurchaseOrder.objects.select_for_update(of=("self",))
        .filter(Q(code=code) | Q(pay_id=code), merchant=merchant)
        .first()
        if code
        else None
    )
    if found is None:
        raise PurchaseOrderNotFound(_("purchase order %(code)s not found") % {"code": code})
    return found


@transaction.atomic
def purchase_order_complete(
    *, order: PurchaseOrder, payment_reference: str, actor: User | None = None
) -> PurchaseOrder:
    """The payment of ``order`` is being posted: WAIT_PAY → COMPLETED (a conditional UPDATE:
    only one caller wins) and every line's units moved from platform stock into the
    merchant's private stock (``stock_transfer_to_private``, reference = the order's code),
    in the caller's transaction.

    Refused, nothing changed: the order is not WAIT_PAY (``PurchaseRefused``); a warehouse has
    fewer platform units available than a line needs (``InsufficientStock``, 1603102).
    Lines are moved in (warehouse, variant) order, a fixed lock order between payments.
    """
    now = timezone.now()
    won = PurchaseOrder.objects.filter(pk=order.pk, status=PurchaseOrderStatus.WAIT_PAY).update(
        status=PurchaseOrderStatus.COMPLETED,
        paid_at=now,
        payment_reference=payment_reference[:64],
        updated_at=now,
    )
    if won != 1:
        raise PurchaseRefused(
            _("purchase order %(code)s is not awaiting payment") % {"code": order.code}
        )
    lines = order.lines.select_related("variant", "warehouse").order_by(
        "warehouse_id", "variant_id"
    )
    for line in lines:
        stock_transfer_to_private(
            variant=line.variant,
            warehouse=line.warehouse,
            merchant=order.merchant,
            quantity=line.quantity,
            reference=order.code,
            actor=actor,
            reason=f"purchase order {order.code}",
        )
    order.refresh_from_db()
    return order


@transaction.atomic
def purchase_order_cancel(
    *, merchant: MerchantAccount, code: str, actor: User | None = None
) -> PurchaseOrder:
    """Cancel a WAIT_PAY purchase order (nothing was charged or moved). Refused for a
    completed or cancelled one; another merchant's is not found. Audit ORDER_CANCELLED."""
    order = purchase_order_lock(merchant=merchant, code=code)
    if order.status != PurchaseOrderStatus.WAIT_PAY:
        raise PurchaseRefused(
            _("purchase order %(code)s is %(status)s")
            % {"code": order.code, "status": order.get_status_display()}
        )
    now = timezone.now()
    PurchaseOrder.objects.filter(pk=order.pk).update(
        status=PurchaseOrderStatus.CANCELLED, cancelled_at=now, updated_at=now
    )
    order.refresh_from_db()
    audit_record(
        action=AuditAction.ORDER_CANCELLED,
        actor=actor,
        actor_label="" if actor is not None else "api",
        merchant=merchant,
        target=order,
        target_label=order.code,
        details={"purchase_order": order.code},
    )
    return order


@dataclass(frozen=True)
class CartLineSpec:
    """One requested cart line as a client names it: the variant by vid or SKU, the units,
    and optionally the warehouse's public id (``storageId``)."""

    quantity: int
    vid: str = ""
    sku: str = ""
    storage_id: str = ""


@transaction.atomic
def purchase_cart_add_many(
    *, merchant: MerchantAccount, specs: Sequence[CartLineSpec], actor: User | None = None
) -> list[PurchaseCartLine]:
    """Add every requested line (``purchase_cart_add`` each), all or nothing: the first
    refusal (unknown vid/SKU → ``VariantNotFound`` 1602000, unknown warehouse → 1600300,
    short stock → 1603102 …) rolls back the lines added before it."""
    lines = []
    for spec in specs:
        variant = catalog_selectors.variant_get(vid=spec.vid or None, sku=spec.sku or None)
        warehouse = warehouse_get(public_id=spec.storage_id) if spec.storage_id else None
        lines.append(
            purchase_cart_add(
                merchant=merchant,
                variant=variant,
                quantity=spec.quantity,
                warehouse=warehouse,
                actor=actor,
            )
        )
    return lines
