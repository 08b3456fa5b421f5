"""Changing an order's warehouse or shipping line, with the freight difference settled through
the wallet in the same transaction.

The change itself belongs to orders (``orders.services.order_replan``: its rules, refusals and
effects); orders does not know the wallet, so the money is added here, above it, the way
``checkout.cancellation`` adds the refund to a cancel. Pages call this one.
"""

from dataclasses import dataclass

from django.db import transaction

from dropyard.accounts.actors import Actor
from dropyard.core.money import Money
from dropyard.inventory.models import Warehouse
from dropyard.logistics.models import ShippingLine
from dropyard.orders import services as order_services
from dropyard.orders.models import Order
from dropyard.orders.services.replan import ReplanResult
from dropyard.wallet import bills
from dropyard.wallet.choices import MakeupType
from dropyard.wallet.models import Makeup, Payment, Refund
from dropyard.wallet.refunds import refund_issue


@dataclass(frozen=True)
class ReplanOutcome:
    """The change, and the money it moved: a paid supplementary bill (freight up) or a refund
    (freight down); both None when nothing moved (unpaid, same freight, no wallet payment)."""

    result: ReplanResult
    charge: Makeup | None = None
    refund: Refund | None = None


@transaction.atomic
def order_replan(
    *, order: Order, actor: Actor, warehouse: Warehouse, line: ShippingLine, reason: str
) -> ReplanOutcome:
    """Ship ``order`` from ``warehouse`` on ``line`` (``orders.services.order_replan``) and
    settle the freight difference of a paid order.

    Invariant: after a change of a paid order, what the merchant paid for it equals the
    original payment plus the freight increases charged minus the decreases refunded, each
    difference exactly the change of ``postage_amount_minor`` (integer minor units, no wallet
    discount on a difference).

    - Unpaid (CREATED … UNPAID): only the order's totals change; nothing is charged.
    - Paid (UNSHIPPED) with a ``wallet.Payment``: an increase is billed as a FREIGHT
      supplementary bill (``wallet.bills.makeup_create``) paid at once from the merchant's
      wallet (``makeup_pay``: ledger transaction, ``Payment`` row, invoice); an
      ``InsufficientBalance`` (1604000) refuses the whole change, nothing changed. A decrease
      is refunded (``wallet.refunds.refund_issue``: ledger transaction and credit note, key
      ``replan:<order public id>:<history row>``), to the destination its rule picks.
    - A sandbox-paid order has no wallet payment: nothing to charge or refund.

    One ``freight_charged`` / ``refund`` history row records the money moved.
    """
    result = order_services.order_replan(
        order=order, actor=actor, warehouse=warehouse, line=line, reason=reason
    )
    delta = result.delta_minor
    if not result.paid or delta == 0:
        return ReplanOutcome(result=result)
    changed = result.order
    payment = Payment.objects.filter(order_id=changed.pk).first()
    if payment is None:
        return ReplanOutcome(result=result)
    currency = payment.currency
    why = f"order {changed.code} now ships from {warehouse.code} on {line.name}: {reason.strip()}"
    if delta > 0:
        bill = bills.makeup_create(
            merchant=changed.merchant,
            related_order=changed,
            amount_minor=delta,
            reason=f"Freight difference: {why}"[: bills.MAKEUP_REASON_MAX],
            type=MakeupType.FREIGHT,
            actor=actor,
            currency=currency,
        )
        bills.makeup_pay(makeup=bill, actor=actor)
        order_services.order_note(
            changed,
            kind="freight_charged",
            note=f"charged {Money(delta, currency).wire()} {currency} from the wallet "
            f"(supplementary bill {bill.code})",
            actor=actor,
        )
        bill.refresh_from_db()
        return ReplanOutcome(result=result, charge=bill)
    refund = refund_issue(
        merchant=changed.merchant,
        order=changed,
        amount_minor=-delta,
        reason=f"Freight difference: {why}",
        actor=actor,
        idempotency_key=f"replan:{changed.public_id}:{result.event.pk}",
    )
    order_services.order_note(
        changed,
        kind="refund",
        note=f"refunded {Money(refund.amount_minor, refund.currency).wire()} {refund.currency} "
        f"to {refund.destination}: freight difference",
        actor=actor,
    )
    return ReplanOutcome(result=result, refund=refund)
