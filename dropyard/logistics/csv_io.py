"""Rate-card CSV format: parse and validate rows (no writes), and format cards back to CSV.

One row per rate card, header row first, UTF-8 (a BOM is accepted), comma-separated:

    line_code, origin_country, dest_country, postcode_prefix, pricing_mode, first_weight_g,
    first_price, step_weight_g, step_price, bands, handling_fee, remote_surcharge,
    remote_postcode_prefixes, min_days, max_days

Prices are USD decimal strings ("4.50", at most 2 decimals) stored as minor units;
``bands`` is ``max_g:price`` pairs joined by ``|`` ("500:4.50|1000:6.00"), ascending;
``remote_postcode_prefixes`` is prefixes joined by ``|`` ("SW1|BT"). Row numbers in errors are
the file's line numbers (the header is row 1, the first card row 2).
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from dropyard.core.money import Money

from .choices import PricingMode
from .exceptions import RateCardFileInvalid
from .models import RateCard
from .rules import normalize_postcode

COLUMNS: tuple[str, ...] = (
    "line_code",
    "origin_country",
    "dest_country",
    "postcode_prefix",
    "pricing_mode",
    "first_weight_g",
    "first_price",
    "step_weight_g",
    "step_price",
    "bands",
    "handling_fee",
    "remote_surcharge",
    "remote_postcode_prefixes",
    "min_days",
    "max_days",
)
MAX_FILE_BYTES = 5 * 1024 * 1024
CURRENCY = "USD"
_POSTCODE_PREFIX_MAX = 10
_MAX_INT = 2**31 - 1
_MAX_DAYS = 365
_MAX_PRICE = Decimal(10) ** 12  # USD; far above any parcel price


@dataclass(frozen=True)
class RowError:
    """One problem in the file: row (file line number), column (or "" for the row), message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ParsedRow:
    """A valid row: the route key and the RateCard field values (``line_code`` not yet an id)."""

    row: int
    line_code: str
    fields: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, str, str]:
        f = self.fields
        return (self.line_code, f["origin_country"], f["dest_country"], f["postcode_prefix"])


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_text(file: Any) -> str:
    """The file's text: bytes, str, or a file-like object (Django uploads included).

    Raises ``RateCardFileInvalid`` when it is larger than ``MAX_FILE_BYTES`` or not UTF-8.
    """
    if isinstance(file, str):
        data: bytes | str = file
    elif isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_FILE_BYTES:
            raise RateCardFileInvalid(_too_large())
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise RateCardFileInvalid(_too_large())
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RateCardFileInvalid(
            _(
                "The file is not UTF-8 text (bad byte at position %(position)s); "
                "save it as CSV UTF-8 and try again"
            )
            % {"position": exc.start}
        ) from exc


def _too_large() -> str:
    return _("The file is larger than %(mb)s MB") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}


class _RowParser:
    """Collects every error of one row instead of stopping at the first."""

    def __init__(self, row_number: int, raw: dict[str, str]):
        self.row = row_number
        self.raw = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def text(self, column: str) -> str:
        return self.raw.get(column, "")

    def country(self, column: str) -> str:
        value = self.text(column).upper()
        if not value:
            self.error(column, "is required")
        elif len(value) != 2 or value not in countries:
            self.error(column, f"unknown country code {value!r}")
        return value

    def integer(self, column: str, *, required: bool = True) -> int:
        value = self.text(column)
        if not value:
            if required:
                self.error(column, "is required")
            return 0
        if not value.isdigit():
            self.error(column, f"must be a whole number ≥ 0, got {value!r}")
            return 0
        number = int(value)
        if number > _MAX_INT:
            self.error(column, f"is too large ({value})")
            return 0
        return number

    def price(self, column: str, value: str | None = None, *, required: bool = False) -> int:
        value = self.text(column) if value is None else value
        if not value:
            if required:
                self.error(column, "is required")
            return 0
        return price_minor(value, on_error=lambda message: self.error(column, message))


def price_minor(value: str, *, on_error: Any) -> int:
    """Minor units of a decimal price string; reports (via ``on_error``) and returns 0 if bad."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        on_error(f"must be a decimal amount like 4.50, got {value!r}")
        return 0
    if not amount.is_finite() or amount < 0:
        on_error(f"must be a decimal amount ≥ 0, got {value!r}")
        return 0
    if amount.as_tuple().exponent < -2:
        on_error(f"has more than 2 decimal places: {value!r}")
        return 0
    if amount > _MAX_PRICE:
        on_error(f"is too large ({value})")
        return 0
    return Money.from_decimal(amount, CURRENCY).amount_minor


def _parse_bands(parser: _RowParser) -> list[dict[str, int]]:
    value = parser.text("bands")
    bands: list[dict[str, int]] = []
    if not value:
        return bands
    for part in value.split("|"):
        weight, sep, price = part.strip().partition(":")
        weight = weight.strip()
        if not sep or not weight.isdigit() or int(weight) < 1 or int(weight) > _MAX_INT:
            parser.error("bands", f"each band is max_g:price, e.g. 500:4.50; got {part!r}")
            return []
        errors_before = len(parser.errors)
        minor = parser.price("bands", price.strip(), required=True)
        if len(parser.errors) > errors_before:
            return []
        bands.append({"max_g": int(weight), "price_minor": minor})
    if any(a["max_g"] >= b["max_g"] for a, b in zip(bands, bands[1:], strict=False)):
        parser.error("bands", "max_g must be strictly ascending")
        return []
    return bands


def _prefixes(value: str) -> list[str]:
    return [p for p in (normalize_postcode(part) for part in value.split("|")) if p]


def parse_row(row_number: int, raw: dict[str, str]) -> tuple[ParsedRow | None, list[RowError]]:
    """Validate one CSV row; every problem is reported, not only the first."""
    p = _RowParser(row_number, raw)
    line_code = p.text("line_code")
    if not line_code:
        p.error("line_code", "is required")
    origin = p.country("origin_country")
    dest = p.country("dest_country")
    prefix = normalize_postcode(p.text("postcode_prefix"))
    if len(prefix) > _POSTCODE_PREFIX_MAX:
        p.error("postcode_prefix", f"is longer than {_POSTCODE_PREFIX_MAX} characters")
    mode = p.text("pricing_mode").lower() or PricingMode.FIRST_ADDITIONAL
    if mode not in PricingMode.values:
        p.error("pricing_mode", f"must be one of {', '.join(PricingMode.values)}, got {mode!r}")
    first_weight = p.integer("first_weight_g", required=False)
    first_price = p.price("first_price")
    step_weight = p.integer("step_weight_g", required=False)
    step_price = p.price("step_price")
    bands = _parse_bands(p)
    if mode == PricingMode.BANDS and not bands and not any(e.column == "bands" for e in p.errors):
        p.error("bands", "is required when pricing_mode is bands")
    if mode == PricingMode.FIRST_ADDITIONAL and step_weight == 0 and step_price:
        p.error("step_weight_g", "must be > 0 when step_price is set")
    min_days = p.integer("min_days")
    max_days = p.integer("max_days")
    if min_days > max_days:
        p.error("max_days", f"must be ≥ min_days ({min_days})")
    for column, days in (("min_days", min_days), ("max_days", max_days)):
        if days > _MAX_DAYS:
            p.error(column, f"must be at most {_MAX_DAYS}")
    fields = {
        "origin_country": origin,
        "dest_country": dest,
        "postcode_prefix": prefix,
        "pricing_mode": mode,
        "first_weight_g": first_weight,
        "first_price_minor": first_price,
        "step_weight_g": step_weight,
        "step_price_minor": step_price,
        "bands": bands,
        "handling_fee_minor": p.price("handling_fee"),
        "remote_surcharge_minor": p.price("remote_surcharge"),
        "remote_postcode_prefixes": _prefixes(p.text("remote_postcode_prefixes")),
        "min_days": min_days,
        "max_days": max_days,
        "currency": CURRENCY,
    }
    if p.errors:
        return None, p.errors
    return ParsedRow(row=row_number, line_code=line_code, fields=fields), []


def parse_file(text: str) -> ParsedFile:
    """Validate every row of a rate-card CSV; duplicate routes in one file are errors too.

    Raises ``RateCardFileInvalid`` when the header lacks a column or the file has no rows.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RateCardFileInvalid(
            ngettext(
                "The header row lacks the column: %(columns)s",
                "The header row lacks the columns: %(columns)s",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    parsed = ParsedFile()
    seen: dict[tuple[str, str, str, str], int] = {}
    try:
        for raw in reader:
            row_number = reader.line_num
            if not any((v or "").strip() for k, v in raw.items() if k is not None):
                continue  # blank line
            if None in raw:
                parsed.errors.append(RowError(row_number, "", "has more cells than the header"))
                continue
            row, errors = parse_row(row_number, raw)
            parsed.errors.extend(errors)
            if row is None:
                continue
            if row.key in seen:
                parsed.errors.append(
                    RowError(row_number, "", f"duplicates the route of row {seen[row.key]}")
                )
                continue
            seen[row.key] = row_number
            parsed.rows.append(row)
    except csv.Error as exc:
        raise RateCardFileInvalid(
            _("The file is not valid CSV: %(error)s") % {"error": exc}
        ) from exc
    if not parsed.rows and not parsed.errors:
        raise RateCardFileInvalid(_("The file has no rate-card rows"))
    return parsed


def _price(minor: int) -> str:
    return Money(minor, CURRENCY).wire()


def format_rate_cards(queryset: QuerySet[RateCard]) -> str:
    """The cards as CSV in the import format (``parse_file`` reads it back unchanged)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for card in queryset.select_related("line").order_by(
        "line__code", "origin_country", "dest_country", "postcode_prefix"
    ):
        bands = "|".join(f"{b['max_g']}:{_price(int(b['price_minor']))}" for b in card.bands or ())
        writer.writerow(
            [
                card.line.code,
                card.origin_country,
                card.dest_country,
                card.postcode_prefix,
                card.pricing_mode,
                card.first_weight_g,
                _price(card.first_price_minor),
                card.step_weight_g,
                _price(card.step_price_minor),
                bands,
                _price(card.handling_fee_minor),
                _price(card.remote_surcharge_minor),
                "|".join(card.remote_postcode_prefixes or ()),
                card.min_days,
                card.max_days,
            ]
        )
    return out.getvalue()
