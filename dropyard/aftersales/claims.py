"""What may be claimed in a dispute: eligible orders and lines, quantities left, and the
money caps (contract ``disputeConfirmInfo``: ``maxProductPrice``, ``maxPostage``,
``maxAmount``). Pure reads; services call them with the order row locked.

- Orders from UNSHIPPED (paid) to DELIVERED may be disputed, bulk ("ZF") orders too.
- A line's room is its quantity minus what live disputes (not cancelled, not rejected) claim.
- Caps: products = Σ quantity × unit price of the chosen lines; postage = the order's paid
  freight × the chosen lines' share of the order's product value (rounded down); amount =
  products + postage, but never more than what is left unrefunded of the order's payment.
  An order with no payment (a resend, a zero-price order) has caps of 0.
"""

from dataclasses import dataclass

from django.db.models import Q, Sum

from dropyard.orders.choices import OrderStatus, OrderType
from dropyard.orders.models import Order, OrderLine
from dropyard.wallet.models import Payment

from .choices import GOODS_REASONS, DisputeOutcome, DisputeStatus, ExpectType
from .models import DisputeLine

DISPUTABLE_STATUSES = (OrderStatus.UNSHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


@dataclass(frozen=True)
class LineRoom:
    """One order line and how much of it is still free to claim."""

    line: OrderLine
    claimed: int

    @property
    def room(self) -> int:
        return max(0, self.line.quantity - self.claimed)


@dataclass(frozen=True)
class Caps:
    currency: str
    max_product_minor: int
    max_postage_minor: int
    max_amount_minor: int
    refundable_minor: int  # what is left unrefunded of the order's payment


def is_disputable(order: Order) -> bool:
    return order.status in DISPUTABLE_STATUSES


def live_claims() -> Q:
    """Dispute lines that still hold quantity: not cancelled, not rejected."""
    return ~Q(dispute__status=DisputeStatus.CANCELLED) & ~Q(
        dispute__outcome=DisputeOutcome.REJECTED
    )


def line_rooms(order: Order, *, excluding_dispute_id: int | None = None) -> list[LineRoom]:
    lines = list(order.lines.select_related("variant", "variant__product").order_by("pk"))
    claims = DisputeLine.objects.filter(live_claims(), order_line__order=order)
    if excluding_dispute_id is not None:
        claims = claims.exclude(dispute_id=excluding_dispute_id)
    claimed = dict(
        claims.values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    return [LineRoom(line=line, claimed=int(claimed.get(line.pk, 0))) for line in lines]


def order_payment(order: Order) -> Payment | None:
    return Payment.objects.filter(order=order).first()


def refundable_left(payment: Payment | None) -> int:
    if payment is None:
        return 0
    refunded = payment.refunds.aggregate(total=Sum("amount_minor"))["total"] or 0
    return max(0, payment.net_minor - refunded)


def caps_for(order: Order, chosen: list[tuple[OrderLine, int]]) -> Caps:
    """The caps for claiming ``quantity`` of each chosen line of ``order``."""
    payment = order_payment(order)
    left = refundable_left(payment)
    if payment is None:
        return Caps(order.currency, 0, 0, 0, 0)
    chosen_value = sum(line.unit_price_minor * quantity for line, quantity in chosen)
    order_value = sum(line.unit_price_minor * line.quantity for line in order.lines.all())
    postage = payment.freight_minor * chosen_value // order_value if order_value > 0 else 0
    return Caps(
        currency=payment.currency,
        max_product_minor=chosen_value,
        max_postage_minor=postage,
        max_amount_minor=min(chosen_value + postage, left),
        refundable_minor=left,
    )


def expect_options(order: Order, *, reason: int | None = None, paid: bool = True) -> list[int]:
    """What the merchant may ask for: a refund when something was paid; a resend once the
    goods left (shipped or delivered; not for a bulk order, whose stock is the merchant's);
    a return only of delivered goods, and only for a goods reason (damaged, wrong, missing)
    when a reason is given."""
    options: list[int] = [ExpectType.REFUND] if paid else []
    shipped = order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    if shipped and order.order_type != OrderType.BULK:
        options.append(ExpectType.RESEND)
    if order.status == OrderStatus.DELIVERED and (reason is None or reason in GOODS_REASONS):
        options.append(ExpectType.RETURN)
    return options
