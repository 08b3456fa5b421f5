"""Write side of logistics: shipping lines, rate-card CSV import/export, default lines."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from dropyard.catalog.choices import ShippingProperty
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from . import csv_io
from .choices import FallbackPolicy
from .csv_io import RowError
from .exceptions import LogisticInvalid, ShippingLineInvalid
from .models import Carrier, DefaultShippingLine, RateCard, ShippingLine
from .selectors import country_code

# --- Shipping lines ----------------------------------------------------------------------------


def _clean_properties(values: Iterable[str]) -> list[str]:
    cleaned = sorted({str(v).strip().lower() for v in values if str(v).strip()})
    unknown = [v for v in cleaned if v not in ShippingProperty.values]
    if unknown:
        raise ShippingLineInvalid(
            f"Unknown product properties: {', '.join(unknown)} "
            f"(allowed: {', '.join(ShippingProperty.values)})"
        )
    return cleaned


def _check_numbers(*, max_weight_g: int, volumetric_divisor: int) -> None:
    for name, value, minimum in (
        ("max_weight_g", max_weight_g, 0),
        ("volumetric_divisor", volumetric_divisor, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ShippingLineInvalid(f"{name} must be a whole number ≥ {minimum}")


def _check_unique(*, code: str, name: str, exclude_pk: int | None = None) -> None:
    others = ShippingLine.objects.exclude(pk=exclude_pk)
    if others.filter(code=code).exists():
        raise ShippingLineInvalid(f"A shipping line with code {code!r} already exists")
    if others.filter(name=name).exists():
        raise ShippingLineInvalid(f"A shipping line named {name!r} already exists")


@transaction.atomic
def shipping_line_create(
    *,
    actor: Any,
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
        raise ShippingLineInvalid("code and name are required")
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


def _line_audit(line: ShippingLine, *, actor: Any, change: str, **details: Any) -> None:
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
    actor: Any,
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
    line = ShippingLine.objects.select_for_update().get(pk=line.pk)
    if name is not _UNSET:
        line.name = name.strip()
        if not line.name:
            raise ShippingLineInvalid("name is required")
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
def shipping_line_set_active(*, line: ShippingLine, actor: Any, is_active: bool) -> ShippingLine:
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
            return f"{len(self.errors)} error(s) in {self.rows} row(s); nothing was imported"
        return f"{self.rows} row(s): {self.created} created, {self.updated} updated"


def rate_cards_import_csv(*, file: Any, actor: Any) -> ImportResult:
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
        for c in RateCard.objects.select_for_update().filter(
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
    merchant: Any,
    dest_country: str,
    line: ShippingLine,
    fallback: str = FallbackPolicy.CHEAPEST,
    actor: Any,
) -> DefaultShippingLine:
    """Set the merchant's default line for a destination and the fallback policy.

    Refused (``LogisticInvalid`` 1605001) when the line is inactive or has no rate card to that
    country from any origin; an unknown country is ``CountryNotFound`` (1605002). Audited as
    ``default_line.changed`` (under the merchant) with ``details.change = "set"``.
    """
    dest = country_code(dest_country)
    if fallback not in FallbackPolicy.values:
        raise LogisticInvalid(f"Unknown fallback policy {fallback!r}")
    if not line.is_active:
        raise LogisticInvalid(f"{line.name} is not active")
    if not RateCard.objects.filter(line=line, dest_country=dest).exists():
        raise LogisticInvalid(f"{line.name} has no rate to {dest} from any origin")
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


def _default_line_locked(*, merchant: Any, dest_country: str) -> DefaultShippingLine | None:
    return (
        DefaultShippingLine.objects.select_for_update()
        .select_related("line")
        .filter(merchant=merchant, dest_country=dest_country)
        .first()
    )


@transaction.atomic
def default_line_clear(*, merchant: Any, dest_country: str, actor: Any) -> bool:
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
