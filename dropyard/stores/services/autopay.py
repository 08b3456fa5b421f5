"""Automatic payment of imported store orders from the merchant's wallet, within a daily cap
per store (``Store.auto_pay``, ``Store.auto_pay_daily_cap_minor``; off by default).

An imported order is confirmed (CREATED → UNPAID, routed and reserved by
``orders.order_confirm``) and paid by ``checkout.pay_from_wallet`` — the one payment pipeline —
under an idempotency key of its inbox row, so a re-run never pays twice. What was paid, and
why an order was left to the merchant (cap reached, balance too low, no route), is kept on the
``StoreOrder`` row and shown on the store's page; such orders wait in the merchant's "to pay"
list like any other.
"""

from django.db import transaction
from django.utils import timezone, translation

from dropyard.checkout.services import pay_from_wallet
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.enqueue import on_commit_enqueue
from dropyard.core.errors import DomainError
from dropyard.core.money import Money
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.services import order_confirm
from dropyard.wallet.choices import Provider
from dropyard.wallet.quotes import quote_orders

from ..choices import StoreOrderStatus, StoreStatus
from ..models import Store, StoreOrder
from ..selectors import autopaid_today_minor

AUTOPAY_TASK = "dropyard.stores.tasks.store_order_autopay_run"

# Outcomes of ``store_order_autopay``.
PAID, ALREADY, OFF, LEFT = "paid", "already", "off", "left"


def autopay_on_commit(row: StoreOrder, store: Store) -> None:
    """Enqueue the automatic payment of a just-imported order once the import commits."""
    if store.auto_pay and row.status == StoreOrderStatus.IMPORTED and row.order_id:
        on_commit_enqueue(AUTOPAY_TASK, store_order_id=row.pk)


def _left(row: StoreOrder, note: str) -> str:
    row.autopay_note = note[:300]
    row.save(update_fields=["autopay_note", "updated_at"])
    return LEFT


@transaction.atomic
def store_order_autopay(*, store_order_id: int) -> str:
    """Pay one imported store order from the wallet if its store pays automatically and the
    day's spending stays within the store's cap; the outcome (``PAID``, ``ALREADY``, ``OFF`` or
    ``LEFT`` with the reason in ``autopay_note``).

    Invariant: for one store, the sum of ``autopaid_minor`` over a day never exceeds the cap at
    the time of each payment — the store row is locked (FOR NO KEY UPDATE, first, before the
    order and wallet rows ``pay_from_wallet`` locks) while the day's total is read and the
    payment made, so two auto-payments of one store serialise. Idempotent: an order no longer
    awaiting payment is ``ALREADY``; the wallet payment's key is the inbox row's. A refusal
    (balance, routing, stock) changes nothing but the note. Audited STORE_ORDER_AUTOPAID when
    paid (the payment itself is audited by the pipeline).
    """
    row = StoreOrder.objects.select_related("store").get(pk=store_order_id)
    store = (
        Store.objects.select_for_update(of=("self",), no_key=True)
        .select_related("merchant")
        .get(pk=row.store_id)
    )
    row = StoreOrder.objects.select_for_update(of=("self",), no_key=True).get(pk=row.pk)
    if row.order_id is None or row.status != StoreOrderStatus.IMPORTED:
        return OFF
    if not store.auto_pay or store.status != StoreStatus.AUTHORIZED:
        return OFF
    order = Order.objects.get(pk=row.order_id)
    if order.status not in (OrderStatus.CREATED, OrderStatus.IN_CART, OrderStatus.UNPAID):
        return ALREADY
    label = f"store {store.name} auto-pay"[:254]
    # English whatever the page's language: a refusal is stored as the order's auto-pay note;
    # the atomic block means a refused confirmation leaves the order as it was.
    try:
        with translation.override("en"), transaction.atomic():
            if order.status != OrderStatus.UNPAID:
                order = order_confirm(order=order, actor_label=label)
            amount = quote_orders([order], Provider.WALLET).net_minor
            spent = autopaid_today_minor(store)
            if spent + amount > store.auto_pay_daily_cap_minor:
                raise _CapReached(spent, amount, store.auto_pay_daily_cap_minor, order.currency)
            pay_from_wallet(
                merchant=store.merchant,
                orders=[order],
                idempotency_key=f"store-autopay:{row.pk}",
                actor_label=label,
            )
    except _CapReached as cap:
        return _left(row, str(cap))
    except DomainError as exc:
        return _left(row, f"not paid automatically: {exc.message}")
    row.autopaid_minor, row.autopaid_at, row.autopay_note = amount, timezone.now(), ""
    row.save(update_fields=["autopaid_minor", "autopaid_at", "autopay_note", "updated_at"])
    audit_record(
        action=AuditAction.STORE_ORDER_AUTOPAID,
        actor_label=label,
        merchant=store.merchant,
        target=row,
        details={
            "store": store.public_id,
            "order": order.code,
            "amount_minor": amount,
            "spent_today_minor": spent + amount,
            "cap_minor": store.auto_pay_daily_cap_minor,
        },
    )
    return PAID


def _money(amount_minor: int, currency: str) -> str:
    return f"{Money(amount_minor, currency).wire()} {currency}"


class _CapReached(Exception):
    def __init__(self, spent: int, amount: int, cap: int, currency: str):
        super().__init__(
            f"daily cap reached: {_money(amount, currency)} would bring today's automatic "
            f"payments to {_money(spent + amount, currency)}, over the cap of "
            f"{_money(cap, currency)}"
        )
