"""Tracking push-back: a shipped parcel of a store order goes back to the store as a fulfillment
with carrier, tracking number and tracking URL; a delivered one is marked delivered there.

One ``TrackingPush`` row per (store order, parcel) carries the state: PENDING → PUSHED, or
FAILED (refused, out of retries, authorization lost), or SKIPPED (tracking push off).

How the ship event reaches this app, which sits above fulfillment and orders (they may not
import it):

- the fast path: fulfillment enqueues the tasks listed in ``DROPYARD_STORE_PARCEL_TASKS``
  (``stores.tasks.tracking_push_parcel``) after the commit of a shipment or a delivery of a
  store order's parcel; the task calls ``tracking_pushes_record`` then attempts the parcel's
  due rows;
- the safety net: the periodic job "stores-tracking-push" (``tracking_pushes_sweep``) reads the
  record the lower apps keep anyway (``Parcel.shipped_at``, ``Parcel.status``) to make the rows
  of shipped parcels of store orders that have none and mark delivered parcels, then attempts
  every due row — retries included.

Exactly-once: the unique ``(store_order, parcel)`` makes one row; an attempt first *claims* the
row under its lock (``claimed_until``), calls the platform outside any transaction (a remote
write cannot be rolled back, and the Sandbox shop may answer in-process), then records the
outcome. A PUSHED row is never pushed again. Only a worker that dies between the platform's
answer and the record can push twice (its claim expires after ``CLAIM_SECONDS``): the
at-least-once window of every remote call.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts.actors import Actor
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.enqueue import on_commit_enqueue
from dropyard.logistics.carriers import tracking_url as carrier_tracking_url
from dropyard.orders.choices import OrderSource, ParcelStatus
from dropyard.orders.models import Parcel, ParcelLine

from ..adapters import UnsupportedPlatform, adapter_for
from ..adapters.base import AdapterError, AuthorizationLost, PlatformFulfillment, StoreAdapter
from ..choices import DeliveryMark, StoreStatus, TrackingPushStatus
from ..crypto import CredentialsUnreadable
from ..exceptions import StoreError
from ..models import Store, StoreOrder, TrackingPush
from .setup import _user, store_reauthorize_needed

logger = logging.getLogger(__name__)

PUSH, DELIVER = "push", "deliver"
CLAIM_SECONDS = 120  # an attempt that has not recorded its outcome by then is presumed dead
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 60  # 1, 2, 4 … 64 minutes: about two hours of retries in all
SWEEP_DAYS = 30  # the sweep looks for parcels shipped this recently without a push row
BATCH = 200
RUN_TASK = "dropyard.stores.tasks.tracking_push_run"


class TrackingPushRefused(StoreError):
    """The push cannot be retried now (already pushed, an attempt is running, push is off)."""


def retry_delay(attempts: int) -> timedelta:
    """The wait after failed attempt number ``attempts`` (1-based): doubling from a minute."""
    return timedelta(seconds=BACKOFF_SECONDS * 2 ** (max(attempts, 1) - 1))


def tracking_url_for(store: Store, parcel: Parcel) -> str:
    """The URL the store shows its buyer: the store's template with ``{number}`` replaced,
    else the carrier's own tracking page ("" when it has none)."""
    if store.tracking_url_template:
        return store.tracking_url_template.replace(
            "{number}", quote(parcel.tracking_number, safe="")
        )
    return carrier_tracking_url(parcel.carrier, parcel.tracking_number)


def _line_quantities(store_order: StoreOrder, parcel: Parcel) -> dict[str, int]:
    """Platform line id → units of the store order shipped in the parcel."""
    quantities: dict[str, int] = {}
    lines = ParcelLine.objects.filter(parcel=parcel, order_line__order=store_order.order)
    for line_id, shipped, planned in lines.values_list(
        "order_line__store_line_item_id", "shipped_quantity", "quantity"
    ).order_by("pk"):
        if line_id:
            quantities[line_id] = quantities.get(line_id, 0) + (shipped or planned)
    return quantities


def _skip_reason(store: Store) -> str:
    if store.status == StoreStatus.DISCONNECTED:
        return gettext_noop("the store is disconnected")  # stored English, shown translated
    if not store.tracking_push:
        return gettext_noop("tracking push is off for this store")
    return ""


def _audit(push: TrackingPush, result: str, *, actor: Actor = None, **details: object) -> None:
    audit_record(
        action=AuditAction.STORE_TRACKING_PUSH,
        actor=_user(actor),
        actor_label="" if _user(actor) else f"store {push.store.name}"[:254],
        merchant=push.store.merchant,
        target=push,
        details={
            "store": push.store.public_id,
            "platform_order_id": push.store_order.platform_order_id,
            "parcel": push.parcel.code,
            "tracking_number": push.tracking_number,
            "result": result,
            **details,
        },
    )


def _mark_delivery_due(push: TrackingPush, parcel: Parcel, now: datetime) -> bool:
    """A pushed row of a delivered parcel becomes DUE (once)."""
    if (
        push.status == TrackingPushStatus.PUSHED
        and push.delivery == DeliveryMark.NONE
        and parcel.status == ParcelStatus.DELIVERED
    ):
        push.delivery, push.next_attempt_at = DeliveryMark.DUE, now
        push.save(update_fields=["delivery", "next_attempt_at", "updated_at"])
        return True
    return False


@transaction.atomic
def tracking_pushes_record(*, parcel_id: int) -> list[TrackingPush]:
    """The push rows of a shipped parcel, one per store order it carries, made if missing;
    a pushed row whose parcel is now delivered is marked DUE for ``mark_delivered``.

    A new row is PENDING (due now) with what will be pushed fixed on it — carrier name, number,
    ``tracking_url_for``, platform line quantities — or SKIPPED when the store's tracking push
    is off or the store is disconnected (audited). Nothing for a parcel not shipped, without a
    number, or of no store order. Idempotent: rows are unique per (store order, parcel), a
    concurrent call makes none twice.
    """
    parcel = Parcel.objects.select_related("carrier").filter(pk=parcel_id).first()
    if parcel is None or parcel.shipped_at is None or not parcel.tracking_number:
        return []
    now = timezone.now()
    rows = []
    store_orders = StoreOrder.objects.filter(order__parcels=parcel).select_related(
        "store__merchant"
    )
    for store_order in store_orders.order_by("pk"):
        push = TrackingPush.objects.filter(store_order=store_order, parcel=parcel).first()
        if push is None:
            push = _create(store_order, parcel, now)
        else:
            _mark_delivery_due(push, parcel, now)
        rows.append(push)
    return rows


def _create(store_order: StoreOrder, parcel: Parcel, now: datetime) -> TrackingPush:
    store = store_order.store
    skip = _skip_reason(store)
    try:
        with transaction.atomic():
            push = TrackingPush.objects.create(
                store=store,
                store_order=store_order,
                parcel=parcel,
                status=TrackingPushStatus.SKIPPED if skip else TrackingPushStatus.PENDING,
                carrier=parcel.carrier.name[:100] if parcel.carrier else "",
                tracking_number=parcel.tracking_number,
                tracking_url=tracking_url_for(store, parcel)[:500],
                line_quantities=_line_quantities(store_order, parcel),
                next_attempt_at=None if skip else now,
                last_error=skip,
            )
    except IntegrityError:  # made meanwhile by a concurrent call
        return TrackingPush.objects.get(store_order=store_order, parcel=parcel)
    if skip:
        _audit(push, "skipped", reason=skip)
    _mark_delivery_due(push, parcel, now)
    return push


# --- Attempts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    push: TrackingPush
    kind: str  # PUSH or DELIVER


def _due(push: TrackingPush, now: datetime) -> str | None:
    """What is due on the row now (PUSH, DELIVER), or None."""
    if push.claimed_until is not None and push.claimed_until > now:
        return None
    if push.next_attempt_at is None or push.next_attempt_at > now:
        return None
    if push.status == TrackingPushStatus.PENDING:
        return PUSH
    if push.status == TrackingPushStatus.PUSHED and push.delivery == DeliveryMark.DUE:
        return DELIVER
    return None


@transaction.atomic
def _claim(push_id: int) -> _Claim | None:
    """Lock the row; when something is due and the store can take it, claim it for
    ``CLAIM_SECONDS`` and count the attempt. A push whose store turned tracking push off (or
    was disconnected) meanwhile becomes SKIPPED; one of a store needing re-authorization waits."""
    push = (
        TrackingPush.objects.select_for_update(of=("self",), no_key=True)
        .select_related("store__merchant", "store_order", "parcel")
        .filter(pk=push_id)
        .first()
    )
    now = timezone.now()
    if push is None or (kind := _due(push, now)) is None:
        return None
    store = push.store
    skip = _skip_reason(store)
    if kind == PUSH and skip:
        push.status, push.last_error, push.next_attempt_at = TrackingPushStatus.SKIPPED, skip, None
        push.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
        _audit(push, "skipped", reason=skip)
        return None
    if skip or store.status != StoreStatus.AUTHORIZED:
        return None  # waits: re-authorizing the store (or turning the push on) resumes it
    push.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
    push.attempts += 1
    push.save(update_fields=["claimed_until", "attempts", "updated_at"])
    return _Claim(push=push, kind=kind)


def _call(claim: _Claim, adapter: StoreAdapter) -> str:
    push = claim.push
    platform_order_id = push.store_order.platform_order_id
    if claim.kind == DELIVER:
        adapter.mark_delivered(
            platform_order_id=platform_order_id,
            platform_fulfillment_id=push.platform_fulfillment_id,
        )
        return push.platform_fulfillment_id
    return adapter.fulfillment_push(
        PlatformFulfillment(
            platform_order_id=platform_order_id,
            carrier=push.carrier,
            tracking_number=push.tracking_number,
            tracking_url=push.tracking_url,
            line_quantities=dict(push.line_quantities),
        )
    )


def tracking_push_attempt(*, push_id: int, adapter: StoreAdapter | None = None) -> str:
    """Try what is due on one push row — the fulfillment, or the delivery mark — and record the
    outcome; returns "pushed", "delivered", "retry", "failed", or "not due".

    Not atomic on purpose: the claim, the platform call (outside any transaction) and the
    record are three steps (see the module docstring). A retryable ``AdapterError`` (network,
    5xx, throttling) leaves the row PENDING (or the delivery DUE) with the next try
    ``retry_delay(attempts)`` later, until ``MAX_ATTEMPTS``; any other refusal, or running out
    of attempts, makes it FAILED with the platform's message (audited). ``AuthorizationLost``
    fails it and marks the store as needing re-authorization (audited).
    """
    claim = _claim(push_id)
    if claim is None:
        return "not due"
    try:
        platform_id = _call(claim, adapter or adapter_for(claim.push.store))
    except AuthorizationLost as exc:
        return _record_failure(claim, str(exc), retryable=False, authorization_lost=True)
    except AdapterError as exc:
        return _record_failure(claim, str(exc), retryable=exc.retryable)
    except (UnsupportedPlatform, CredentialsUnreadable) as exc:
        return _record_failure(claim, str(exc) or type(exc).__name__, retryable=False)
    return _record_success(claim, platform_id)


def _locked(push_id: int) -> TrackingPush:
    return (
        TrackingPush.objects.select_for_update(of=("self",), no_key=True)
        .select_related("store__merchant", "store_order", "parcel")
        .get(pk=push_id)
    )


@transaction.atomic
def _record_success(claim: _Claim, platform_id: str) -> str:
    push = _locked(claim.push.pk)
    now = timezone.now()
    push.claimed_until, push.last_error = None, ""
    if claim.kind == DELIVER:
        push.delivery, push.delivery_marked_at, push.next_attempt_at = (
            DeliveryMark.MARKED,
            now,
            None,
        )
        push.save()
        _audit(push, "delivered")
        return "delivered"
    push.status, push.pushed_at = TrackingPushStatus.PUSHED, now
    push.platform_fulfillment_id = (platform_id or "?")[:100]
    push.next_attempt_at, push.attempts = None, 0  # the delivery mark counts its own attempts
    push.save()
    _audit(push, "pushed", platform_fulfillment_id=push.platform_fulfillment_id)
    if _mark_delivery_due(push, push.parcel, now):
        on_commit_enqueue(RUN_TASK, push_id=push.pk)
    return "pushed"


@transaction.atomic
def _record_failure(
    claim: _Claim, error: str, *, retryable: bool, authorization_lost: bool = False
) -> str:
    push = _locked(claim.push.pk)
    now = timezone.now()
    push.claimed_until = None
    push.last_error = error[:2000] or "the platform refused"
    if retryable and push.attempts < MAX_ATTEMPTS:
        push.next_attempt_at = now + retry_delay(push.attempts)
        push.save()
        logger.info("tracking push %s: retry after %s (%s)", push.pk, push.next_attempt_at, error)
        return "retry"
    push.next_attempt_at = None
    if claim.kind == DELIVER:
        push.delivery = DeliveryMark.FAILED
    else:
        push.status = TrackingPushStatus.FAILED
    push.save()
    if authorization_lost:
        store_reauthorize_needed(store=push.store, reason=f"authorization lost: {push.last_error}")
    _audit(push, f"{claim.kind} failed", error=push.last_error[:300], attempts=push.attempts)
    return "failed"


# --- Merchant's retry ---------------------------------------------------------------------------


def tracking_push_can_retry(push: TrackingPush) -> bool:
    """Whether ``tracking_push_retry`` would accept the push now (the page's "Retry now")."""
    if _skip_reason(push.store) or push.store.status != StoreStatus.AUTHORIZED:
        return False
    if push.claimed_until is not None and push.claimed_until > timezone.now():
        return False
    if push.status == TrackingPushStatus.PUSHED:
        return push.delivery in (DeliveryMark.FAILED, DeliveryMark.DUE)
    return True


@transaction.atomic
def tracking_push_retry(*, push: TrackingPush, actor: Actor) -> TrackingPush:
    """Try a push (or its delivery mark) again now, at the merchant's request: a FAILED or
    SKIPPED push becomes PENDING with its attempts counted afresh, a PENDING one is due now, a
    failed delivery mark is DUE again; the attempt runs after the commit (audited).

    Refused (``TrackingPushRefused``, nothing changed): a push already PUSHED (with its delivery
    marked or not due), an attempt running now, tracking push off or the store disconnected,
    a store that needs re-authorization first.
    """
    push = _locked(push.pk)
    now = timezone.now()
    if push.claimed_until is not None and push.claimed_until > now:
        raise TrackingPushRefused(_("an attempt is running: look again in a minute"))
    skip = _skip_reason(push.store)
    if skip:
        raise TrackingPushRefused(_("%(reason)s: it cannot be pushed") % {"reason": _(skip)})
    if push.store.status != StoreStatus.AUTHORIZED:
        raise TrackingPushRefused(_("authorize the store again first"))
    if push.status == TrackingPushStatus.PUSHED:
        if push.delivery not in (DeliveryMark.FAILED, DeliveryMark.DUE):
            raise TrackingPushRefused(_("this tracking is already on the store"))
        push.delivery, push.attempts = DeliveryMark.DUE, 0
    else:
        if push.status != TrackingPushStatus.PENDING:
            push.attempts = 0
        push.status = TrackingPushStatus.PENDING
    push.next_attempt_at = now
    push.save()
    _audit(push, "retry requested", actor=actor)
    on_commit_enqueue(RUN_TASK, push_id=push.pk)
    return push


# --- The sweep ----------------------------------------------------------------------------------


def parcels_without_push(*, since: datetime, limit: int = BATCH) -> QuerySet[Parcel]:
    """Parcels shipped since ``since`` (with a number) carrying more store orders than they
    have push rows: the ones the fast path missed."""
    return (
        Parcel.objects.filter(shipped_at__gte=since, orders__source=OrderSource.STORE)
        .exclude(tracking_number="")
        .annotate(
            store_orders=Count("orders__store_order", distinct=True),
            pushes=Count("store_tracking_pushes", distinct=True),
        )
        .filter(pushes__lt=F("store_orders"))
        .order_by("shipped_at", "pk")[:limit]
    )


def _due_pushes(now: datetime, *, parcel_id: int | None = None) -> list[int]:
    """Rows with something due that an attempt can act on. Rows that must wait — the store
    needs re-authorizing, or a delivery mark while tracking push is off — are left out, so
    they never fill a batch and starve the others."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    due = TrackingPush.objects.filter(
        free, next_attempt_at__lte=now, store__status=StoreStatus.AUTHORIZED
    ).filter(
        Q(status=TrackingPushStatus.PENDING)
        | Q(status=TrackingPushStatus.PUSHED, delivery=DeliveryMark.DUE, store__tracking_push=True)
    )
    if parcel_id is not None:
        due = due.filter(parcel_id=parcel_id)
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH])


def tracking_push_parcel(*, parcel_id: int, adapter: StoreAdapter | None = None) -> list[str]:
    """The fast path for one parcel that shipped or was delivered: record its push rows, then
    attempt the ones due; the outcomes, in row order."""
    tracking_pushes_record(parcel_id=parcel_id)
    return [
        tracking_push_attempt(push_id=pk, adapter=adapter)
        for pk in _due_pushes(timezone.now(), parcel_id=parcel_id)
    ]


def tracking_pushes_sweep(*, adapter: StoreAdapter | None = None) -> dict[str, int]:
    """The safety net and the retries: make the missing rows of parcels shipped in the last
    ``SWEEP_DAYS`` days, mark pushed rows of delivered parcels DUE, then attempt every due row
    (oldest first, ``BATCH`` at most); counts of what happened.

    Each row is handled in its own transactions, so one platform's failure leaves the others
    alone; an unexpected error on a row is logged, its claim expires and a later sweep retries.
    """
    now = timezone.now()
    counts = {"recorded": 0, "marked": 0}
    for parcel_id in parcels_without_push(since=now - timedelta(days=SWEEP_DAYS)).values_list(
        "pk", flat=True
    ):
        counts["recorded"] += len(tracking_pushes_record(parcel_id=parcel_id))
    counts["marked"] = TrackingPush.objects.filter(
        status=TrackingPushStatus.PUSHED,
        delivery=DeliveryMark.NONE,
        parcel__status=ParcelStatus.DELIVERED,
    ).update(delivery=DeliveryMark.DUE, next_attempt_at=now, updated_at=now)
    for push_id in _due_pushes(timezone.now()):  # rows made just now are due too
        try:
            outcome = tracking_push_attempt(push_id=push_id, adapter=adapter)
        except Exception:  # one row's surprise must not stop the others; its claim expires
            logger.exception("tracking push %s failed unexpectedly", push_id)
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
