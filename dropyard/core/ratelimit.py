"""Fixed-window rate limiting shared by every process (counters live in the database)."""

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateLimitCounter


def ratelimit_hit(*, key: str, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one request for ``key``; return False (and count nothing) if the window is full.

    Atomic across processes: the count only moves through a conditional ``UPDATE … WHERE count <
    limit``; the first request of a window inserts the row, and a concurrent insert that loses the
    unique-constraint race falls back to the conditional update.
    """
    if limit <= 0:
        return False
    current = time.time() if now is None else now
    window = int(current // window_seconds)
    rows = RateLimitCounter.objects.filter(key=key, window_start=window, count__lt=limit)
    if rows.update(count=F("count") + 1):
        return True
    if RateLimitCounter.objects.filter(key=key, window_start=window).exists():
        return False
    try:
        with transaction.atomic():
            RateLimitCounter.objects.create(key=key, window_start=window, count=1)
    except IntegrityError:
        return bool(rows.update(count=F("count") + 1))
    # A new window began for this key: drop its old windows so the table stays small.
    RateLimitCounter.objects.filter(key=key, window_start__lt=window).delete()
    return True
