"""What paying orders costs: the wallet discount and the quote shown before the merchant pays.

Wallet payments (contract payType 2, ``payBalance``, ``payBalanceV2``) carry the wallet
discount: ``DROPYARD_WALLET_DISCOUNT_BPS`` basis points (default 200 = 2%) of each order's
total, **rounded down to the minor unit per order** (``wallet_discount_minor``). Rounding per
order means paying orders together or one by one costs exactly the same, and every order's
own share of the discount is known when it is refunded. Card / PayPal page payments get no
discount unless ``DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS`` is True.

The quote (``payment_quote``) is what the merchant sees before confirming; the payment
pipeline (``checkout.services``) charges exactly the quote of the orders it has locked
(``payable_orders(lock=True)`` then ``quote_orders``). Reads orders' rows only; never writes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.core.money import Money
from dropyard.orders.choices import OrderStatus
from dropyard.orders.exceptions import ORDER_PAYMENT_FAILED, OrderNotFound
from dropyard.orders.models import Order, ParentOrder

from .choices import Provider
from .exceptions import PaymentRefused, WalletError

DEFAULT_DISCOUNT_BPS = 200  # 2%
BPS_SCALE = 10_000


# --- Discount rule ------------------------------------------------------------------------------


def discount_bps() -> int:
    """The platform's wallet discount in basis points (``DROPYARD_WALLET_DISCOUNT_BPS``)."""
    bps = getattr(settings, "DROPYARD_WALLET_DISCOUNT_BPS", DEFAULT_DISCOUNT_BPS)
    if not isinstance(bps, int) or isinstance(bps, bool) or not 0 <= bps <= BPS_SCALE:
        raise WalletError("DROPYARD_WALLET_DISCOUNT_BPS must be a whole number from 0 to 10000")
    return bps


def provider_discount() -> bool:
    """Whether card / PayPal page payments get the wallet discount too (default: no)."""
    return bool(getattr(settings, "DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS", False))


def wallet_discount_minor(total_minor: int, bps: int) -> int:
    """``total × bps / 10000`` rounded down to the minor unit (never more than promised)."""
    if total_minor <= 0:
        return 0
    return total_minor * bps // BPS_SCALE


# --- Quotes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLine:
    """One order's share: ``net = products + freight − discount``."""

    order: Order
    products_minor: int
    freight_minor: int
    discount_minor: int

    @property
    def gross_minor(self) -> int:
        return self.products_minor + self.freight_minor

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.discount_minor


@dataclass(frozen=True)
class Quote:
    """What paying these orders costs with ``method``: shown before the merchant confirms.

    Invariant: every line is in ``currency`` and ``net = gross − discount``.
    """

    lines: tuple[QuoteLine, ...]
    currency: str
    bps: int
    method: str = Provider.WALLET

    @property
    def gross_minor(self) -> int:
        return sum(line.gross_minor for line in self.lines)

    @property
    def discount_minor(self) -> int:
        return sum(line.discount_minor for line in self.lines)

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.discount_minor

    @property
    def products_minor(self) -> int:
        return sum(line.products_minor for line in self.lines)

    @property
    def freight_minor(self) -> int:
        return sum(line.freight_minor for line in self.lines)

    @property
    def gross(self) -> Money:
        return Money(self.gross_minor, self.currency)

    @property
    def discount(self) -> Money:
        return Money(self.discount_minor, self.currency)

    @property
    def net(self) -> Money:
        return Money(self.net_minor, self.currency)

    @property
    def orders(self) -> list[Order]:
        return [line.order for line in self.lines]


def _bps_for(method: str) -> int:
    if method == Provider.WALLET or provider_discount():
        return discount_bps()
    return 0


def _quote_lines(orders: Sequence[Order], bps: int) -> tuple[QuoteLine, ...]:
    lines = []
    for order in orders:
        freight = order.postage_amount_minor
        lines.append(
            QuoteLine(
                order=order,
                products_minor=order.total_amount_minor - freight,
                freight_minor=freight,
                discount_minor=wallet_discount_minor(order.total_amount_minor, bps),
            )
        )
    return tuple(lines)


def payable_orders(
    *,
    merchant: MerchantAccount,
    orders: Sequence[Order] | None,
    parent: ParentOrder | None,
    lock: bool,
) -> list[Order]:
    """The UNPAID orders a payment covers, locked when ``lock`` (in pk order: no deadlock).

    A merged order brings its merge's other unpaid orders (they share parcels and are paid
    together by ``order_paid``). Another merchant's order or parent → ``OrderNotFound``.
    """
    if (orders is None) == (parent is None):
        raise PaymentRefused(
            _("pay either a parent order or a list of orders"), code=ORDER_PAYMENT_FAILED
        )
    if parent is not None:
        if parent.merchant_id != merchant.pk:
            raise OrderNotFound(_("shipment order %(id)s not found") % {"id": parent.shipments_id})
        qs = Order.objects.filter(parent_id=parent.pk)
    else:
        if not orders:
            raise PaymentRefused(_("no orders to pay"), code=ORDER_PAYMENT_FAILED)
        if any(o.merchant_id != merchant.pk for o in orders):
            raise OrderNotFound(_("order not found"))
        pks = {o.pk for o in orders}
        merges = {o.merge_id for o in orders if o.merge_id}
        qs = Order.objects.filter(pk__in=pks)
        if merges:
            qs = Order.objects.filter(pk__in=pks) | Order.objects.filter(merge_id__in=merges)
    qs = qs.filter(merchant=merchant).order_by("pk")
    if lock:
        if parent is None:
            # Parents before orders, the order a payment of a parent and ``order_paid`` take
            # them in, so paying an order and its parent at once cannot deadlock.
            # One round trip: the parents are found by a subquery of the orders.
            list(
                ParentOrder.objects.select_for_update(of=("self",), no_key=True)
                .filter(pk__in=qs.filter(parent__isnull=False).values("parent_id"))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        qs = qs.select_for_update(of=("self",), no_key=True)
    return [o for o in qs if o.status == OrderStatus.UNPAID]


def quote_orders(payable: Sequence[Order], method: str) -> Quote:
    """The quote of exactly ``payable`` by ``method``; ``PaymentRefused`` when it is empty or
    mixes currencies."""
    if not payable:
        raise PaymentRefused(
            _("nothing to pay: the orders are not awaiting payment"), code=ORDER_PAYMENT_FAILED
        )
    currencies = {o.currency for o in payable}
    if len(currencies) != 1:
        raise PaymentRefused(
            _("orders in different currencies cannot be paid together"), code=ORDER_PAYMENT_FAILED
        )
    bps = _bps_for(method)
    return Quote(
        lines=_quote_lines(payable, bps), currency=currencies.pop(), bps=bps, method=method
    )


def payment_quote(
    *,
    merchant: MerchantAccount,
    orders: Sequence[Order] | None = None,
    parent: ParentOrder | None = None,
    method: str = Provider.WALLET,
) -> Quote:
    """What paying ``parent`` (its UNPAID orders) or ``orders`` costs by ``method``.

    Wallet: gross, discount (``wallet_discount_minor`` per order), net. Providers: no discount
    unless ``DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS``. ``PaymentRefused`` when nothing is
    payable (already paid, not confirmed yet, cancelled) or the currencies differ;
    ``OrderNotFound`` for another merchant's orders. Reads only.
    """
    payable = payable_orders(merchant=merchant, orders=orders, parent=parent, lock=False)
    return quote_orders(payable, method)
