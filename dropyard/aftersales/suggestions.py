"""Tracking-driven dispute suggestions: parcels whose tracking says something went wrong, offered
to the merchant as a dispute with the reason, the expected outcome, the lines and a message
already filled in (one click opens the dispute form, ``aftersales:dispute_open``).

The rules, per shipped parcel of a disputable order (``claims.is_disputable``):

- SHIPPED, with a promise (the line's ``max_days``, counted from ``shipped_at``): once the
  promise plus ``DROPYARD_DISPUTE_SUGGEST_GRACE_DAYS`` has passed and the tracking has not moved
  for the grace period either (its last event, else the shipment) → DELAYED, asking for a
  refund; stalled more than twice the promise → LOST, asking for a resend. A parcel without a
  promise is never "late".
- EXCEPTION (failed delivery): the last tracking event decides: words of loss ("lost",
  "missing", "damaged", "stolen") → LOST with a resend, else DELAYED with a refund.
- RETURNED (back to the sender): words of a destination limit in the last event ("customs",
  "prohibited", "restricted", "not allowed", "country") → DESTINATION_LIMIT with a refund
  (sending again would meet the same limit), else LOST with a resend.
- DELIVERED: never a suggestion; the order page shows the "delivered but not received"
  guidance instead (``delivered_guidance``).

The expected outcome falls back to the first one the order allows (``claims.expect_options``).
Only the quantities still free to claim are suggested (``claims.live_claims``): a parcel whose
lines are all covered by live disputes is not suggested again. Pure reads; bounded queries
(one order: 3; a merchant's dashboard: 5, over at most ``SCAN_MAX`` candidate parcels).
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.logistics.models import Tracking, TrackingEvent
from dropyard.orders.choices import OrderStatus, ParcelStatus
from dropyard.orders.models import Order, Parcel, ParcelLine
from dropyard.wallet.models import Payment

from . import claims
from .choices import DisputeReason, ExpectType
from .models import DisputeLine

PS = ParcelStatus
CANDIDATE_STATUSES = (PS.SHIPPED, PS.EXCEPTION, PS.RETURNED)
SCAN_MAX = 200  # candidate parcels read per merchant dashboard (newest shipments first)
HORIZON_DAYS = 180  # parcels shipped longer ago than this are not suggested any more
LOSS_WORDS = ("lost", "missing", "damaged", "stolen")
LIMIT_WORDS = ("customs", "prohibited", "restricted", "not allowed", "country")


@dataclass(frozen=True)
class Suggestion:
    """A dispute the merchant may open for one parcel of one order, ready to prefill the form.

    ``lines`` are (order line ``line_item_id``, quantity still free to claim) of the parcel's
    lines of ``order``; ``url`` is the open-dispute form with everything in its query string.
    """

    order: Order
    parcel: Parcel
    reason: int
    expect: int
    message: str
    lines: tuple[tuple[str, int], ...]
    url: str

    @property
    def reason_label(self) -> str:
        return str(DisputeReason(self.reason).label)

    @property
    def expect_label(self) -> str:
        return str(ExpectType(self.expect).label)


@dataclass(frozen=True)
class Movement:
    """What the carrier last said about a parcel: when, and the event's words."""

    at: datetime | None
    text: str


def grace() -> timedelta:
    return timedelta(days=settings.DROPYARD_DISPUTE_SUGGEST_GRACE_DAYS)


def dispute_open_url(order: Order) -> str:
    """The open-dispute form of ``order`` (built by the disputes pages; the path while the
    route is not there)."""
    try:
        return reverse("aftersales:dispute_open", args=[order.public_id])
    except NoReverseMatch:
        return f"/after-sales/orders/{order.public_id}/dispute/"


def _day(value: datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value else "—"


def _has(text: str, words: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


def _decide(parcel: Parcel, movement: Movement, now: datetime) -> tuple[int, int, str] | None:
    """(reason, preferred expect, message) for ``parcel``, or None: nothing to suggest."""
    if parcel.status == PS.SHIPPED:
        if not parcel.max_days or parcel.shipped_at is None:
            return None
        last = max(filter(None, (movement.at, parcel.shipped_at)))
        promise = timedelta(days=parcel.max_days)
        if now <= parcel.shipped_at + promise + grace() or now - last <= grace():
            return None
        lost = now - last > 2 * promise
        message = _(
            "No tracking update since %(last)s (promised %(min)s–%(max)s days, shipped "
            "%(shipped)s)."
        ) % {
            "last": _day(last),
            "min": parcel.min_days or parcel.max_days,
            "max": parcel.max_days,
            "shipped": _day(parcel.shipped_at),
        }
        if lost:
            return DisputeReason.LOST, ExpectType.RESEND, message
        return DisputeReason.DELAYED, ExpectType.REFUND, message
    said = movement.text or _("no details from the carrier")
    if parcel.status == PS.EXCEPTION:
        message = _("Delivery failed on %(day)s: %(event)s.") % {
            "day": _day(movement.at),
            "event": said,
        }
        if _has(movement.text, LOSS_WORDS):
            return DisputeReason.LOST, ExpectType.RESEND, message
        return DisputeReason.DELAYED, ExpectType.REFUND, message
    if parcel.status == PS.RETURNED:
        message = _("Returned to the sender on %(day)s: %(event)s.") % {
            "day": _day(movement.at),
            "event": said,
        }
        if _has(movement.text, LIMIT_WORDS):
            return DisputeReason.DESTINATION_LIMIT, ExpectType.REFUND, message
        return DisputeReason.LOST, ExpectType.RESEND, message
    return None


def _suggest(
    order: Order,
    parcel: Parcel,
    movement: Movement,
    claimed: dict[int, int],
    paid: bool,
    now: datetime,
) -> Suggestion | None:
    if not claims.is_disputable(order):
        return None
    decided = _decide(parcel, movement, now)
    if decided is None:
        return None
    reason, expect, message = decided
    lines = []
    for parcel_line in parcel.lines.all():
        line = parcel_line.order_line
        if line.order_id != order.pk:
            continue  # a merged parcel: another order's line
        room = line.quantity - claimed.get(line.pk, 0)
        quantity = min(parcel_line.shipped_quantity or parcel_line.quantity, room)
        if quantity > 0:
            lines.append((line.line_item_id, quantity))
    if not lines:
        return None  # live disputes already cover what this parcel carries
    options = claims.expect_options(order, reason=reason, paid=paid)
    if expect not in options:
        if not options:
            return None
        expect = options[0]
    query = urlencode(
        {
            "reason": reason,
            "expect": expect,
            "message": message,
            "lines": ",".join(f"{key}:{qty}" for key, qty in lines),
        }
    )
    return Suggestion(
        order=order,
        parcel=parcel,
        reason=reason,
        expect=expect,
        message=message,
        lines=tuple(lines),
        url=f"{dispute_open_url(order)}?{query}",
    )


def _movements(parcels: list[Parcel]) -> dict[int, Movement]:
    """Each parcel's last tracking movement (two queries: trackings, and the events of the
    parcels whose words matter, i.e. exception and returned ones)."""
    numbers = {p.tracking_number for p in parcels if p.tracking_number}
    trackings: dict[tuple[int | None, str], Tracking] = {
        (t.carrier_id, t.tracking_number): t
        for t in Tracking.objects.filter(tracking_number__in=numbers).only(
            "pk", "carrier_id", "tracking_number", "last_event_at"
        )
    }
    by_parcel = {p.pk: trackings.get((p.carrier_id, p.tracking_number)) for p in parcels}
    wordy = {t.pk for p in parcels if p.status != PS.SHIPPED and (t := by_parcel[p.pk]) is not None}
    last_text: dict[int, str] = {}
    if wordy:
        events = TrackingEvent.objects.filter(tracking_id__in=wordy).order_by(
            "tracking_id", "-event_time", "-pk"
        )
        for tracking_id, activity in events.values_list("tracking_id", "activity"):
            last_text.setdefault(tracking_id, activity)
    return {
        pk: Movement(at=t.last_event_at, text=last_text.get(t.pk, ""))
        if t is not None
        else Movement(at=None, text="")
        for pk, t in by_parcel.items()
    }


def _claimed(line_ids: Collection[int]) -> dict[int, int]:
    """Quantities held by live disputes, per order line (one query)."""
    rows = (
        DisputeLine.objects.filter(claims.live_claims(), order_line_id__in=list(line_ids))
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    return {pk: int(total) for pk, total in rows}


def _paid_orders(order_ids: Collection[int]) -> set[int]:
    """Orders with a payment (a refund is possible only then; one query)."""
    return set(
        Payment.objects.filter(order_id__in=list(order_ids)).values_list("order_id", flat=True)
    )


def _lines_prefetch() -> Prefetch:
    return Prefetch(
        "lines", queryset=ParcelLine.objects.select_related("order_line").order_by("pk")
    )


def suggestions_for_order(order: Order, now: datetime | None = None) -> list[Suggestion]:
    """The dispute suggestions of ``order``'s parcels (see the module's rules)."""
    now = now or timezone.now()
    if not claims.is_disputable(order):
        return []
    parcels = list(
        Parcel.objects.filter(orders=order, status__in=CANDIDATE_STATUSES)
        .prefetch_related(_lines_prefetch())
        .order_by("pk")
    )
    if not parcels:
        return []
    movements = _movements(parcels)
    claimed = _claimed({pl.order_line_id for p in parcels for pl in p.lines.all()})
    paid = bool(_paid_orders([order.pk]))
    found = (_suggest(order, p, movements[p.pk], claimed, paid, now) for p in parcels)
    return [s for s in found if s is not None]


def suggestions_for_merchant(
    merchant: MerchantAccount,
    limit: int = 5,
    *,
    store_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> list[Suggestion]:
    """Up to ``limit`` suggestions over the merchant's recently shipped parcels, newest
    shipment first (``store_ids``: a store-limited member's stores only)."""
    now = now or timezone.now()
    orders = Order.objects.filter(
        merchant=merchant, status__in=(OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    )
    if store_ids is not None:
        orders = orders.filter(store_order__store_id__in=list(store_ids))
    # SHIPPED parcels cannot be late before the grace period has passed (the promise adds to it).
    parcels = list(
        Parcel.objects.filter(
            Q(status=PS.SHIPPED, shipped_at__lt=now - grace())
            | Q(status__in=(PS.EXCEPTION, PS.RETURNED)),
            merchant=merchant,
            shipped_at__gte=now - timedelta(days=HORIZON_DAYS),
        )
        .prefetch_related(_lines_prefetch(), Prefetch("orders", queryset=orders.order_by("pk")))
        .order_by("-shipped_at", "-pk")[:SCAN_MAX]
    )
    if not parcels:
        return []
    movements = _movements(parcels)
    claimed = _claimed({pl.order_line_id for p in parcels for pl in p.lines.all()})
    paid = _paid_orders({o.pk for p in parcels for o in p.orders.all()})
    out: list[Suggestion] = []
    for parcel in parcels:
        for order in parcel.orders.all():
            suggestion = _suggest(
                order, parcel, movements[parcel.pk], claimed, order.pk in paid, now
            )
            if suggestion is not None:
                out.append(suggestion)
            if len(out) >= limit:
                return out
    return out


def delivered_guidance(order: Order) -> bool:
    """Whether ``order``'s page shows the "delivered but not received" guidance: it was
    delivered (an order, or any of its parcels)."""
    if order.status == OrderStatus.DELIVERED:
        return True
    return Parcel.objects.filter(orders=order, status=PS.DELIVERED).exists()
