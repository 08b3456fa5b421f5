"""Write side of logistics: shipping lines, rate-card CSV import/export, default lines,
tracking (register, record events, manual events) and the Sandbox carrier's journey."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount, User
from dropyard.catalog.choices import ShippingProperty
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.enqueue import on_commit_enqueue
from dropyard.core.text import counted

from . import csv_io
from .carriers import JourneyStep, adapter_for, is_sandbox, sandbox_journey
from .choices import (
    FINAL_TRACKING_STATUSES,
    FallbackPolicy,
    TrackingEventSource,
    TrackingStatus,
)
from .csv_io import RowError
from .exceptions import CountryNotFound, LogisticInvalid, ShippingLineInvalid, TrackingInvalid
from .models import (
    Carrier,
    DefaultShippingLine,
    RateCard,
    ShippingLine,
    Tracking,
    TrackingEvent,
    TrackingStatusChange,
)
from .selectors import country_code
from .tracking import tracking_number_clean, tracking_status_normalize, tracking_status_summary

# --- Shipping lines ----------------------------------------------------------------------------


def _clean_properties(values: Iterable[str]) -> list[str]:
    cleaned = sorted({str(v).strip().lower() for v in values if str(v).strip()})
    unknown = [v for v in cleaned if v not in ShippingProperty.values]
    if unknown:
        raise ShippingLineInvalid(
            _("Unknown product properties: %(unknown)s (allowed: %(allowed)s)")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(ShippingProperty.values)}
        )
    return cleaned


def _check_numbers(*, max_weight_g: int, volumetric_divisor: int) -> None:
    for name, value, minimum in (
        ("max_weight_g", max_weight_g, 0),
        ("volumetric_divisor", volumetric_divisor, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ShippingLineInvalid(
                _("%(name)s must be a whole number ≥ %(minimum)s")
                % {"name": name, "minimum": minimum}
            )


def _check_unique(*, code: str, name: str, exclude_pk: int | None = None) -> None:
    others = ShippingLine.objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.filter(code=code).exists():
        raise ShippingLineInvalid(
            _("A shipping line with code %(code)r already exists") % {"code": code}
        )
    if others.filter(name=name).exists():
        raise ShippingLineInvalid(
            _("A shipping line named %(name)r already exists") % {"name": name}
        )


@transaction.atomic
def shipping_line_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    carrier: Carrier,
    is_tracked: bool = True,
    allowed_properties: Iterable[str] = (),
    max_weight_g: int = 0,
    volumetric_divisor: int = 5000,
    is_active: bool = True,
) -> ShippingLine:
    """Create a line. Invariants: unique code and name; properties are ShippingProperty values;
    ``max_weight_g`` ≥ 0 (0 = no limit); ``volumetric_divisor`` ≥ 1."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ShippingLineInvalid(_("code and name are required"))
    properties = _clean_properties(allowed_properties)
    _check_numbers(max_weight_g=max_weight_g, volumetric_divisor=volumetric_divisor)
    _check_unique(code=code, name=name)
    line = ShippingLine.objects.create(
        code=code,
        name=name,
        carrier=carrier,
        is_tracked=is_tracked,
        allowed_properties=properties,
        max_weight_g=max_weight_g,
        volumetric_divisor=volumetric_divisor,
        is_active=is_active,
    )
    _line_audit(line, actor=actor, change="created")
    return line


def _line_audit(line: ShippingLine, *, actor: Actor, change: str, **details: Any) -> None:
    audit_record(
        action=AuditAction.SHIPPING_LINE_CHANGED,
        actor=actor,
        target=line,
        details={"change": change, "code": line.code, **details},
    )


_UNSET: Any = object()


@transaction.atomic
def shipping_line_update(
    *,
    line: ShippingLine,
    actor: Actor,
    name: str = _UNSET,
    carrier: Carrier = _UNSET,
    is_tracked: bool = _UNSET,
    allowed_properties: Iterable[str] = _UNSET,
    max_weight_g: int = _UNSET,
    volumetric_divisor: int = _UNSET,
) -> ShippingLine:
    """Change the given fields of a line (the code never changes); same rules as create."""
    given = {
        "name": name,
        "carrier": carrier,
        "is_tracked": is_tracked,
        "allowed_properties": allowed_properties,
        "max_weight_g": max_weight_g,
        "volumetric_divisor": volumetric_divisor,
    }
    line = ShippingLine.objects.select_for_update(of=("self",), no_key=True).get(pk=line.pk)
    if name is not _UNSET:
        line.name = name.strip()
        if not line.name:
            raise ShippingLineInvalid(_("name is required"))
    if carrier is not _UNSET:
        line.carrier = carrier
    if is_tracked is not _UNSET:
        line.is_tracked = bool(is_tracked)
    if allowed_properties is not _UNSET:
        line.allowed_properties = _clean_properties(allowed_properties)
    if max_weight_g is not _UNSET:
        line.max_weight_g = max_weight_g
    if volumetric_divisor is not _UNSET:
        line.volumetric_divisor = volumetric_divisor
    _check_numbers(max_weight_g=line.max_weight_g, volumetric_divisor=line.volumetric_divisor)
    _check_unique(code=line.code, name=line.name, exclude_pk=line.pk)
    line.save()
    fields = sorted(name for name, value in given.items() if value is not _UNSET)
    _line_audit(line, actor=actor, change="updated", fields=fields)
    return line


@transaction.atomic
def shipping_line_set_active(*, line: ShippingLine, actor: Actor, is_active: bool) -> ShippingLine:
    """Activate or deactivate a line; inactive lines are quoted as unavailable (INACTIVE)."""
    ShippingLine.objects.filter(pk=line.pk).update(is_active=bool(is_active))
    line.refresh_from_db()
    _line_audit(line, actor=actor, change="activated" if is_active else "deactivated")
    return line


# --- Rate cards --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What a CSV import did. ``ok`` is False when any row failed; then nothing was written."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if self.errors:
            return (
                f"{counted(len(self.errors), 'error')} in {counted(self.rows, 'row')}; "
                "nothing was imported"
            )
        return f"{counted(self.rows, 'row')}: {self.created} created, {self.updated} updated"


def rate_cards_import_csv(*, file: Any, actor: Actor) -> ImportResult:
    """Upsert rate cards from a CSV file (format in ``csv_io``), all or nothing.

    Every row is validated first and every problem reported (row number, column, message); if
    any row fails nothing is written. Cards are matched on (line, origin, dest, postcode prefix):
    existing ones are updated, the others created. Raises ``RateCardFileInvalid`` when the file
    cannot be read at all (over ``csv_io.MAX_FILE_BYTES``, not UTF-8, header lacks a column).
    A successful import is audited (``rate_cards.imported``, with the counts); a refused one
    writes nothing, not even an audit event.
    """
    parsed = csv_io.parse_file(csv_io.read_text(file))
    result = ImportResult(rows=len(parsed.rows) + len({e.row for e in parsed.errors}))
    lines = {
        line.code: line
        for line in ShippingLine.objects.filter(code__in={r.line_code for r in parsed.rows})
    }
    errors = list(parsed.errors)
    for row in parsed.rows:
        if row.line_code not in lines:
            errors.append(RowError(row.row, "line_code", f"unknown line {row.line_code!r}"))
    if errors:
        result.errors = sorted(errors, key=lambda e: (e.row, e.column))
        return result
    with transaction.atomic():
        result.created, result.updated = _upsert_cards(parsed.rows, lines)
        audit_record(
            action=AuditAction.RATE_CARDS_IMPORTED,
            actor=actor,
            target_label=getattr(file, "name", "") or "",
            details={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "lines": sorted(lines),
            },
        )
    return result


def _upsert_cards(rows: list[csv_io.ParsedRow], lines: dict[str, ShippingLine]) -> tuple[int, int]:
    existing = {
        (c.line_id, c.origin_country, c.dest_country, c.postcode_prefix): c
        for c in RateCard.objects.select_for_update(of=("self",), no_key=True).filter(
            line_id__in={line.pk for line in lines.values()},
            origin_country__in={r.fields["origin_country"] for r in rows},
            dest_country__in={r.fields["dest_country"] for r in rows},
        )
    }
    to_create, to_update = [], []
    for row in rows:
        line = lines[row.line_code]
        f = row.fields
        card = existing.get((line.pk, f["origin_country"], f["dest_country"], f["postcode_prefix"]))
        if card is None:
            to_create.append(RateCard(line=line, **f))
            continue
        for name, value in f.items():
            setattr(card, name, value)
        to_update.append(card)
    RateCard.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        RateCard.objects.bulk_update(to_update, fields=_UPDATE_FIELDS, batch_size=500)
    return len(to_create), len(to_update)


_UPDATE_FIELDS = [
    "pricing_mode",
    "first_weight_g",
    "first_price_minor",
    "step_weight_g",
    "step_price_minor",
    "bands",
    "handling_fee_minor",
    "remote_surcharge_minor",
    "remote_postcode_prefixes",
    "min_days",
    "max_days",
    "currency",
]


def rate_cards_export_csv(*, queryset: QuerySet[RateCard]) -> str:
    """The cards as CSV in the import format; importing it back changes nothing."""
    return csv_io.format_rate_cards(queryset)


# --- Default lines -----------------------------------------------------------------------------


@transaction.atomic
def default_line_set(
    *,
    merchant: MerchantAccount,
    dest_country: str,
    line: ShippingLine,
    fallback: str = FallbackPolicy.CHEAPEST,
    actor: Actor,
) -> DefaultShippingLine:
    """Set the merchant's default line for a destination and the fallback policy.

    Refused (``LogisticInvalid`` 1605001) when the line is inactive or has no rate card to that
    country from any origin; an unknown country is ``CountryNotFound`` (1605002). Audited as
    ``default_line.changed`` (under the merchant) with ``details.change = "set"``.
    """
    dest = country_code(dest_country)
    if fallback not in FallbackPolicy.values:
        raise LogisticInvalid(_("Unknown fallback policy %(policy)r") % {"policy": fallback})
    if not line.is_active:
        raise LogisticInvalid(_("%(line)s is not active") % {"line": line.name})
    if not RateCard.objects.filter(line=line, dest_country=dest).exists():
        raise LogisticInvalid(
            _("%(line)s has no rate to %(country)s from any origin")
            % {"line": line.name, "country": dest}
        )
    previous = _default_line_locked(merchant=merchant, dest_country=dest)
    try:
        with transaction.atomic():
            default, _created = DefaultShippingLine.objects.update_or_create(
                merchant=merchant, dest_country=dest, defaults={"line": line, "fallback": fallback}
            )
    except IntegrityError:  # a concurrent first set for the same country
        default = DefaultShippingLine.objects.get(merchant=merchant, dest_country=dest)
        default.line, default.fallback = line, fallback
        default.save(update_fields=["line", "fallback", "updated_at"])
    audit_record(
        action=AuditAction.DEFAULT_LINE_CHANGED,
        actor=actor,
        merchant=merchant,
        target=default,
        details={
            "change": "set",
            "dest_country": dest,
            "line": line.code,
            "fallback": fallback,
            "previous_line": previous.line.code if previous else None,
            "previous_fallback": previous.fallback if previous else None,
        },
    )
    return default


def _default_line_locked(
    *, merchant: MerchantAccount, dest_country: str
) -> DefaultShippingLine | None:
    return (
        DefaultShippingLine.objects.select_for_update(of=("self",))
        .select_related("line")
        .filter(merchant=merchant, dest_country=dest_country)
        .first()
    )


@transaction.atomic
def default_line_clear(*, merchant: MerchantAccount, dest_country: str, actor: Actor) -> bool:
    """Remove the merchant's default line for a destination; False if there was none.

    Audited (``default_line.changed`` under the merchant, ``details.change = "cleared"``).
    """
    dest = (dest_country or "").strip().upper()
    previous = _default_line_locked(merchant=merchant, dest_country=dest)
    if previous is None:
        return False
    audit_record(
        action=AuditAction.DEFAULT_LINE_CHANGED,
        actor=actor,
        merchant=merchant,
        target=previous,
        details={
            "change": "cleared",
            "dest_country": dest,
            "previous_line": previous.line.code,
            "previous_fallback": previous.fallback,
        },
    )
    previous.delete()
    return True


# --- Tracking ----------------------------------------------------------------------------------

SANDBOX_TICK_TASK = "dropyard.logistics.tasks.sandbox_carrier_tick"
MANUAL_EVENT_FUTURE_TOLERANCE = timedelta(minutes=5)  # clock skew between an operator and us


@dataclass(frozen=True)
class TrackingEventIn:
    """One event as a carrier (or an operator) reports it, before it is stored.

    ``status`` is a contract code 0–14 or the carrier's own word ("OutForDelivery"), normalised
    by ``tracking_status_normalize``. ``external_id`` identifies the event at its source:
    recording the same id twice for a tracking stores it once.
    """

    status: int | str
    activity: str
    event_time: datetime
    external_id: str
    city: str = ""
    country: str = ""
    source: str = TrackingEventSource.CARRIER


def _clean_event(event: TrackingEventIn) -> TrackingEvent:
    activity = " ".join(str(event.activity or "").split())
    if not activity:
        raise TrackingInvalid(_("Every tracking event needs an activity text"))
    external_id = str(event.external_id or "").strip()
    if not external_id or len(external_id) > 120:
        raise TrackingInvalid(
            _("Every tracking event needs an external id of at most 120 characters")
        )
    if not isinstance(event.event_time, datetime) or timezone.is_naive(event.event_time):
        raise TrackingInvalid(_("A tracking event's time must be a timezone-aware datetime"))
    if event.source not in TrackingEventSource.values:
        raise TrackingInvalid(
            _("Unknown tracking event source %(source)r") % {"source": event.source}
        )
    try:
        country = country_code(event.country) if (event.country or "").strip() else ""
    except CountryNotFound as exc:
        raise TrackingInvalid(
            _("Unknown country code %(country)r") % {"country": event.country}
        ) from exc
    return TrackingEvent(
        status=tracking_status_normalize(event.status),
        activity=activity[:255],
        location_city=" ".join(str(event.city or "").split())[:120],
        location_country=country,
        event_time=event.event_time,
        source=event.source,
        external_id=external_id,
    )


@transaction.atomic
def tracking_register(
    *,
    merchant: MerchantAccount,
    carrier: Carrier,
    tracking_number: str,
    logistic_name: str,
    reference: str,
    origin_country: str,
    dest_country: str,
    dest_city: str,
    origin_city: str = "",
) -> Tracking:
    """Start following ``tracking_number`` of ``carrier`` for ``merchant``'s shipment.

    Idempotent on (carrier, tracking number): registering it again returns the existing row
    unchanged. A number already registered for another merchant is refused (``TrackingInvalid``)
    and nothing changes. For a carrier whose adapter schedules its own events (the Sandbox
    carrier) the first tick is enqueued once the transaction commits, only on creation.
    Numbers are stored canonical (``tracking_number_clean``: trimmed, upper case).
    """
    number = tracking_number_clean(tracking_number)
    if not number:
        raise TrackingInvalid(
            _("%(number)r is not a tracking number (4–64 letters, digits or dashes)")
            % {"number": tracking_number}
        )
    try:
        origin, dest = country_code(origin_country), country_code(dest_country)
    except CountryNotFound as exc:
        raise TrackingInvalid(exc.message) from exc
    existing = (
        Tracking.objects.select_for_update(of=("self",), no_key=True)
        .filter(carrier=carrier, tracking_number=number)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                tracking = Tracking.objects.create(
                    carrier=carrier,
                    tracking_number=number,
                    merchant=merchant,
                    logistic_name=(logistic_name or "").strip()[:120],
                    reference=(reference or "").strip()[:64],
                    origin_country=origin,
                    origin_city=(origin_city or "").strip()[:120],
                    dest_country=dest,
                    dest_city=(dest_city or "").strip()[:120],
                    status_text=tracking_status_summary(TrackingStatus.NO_INFO),
                )
        except IntegrityError:  # registered concurrently by another request: use that one
            existing = Tracking.objects.get(carrier=carrier, tracking_number=number)
        else:
            adapter = adapter_for(carrier)
            if adapter is not None and adapter.schedules_events:
                on_commit_enqueue(SANDBOX_TICK_TASK, tracking_id=tracking.pk, step=0)
            return tracking
    if existing.merchant_id != merchant.pk:
        raise TrackingInvalid(
            _("Tracking number %(number)s is already used by another shipment") % {"number": number}
        )
    return existing


def _tracking_lock(pk: int) -> Tracking | None:
    return (
        Tracking.objects.select_for_update(of=("self",), no_key=True)
        .select_related("carrier")
        .filter(pk=pk)
        .first()
    )


@transaction.atomic
def tracking_events_record(
    *, tracking: Tracking, events: Iterable[TrackingEventIn], actor: Actor = None
) -> int:
    """Store the events of ``events`` not stored yet; return how many were new.

    Invariants: an event whose ``external_id`` the tracking already has is skipped (so
    re-recording is a no-op); afterwards the tracking's ``status``, ``status_text`` and
    ``last_event_at`` are those of its latest event (event time, then insertion order), and
    ``delivered_at`` is set from the first DELIVERED (12) event. When the status changed, one
    ``TrackingStatusChange`` row is written in the same transaction (the outbox that
    fulfillment's ``tracking_changes_follow`` task applies). A malformed event refuses the whole
    batch (``TrackingInvalid``) and nothing changes.
    """
    cleaned = [_clean_event(event) for event in events]
    locked = _tracking_lock(tracking.pk)
    if locked is None:
        raise TrackingInvalid(_("Tracking not found"))
    ids = {event.external_id for event in cleaned}
    known = set(locked.events.filter(external_id__in=ids).values_list("external_id", flat=True))
    new: list[TrackingEvent] = []
    for event in cleaned:
        if event.external_id in known:
            continue
        known.add(event.external_id)
        event.tracking = locked
        event.actor = actor if isinstance(actor, User) and actor.is_authenticated else None
        new.append(event)
    if new:
        TrackingEvent.objects.bulk_create(new)
        _tracking_refresh(locked)
    tracking.refresh_from_db()
    return len(new)


def _tracking_refresh(tracking: Tracking) -> None:
    """Derive the tracking's status fields from its events (inside the caller's transaction)."""
    old_status = tracking.status
    latest = tracking.events.order_by("-event_time", "-pk").first()
    status = TrackingStatus(latest.status) if latest else TrackingStatus.NO_INFO
    tracking.status = status
    tracking.status_text = tracking_status_summary(status)
    tracking.last_event_at = latest.event_time if latest else None
    if tracking.delivered_at is None:
        delivered = (
            tracking.events.filter(status=TrackingStatus.DELIVERED)
            .order_by("event_time", "pk")
            .first()
        )
        tracking.delivered_at = delivered.event_time if delivered else None
    tracking.save(
        update_fields=["status", "status_text", "last_event_at", "delivered_at", "updated_at"]
    )
    if status != old_status:
        TrackingStatusChange.objects.create(
            tracking=tracking, old_status=int(old_status), new_status=int(status)
        )


def tracking_change_claim(*, change_id: int) -> TrackingStatusChange | None:
    """The pending status change ``change_id``, its row locked for the caller's transaction;
    None when it is gone or already applied (so a replay does nothing)."""
    return (
        TrackingStatusChange.objects.select_for_update(of=("self",))
        .select_related("tracking__carrier")
        .filter(pk=change_id, applied_at__isnull=True)
        .first()
    )


def tracking_change_mark_applied(*, change: TrackingStatusChange) -> None:
    """Record that the apps above have followed ``change`` (inside the transaction that claimed
    it with ``tracking_change_claim``)."""
    change.applied_at = timezone.now()
    change.save(update_fields=["applied_at"])


@transaction.atomic
def tracking_manual_event(
    *,
    tracking: Tracking,
    actor: Actor,
    status: int,
    activity: str,
    city: str = "",
    country: str = "",
    event_time: datetime | None = None,
    request: Any = None,
) -> TrackingEvent:
    """An operator records a checkpoint by hand (e.g. a carrier's phone call); audited.

    Invariants: ``status`` is a contract code 0–14; the time is not in the future (a few
    minutes of clock skew allowed) and defaults to now; the event only carries a city and a
    country (it is shown on the public tracking page). Audit: TRACKING_CHANGED.
    """
    if isinstance(status, bool) or not isinstance(status, int) or not 0 <= status <= 14:
        raise TrackingInvalid(_("Status must be a tracking status code from 0 to 14"))
    now = timezone.now()
    when = event_time or now
    if timezone.is_naive(when):
        raise TrackingInvalid(_("The event time must carry a time zone"))
    if when > now + MANUAL_EVENT_FUTURE_TOLERANCE:
        raise TrackingInvalid(_("The event time cannot be in the future"))
    old_status = Tracking.objects.filter(pk=tracking.pk).values_list("status", flat=True).first()
    external_id = f"manual:{uuid.uuid4().hex}"
    tracking_events_record(
        tracking=tracking,
        actor=actor,
        events=[
            TrackingEventIn(
                status=status,
                activity=activity,
                event_time=when,
                external_id=external_id,
                city=city,
                country=country,
                source=TrackingEventSource.MANUAL,
            )
        ],
    )
    event = tracking.events.get(external_id=external_id)
    audit_record(
        action=AuditAction.TRACKING_CHANGED,
        actor=actor,
        merchant=tracking.merchant,
        target=tracking,
        details={
            "event_id": event.pk,
            "status": status,
            "activity": event.activity,
            "city": event.location_city,
            "country": event.location_country,
            "event_time": event.event_time.isoformat(),
            "old_status": old_status,
            "new_status": tracking.status,
        },
        request=request,
    )
    return event


# --- The Sandbox carrier's clock ---------------------------------------------------------------


def sandbox_tracking_journey(tracking: Tracking) -> list[JourneyStep]:
    """The scripted journey of a Sandbox tracking (pure: same tracking → same steps)."""
    return sandbox_journey(
        tracking_number=tracking.tracking_number,
        origin_country=tracking.origin_country,
        origin_city=tracking.origin_city,
        dest_country=tracking.dest_country,
        dest_city=tracking.dest_city,
    )


def _sandbox_event(step: int, scripted: JourneyStep, when: datetime) -> TrackingEventIn:
    return TrackingEventIn(
        status=int(scripted.status),
        activity=scripted.activity,
        event_time=when,
        external_id=f"sandbox:{step}",
        city=scripted.city,
        country=scripted.country,
        source=TrackingEventSource.SANDBOX,
    )


@transaction.atomic
def sandbox_tracking_advance(*, tracking_id: int, step: int) -> int | None:
    """Record step ``step`` of a Sandbox tracking's journey; return the next step to schedule.

    Safe to run twice: the event's external id (``sandbox:<step>``) makes the second recording a
    no-op, and the next step is handed out once (``sandbox_step`` moves from ``step`` to
    ``step + 1`` with a conditional update), so a repeated tick schedules nothing. Returns None
    at the end of the journey, at a final status (also one an operator recorded), for an
    unknown tracking, a step out of range or a tracking of another carrier.
    """
    tracking = _tracking_lock(tracking_id)
    if tracking is None or not is_sandbox(tracking.carrier):
        return None
    journey = sandbox_tracking_journey(tracking)
    if not 0 <= step < len(journey) or tracking.status in FINAL_TRACKING_STATUSES:
        return None
    tracking_events_record(
        tracking=tracking, events=[_sandbox_event(step, journey[step], timezone.now())]
    )
    if step + 1 >= len(journey) or tracking.status in FINAL_TRACKING_STATUSES:
        return None
    claimed = Tracking.objects.filter(pk=tracking.pk, sandbox_step=step).update(
        sandbox_step=step + 1
    )
    return step + 1 if claimed else None


@transaction.atomic
def sandbox_tracking_complete(*, tracking: Tracking) -> int:
    """Play the rest of a Sandbox tracking's journey now (demo and end-to-end tests).

    Records every step not recorded yet, timed now in journey order, and marks the journey as
    fully scheduled so pending ticks record nothing more. Returns how many events were new
    (0 when the tracking already reached a final status).
    Refuses trackings of other carriers (``TrackingInvalid``).
    """
    locked = _tracking_lock(tracking.pk)
    if locked is None or not is_sandbox(locked.carrier):
        raise TrackingInvalid(_("Only Sandbox carrier trackings can be advanced"))
    if locked.status in FINAL_TRACKING_STATUSES:
        return 0
    journey = sandbox_tracking_journey(locked)
    now = timezone.now()
    events = [
        _sandbox_event(step, scripted, now + timedelta(microseconds=step))
        for step, scripted in enumerate(journey)
    ]
    created = tracking_events_record(tracking=locked, events=events)
    Tracking.objects.filter(pk=locked.pk).update(sandbox_step=len(journey))
    tracking.refresh_from_db()
    return created


@transaction.atomic
def tracking_play_to_delivery(*, tracking: Tracking, city: str = "") -> bool:
    """Deliver ``tracking`` now (the sandbox ``updateStatus`` 600): a Sandbox tracking whose
    journey ends delivered plays the rest of it (``sandbox_tracking_complete``); otherwise the
    journey up to a scripted exception (Sandbox) and then one DELIVERED event in ``city``.
    False, and nothing recorded, when the tracking is gone or delivered already.

    The tracking row is locked before anything is timed, so every event played here is
    stamped after the tracking's latest one, a Sandbox tick's included (a tick locks the same
    row): the delivery is the latest event and the tracking ends DELIVERED.
    """
    locked = _tracking_lock(tracking.pk)
    if locked is None or locked.status == TrackingStatus.DELIVERED:
        return False
    journey = sandbox_tracking_journey(locked) if is_sandbox(locked.carrier) else []
    if journey and int(journey[-1].status) == TrackingStatus.DELIVERED:
        sandbox_tracking_complete(tracking=locked)
        return True
    now = timezone.now()
    if locked.last_event_at is not None and locked.last_event_at >= now:
        now = locked.last_event_at
    events = []
    for step, scripted in enumerate(journey):
        if int(scripted.status) in (TrackingStatus.EXCEPTION, TrackingStatus.RETURNED):
            break
        events.append(_sandbox_event(step, scripted, now + timedelta(microseconds=step + 1)))
    events.append(
        TrackingEventIn(
            status=int(TrackingStatus.DELIVERED),
            activity="Delivered (sandbox updateStatus 600)",
            event_time=now + timedelta(microseconds=len(events) + 1),
            external_id="sandbox:updateStatus:600",
            city=city,
            country=locked.dest_country,
            source=TrackingEventSource.SANDBOX,
        )
    )
    tracking_events_record(tracking=locked, events=events)
    return True
