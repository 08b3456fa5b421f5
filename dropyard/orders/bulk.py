"""Fast multi-row INSERT for the order intake batch path (CSV import, the 100,000-order bench).

``QuerySet.bulk_create`` spends most of its time compiling values field by field (about 20 µs
per value on this machine), which caps order intake far below 500 orders/s. ``fast_insert``
writes plain rows (dicts of attname → value) with multi-row INSERT statements: defaults,
``auto_now`` stamps and database preparation (JSON, datetimes, enums) are applied the same way
the ORM would, but only where a field needs it. Rows are never model instances, so no
``Model.__init__`` either. Callers that need primary keys read them back by a unique column
(order ``code``, parcel ``code``, line ``line_item_id``).

On PostgreSQL the rows go through ``COPY … FROM STDIN``.

No signals, no ``save()``: fine here because Dropyard models have no ``save()`` side effects
(house style §2.4). Database checks and unique constraints still apply.
"""

import enum
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connection, models
from django.utils import timezone

from dropyard.core.ids import new_public_id


def new_public_ids(count: int) -> list[str]:
    """``count`` distinct ``core.ids.new_public_id`` values. That id has 22 random bits per
    millisecond, so thousands made in one millisecond collide now and then (birthday bound);
    duplicates are drawn again here so one batch never trips a unique constraint on its own."""
    seen: set[str] = set()
    ids: list[str] = []
    while len(ids) < count:
        value = new_public_id()
        if value not in seen:
            seen.add(value)
            ids.append(value)
    return ids


@cache
def _plan(model: type[models.Model]) -> tuple[str, list[tuple[str, Any, Callable | None]]]:
    """SQL and, per column, (attname, field, converter or None)."""
    columns = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.AutoField):
            continue
        needs_prep = isinstance(
            field, (models.JSONField, models.DateTimeField, models.DateField, models.DecimalField)
        )
        columns.append((field.attname, field, field.get_db_prep_save if needs_prep else None))
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for _a, field, _c in columns)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "
    return sql, columns


# Bound parameters per statement: below SQLite's 32,766 and PostgreSQL's 65,535.
MAX_PARAMS = 30_000
MAX_ROWS = 500


def fast_insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (attname → value; missing fields take their default, ``auto_now`` /
    ``auto_now_add`` fields the current time) into ``model``'s table. Caller holds the
    transaction. IntegrityError propagates like any INSERT's."""
    if not rows:
        return
    sql, columns = _plan(model)
    now = timezone.now()
    params = []
    for row in rows:
        values = []
        for attname, field, convert in columns:
            if attname in row:
                value = row[attname]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            if isinstance(value, enum.Enum):
                value = value.value
            if convert is not None:
                value = convert(value, connection)
            values.append(value)
        params.append(values)
    if connection.vendor == "postgresql":
        _copy(model, columns, params)
        return
    # SQLite: one multi-row VALUES statement per batch.
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_batch = max(1, min(MAX_ROWS, MAX_PARAMS // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(params), per_batch):
            batch = params[start : start + per_batch]
            cursor.execute(
                sql + ", ".join([row_marks] * len(batch)),
                [value for values in batch for value in values],
            )


def _copy(model: type[models.Model], columns: list, params: list[list[Any]]) -> None:
    """PostgreSQL: COPY … FROM STDIN (psycopg 3), the fastest bulk path; a multi-row VALUES
    statement spends most of its time in psycopg's client-side placeholder parsing."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for _a, field, _c in columns)
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    # The raw psycopg cursor bypasses Django's error translation: wrap it, so a unique
    # violation is django.db.IntegrityError like any other INSERT's.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for values in params:
            copy.write_row(values)
