"""Orders as CSV: the import layout and parser (per-row errors), the import run, and the export.

Import layout (one row per order line; header row required, column order free, header names
case-insensitive and spaces / underscores / dashes ignored, so ``orderNumber`` and
``Order Number`` both mean ``order_number``):

======================  ========  =========================================================
column                  required  meaning
======================  ========  =========================================================
order_number            yes       your order number; rows sharing it form ONE order
customer_name           yes       recipient
phone                             recipient phone
email                             recipient e-mail
country_code            yes       ISO 3166-1 alpha-2 (US, DE, …)
province                          state / province (required for some countries, e.g. US)
city                    yes
zip                               postcode (required and shape-checked where known)
address                 yes       street line
address2                          second address line
house_number
sku / vid               one       the variant, by SKU or by variant id
quantity                yes       whole number 1-10000
remark, tax_id, ioss_type, ioss_number, store_name, shipping_line  (optional order fields)
======================  ========  =========================================================

Multi-line orders: every row with the same ``order_number`` is one line of that order; the
order fields (address, remark, …) come from its first row, and a later row may leave them blank
but may not contradict them. An order is all or nothing: if any of its rows is broken, none of
its lines import and every broken row is reported with its CSV line number (the header is line
1; a quoted value spanning lines counts from the line the record starts on).

Idempotency: ``order_number`` is unique per merchant, so importing the same file twice creates
nothing the second time; those orders are reported as "already imported", not as failures.
"""

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation

from dropyard.core import services as core_services
from dropyard.core.errors import DomainError
from dropyard.core.job_items import job_item_keys, job_items_record
from dropyard.core.models import Job
from dropyard.core.money import Money
from dropyard.core.text import formula_safe

from . import services
from .choices import OrderSource
from .exceptions import ORDER_DUPLICATE
from .models import Order
from .status_labels import order_status_label

# --- Layout --------------------------------------------------------------------------------------

# CSV column → ``order_create`` keyword (order-level fields).
ORDER_COLUMNS: dict[str, str] = {
    "order_number": "order_number",
    "customer_name": "shipping_customer_name",
    "phone": "shipping_phone",
    "email": "email",
    "country_code": "shipping_country_code",
    "province": "shipping_province",
    "city": "shipping_city",
    "zip": "shipping_zip",
    "address": "shipping_address",
    "address2": "shipping_address2",
    "house_number": "house_number",
    "remark": "remark",
    "tax_id": "tax_id",
    "ioss_type": "ioss_type",
    "ioss_number": "ioss_number",
    "store_name": "store_name",
    "shipping_line": "requested_logistic_name",
}
LINE_COLUMNS = ("sku", "vid", "quantity")
COLUMNS: tuple[str, ...] = (
    "order_number",
    "customer_name",
    "phone",
    "email",
    "country_code",
    "province",
    "city",
    "zip",
    "address",
    "address2",
    "house_number",
    "sku",
    "vid",
    "quantity",
    "remark",
    "tax_id",
    "ioss_type",
    "ioss_number",
    "store_name",
    "shipping_line",
)
REQUIRED_COLUMNS = ("order_number", "customer_name", "country_code", "city", "address", "quantity")
EXAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {
        "order_number": "SHOP-1001",
        "customer_name": "Jane Doe",
        "phone": "+1 213 555 0100",
        "email": "jane@example.com",
        "country_code": "US",
        "province": "CA",
        "city": "Los Angeles",
        "zip": "90001",
        "address": "1 Main Street",
        "sku": "YOUR-SKU-1",
        "quantity": "2",
        "remark": "gift wrap",
    },
    {"order_number": "SHOP-1001", "sku": "YOUR-SKU-2", "quantity": "1"},
)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_QUANTITY = 10_000
IMPORT_KIND = "orders_csv_import"
IMPORT_TASK = "dropyard.orders.tasks.orders_csv_import"
IMPORT_CHUNK = 250  # orders per batch call: progress is reported after each (fixed costs per call)
# Field names in service errors → the CSV column to name in the report.
_FIELD_TO_COLUMN = {v: k for k, v in ORDER_COLUMNS.items()}


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]", "", str(name or "")).lower()


_HEADER_ALIASES = {_norm(c): c for c in COLUMNS}


def template_csv() -> str:
    """The downloadable template: the header and two example rows (one order, two lines)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in EXAMPLE_ROWS:
        writer.writerow(row)
    return out.getvalue()


# --- Parsing (pure: no database) -----------------------------------------------------------------


@dataclass
class RowError:
    """One reported problem: the CSV line, the order number (if known) and why."""

    line: int
    order_number: str
    reason: str


@dataclass
class ParsedOrder:
    """The rows of one order number: an ``orders_create_batch`` item and its CSV lines."""

    order_number: str
    lines: list[int]
    item: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ParseResult:
    """A parsed file: ``orders`` (good and bad, in first-seen order) and file-level errors."""

    orders: list[ParsedOrder]
    file_errors: list[RowError]
    rows: int = 0

    @property
    def good(self) -> list[ParsedOrder]:
        return [o for o in self.orders if not o.errors]

    @property
    def bad(self) -> list[ParsedOrder]:
        return [o for o in self.orders if o.errors]


class FileRefused(ValueError):
    """The file as a whole cannot be read (not UTF-8, no header, missing columns, too big)."""


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); ``FileRefused`` for other encodings."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"the file is not UTF-8 text (byte {exc.start + 1}); save it as CSV UTF-8"
        ) from None


def _columns(names: list[str]) -> str:
    return "column" if len(names) == 1 else "columns"


def _header(raw: list[str]) -> list[str]:
    names = [_HEADER_ALIASES.get(_norm(h), "") for h in raw]
    unknown = [h for h, n in zip(raw, names, strict=True) if not n and h.strip()]
    if unknown:
        raise FileRefused(
            f"unknown {_columns(unknown)}: " + ", ".join(unknown) + "; use the template's columns"
        )
    seen = [n for n in names if n]
    doubled = sorted({n for n in seen if seen.count(n) > 1})
    if doubled:
        raise FileRefused(f"{_columns(doubled)} given twice: " + ", ".join(doubled))
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if not ("sku" in seen or "vid" in seen):
        missing.append("sku or vid")
    if missing:
        raise FileRefused(f"missing {_columns(missing)}: " + ", ".join(missing))
    return names


def _records(text: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """``(start line, cells, error)`` per CSV record; malformed quoting is an error record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, f"malformed CSV: {exc}"
            start = reader.line_num + 1
            continue
        yield start, cells, ""
        start = reader.line_num + 1


def _quantity(value: str) -> tuple[int | None, str]:
    text = value.strip()
    if not text:
        return None, "quantity is required"
    if not re.fullmatch(r"\d+", text):
        return None, f"quantity {text!r} is not a whole number"
    number = int(text)
    if not 1 <= number <= MAX_QUANTITY:
        return None, f"quantity must be between 1 and {MAX_QUANTITY}"
    return number, ""


def parse(text: str) -> ParseResult:
    """Parse CSV text into order items grouped by order number, with per-row errors.

    Checks here (no database): header, malformed records, wrong cell count, missing order
    number / variant / quantity, bad quantity, a later row contradicting its order's fields.
    Address, variant and duplicate checks are the services' (``orders_create_batch``).
    ``FileRefused`` when the file cannot be read at all.
    """
    records = _records(text)
    first = next(records, None)
    if first is None or first[1] is None or not any(c.strip() for c in first[1]):
        raise FileRefused("the file is empty or has no header row")
    names = _header(first[1])
    orders: dict[str, ParsedOrder] = {}
    file_errors: list[RowError] = []
    rows = 0
    for line, cells, error in records:
        if cells is not None and not any(c.strip() for c in cells):
            continue  # blank lines are ignored
        rows += 1
        if rows > MAX_ROWS:
            raise FileRefused(f"at most {MAX_ROWS} rows per file; split the file")
        if cells is None:
            file_errors.append(RowError(line, "", error))
            continue
        if len(cells) != len(names):
            reason = f"expected {len(names)} values, found {len(cells)} (check commas and quotes)"
            at = names.index("order_number")
            number = cells[at].strip() if at < len(cells) else ""
            _row_error(orders, file_errors, line, number, reason)
            continue
        row = {n: c.strip() for n, c in zip(names, cells, strict=True) if n}
        number = row.get("order_number", "")
        if not number:
            file_errors.append(RowError(line, "", "order_number is required"))
            continue
        order = orders.get(number)
        if order is None:
            order = orders[number] = ParsedOrder(number, [], _order_item(row))
        order.lines.append(line)
        problems = []
        if order.lines[0] != line:
            problems += _conflicts(order.item, row)
        sku, vid = row.get("sku", ""), row.get("vid", "")
        quantity, message = _quantity(row.get("quantity", ""))
        if message:
            problems.append(message)
        if not sku and not vid:
            problems.append("sku or vid is required")
        if problems:
            order.errors.append(RowError(line, number, "; ".join(problems)))
            continue
        entry: dict[str, Any] = {"vid": vid} if vid else {"sku": sku}
        order.item["lines"].append({**entry, "quantity": quantity})
        order.item.setdefault("_line_of", []).append(line)
    return ParseResult(orders=list(orders.values()), file_errors=file_errors, rows=rows)


def _row_error(
    orders: dict[str, ParsedOrder], file_errors: list[RowError], line: int, number: str, why: str
) -> None:
    if number and number in orders:
        orders[number].lines.append(line)
        orders[number].errors.append(RowError(line, number, why))
    elif number:
        orders[number] = ParsedOrder(number, [line], {"order_number": number, "lines": []})
        orders[number].errors.append(RowError(line, number, why))
    else:
        file_errors.append(RowError(line, "", why))


def _order_item(row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"lines": []}
    for column, kwarg in ORDER_COLUMNS.items():
        value = row.get(column, "")
        if kwarg == "ioss_type":
            if value:
                item[kwarg] = value  # the service checks it (1, 2 or 3)
        elif kwarg == "shipping_country_code":
            item[kwarg] = value.upper()
        else:
            item[kwarg] = value
    return item


def _conflicts(item: dict[str, Any], row: dict[str, str]) -> list[str]:
    out = []
    for column, kwarg in ORDER_COLUMNS.items():
        value = row.get(column, "")
        if column == "country_code":
            value = value.upper()
        if value and column != "order_number" and str(item.get(kwarg) or "") != value:
            out.append(f"{column} differs from this order's first row")
    return out


# --- Import run ----------------------------------------------------------------------------------


def import_dir() -> Path:
    return Path(settings.DATA_DIR) / "order-imports"


def upload_relative_path(job_id: int) -> str:
    return f"order-imports/{job_id}.csv"


def report_relative_path(job_id: int) -> str:
    return f"order-imports/{job_id}-errors.csv"


def summary_relative_path(job_id: int) -> str:
    return f"order-imports/{job_id}-summary.json"


@dataclass
class ImportSummary:
    """What an import did: counts and the per-row error report (JSON on disk, per job)."""

    rows: int = 0
    orders: int = 0
    imported: int = 0
    duplicates: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # [{line, order_number, reason}]
    duplicate_numbers: list[str] = field(default_factory=list)
    file_error: str = ""


def _reason(exc: DomainError, item: dict[str, Any]) -> str:
    errors = (exc.extra or {}).get("errors") if exc.extra else None
    if isinstance(errors, dict) and errors:
        return "; ".join(f"{_FIELD_TO_COLUMN.get(k, k)}: {v}" for k, v in errors.items())
    message = exc.message
    match = re.match(r"products\[(\d+)\]", message)
    if match:  # name the column, the row is reported by line
        message = message.replace(match.group(0), "line", 1)
    return message


def _error_line(exc: DomainError, parsed: ParsedOrder) -> int:
    """The CSV line an error is about: the line of the named product, else the first row."""
    match = re.match(r"products\[(\d+)\]", exc.message)
    line_of = parsed.item.get("_line_of") or parsed.lines
    if match and int(match.group(1)) < len(line_of):
        return line_of[int(match.group(1))]
    text = exc.message
    for index, entry in enumerate(parsed.item.get("lines") or ()):
        key = entry.get("vid") or entry.get("sku")
        if key and f" {key} " in f" {text} " and index < len(line_of):
            return line_of[index]
    return parsed.lines[0]


def import_run(*, job_id: int) -> Job | None:
    """Run the CSV import of job ``job_id``: parse the uploaded file, create the good orders
    through ``orders_create_batch`` in chunks (progress after each), write the summary (JSON)
    and the per-row error report (CSV, the job's result file).

    Idempotent and truthful on a re-run (its worker died and another runs it again): nothing
    is created twice, the orders this job created in an earlier run count as imported and every
    other existing number as "already imported", so imported + already imported + failed is
    the file's order count however many runs it took. Which orders are the job's own is known
    exactly: each chunk's created numbers are recorded (``job_items_record``) in the chunk's
    own transaction. None when the job is gone.
    """
    job = core_services.job_start(job_id=job_id)
    if job is None:
        return None
    summary = ImportSummary()
    source = Path(settings.DATA_DIR) / upload_relative_path(job.pk)
    try:
        parsed = parse(decode(source.read_bytes()))
    except (FileRefused, OSError) as exc:
        summary.file_error = str(exc) if isinstance(exc, FileRefused) else "upload file missing"
        summary.errors.append({"line": 0, "order_number": "", "reason": summary.file_error})
        _write_reports(job.pk, summary)
        core_services.job_finish(
            job_id=job.pk, succeeded=False, log_line=f"Refused: {summary.file_error}"
        )
        return job
    summary.rows, summary.orders = parsed.rows, len(parsed.orders)
    summary.errors += [asdict(e) for e in parsed.file_errors]
    for bad in parsed.bad:
        summary.failed += 1
        summary.errors += [asdict(e) for e in bad.errors]
    good = parsed.good
    total = len(good)
    core_services.job_progress(
        job_id=job.pk,
        done=0,
        total=total,
        log_line=f"Read {parsed.rows} rows: {len(parsed.orders)} orders, {total} to import",
    )
    mine = job_item_keys(job_id=job.pk)  # created by earlier runs of this job
    actor = job.created_by
    done = 0
    for start in range(0, total, IMPORT_CHUNK):
        chunk = good[start : start + IMPORT_CHUNK]
        items = [{k: v for k, v in p.item.items() if not k.startswith("_")} for p in chunk]
        with transaction.atomic():  # the orders and the record that this job made them
            results = services.orders_create_batch(
                merchant=job.merchant, actor=actor, items=items, source=OrderSource.CSV
            )
            job_items_record(
                job_id=job.pk,
                keys=[p.order_number for p, r in zip(chunk, results, strict=True) if r.ok],
            )
        for parsed_order, result in zip(chunk, results, strict=True):
            if result.ok:
                summary.imported += 1
            elif result.error is not None and result.error.code == ORDER_DUPLICATE:
                if parsed_order.order_number in mine:
                    summary.imported += 1  # created by an earlier run of this job
                else:
                    summary.duplicates += 1
                    summary.duplicate_numbers.append(parsed_order.order_number)
            else:
                summary.failed += 1
                summary.errors.append(
                    {
                        "line": _error_line(result.error, parsed_order),
                        "order_number": parsed_order.order_number,
                        "reason": _reason(result.error, parsed_order.item),
                    }
                )
        done += len(chunk)
        core_services.job_progress(
            job_id=job.pk, done=done, log_line=f"Processed {done} of {total} orders"
        )
    summary.errors.sort(key=lambda e: (e["line"], e["order_number"]))
    _write_reports(job.pk, summary)
    core_services.job_finish(
        job_id=job.pk,
        succeeded=True,
        result_file=report_relative_path(job.pk),
        log_line=(
            f"Finished: {summary.imported} imported, {summary.duplicates} already imported, "
            f"{summary.failed} failed"
        ),
    )
    job.refresh_from_db()
    return job


def _write_atomic(relative: str, text: str) -> None:
    target = Path(settings.DATA_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)


def error_report_csv(errors: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["line", "order_number", "reason"])
    for error in errors:
        writer.writerow(
            [error["line"], formula_safe(error["order_number"]), formula_safe(error["reason"])]
        )
    return out.getvalue()


def _write_reports(job_id: int, summary: ImportSummary) -> None:
    _write_atomic(report_relative_path(job_id), error_report_csv(summary.errors))
    _write_atomic(summary_relative_path(job_id), json.dumps(asdict(summary)))


def import_summary(job: Any) -> ImportSummary | None:
    """The summary a finished import job wrote, or None (still running, or never written)."""
    path = Path(settings.DATA_DIR) / summary_relative_path(job.pk)
    try:
        return ImportSummary(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


# --- Export --------------------------------------------------------------------------------------

EXPORT_HEADER = [
    "order_number",
    "code",
    "order_id",
    "status",
    "sub_status",
    "status_label",
    "status_detail",
    "created_at",
    "source",
    "store_name",
    "customer_name",
    "country_code",
    "city",
    "lines",
    "product_amount",
    "freight_amount",
    "total_amount",
    "currency",
    "shipping_line",
    "logistics_miss",
]


def _amount(minor: int, currency: str) -> str:
    return Money(int(minor), currency or "USD").wire()


def export_row(order: Order) -> list[str]:
    """One order as an export row (cells neutralised against spreadsheet formulas); the status
    both as the contract's codes and in the words of the order pages (``status_labels``)."""
    with translation.override("en"):  # CSV is for tools: English in any page language
        label = order_status_label(order.status, order.sub_status)
        label_text, detail_text = str(label.label), str(label.detail)
    lines = "; ".join(f"{line.variant.sku} x {line.quantity}" for line in order.lines.all())
    miss = "; ".join(r.get("message", "") for r in order.intercept_reasons or ())
    return [
        formula_safe(v)
        for v in (
            order.order_number,
            order.code,
            order.public_id,
            order.status,
            order.sub_status,
            label_text,
            detail_text,
            order.created_at.isoformat(),
            order.source,
            order.store_name,
            order.shipping_customer_name,
            order.shipping_country_code,
            order.shipping_city,
            lines,
            _amount(order.product_amount_minor, order.currency),
            _amount(order.postage_amount_minor, order.currency),
            _amount(order.total_amount_minor, order.currency),
            order.currency,
            order.line.name if order.line_id else "",
            miss if order.logistics_miss else "",
        )
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_stream(orders: QuerySet[Order]) -> Iterator[str]:
    """The CSV text of ``orders``, one row at a time (for a streamed response)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff"  # spreadsheet apps read the file as UTF-8 with the mark
    yield writer.writerow(EXPORT_HEADER)
    for order in orders.iterator(chunk_size=500):
        yield writer.writerow(export_row(order))


def store_upload(*, job: Job, chunks: Iterable[bytes]) -> str:
    """Save an uploaded file for ``job`` (called in the transaction that creates the job, so a
    failed write leaves no job behind); record nothing else. Returns the relative path."""
    relative = upload_relative_path(job.pk)
    target = Path(settings.DATA_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    return relative
