"""Rate limits shared by every process: the state lives in the database (SQLite or PostgreSQL).

Two forms, each answering a ``RateDecision`` (what the ``X-RateLimit-*`` and ``Retry-After``
headers say):

- ``bucket_take``: a token bucket (GCRA). ``rate`` requests per ``period_seconds`` sustained,
  with up to ``burst`` admitted at once when the client has been quiet. One row per key holds the
  theoretical arrival time (TAT); a request is one conditional ``UPDATE … RETURNING``, atomic
  across processes with no lock held beyond that statement.
- ``window_take``: a rolling window, at most ``limit`` passes in any ``window_seconds`` (the
  token endpoints: getAccessToken once per 5 minutes). One row per key holds the recent pass
  times, changed by compare-and-set.

A refused request is not counted in either form. ``clock`` is the time source (seconds since the
epoch); tests replace it with ``monkeypatch.setattr(ratelimit, "clock", …)``.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from .models import RateLimitBucket, RateLimitWindow

clock: Callable[[], float] = time.time

MICROS = 1_000_000
CAS_ATTEMPTS = 20  # compare-and-set retries; each failure means another process just passed


@dataclass(frozen=True)
class RateDecision:
    """One request's answer from a limiter.

    ``limit``: requests the limiter admits at once (the bucket's burst, the window's limit);
    ``remaining``: requests that would pass right now after this one; ``reset_seconds``: whole
    seconds until ``remaining`` is back to ``limit``; ``retry_after``: whole seconds (≥ 1) until
    a refused request would pass, 0 when this one passed.
    """

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    retry_after: int = 0


def _ceil_seconds(micros: int) -> int:
    return max(0, math.ceil(micros / MICROS))


def _now_us(now: float | None) -> int:
    return int(round((clock() if now is None else now) * MICROS))


def _gcra_update(*, key: str, now_us: int, interval_us: int, tolerance_us: int) -> int | None:
    """Take one token from ``key``'s bucket: its new TAT, or None if refused or no row yet."""
    quote = connection.ops.quote_name
    table, key_column = quote(RateLimitBucket._meta.db_table), quote("key")
    # One statement, so it is atomic on both databases (RETURNING: SQLite ≥ 3.35, PostgreSQL).
    sql = (
        f"UPDATE {table} SET tat_us = "  # noqa: S608 - the table name is ours, values are params
        "CASE WHEN tat_us > %s THEN tat_us ELSE %s END + %s "
        f"WHERE {key_column} = %s AND tat_us <= %s RETURNING tat_us"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now_us, now_us, interval_us, key, now_us + tolerance_us])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def bucket_take(
    *, key: str, rate: int, burst: int, period_seconds: float = 1, now: float | None = None
) -> RateDecision:
    """Admit one request for ``key`` if its bucket has a token (GCRA), else refuse it.

    Sustained: ``rate`` per ``period_seconds``; at once: ``max(burst, 1)``. Invariant: in any
    stretch of ``t`` seconds at most ``burst + rate * t / period_seconds`` requests pass.
    """
    burst = max(int(burst), 1)
    if rate <= 0:
        return RateDecision(allowed=False, limit=0, remaining=0, reset_seconds=0, retry_after=1)
    now_us = _now_us(now)
    # Rounded down: a rate that does not divide a second (6/s) must still refill ``rate``
    # tokens per period, never one fewer; the error is under a microsecond per request.
    interval_us = max(1, int(period_seconds * MICROS) // rate)
    tolerance_us = (burst - 1) * interval_us
    tat = _gcra_update(key=key, now_us=now_us, interval_us=interval_us, tolerance_us=tolerance_us)
    if tat is None and not RateLimitBucket.objects.filter(key=key).exists():
        try:
            with transaction.atomic():
                tat = now_us + interval_us
                RateLimitBucket.objects.create(key=key, tat_us=tat)
        except IntegrityError:  # another process created it first: take from that bucket
            tat = _gcra_update(
                key=key, now_us=now_us, interval_us=interval_us, tolerance_us=tolerance_us
            )
    if tat is not None:
        return RateDecision(
            allowed=True,
            limit=burst,
            remaining=max(0, (now_us + burst * interval_us - tat) // interval_us),
            reset_seconds=_ceil_seconds(tat - now_us),
        )
    current = RateLimitBucket.objects.filter(key=key).values_list("tat_us", flat=True).first()
    current = now_us if current is None else current
    return RateDecision(
        allowed=False,
        limit=burst,
        remaining=0,
        reset_seconds=_ceil_seconds(current - now_us),
        retry_after=max(1, _ceil_seconds(current - tolerance_us - now_us)),
    )


def bucket_give_back(*, key: str, rate: int, period_seconds: float = 1) -> None:
    """Return the token an admitting ``bucket_take`` on ``key`` just took (the call was then
    refused by another limiter, so it must cost nothing): the TAT moves back the one interval
    that take added (GCRA is additive, so other takes in between do not matter)."""
    if rate <= 0:
        return
    interval_us = max(1, int(period_seconds * MICROS) // rate)
    RateLimitBucket.objects.filter(key=key).update(tat_us=F("tat_us") - interval_us)


def bucket_peek(
    *, key: str, rate: int, burst: int, period_seconds: float = 1, now: float | None = None
) -> RateDecision:
    """What ``bucket_take`` would report about ``key``'s bucket now, without taking a token
    (``allowed``: a request would pass). For the headers of answers no limiter counted."""
    burst = max(int(burst), 1)
    if rate <= 0:
        return RateDecision(allowed=False, limit=0, remaining=0, reset_seconds=0, retry_after=1)
    now_us = _now_us(now)
    interval_us = max(1, int(period_seconds * MICROS) // rate)
    stored = RateLimitBucket.objects.filter(key=key).values_list("tat_us", flat=True).first()
    tat = max(now_us if stored is None else stored, now_us)
    remaining = max(0, (now_us + burst * interval_us - tat) // interval_us)
    return RateDecision(
        allowed=remaining > 0,
        limit=burst,
        remaining=remaining,
        reset_seconds=_ceil_seconds(tat - now_us),
    )


def _passes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def window_take(
    *, key: str, limit: int, window_seconds: float, now: float | None = None
) -> RateDecision:
    """Admit one request for ``key`` if fewer than ``limit`` passed in the last
    ``window_seconds`` (a rolling window, not clock-aligned), else refuse it.

    Invariant: no ``window_seconds``-long stretch ever holds more than ``limit`` passes; a
    refused request's ``retry_after`` is when the oldest counted pass leaves the window.
    """
    if limit <= 0:
        return RateDecision(allowed=False, limit=0, remaining=0, reset_seconds=0, retry_after=1)
    now_us = _now_us(now)
    window_us = int(round(window_seconds * MICROS))
    for _ in range(CAS_ATTEMPTS):
        stored = RateLimitWindow.objects.filter(key=key).values_list("passes_us", flat=True).first()
        live = [p for p in _passes(stored or "") if p > now_us - window_us]
        if len(live) >= limit:
            oldest = live[-limit]
            return RateDecision(
                allowed=False,
                limit=limit,
                remaining=0,
                reset_seconds=_ceil_seconds(live[-1] + window_us - now_us),
                retry_after=max(1, _ceil_seconds(oldest + window_us - now_us)),
            )
        new = ",".join(str(p) for p in [*live, now_us][-limit:])
        if stored is None:
            try:
                with transaction.atomic():
                    RateLimitWindow.objects.create(key=key, passes_us=new)
            except IntegrityError:
                continue  # another process created it first: read again
        elif not RateLimitWindow.objects.filter(key=key, passes_us=stored).update(passes_us=new):
            continue  # another process passed in between: read again
        return RateDecision(
            allowed=True,
            limit=limit,
            remaining=limit - len(live) - 1,
            reset_seconds=_ceil_seconds(window_us),
        )
    return RateDecision(allowed=False, limit=limit, remaining=0, reset_seconds=1, retry_after=1)


def ratelimit_prune(*, now: float | None = None) -> int:
    """Delete the buckets that are full again (TAT in the past): such a row answers exactly as
    no row does, so this only keeps the table to the clients seen lately (per-IP keys would
    otherwise pile up). Returns how many were deleted. Safe beside concurrent requests: a
    request that just moved a TAT into the future no longer matches the delete."""
    deleted, _ = RateLimitBucket.objects.filter(tat_us__lt=_now_us(now)).delete()
    return deleted
